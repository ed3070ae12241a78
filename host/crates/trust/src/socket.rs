//! Whether a server's socket, and the process behind it, may judge a call.
//!
//! Checked on every connection, before a byte is sent:
//!
//! - **a user's own server** ([`check_user_socket`]): the socket's
//!   directory is a real directory (not a link), owned by this user and
//!   closed to everyone else (`0700`), under directories only root and this
//!   user can change; the socket is a socket (not a link) of this user's;
//!   the peer runs as this user. Only used where [`crate::Trust`] trusts
//!   this user's own state.
//! - **a system server** ([`check_system_socket`]): every directory above
//!   the socket's is root's and closed to others (no sticky `/tmp`
//!   exception: anyone may create a directory there), so whoever owns the
//!   socket's directory — root, or the service account root gave it to —
//!   was chosen by root. The socket belongs to root or that owner, and the
//!   peer runs as one of them, never as this (non-root) user.

use std::fs::Metadata;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::io::AsRawFd;
use std::path::Path;

/// Why a socket or its server is not trusted.
pub type Refusal = String;

/// Check a user's own socket directory: a real directory of this user's
/// (`me`), mode `0700`, under directories only root and `me` can change.
pub fn check_user_dir(dir: &Path, me: u32) -> Result<(), Refusal> {
    let m = lstat(dir)?;
    if !m.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    if m.uid() != me {
        return Err(format!(
            "{} belongs to uid {}, not you (uid {me})",
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
    // The directories above: only root and this user may rename it.
    match crate::paths::writers_for(dir, me) {
        crate::Writers::Others(w) => Err(w.to_string()),
        crate::Writers::Root | crate::Writers::RootAndMe => Ok(()),
    }
}

/// Check a user's own server socket at `socket` before connecting.
pub fn check_user_socket(socket: &Path, me: u32) -> Result<(), Refusal> {
    check_user_dir(socket.parent().unwrap_or(Path::new("/")), me)?;
    let m = lstat(socket)?;
    if !m.file_type().is_socket() {
        return Err(format!("{} is not a socket", socket.display()));
    }
    if m.uid() != me {
        return Err(format!(
            "{} belongs to uid {}, not you (uid {me})",
            socket.display(),
            m.uid()
        ));
    }
    Ok(())
}

/// The users a system server's socket may belong to and its process may
/// run as: root and the owner of the socket's directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemOwners {
    pub dir_owner: u32,
}

impl SystemOwners {
    pub fn allows(&self, uid: u32) -> bool {
        uid == 0 || uid == self.dir_owner
    }
}

/// Check a system server's socket at `socket` before connecting, for a
/// process of user `me`: the checks of [`check_system_dir`], a real socket
/// of root's or the directory owner's, and a directory that is not `me`'s
/// own (unless `me` is root).
pub fn check_system_socket(socket: &Path, me: u32) -> Result<SystemOwners, Refusal> {
    let dir = socket.parent().unwrap_or(Path::new("/"));
    let owners = check_system_dir(dir)?;
    if me != 0 && owners.dir_owner == me {
        return Err(format!(
            "{} belongs to you (uid {me}), so a server there could be yours",
            dir.display()
        ));
    }
    let m = lstat(socket)?;
    if !m.file_type().is_socket() {
        return Err(format!("{} is not a socket", socket.display()));
    }
    if !owners.allows(m.uid()) {
        return Err(format!(
            "{} belongs to uid {}, neither root nor the owner of {}",
            socket.display(),
            m.uid(),
            dir.display()
        ));
    }
    Ok(owners)
}

/// Check a system server's socket directory (see the module docs): a real
/// directory closed to group and others, every directory above it root's
/// and closed to others. Returns who owns it.
pub fn check_system_dir(dir: &Path) -> Result<SystemOwners, Refusal> {
    let m = lstat(dir)?;
    if !m.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    if m.mode() & 0o022 != 0 {
        return Err(format!(
            "{} is writable by group or others (mode {:o})",
            dir.display(),
            m.mode() & 0o7777
        ));
    }
    for above in dir.ancestors().skip(1) {
        let a = lstat(above)?;
        if a.file_type().is_symlink() || !a.is_dir() {
            return Err(format!("{} is not a plain directory", above.display()));
        }
        if a.uid() != 0 || a.mode() & 0o022 != 0 {
            return Err(format!(
                "{} (above {}) must be root's and closed to others (uid {}, mode {:o})",
                above.display(),
                dir.display(),
                a.uid(),
                a.mode() & 0o7777
            ));
        }
    }
    Ok(SystemOwners { dir_owner: m.uid() })
}

fn lstat(path: &Path) -> Result<Metadata, Refusal> {
    std::fs::symlink_metadata(path).map_err(|e| format!("{}: {e}", path.display()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn chmod(p: &Path, mode: u32) {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn a_user_socket_directory_must_be_mine_closed_and_real() {
        let tmp = tempfile::tempdir().unwrap();
        chmod(tmp.path(), 0o755);
        let me = crate::current_uid();
        let d = tmp.path().join("run");
        std::fs::create_dir(&d).unwrap();
        chmod(&d, 0o700);
        check_user_dir(&d, me).unwrap();
        for mode in [0o750, 0o701, 0o777] {
            chmod(&d, mode);
            let e = check_user_dir(&d, me).unwrap_err();
            assert!(e.contains("must be 0700"), "{mode:o}: {e}");
        }
        chmod(&d, 0o700);
        let e = check_user_dir(&d, me.wrapping_add(1)).unwrap_err();
        assert!(e.contains("not you"), "{e}");
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&d, &link).unwrap();
        assert!(
            check_user_dir(&link, me)
                .unwrap_err()
                .contains("not a directory")
        );
        // A socket that is a link, even to a good socket, is not one.
        let sock = d.join("s.sock");
        let _l = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        check_user_socket(&sock, me).unwrap();
        let alias = d.join("alias.sock");
        std::os::unix::fs::symlink(&sock, &alias).unwrap();
        assert!(
            check_user_socket(&alias, me)
                .unwrap_err()
                .contains("not a socket")
        );
    }

    #[test]
    fn a_system_socket_directory_needs_root_above_it() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("sys");
        std::fs::create_dir(&d).unwrap();
        chmod(&d, 0o755);
        // Under /tmp (sticky, world-writable) anyone could have made it.
        let e = check_system_dir(&d).unwrap_err();
        assert!(e.contains("must be root's and closed to others"), "{e}");
    }

    #[test]
    fn peers_are_known_by_their_credentials() {
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        assert_eq!(peer_uid(&a).unwrap(), crate::current_uid());
    }
}
