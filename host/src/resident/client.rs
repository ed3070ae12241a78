//! The hook's side: connect to a server it may trust, and ask it to judge a
//! prepared event, within a deadline.
//!
//! Connecting never blocks: a server whose listen backlog is full (stopped,
//! or flooded) refuses at once rather than holding the call. Every
//! connection first checks the socket's directory, the socket and the
//! peer's credentials (`hookwarden_trust::socket`).

use super::protocol::{MAX_RESPONSE_BYTES, Request, Response, read_frame, write_frame};
use hookwarden_event::RuleOutcome;
use hookwarden_trust::socket::{check_system_socket, check_user_socket, peer_uid};
use std::io::ErrorKind;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A server a hook may ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A system server, run by root or a service account.
    System(PathBuf),
    /// This user's own server.
    User(PathBuf),
}

impl Endpoint {
    pub fn socket(&self) -> &Path {
        match self {
            Endpoint::System(p) | Endpoint::User(p) => p,
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::System(p) => write!(f, "the system server at {}", p.display()),
            Endpoint::User(p) => write!(f, "your server at {}", p.display()),
        }
    }
}

/// Why the server did not judge; either way the hook runs the rules itself.
#[derive(Debug)]
pub enum AskError {
    /// No server is listening: the usual case without `hookwarden serve`.
    NoServer,
    /// A server was there but could not or would not answer, or is not one
    /// this call may trust.
    Failed(String),
}

impl std::fmt::Display for AskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AskError::NoServer => f.write_str("no server is listening"),
            AskError::Failed(why) => f.write_str(why),
        }
    }
}

/// Connect to `endpoint` after checking that it may judge this call.
pub fn connect(endpoint: &Endpoint) -> Result<UnixStream, AskError> {
    let me = hookwarden_trust::current_uid();
    let socket = endpoint.socket();
    let refused = |why: String| AskError::Failed(format!("not asking {endpoint}: {why}"));
    // The common case on every call: nothing there.
    if let Err(e) = std::fs::symlink_metadata(socket) {
        return match e.kind() {
            ErrorKind::NotFound => Err(AskError::NoServer),
            _ => Err(refused(e.to_string())),
        };
    }
    let peer_allowed: Box<dyn Fn(u32) -> bool> = match endpoint {
        Endpoint::User(_) => {
            check_user_socket(socket, me).map_err(refused)?;
            Box::new(move |uid| uid == me)
        }
        Endpoint::System(_) => {
            let owners = check_system_socket(socket, me).map_err(refused)?;
            Box::new(move |uid| owners.allows(uid) && (uid != me || me == 0))
        }
    };
    let stream = match connect_nonblocking(socket) {
        Ok(stream) => stream,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::ConnectionRefused) => {
            return Err(AskError::NoServer);
        }
        Err(e) if e.kind() == ErrorKind::WouldBlock => {
            return Err(refused(
                "it accepts no connections (its backlog is full)".into(),
            ));
        }
        Err(e) => return Err(refused(format!("cannot connect: {e}"))),
    };
    // Whoever answers must be who the socket's place says it is.
    let uid =
        peer_uid(&stream).map_err(|e| refused(format!("cannot read its credentials: {e}")))?;
    if !peer_allowed(uid) {
        return Err(refused(format!("it runs as uid {uid}")));
    }
    Ok(stream)
}

/// `connect(2)` without waiting: a Unix socket whose listen backlog is
/// full fails with `WouldBlock` instead of blocking the call. The stream is
/// blocking again once connected (reads and writes get timeouts in [`ask`]).
fn connect_nonblocking(socket: &Path) -> std::io::Result<UnixStream> {
    use std::os::unix::ffi::OsStrExt;
    let path = socket.as_os_str().as_bytes();
    // SAFETY: sockaddr_un is plain data; zeroed is a valid empty address.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    if path.len() >= addr.sun_path.len() {
        return Err(std::io::Error::new(
            ErrorKind::InvalidInput,
            "socket path is too long",
        ));
    }
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (dst, &src) in addr.sun_path.iter_mut().zip(path) {
        *dst = src as libc::c_char;
    }
    // SAFETY: plain system calls on a descriptor this function owns.
    unsafe {
        let fd = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let fd = OwnedFd::from_raw_fd(fd);
        let flags = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let len = (std::mem::size_of::<libc::sa_family_t>() + path.len() + 1) as libc::socklen_t;
        if libc::connect(fd.as_raw_fd(), (&raw const addr).cast(), len) != 0 {
            let e = std::io::Error::last_os_error();
            // EAGAIN: the backlog is full. (EINPROGRESS does not happen
            // for Unix sockets on Linux; treated the same elsewhere.)
            return Err(match e.raw_os_error() {
                Some(libc::EINPROGRESS) => std::io::Error::from(ErrorKind::WouldBlock),
                _ => e,
            });
        }
        if libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags) < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(UnixStream::from(fd))
    }
}

/// Send `request` on a [`connect`]ed `stream` and wait for the server's
/// judgement until `deadline` at the latest.
pub fn ask(
    stream: &UnixStream,
    request: &Request,
    deadline: Instant,
) -> Result<Vec<Option<RuleOutcome>>, AskError> {
    let io = |e: std::io::Error| match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            AskError::Failed("the server did not answer in its share of the call's time".into())
        }
        _ => AskError::Failed(format!("the server failed: {e}")),
    };
    let mut wire = Deadlined { stream, deadline };
    write_frame(&mut wire, request).map_err(io)?;
    let body = read_frame(&mut wire, MAX_RESPONSE_BYTES).map_err(io)?;
    match serde_json::from_slice(&body) {
        Ok(Response::Judged(judged)) => Ok(judged),
        Ok(Response::Refused(why)) => Err(AskError::Failed(format!("the server refused: {why}"))),
        Err(e) => Err(AskError::Failed(format!(
            "unreadable answer from the server: {e}"
        ))),
    }
}

/// A stream whose every read and write ends by `deadline`: the timeout of
/// each is what is left, so a server that trickles bytes cannot stretch it.
struct Deadlined<'a> {
    stream: &'a UnixStream,
    deadline: Instant,
}

impl Deadlined<'_> {
    fn left(&self) -> std::io::Result<std::time::Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        Ok(left)
    }
}

impl std::io::Read for Deadlined<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.stream.set_read_timeout(Some(self.left()?))?;
        (&mut &*self.stream).read(buf)
    }
}

impl std::io::Write for Deadlined<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()?))?;
        (&mut &*self.stream).write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
