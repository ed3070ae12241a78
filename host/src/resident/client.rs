//! The hook's side: ask this user's running server to judge a prepared
//! event.

use super::protocol::{MAX_RESPONSE_BYTES, Request, Response, read_frame, write_frame};
use hookwarden_event::RuleOutcome;
use std::io::ErrorKind;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Instant;

/// Why the server did not judge; either way the hook runs the rules itself.
#[derive(Debug)]
pub enum AskError {
    /// No server is listening: the usual case without `hookwarden serve`.
    NoServer,
    /// A server was there but could not or would not answer.
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

/// Connect to the server at `socket` and check that it is one of ours.
pub fn connect(socket: &Path) -> Result<UnixStream, AskError> {
    let at = socket.display();
    let stream = match UnixStream::connect(socket) {
        Ok(stream) => stream,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::ConnectionRefused) => {
            return Err(AskError::NoServer);
        }
        Err(e) => {
            return Err(AskError::Failed(format!(
                "cannot reach the server at {at}: {e}"
            )));
        }
    };
    // Anyone could have put a socket here; only one of ours may judge.
    super::peer_is_trusted(&stream)
        .map_err(|e| AskError::Failed(format!("not using the server at {at}: {e}")))?;
    Ok(stream)
}

/// Send `request` on a [`connect`]ed `stream` and wait for its outcomes
/// until `deadline` at the latest.
pub fn ask(
    stream: &UnixStream,
    request: &Request,
    deadline: Instant,
) -> Result<Vec<RuleOutcome>, AskError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(AskError::Failed("no time left to ask the server".into()));
    }
    let io = |e: std::io::Error| AskError::Failed(format!("the server failed: {e}"));
    stream.set_write_timeout(Some(left)).map_err(io)?;
    stream.set_read_timeout(Some(left)).map_err(io)?;
    write_frame(&mut &*stream, request).map_err(io)?;
    let body = read_frame(&mut &*stream, MAX_RESPONSE_BYTES).map_err(io)?;
    match serde_json::from_slice(&body) {
        Ok(Response::Outcomes(outcomes)) => Ok(outcomes),
        Ok(Response::Refused(why)) => Err(AskError::Failed(format!("the server refused: {why}"))),
        Err(e) => Err(AskError::Failed(format!(
            "unreadable answer from the server: {e}"
        ))),
    }
}
