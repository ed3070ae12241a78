//! Starting a server on demand: a hook call that finds no server starts
//! `hookwarden serve --on-demand` for the calls after it, and runs its own
//! rules as if there were none.
//!
//! The call that starts a server does not wait for it: its answer never
//! depends on one. Two files beside the socket keep starts orderly:
//!
//! - `<name>.lock`: a server holds an exclusive `flock` on it for as long
//!   as it runs, so at most one serves a socket; a hook that finds it
//!   locked knows one is starting. A hook that starts a server writes
//!   `starting` into it, and the server its pid once it serves: a server
//!   that failed to come up is started again only after
//!   [`RESTART_BACKOFF`], not on every call.
//! - `<name>.log`: the server's log, moved to `<name>.log.old` past
//!   [`LOG_LIMIT`] when the next server starts.
//!
//! All of it lives in the socket's directory, which must be this user's and
//! closed to everyone else (see `hookwarden_trust::socket::check_user_dir`).

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

/// How long a start is taken to be under way before the server takes the
/// lock; past it, a start that left no server is a failed one.
pub const START_GRACE: Duration = Duration::from_secs(2);
/// How long after one start another is not tried.
pub const RESTART_BACKOFF: Duration = Duration::from_secs(10);
/// A server's log is set aside when a server starts and finds it larger.
pub const LOG_LIMIT: u64 = 4 << 20;

/// What the lock file says between a start and the server serving.
const STARTING: &[u8] = b"starting\n";

/// The lock a server holds for `socket`.
pub fn lock_path(socket: &Path) -> PathBuf {
    socket.with_extension("lock")
}

/// Where a server started on demand for `socket` logs.
pub fn log_path(socket: &Path) -> PathBuf {
    socket.with_extension("log")
}

/// Open (creating, owner-only) a file in the socket's directory, never
/// through a symlink.
pub fn open_private(path: &Path, options: &mut OpenOptions) -> std::io::Result<File> {
    options
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// What [`start`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Started {
    /// A server process was spawned; it serves once it has bound the socket.
    Spawned(u32),
    /// The lock is held: a server is starting (or running, not yet listening).
    AlreadyStarting,
    /// A server was started less than [`RESTART_BACKOFF`] ago and is not
    /// listening: it failed, and its log says why.
    BackingOff { log: PathBuf },
}

/// Start `program serve --on-demand` for `socket`, detached from this call:
/// its own session, no terminal, stdin and stdout on /dev/null, stderr to
/// its log, and none of this process's other file descriptors.
pub fn start(socket: &Path, program: &Path) -> Result<Started, String> {
    // The server runs in `/`: a relative path would name another socket.
    let socket = &std::path::absolute(socket)
        .map_err(|e| format!("cannot make {} absolute: {e}", socket.display()))?;
    super::user_socket_dir(socket)?;

    let lock_at = lock_path(socket);
    let lock = open_private(
        &lock_at,
        OpenOptions::new().read(true).write(true).create(true),
    )
    .map_err(|e| format!("cannot open {}: {e}", lock_at.display()))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(Started::AlreadyStarting),
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(format!("cannot lock {}: {e}", lock_at.display()));
        }
    }
    // A start that never got to serving left its mark and a fresh mtime.
    let mut mark = [0u8; STARTING.len()];
    let unfinished = lock
        .read_at(&mut mark, 0)
        .is_ok_and(|n| mark[..n] == *STARTING);
    let now = SystemTime::now();
    let since_start = lock
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|at| now.duration_since(at).ok());
    match since_start {
        // Another call started one just now; it has yet to take the lock.
        Some(ago) if unfinished && ago < START_GRACE => return Ok(Started::AlreadyStarting),
        Some(ago) if unfinished && ago < RESTART_BACKOFF => {
            return Ok(Started::BackingOff {
                log: log_path(socket),
            });
        }
        _ => {}
    }
    // Marks this start for the back-off; a server that serves replaces it
    // with its pid.
    lock.set_len(0)
        .and_then(|()| lock.write_all_at(STARTING, 0))
        .and_then(|()| lock.set_modified(now))
        .map_err(|e| format!("cannot write {}: {e}", lock_at.display()))?;

    let log = open_log(&log_path(socket))?;
    let mut command = Command::new(program);
    command
        .args(["serve", "--on-demand", "--socket"])
        .arg(socket)
        // `program` may be another build than this hook (an upgrade half
        // done): such a server would refuse every call, so it does not start.
        .arg("--for-build")
        .arg(super::protocol::build_id())
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log);
    // SAFETY: setsid, close_range, getrlimit and fcntl are
    // async-signal-safe system calls; nothing here allocates.
    unsafe {
        command.pre_exec(|| {
            // Out of the agent's session and process group: its Ctrl-C, its
            // terminal's hang-up and its kill of the hook's group are not
            // for the server.
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            cloexec_from_3();
            Ok(())
        });
    }
    // The server takes the lock as it starts.
    drop(lock);
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start {} serve: {e}", program.display()))?;
    Ok(Started::Spawned(child.id()))
}

/// Mark every descriptor from 3 up close-on-exec. Descriptors the agent let
/// this process inherit (pipes it may wait on to close) must not live on in
/// the server. Marked rather than closed: Rust's own exec-error pipe is
/// among them. Runs between fork and exec: system calls only.
unsafe fn cloexec_from_3() {
    #[cfg(target_os = "linux")]
    // SAFETY: a plain system call on descriptor numbers.
    if unsafe {
        libc::syscall(
            libc::SYS_close_range,
            3u32,
            u32::MAX,
            libc::CLOSE_RANGE_CLOEXEC,
        )
    } == 0
    {
        return;
    }
    // Before Linux 5.11, and elsewhere: one by one, up to the limit.
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid rlimit to fill.
    let top = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
        limit.rlim_cur.min(1 << 16) as libc::c_int
    } else {
        1024
    };
    for fd in 3..top {
        // SAFETY: fcntl on a number that may not be open fails with EBADF.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
}

/// The server's log, appended to; set aside first when it has grown past
/// [`LOG_LIMIT`].
fn open_log(path: &Path) -> Result<File, String> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.len() > LOG_LIMIT) {
        let old = path.with_extension("log.old");
        std::fs::rename(path, &old)
            .map_err(|e| format!("cannot move {} aside: {e}", path.display()))?;
    }
    open_private(path, OpenOptions::new().append(true).create(true))
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}
