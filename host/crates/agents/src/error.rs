/// Why a hook payload could not be understood. Messages say what was wrong
/// and where, for the log and the fail-mode reason.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    #[error("the payload is empty (the agent sent nothing on stdin)")]
    Empty,
    #[error("the payload is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    #[error("the payload is JSON {found}, not an object")]
    NotAnObject { found: &'static str },
    #[error("the payload has no `{field}`")]
    Missing { field: &'static str },
    #[error("the payload's `{field}` should be {expected}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    #[error("the payload is for `{payload}` but hookwarden was registered for `{flag}` (--event)")]
    EventMismatch { payload: String, flag: String },
}
