//! Where a hook call is judged: by a server this call may trust, within a
//! share of its deadline, else by the call itself (`hookwarden hook`), or
//! by `hookwarden hook` beside a `hookwarden-hook`, which has no engine.

use crate::resident::client::{self, AskError, Endpoint};
use crate::resident::{self, protocol, start::Started};
use hookwarden_config::{HookwardenConfig, ServerUse};
use hookwarden_event::RuleOutcome;
use hookwarden_trust::{Scope, Trust};
use std::io::{Seek, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tracing::{debug, info, warn};

/// The program a `hookwarden-hook` hands its calls to when no server judges
/// them, looked up beside itself.
pub const ENGINE_PROGRAM: &str = "hookwarden";

/// Set by a `hookwarden-hook` that hands a call over: how many µs of the
/// call had passed, so that the deadline stays the one the call started with.
pub const HANDED_OFF_AFTER_ENV: &str = "HOOKWARDEN_HANDED_OFF_AFTER_US";

/// How much of the time left a server gets, in percent. A server that has
/// not answered by then leaves the rest to the call, which judges itself
/// (a served call takes about a millisecond; in-process, a few).
pub const SERVER_SHARE_PERCENT: u32 = 40;

/// A server this call may ask, connected.
pub struct Connected {
    pub stream: UnixStream,
    pub endpoint: Endpoint,
}

/// Connect to the server this call may trust, if one listens: in a managed
/// installation the system server; where the installation trusts the
/// user's own state (user scope, or root), the user's own server, started
/// for the calls after this one if none runs (`server = "on-demand"`).
/// Never waits: a server that cannot take the connection at once is passed.
pub fn connect(
    config: &HookwardenConfig,
    trust: Trust,
    can_start: Option<PathBuf>,
) -> Option<Connected> {
    if !config.server.asks() {
        return None;
    }
    if trust.scope() == Scope::Managed {
        let endpoint = Endpoint::System(resident::system_socket_path(config));
        match client::connect(&endpoint) {
            Ok(stream) => return Some(Connected { stream, endpoint }),
            Err(AskError::NoServer) => {}
            Err(e) => warn!("{e}; judging without it"),
        }
    }
    if !trust.trusts_own_state() {
        debug!("a managed installation does not ask your own server (you could replace it)");
        return None;
    }
    let endpoint = Endpoint::User(resident::user_socket_path()?);
    match client::connect(&endpoint) {
        Ok(stream) => Some(Connected { stream, endpoint }),
        Err(AskError::NoServer) => {
            if config.server == ServerUse::OnDemand
                && let Some(program) = can_start
            {
                start_server(endpoint.socket(), &program);
            }
            None
        }
        Err(e) => {
            warn!("{e}; judging without it");
            None
        }
    }
}

/// Start a user's server on `socket` for the calls after this one; this
/// call goes on without it, whatever happens.
fn start_server(socket: &std::path::Path, program: &std::path::Path) {
    let _span = tracing::debug_span!("start server").entered();
    match resident::start::start(socket, program) {
        Ok(Started::Spawned(pid)) => {
            info!(pid, socket = %socket.display(), "no server was running; started one for the next calls");
        }
        Ok(Started::AlreadyStarting) => debug!("a server is starting"),
        Ok(Started::BackingOff { log }) => warn!(
            "a server started less than {} s ago is not listening; see {}",
            resident::start::RESTART_BACKOFF.as_secs(),
            log.display()
        ),
        Err(e) => warn!(
            "{e}; not starting a server on {} (calls run their rules themselves)",
            socket.display()
        ),
    }
}

/// The server's judgement of `request`, if it gives one within its share
/// of the time left before `deadline`; `None`: the call judges itself.
pub fn ask(
    connected: &Connected,
    request: &protocol::Request,
    deadline: Instant,
) -> Option<Vec<Option<RuleOutcome>>> {
    let _span = tracing::debug_span!("server").entered();
    let now = Instant::now();
    let share = deadline.saturating_duration_since(now) * SERVER_SHARE_PERCENT / 100;
    match client::ask(&connected.stream, request, now + share) {
        Ok(judged) => {
            debug!(server = %connected.endpoint, "judged by the server");
            Some(judged)
        }
        Err(e) => {
            warn!("{}: {e}; judging this call without it", connected.endpoint);
            None
        }
    }
}

/// When the call began: `started`, or earlier by the time a
/// `hookwarden-hook` spent before handing it to this process.
pub fn call_started(started: Instant) -> Instant {
    std::env::var(HANDED_OFF_AFTER_ENV)
        .ok()
        .and_then(|us| us.parse::<u64>().ok())
        // A call is never older than an hour; anything else is not ours.
        .filter(|&us| us <= 3_600_000_000)
        .and_then(|us| started.checked_sub(Duration::from_micros(us)))
        .unwrap_or(started)
}

/// The program that runs rules: this one (`has_engine`), or `hookwarden`
/// beside this `hookwarden-hook`.
pub fn engine_program(has_engine: bool) -> Result<PathBuf, String> {
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find this program's path to run {ENGINE_PROGRAM}: {e}"))?;
    Ok(if has_engine {
        exe
    } else {
        exe.with_file_name(ENGINE_PROGRAM)
    })
}

/// Replace this process with `hookwarden hook` from beside this program,
/// with the same arguments, this call's deadline, and the payload on its
/// stdin: `payload` if it was read, else this process's stdin, untouched.
/// Returns only if that fails, with what went wrong.
pub fn hand_off(args: Vec<std::ffi::OsString>, payload: Option<&[u8]>, started: Instant) -> String {
    use std::os::unix::process::CommandExt;
    let engine = match engine_program(false) {
        Ok(engine) => engine,
        Err(e) => return e,
    };
    let mut command = std::process::Command::new(&engine);
    command
        .arg("hook")
        .args(args.into_iter().skip(1))
        // This program has asked already.
        .env(resident::SOCKET_ENV, "none")
        .env(
            HANDED_OFF_AFTER_ENV,
            started.elapsed().as_micros().to_string(),
        );
    if let Some(payload) = payload {
        let file = tempfile::tempfile().and_then(|mut f| {
            f.write_all(payload)?;
            f.rewind()?;
            Ok(f)
        });
        match file {
            Ok(f) => {
                command.stdin(f);
            }
            Err(e) => return format!("cannot keep the payload for {}: {e}", engine.display()),
        }
    }
    debug!(engine = %engine.display(), "no server judged the call; handing it over");
    let e = command.exec();
    format!(
        "cannot hand the call to {} (it runs the rules when no server does; \
         install it beside this program): {e}",
        engine.display()
    )
}
