//! `hookwarden serve`: keep rules loaded for this user's hook calls.

use crate::resident::{
    self, protocol,
    server::{BindError, Kind, ServeOptions, Server},
};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tracing::{error, info};

/// How long a server started by a hook call stays up without a call.
pub const ON_DEMAND_IDLE_EXIT: Duration = Duration::from_secs(15 * 60);

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// The socket to listen on. Default: $HOOKWARDEN_SOCKET, else
    /// $XDG_RUNTIME_DIR/hookwarden/serve-<build>.sock, else
    /// /tmp/hookwarden-<uid>/serve-<build>.sock, which is where hook calls
    /// of this build look.
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// Stop after this many seconds without a hook call. Default: never,
    /// or 15 minutes with --on-demand.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_exit: Option<u64>,
    /// Started by a hook call that found no server (`server = "on-demand"`,
    /// the default): exit quietly if another server has the socket, and
    /// make way when a hook of another hookwarden build asks.
    #[arg(long)]
    pub on_demand: bool,
    /// The build of the hook that started this server: a server of another
    /// build could not judge its calls, so it does not start.
    #[arg(long, value_name = "BUILD", hide = true)]
    pub for_build: Option<String>,
    /// Serve every local user as a system server (run as root or a service
    /// account; see examples/systemd/hookwarden.service): listen on the
    /// `system_socket` of the requirements (default /run/hookwarden/serve.sock)
    /// and judge only with those requirements.
    #[arg(long, conflicts_with = "on_demand")]
    pub system: bool,
    /// The requirements file a system server judges with (default
    /// /etc/codex/requirements.toml, or the built-in defaults without it).
    #[arg(long, value_name = "PATH", requires = "system")]
    pub requirements: Option<PathBuf>,
}

pub fn run(args: ServeArgs) -> i32 {
    let kind = if args.system {
        match system_kind(args.requirements.as_deref()) {
            Ok(kind) => kind,
            Err(e) => {
                error!("{e}");
                return 2;
            }
        }
    } else {
        Kind::User
    };
    let socket = match (&kind, args.socket) {
        (_, Some(socket)) => Some(socket),
        (Kind::System { requirements, .. }, None) => {
            let config = hookwarden_config::load(requirements.as_deref())
                .map(|l| l.config)
                .unwrap_or_default();
            Some(resident::system_socket_path(&config))
        }
        (Kind::User, None) => resident::user_socket_path(),
    };
    let Some(socket) = socket else {
        error!(
            "{}=none turns the server off; pass --socket to serve anyway",
            resident::SOCKET_ENV
        );
        return 2;
    };
    if let Some(wanted) = &args.for_build
        && *wanted != protocol::build_id()
    {
        // Exits before taking the lock: the hook that started it sees a
        // start that never came up and backs off.
        error!(
            "not serving: the hook that started me is another hookwarden build \
             ({wanted}; I am {}); install hookwarden and hookwarden-hook from the same build",
            protocol::build_id()
        );
        return 1;
    }
    let options = ServeOptions {
        idle_exit: args
            .idle_exit
            .map(Duration::from_secs)
            .or(args.on_demand.then_some(ON_DEMAND_IDLE_EXIT)),
        on_demand: args.on_demand,
        kind: kind.clone(),
    };
    // The socket first: a server that loses the race to it stops before
    // it starts an engine.
    let (listener, claim) = match Server::bind(&socket, !args.on_demand, args.system) {
        Ok(bound) => bound,
        Err(BindError::Taken(why)) if args.on_demand => {
            info!("{why}; not starting another");
            return 0;
        }
        Err(e) => {
            error!("{e}");
            return 1;
        }
    };
    let server = match Server::new(options) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            error!("cannot start the wasm engine: {e:#}");
            return 1;
        }
    };
    info!(
        socket = %socket.display(),
        pid = std::process::id(),
        on_demand = args.on_demand,
        system = args.system,
        "serving hook calls"
    );
    match server.serve(listener, claim) {
        Ok(()) => 0,
        Err(e) => {
            error!("stopped serving on {}: {e}", socket.display());
            1
        }
    }
}

/// A system server's kind: its requirements, and the trust its own binary
/// and requirements allow (root alone, unless they are weak; then it says
/// so and still trusts root alone).
fn system_kind(requirements: Option<&std::path::Path>) -> Result<Kind, String> {
    let loaded = hookwarden_config::load(requirements)
        .map_err(|e| format!("not serving: cannot use the configuration: {e}"))?;
    let file = match &loaded.source {
        hookwarden_config::ConfigSource::File(p) => Some(p.clone()),
        hookwarden_config::ConfigSource::BuiltinDefault { .. } => None,
    };
    let binary = hookwarden_trust::running_binary();
    let assessment = hookwarden_trust::assess(binary.as_deref(), file.as_deref());
    for w in &assessment.weaknesses {
        error!("{w}: anyone who can change it can switch hookwarden off");
    }
    Ok(Kind::System {
        requirements: requirements.map(std::path::Path::to_owned),
        trust: hookwarden_trust::Trust::managed(),
    })
}
