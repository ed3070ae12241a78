//! `hookwarden serve`: keep rules loaded for this user's hook calls.

use crate::resident::{
    self, protocol,
    server::{BindError, ServeOptions, Server},
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
}

pub fn run(args: ServeArgs) -> i32 {
    let Some(socket) = args.socket.or_else(resident::socket_path) else {
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
    };
    // The socket first: a server that loses the race to it stops before
    // it starts an engine.
    let (listener, claim) = match Server::bind(&socket, !args.on_demand) {
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
