/// Why a hook payload could not be understood. Messages say what was wrong
/// and where, for the log and the fail-mode reason.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    #[error("the payload is empty (the agent sent nothing on stdin)")]
    Empty,
    /// serde's message carries the line and column.
    #[error("the payload is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// A field documented to hold JSON text (e.g. Copilot's `toolArgs`) whose
    /// text is not JSON.
    #[error("the payload's `{field}` is a string that should hold JSON but does not: {source}")]
    EmbeddedNotJson {
        field: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("the payload is JSON {found}, not an object")]
    NotAnObject { found: &'static str },
    /// `field` is a dotted path, e.g. `tool_input.command`.
    #[error("the payload has no `{field}`")]
    Missing { field: &'static str },
    #[error("the payload's `{field}` should be {expected}, not {found}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
        found: &'static str,
    },
    #[error("the payload is for `{name}`, which is not a {agent} hook event")]
    UnknownEvent { agent: &'static str, name: String },
    #[error("the payload is for `{payload}` but hookwarden was registered for `{flag}` (--event)")]
    EventMismatch { payload: String, flag: String },
}

impl PayloadError {
    /// The event the agent is actually waiting on an answer for, when the
    /// payload names one although it was refused (an unknown event, or one
    /// that disagrees with `--event`). The agent parses the answer as that
    /// event's output, so a fail-mode answer should be rendered for it.
    pub fn payload_hook_name(&self) -> Option<&str> {
        match self {
            PayloadError::UnknownEvent { name, .. } => Some(name),
            PayloadError::EventMismatch { payload, .. } => Some(payload),
            _ => None,
        }
    }
}
