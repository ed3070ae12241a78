//! Builders for events, so rule logic can be unit-tested on the host target
//! with plain `cargo test`, no WebAssembly involved.

use crate::{Action, Agent, Event, HookEvent};
#[cfg(feature = "parser")]
use crate::{ShellCommand, ShellDialect};

/// An event with the given hook and action, from Codex, in `/work/project`.
pub fn event(hook: HookEvent, action: Action) -> Event {
    Event {
        agent: Agent::Codex,
        hook,
        cwd: "/work/project".into(),
        session_id: "test-session".into(),
        tool_name: None,
        action,
        tool_input: None,
        tool_response: None,
        prompt: None,
        facts: Vec::new(),
    }
}

/// A `pre-tool-use` event for a POSIX shell command, analysed as the host
/// does (needs the `parser` feature).
#[cfg(feature = "parser")]
pub fn shell(command: &str) -> Event {
    let mut e = event(
        HookEvent::PreToolUse,
        Action::Shell(ShellCommand {
            command: command.into(),
            dialect: ShellDialect::Posix,
            workdir: None,
            analysis: crate::shell::analyze(command),
        }),
    );
    e.tool_name = Some("Bash".into());
    e.tool_input = Some(serde_json::json!({ "command": command }).to_string());
    e
}
