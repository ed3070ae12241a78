//! A resident rule server: `hookwarden serve` keeps rules loaded between
//! hook calls, and a hook call hands it the prepared event.
//!
//! Every agent tool call starts a fresh `hookwarden hook`, and most of that
//! process's time goes into loading rule artifacts and warming up: a process
//! that stays up loads each rule once. The split keeps the hook in charge:
//!
//! - the **hook** parses the payload, loads the configuration, resolves
//!   every fact from the file system ([`crate::prepare::prepare`]), owns the
//!   deadline and renders the answer, exactly as without a server;
//! - the **server** only runs rules: it re-plans from the requirements text
//!   the hook sends (so both use the same file, byte for byte), checks each
//!   rule's pin for every event, and keeps loaded rules keyed by digest.
//!
//! Trust: the socket lives in a directory only this user can open, and the
//! hook talks only to a server whose peer credentials are this user's (or
//! root's); the server answers only this user. That is the trust the
//! per-user artifact store already gets (both run as the user the agent runs
//! as). A hook that finds no server, a refusing one or one of a different
//! build runs the rules itself, so a server can make a call faster but
//! never changes its answer.
//!
//! Who runs it: by default the first hook call that finds none starts one
//! ([`start`]), which stops by itself when idle. Admins who start it
//! themselves set `[hookwarden] server = "if-running"`; `server = false`
//! keeps every call in-process.

pub mod client;
pub mod protocol;
#[cfg(feature = "engine")]
pub mod server;
pub mod start;

use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

/// Environment override of the socket path; `none` turns the server off
/// for this process.
pub const SOCKET_ENV: &str = "HOOKWARDEN_SOCKET";

/// Where this user's server for this build listens: `$HOOKWARDEN_SOCKET`,
/// else `$XDG_RUNTIME_DIR/hookwarden/serve-<build>.sock`, else
/// `/tmp/hookwarden-<uid>/serve-<build>.sock`, `<build>` being
/// [`protocol::build_tag`]. `None` when turned off.
pub fn socket_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(SOCKET_ENV) {
        return (!path.is_empty() && path != "none").then(|| path.into());
    }
    let dir = match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| Path::new(d).is_absolute()) {
        Some(runtime) => Path::new(&runtime).join("hookwarden"),
        None => PathBuf::from(format!("/tmp/hookwarden-{}", hookwarden_pin::current_uid())),
    };
    Some(dir.join(format!("serve-{}.sock", protocol::build_tag())))
}

/// The directory of `socket`, created (`0700`) if missing, and checked
/// with [`check_socket_dir`].
pub fn socket_dir(socket: &Path) -> Result<&Path, String> {
    use std::os::unix::fs::DirBuilderExt;
    let dir = socket
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    check_socket_dir(dir)?;
    Ok(dir)
}

/// The directory a socket may live in: a real directory, owned by this
/// user, that nobody else may enter.
pub fn check_socket_dir(dir: &Path) -> Result<(), String> {
    let m = std::fs::symlink_metadata(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let uid = hookwarden_pin::current_uid();
    if !m.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    if m.uid() != uid {
        return Err(format!(
            "{} is owned by uid {}, not you (uid {uid})",
            dir.display(),
            m.uid()
        ));
    }
    if m.mode() & 0o077 != 0 {
        return Err(format!(
            "{} is open to group or others (mode {:o}); it must be 0700",
            dir.display(),
            m.mode() & 0o7777
        ));
    }
    Ok(())
}

/// The user id of the process at the other end of a Unix socket.
pub fn peer_uid(socket: &impl AsRawFd) -> std::io::Result<u32> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let mut cred: libc::ucred = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
        // SAFETY: `cred` is a ucred and `len` its size, as SO_PEERCRED expects.
        let rc = unsafe {
            libc::getsockopt(
                socket.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_PEERCRED,
                (&raw mut cred).cast(),
                &mut len,
            )
        };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(cred.uid)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let (mut uid, mut gid) = (0, 0);
        // SAFETY: both out-pointers are valid for the call.
        if unsafe { libc::getpeereid(socket.as_raw_fd(), &mut uid, &mut gid) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(uid)
    }
}

/// Whether the process at the other end runs as us (or as root).
pub fn peer_is_trusted(socket: &impl AsRawFd) -> Result<(), String> {
    let uid = peer_uid(socket).map_err(|e| format!("cannot read its credentials: {e}"))?;
    let me = hookwarden_pin::current_uid();
    if uid == me || uid == 0 {
        Ok(())
    } else {
        Err(format!("it runs as uid {uid}, not you (uid {me}) or root"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_socket_directory_must_be_ours_and_closed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("run");
        std::fs::create_dir(&d).unwrap();
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).unwrap();
        check_socket_dir(&d).unwrap();
        for mode in [0o750, 0o701, 0o777] {
            std::fs::set_permissions(&d, std::fs::Permissions::from_mode(mode)).unwrap();
            let e = check_socket_dir(&d).unwrap_err();
            assert!(e.contains("must be 0700"), "{mode:o}: {e}");
        }
        // A symlink to a good directory is not one.
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&d, &link).unwrap();
        assert!(
            check_socket_dir(&link)
                .unwrap_err()
                .contains("not a directory")
        );
    }

    #[test]
    fn peers_are_known_by_their_credentials() {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        assert_eq!(peer_uid(&a).unwrap(), hookwarden_pin::current_uid());
        peer_is_trusted(&b).unwrap();
    }
}
