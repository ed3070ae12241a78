//! A resident rule server: `hookwarden serve` keeps rules loaded between
//! hook calls, and a hook call hands it the prepared event.
//!
//! Every agent tool call starts a fresh `hookwarden hook`, and most of that
//! process's time goes into loading rule artifacts and warming up: a process
//! that stays up loads each rule once. The split keeps the hook in charge:
//!
//! - the **hook** parses the payload, loads the configuration, resolves
//!   every fact from the file system ([`crate::prepare::prepare`]), owns the
//!   deadline and renders the answer, exactly as without a server; it takes
//!   a server's verdicts only if there is one for every rule it planned;
//! - the **server** only runs rules, checks each rule's pin for every event,
//!   and keeps loaded rules keyed by digest.
//!
//! Which server a hook may ask depends on who could have started it (see
//! `hookwarden_trust`):
//!
//! - **a system server** (`hookwarden serve --system`, run by root or by a
//!   service account root set up, at [`hookwarden_config::DEFAULT_SYSTEM_SOCKET`]
//!   or `system_socket`): the agent's user can neither replace it nor its
//!   socket, so hook calls of a managed installation ask it. It owns its
//!   policy: it judges with the requirements file it reads itself, and
//!   refuses calls whose hook read another one.
//! - **the user's own server** (`hookwarden serve`, started on demand by the
//!   first call that finds none): the agent's user could kill and replace
//!   it, so only calls whose installation already trusts that user (user
//!   scope, or root) ask it. It judges with the requirements text each call
//!   carries.
//!
//! A hook that finds no server it may ask, a refusing one, a silent one or
//! one of another build judges the call itself, so a server can make a call
//! faster but never changes its answer.

pub mod client;
pub mod protocol;
#[cfg(feature = "engine")]
pub mod server;
pub mod start;

use std::path::{Path, PathBuf};

/// Environment override of the user's server socket; `none` turns it off
/// for this process. Only read where the user's own server may be used:
/// the agent's user sets the environment.
pub const SOCKET_ENV: &str = "HOOKWARDEN_SOCKET";

/// Where this user's server for this build listens: `$HOOKWARDEN_SOCKET`,
/// else `$XDG_RUNTIME_DIR/hookwarden/serve-<build>.sock`, else
/// `/tmp/hookwarden-<uid>/serve-<build>.sock`, `<build>` being
/// [`protocol::build_tag`]. `None` when turned off.
pub fn user_socket_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(SOCKET_ENV) {
        return (!path.is_empty() && path != "none").then(|| path.into());
    }
    let dir = match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| Path::new(d).is_absolute()) {
        Some(runtime) => Path::new(&runtime).join("hookwarden"),
        None => PathBuf::from(format!(
            "/tmp/hookwarden-{}",
            hookwarden_trust::current_uid()
        )),
    };
    Some(dir.join(format!("serve-{}.sock", protocol::build_tag())))
}

/// Where the system server listens under `config`.
pub fn system_socket_path(config: &hookwarden_config::HookwardenConfig) -> PathBuf {
    config
        .system_socket
        .clone()
        .unwrap_or_else(|| hookwarden_config::DEFAULT_SYSTEM_SOCKET.into())
}

/// The directory of a user's `socket`, created (`0700`) if missing, and
/// checked with [`hookwarden_trust::socket::check_user_dir`].
pub fn user_socket_dir(socket: &Path) -> Result<&Path, String> {
    use std::os::unix::fs::DirBuilderExt;
    let dir = socket
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if std::fs::symlink_metadata(dir).is_err() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let absolute = std::path::absolute(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    hookwarden_trust::socket::check_user_dir(&absolute, hookwarden_trust::current_uid())?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_users_socket_directory_is_made_private_and_refused_otherwise() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let socket = tmp.path().join("run/serve.sock");
        user_socket_dir(&socket).unwrap();
        let dir = tmp.path().join("run");
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(
            user_socket_dir(&socket)
                .unwrap_err()
                .contains("must be 0700")
        );
    }
}
