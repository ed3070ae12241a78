//! OpenAI Codex CLI (protocol notes: `agent-hook-protocols.md` §1).
//!
//! Codex deserializes every hook answer with `deny_unknown_fields`: one key
//! it does not know, and the whole answer is ignored — the call proceeds.
//! So each event's answer below uses only the keys Codex accepts for it, a
//! deny always carries a non-empty reason, and `PreToolUse` never says
//! `allow` or `ask` (both "unsupported": the hook is marked failed).

use crate::claude_style::{self, Dialect};
use crate::common::{
    Keys, Object, SnakeCaseEnvelope, mcp_call, mcp_double_underscore, required_at, shell,
};
use crate::{Adapter, AgentKind, Answer, Parsed, PayloadError, RenderOptions, patch};
use hookwarden_event::{Action, Agent, HookEvent, ShellDialect, Verdict};
use serde_json::Value;

pub struct Codex;

const ENVELOPE: SnakeCaseEnvelope = SnakeCaseEnvelope {
    label: "Codex",
    agent: Agent::Codex,
    events: hook_event,
    action,
};

const DIALECT: Dialect = Dialect {
    pre_tool_use_ask: false,
    unknown_exit_2: false,
};

/// How hookwarden treats each Codex event: `None` for a name Codex does not
/// have, `Some(None)` for an event hookwarden does not judge.
pub(crate) fn hook_event(name: &str) -> Option<Option<HookEvent>> {
    Some(match name {
        "PreToolUse" => Some(HookEvent::PreToolUse),
        "PermissionRequest" => Some(HookEvent::PermissionRequest),
        "PostToolUse" => Some(HookEvent::PostToolUse),
        "UserPromptSubmit" => Some(HookEvent::UserPromptSubmit),
        "Stop" | "SubagentStop" => Some(HookEvent::Stop),
        "SessionStart" => Some(HookEvent::SessionStart),
        // Known, but nothing to judge (or no way to act on a verdict).
        "SessionEnd" | "PreCompact" | "PostCompact" | "SubagentStart" | "Interrupt" => None,
        _ => return None,
    })
}

impl Adapter for Codex {
    fn kind(&self) -> AgentKind {
        AgentKind::Codex
    }

    fn parse(&self, payload: &[u8], event_hint: Option<&str>) -> Result<Parsed, PayloadError> {
        ENVELOPE.parse(payload, event_hint)
    }

    fn render(&self, hook_name: &str, verdict: &Verdict, options: &RenderOptions) -> Answer {
        claude_style::render(&DIALECT, hook_name, verdict, options)
    }
}

const COMMAND: Keys = Keys {
    input: "tool_input",
    main: (&["command"], "tool_input.command"),
};

/// The typed action for a Codex tool call.
fn action(tool: &str, input: &Value, _: &Object) -> Result<Action, PayloadError> {
    Ok(match tool {
        "Bash" => shell(input, &COMMAND, ShellDialect::Posix, Some("workdir"))?,
        "apply_patch" => {
            let fields = crate::common::as_object(input, COMMAND.input)?;
            Action::Patch(patch::parse(required_at(
                fields,
                COMMAND.main.0,
                COMMAND.main.1,
            )?))
        }
        _ => match mcp_double_underscore(tool) {
            Some((server, tool)) => mcp_call(server, tool, input),
            None => Action::OtherTool(tool.to_owned()),
        },
    })
}
