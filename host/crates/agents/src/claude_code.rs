//! Anthropic Claude Code (protocol notes: `agent-hook-protocols.md` §2;
//! payloads captured from Claude Code 2.1.330 in `real-agents-e2e.md` §4.4).
//!
//! Claude Code defined the layout Codex copied, so payloads parse through
//! the shared snake-case envelope and answers are the shared Claude-style
//! answers (§2.4), with two differences from Codex: `PreToolUse` can ask
//! (`permissionDecision: "ask"` forces the user prompt, even in auto mode),
//! and an answer for an unknown event also exits 2 with the reason on
//! stderr, which blocks every blockable event whatever the JSON says.
//! `permissionDecision: "allow"` is never sent: it would skip the user's
//! permission prompt, which a policy hook must not do.

use crate::claude_style::{self, Dialect};
use crate::common::{
    Keys, Object, SnakeCaseEnvelope, as_object, file_edit, file_write, loose_string, mcp_call_from,
    mcp_double_underscore, multi_edit, required_at, shell, tool_input, web_fetch,
};
use crate::{Adapter, AgentKind, Answer, Parsed, PayloadError, RenderOptions};
use hookwarden_event::{Action, Agent, HookEvent, McpOrigin, ShellDialect, Verdict};
use serde_json::Value;

pub struct ClaudeCode;

const ENVELOPE: SnakeCaseEnvelope = SnakeCaseEnvelope {
    label: "Claude Code",
    agent: Agent::ClaudeCode,
    events: hook_event,
    action,
};

const DIALECT: Dialect = Dialect {
    pre_tool_use_ask: true,
    unknown_exit_2: true,
};

/// How hookwarden treats each Claude Code event (§2.1): `None` for a name
/// Claude Code does not have, `Some(None)` for one hookwarden does not judge.
pub(crate) fn hook_event(name: &str) -> Option<Option<HookEvent>> {
    Some(match name {
        "PreToolUse" => Some(HookEvent::PreToolUse),
        "PermissionRequest" => Some(HookEvent::PermissionRequest),
        "PostToolUse" => Some(HookEvent::PostToolUse),
        "UserPromptSubmit" => Some(HookEvent::UserPromptSubmit),
        "Stop" | "SubagentStop" => Some(HookEvent::Stop),
        "SessionStart" => Some(HookEvent::SessionStart),
        // Known, but nothing to judge or no way to act on a verdict.
        "Setup"
        | "SessionEnd"
        | "UserPromptExpansion"
        | "PermissionDenied"
        | "PostToolUseFailure"
        | "PostToolBatch"
        | "Notification"
        | "MessageDisplay"
        | "SubagentStart"
        | "TaskCreated"
        | "TaskCompleted"
        | "TeammateIdle"
        | "StopFailure"
        | "InstructionsLoaded"
        | "ConfigChange"
        | "CwdChanged"
        | "DirectoryAdded"
        | "FileChanged"
        | "WorktreeCreate"
        | "WorktreeRemove"
        | "PreCompact"
        | "PostCompact"
        | "PreModelSwitch"
        | "PostModelSwitch"
        | "Elicitation"
        | "ElicitationResult" => None,
        _ => return None,
    })
}

impl Adapter for ClaudeCode {
    fn kind(&self) -> AgentKind {
        AgentKind::ClaudeCode
    }

    fn parse(&self, payload: &[u8], event_hint: Option<&str>) -> Result<Parsed, PayloadError> {
        ENVELOPE.parse(payload, event_hint)
    }

    fn render(&self, hook_name: &str, verdict: &Verdict, options: &RenderOptions) -> Answer {
        claude_style::render(&DIALECT, hook_name, verdict, options)
    }
}

const COMMAND: Keys = tool_input(&["command"], "tool_input.command");
const FILE_PATH: Keys = tool_input(&["file_path"], "tool_input.file_path");
const URL: Keys = tool_input(&["url"], "tool_input.url");

/// The typed action for a Claude Code tool call (`tool_input` per tool: §2.3).
fn action(tool: &str, input: &Value, payload: &Object) -> Result<Action, PayloadError> {
    Ok(match tool {
        "Bash" => shell(input, &COMMAND, ShellDialect::Posix, None)?,
        "PowerShell" => shell(input, &COMMAND, ShellDialect::Powershell, None)?,
        "Write" => file_write(input, &FILE_PATH, (&["content"], "tool_input.content"))?,
        "Edit" => file_edit(
            input,
            &FILE_PATH,
            (&["old_string"], "tool_input.old_string"),
            (&["new_string"], "tool_input.new_string"),
        )?,
        "MultiEdit" => {
            let fields = as_object(input, "tool_input")?;
            let path = required_at(fields, FILE_PATH.main.0, FILE_PATH.main.1)?;
            multi_edit(path, fields.get("edits"), "tool_input.edits")?
        }
        "WebFetch" => web_fetch(input, &URL)?,
        // Plugin servers are `mcp__plugin_<plugin>_<server>__<tool>`: the
        // server is then `plugin_<plugin>_<server>`.
        _ => match mcp_double_underscore(tool) {
            Some((server, tool)) => {
                let (name, origin) = mcp_server(payload);
                mcp_call_from(name.as_deref().unwrap_or(server), tool, input, origin)
            }
            None => Action::OtherTool(tool.to_owned()),
        },
    })
}

/// `mcp_server: {name, source}` at the top of the payload (v2.1.274+; the
/// real 2.1.330 sends it there): the server's configured name, exact even
/// where `mcp__a_b__c` is ambiguous, and where it was declared. Never read
/// from `tool_input`: the model writes the arguments, and could name any
/// server there.
fn mcp_server(payload: &Object) -> (Option<String>, Option<McpOrigin>) {
    let Some(server) = payload.get("mcp_server").and_then(Value::as_object) else {
        return (None, None);
    };
    let origin = McpOrigin {
        source: loose_string(server, "source"),
        url: loose_string(server, "url"),
        command: loose_string(server, "command"),
    };
    (loose_string(server, "name"), Some(origin))
}
