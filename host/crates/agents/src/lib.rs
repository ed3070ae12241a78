//! Adapters between each coding agent's hook protocol and hookwarden's
//! normalized [`Event`](hookwarden_event::Event).
//!
//! An adapter has two jobs: [`Adapter::parse`] turns the agent's stdin payload
//! into the normalized event, and [`Adapter::render`] turns the aggregated
//! verdict into exactly what that agent accepts on stdout (and the exit
//! code). Nothing else in hookwarden knows anything agent-specific.

mod claude_code;
mod claude_style;
mod codex;
mod common;
mod copilot_cli;
mod cursor;
mod error;
mod gemini_cli;
mod patch;

pub use error::PayloadError;

use hookwarden_event::{Event, HookEvent, Verdict};
use std::fmt;
use std::str::FromStr;

/// The agents hookwarden speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentKind {
    Codex,
    ClaudeCode,
    GeminiCli,
    Cursor,
    CopilotCli,
}

impl AgentKind {
    pub const ALL: [AgentKind; 5] = [
        AgentKind::Codex,
        AgentKind::ClaudeCode,
        AgentKind::GeminiCli,
        AgentKind::Cursor,
        AgentKind::CopilotCli,
    ];

    /// The name used on the command line (`--agent codex`).
    pub fn as_str(self) -> &'static str {
        match self {
            AgentKind::Codex => "codex",
            AgentKind::ClaudeCode => "claude-code",
            AgentKind::GeminiCli => "gemini-cli",
            AgentKind::Cursor => "cursor",
            AgentKind::CopilotCli => "copilot-cli",
        }
    }
}

impl fmt::Display for AgentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown agent `{0}` (known: codex, claude-code, gemini-cli, cursor, copilot-cli)")]
pub struct UnknownAgent(String);

impl FromStr for AgentKind {
    type Err = UnknownAgent;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AgentKind::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| UnknownAgent(s.to_owned()))
    }
}

/// A payload, understood.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The agent's own name for the event (e.g. `PreToolUse`); rendering needs it.
    pub hook_name: String,
    /// `None` for events hookwarden does not judge (e.g. `SessionEnd`): the
    /// answer is a no-op.
    pub event: Option<Event>,
}

/// Exactly what the hook process prints and exits with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub stdout: String,
    /// Only for exit-code answers (exit 2 = block), where agents take the
    /// reason from stderr; empty otherwise.
    pub stderr: String,
    pub exit_code: i32,
}

impl Answer {
    /// No output, exit 0: "no objection" for every agent.
    pub fn none() -> Answer {
        Answer {
            stdout: String::new(),
            stderr: String::new(),
            exit_code: 0,
        }
    }

    fn json(value: serde_json::Value) -> Answer {
        Answer {
            stdout: format!("{value}\n"),
            ..Answer::none()
        }
    }

    /// Exit 2, the block every agent but Copilot's older releases honours on
    /// its blocking events, with the reason on stderr (and `stdout` kept).
    fn exit_2(self, reason: &str) -> Answer {
        Answer {
            stderr: format!("{reason}\n"),
            exit_code: 2,
            ..self
        }
    }
}

/// What "ask" becomes where the agent cannot ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AskFallback {
    #[default]
    Deny,
    Allow,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    pub ask_fallback: AskFallback,
}

/// One agent's protocol.
pub trait Adapter: Send + Sync {
    fn kind(&self) -> AgentKind;

    /// Parse a payload. `event_hint` is the `--event` flag: when given, the
    /// payload's own event name must agree with it (and stands in for it if
    /// the payload has none). Never panics, whatever the bytes.
    fn parse(&self, payload: &[u8], event_hint: Option<&str>) -> Result<Parsed, PayloadError>;

    /// Render a verdict for the event named `hook_name`, the agent's own name
    /// ([`Parsed::hook_name`]). Pass an empty name when the event is unknown
    /// because the payload was unreadable: the adapter then picks the answer
    /// most events of that agent accept. Events the adapter does not judge get
    /// a no-op answer.
    fn render(&self, hook_name: &str, verdict: &Verdict, options: &RenderOptions) -> Answer;

    /// Best-effort event name from a payload that does not parse (e.g.
    /// truncated JSON), found by scanning the text for `"hook_event_name":"X"`,
    /// so that even a fail-mode answer is rendered for the right event.
    fn sniff_hook_name(&self, payload: &[u8]) -> Option<String> {
        sniff_string_field(payload, "hook_event_name")
    }
}

/// The adapter for `kind`.
pub fn adapter(kind: AgentKind) -> Box<dyn Adapter> {
    match kind {
        AgentKind::Codex => Box::new(codex::Codex),
        AgentKind::ClaudeCode => Box::new(claude_code::ClaudeCode),
        AgentKind::GeminiCli => Box::new(gemini_cli::GeminiCli),
        AgentKind::Cursor => Box::new(cursor::Cursor),
        AgentKind::CopilotCli => Box::new(copilot_cli::CopilotCli),
    }
}

/// The hookwarden event an agent's event name stands for: `None` for an
/// event the agent has that hookwarden does not judge, or a name it does
/// not have.
pub fn hook_event(kind: AgentKind, name: &str) -> Option<HookEvent> {
    match kind {
        AgentKind::Codex => codex::hook_event(name),
        AgentKind::ClaudeCode => claude_code::hook_event(name),
        AgentKind::GeminiCli => gemini_cli::hook_event(name),
        AgentKind::Cursor => cursor::hook_event(name),
        AgentKind::CopilotCli => copilot_cli::hook_event(name),
    }
    .flatten()
}

/// Find `"field": "value"` in possibly broken JSON text.
fn sniff_string_field(payload: &[u8], field: &str) -> Option<String> {
    let text = String::from_utf8_lossy(payload);
    let key = format!("\"{field}\"");
    let rest = &text[text.find(&key)? + key.len()..];
    let rest = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    let value: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!value.is_empty() && rest[value.len()..].starts_with('"')).then_some(value)
}

/// A deny needs a reason: agents ignore (fail open on) a deny without one.
fn reason_or_default(verdict: &Verdict) -> String {
    let r = verdict.reason.trim();
    if r.is_empty() {
        "blocked by hookwarden policy".to_owned()
    } else {
        r.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_event_names_from_broken_json() {
        assert_eq!(
            sniff_string_field(
                br#"{"cwd":"/x", "hook_event_name" : "PreToolUse", "tool_na"#,
                "hook_event_name"
            ),
            Some("PreToolUse".into())
        );
        assert_eq!(
            sniff_string_field(br#"{"hook_event_name":"Pre"#, "hook_event_name"),
            None
        );
        assert_eq!(sniff_string_field(b"\xff\xfe", "hook_event_name"), None);
    }

    #[test]
    fn agent_names_round_trip() {
        for a in AgentKind::ALL {
            assert_eq!(a.as_str().parse::<AgentKind>().unwrap(), a);
        }
        assert!(
            "vim"
                .parse::<AgentKind>()
                .unwrap_err()
                .to_string()
                .contains("unknown agent `vim`")
        );
    }
}
