//! Google Gemini CLI (protocol notes: `agent-hook-protocols.md` §3).
//!
//! Payloads use the snake-case envelope Claude Code defined, under Gemini's
//! event names (`BeforeTool`, `AfterTool`, `BeforeAgent`, `AfterAgent`) and
//! tool names (`run_shell_command`, `write_file`, `replace`,
//! `mcp_<server>_<tool>`).
//!
//! Answers (§3.4): one flat JSON object on stdout, exit 0, always. Gemini
//! reads stdout (or, if empty, stderr) whatever the exit code and turns
//! non-JSON text after a non-zero exit into a deny, so nothing but the
//! answer is ever printed and the exit code never carries a decision. The
//! same `{"decision": "deny", "reason": …}` blocks every blocking event;
//! `BeforeTool` can also ask. Unknown keys are ignored, but none are sent.

use crate::common::{
    Keys, Object, SnakeCaseEnvelope, approval_required, as_object, context_answer, file_edit,
    file_write, hso_context, loose_string, mcp_call_from, shell, string_at, tool_input,
    with_context,
};
use crate::reason_or_default;
use crate::{Adapter, AgentKind, Answer, AskFallback, Parsed, PayloadError, RenderOptions};
use hookwarden_event::{Action, Agent, Decision, HookEvent, McpOrigin, ShellDialect, Verdict};
use serde_json::{Value, json};

pub struct GeminiCli;

const ENVELOPE: SnakeCaseEnvelope = SnakeCaseEnvelope {
    label: "Gemini CLI",
    agent: Agent::GeminiCli,
    events: hook_event,
    action,
};

/// How hookwarden treats each Gemini CLI event (§3.1).
pub(crate) fn hook_event(name: &str) -> Option<Option<HookEvent>> {
    Some(match name {
        "BeforeTool" => Some(HookEvent::PreToolUse),
        "AfterTool" => Some(HookEvent::PostToolUse),
        "BeforeAgent" => Some(HookEvent::UserPromptSubmit),
        "AfterAgent" => Some(HookEvent::Stop),
        "SessionStart" => Some(HookEvent::SessionStart),
        // Advisory events, or model-level ones hookwarden does not judge.
        "SessionEnd"
        | "BeforeModel"
        | "AfterModel"
        | "BeforeToolSelection"
        | "PreCompress"
        | "Notification" => None,
        _ => return None,
    })
}

impl Adapter for GeminiCli {
    fn kind(&self) -> AgentKind {
        AgentKind::GeminiCli
    }

    fn parse(&self, payload: &[u8], event_hint: Option<&str>) -> Result<Parsed, PayloadError> {
        ENVELOPE.parse(payload, event_hint)
    }

    fn render(&self, hook_name: &str, verdict: &Verdict, options: &RenderOptions) -> Answer {
        let reason = || reason_or_default(verdict);
        let deny = |reason: String| Answer::json(json!({"decision": "deny", "reason": reason}));
        match (hook_name, verdict.decision) {
            // The model gets "Tool execution blocked: <reason>".
            ("BeforeTool", Decision::Deny) => deny(reason()),
            // Forces the user's confirmation.
            ("BeforeTool", Decision::Ask) => {
                Answer::json(json!({"decision": "ask", "reason": reason()}))
            }
            ("BeforeTool", Decision::Allow) => Answer::none(),

            // The reason replaces the tool's result; context is appended to it.
            ("AfterTool", Decision::Deny) => {
                let mut answer = json!({"decision": "deny", "reason": reason()});
                if let Some(c) = with_context(None, verdict) {
                    answer["hookSpecificOutput"] = hso_context("AfterTool", c);
                }
                Answer::json(answer)
            }
            ("AfterTool", Decision::Ask) => context_answer(
                "AfterTool",
                with_context(Some(format!("hookwarden warning: {}", reason())), verdict),
            ),
            ("AfterTool", Decision::Allow) => {
                context_answer("AfterTool", with_context(None, verdict))
            }

            // Blocks the turn and drops the prompt.
            ("BeforeAgent", Decision::Deny | Decision::Ask) => deny(reason()),
            ("BeforeAgent", Decision::Allow) => {
                context_answer("BeforeAgent", with_context(None, verdict))
            }

            // A deny makes the agent go on, with the reason as its next prompt.
            ("AfterAgent", Decision::Deny) => deny(reason()),
            ("AfterAgent", Decision::Ask) => Answer::json(json!({"systemMessage": reason()})),
            ("AfterAgent", Decision::Allow) => Answer::none(),

            ("SessionStart", Decision::Deny) => {
                Answer::json(json!({"continue": false, "stopReason": reason()}))
            }
            ("SessionStart", _) => context_answer("SessionStart", with_context(None, verdict)),

            // Unknown event (unreadable payload): the deny means the same on
            // every Gemini event that can block.
            ("", Decision::Deny) => deny(reason()),
            ("", Decision::Ask) if options.ask_fallback == AskFallback::Deny => {
                deny(approval_required(verdict))
            }
            _ => Answer::none(),
        }
    }
}

const COMMAND: Keys = tool_input(&["command"], "tool_input.command");
const FILE_PATH: Keys = tool_input(&["file_path"], "tool_input.file_path");

/// The typed action for a Gemini CLI tool call (§3.3).
fn action(tool: &str, input: &Value, payload: &Object) -> Result<Action, PayloadError> {
    Ok(match tool {
        "run_shell_command" => shell(input, &COMMAND, ShellDialect::Posix, Some("dir_path"))?,
        "write_file" => file_write(input, &FILE_PATH, (&["content"], "tool_input.content"))?,
        "replace" => file_edit(
            input,
            &FILE_PATH,
            (&["old_string"], "tool_input.old_string"),
            (&["new_string"], "tool_input.new_string"),
        )?,
        _ => match mcp_name(tool, payload)? {
            Some((server, name)) => mcp_call_from(&server, &name, input, mcp_origin(payload)),
            None => Action::OtherTool(tool.to_owned()),
        },
    })
}

/// Where the server runs, from `mcp_context` (`command` + `args`, `url`
/// or `tcp`).
fn mcp_origin(payload: &Object) -> Option<McpOrigin> {
    let ctx = payload.get("mcp_context")?.as_object()?;
    let command = loose_string(ctx, "command").map(|c| {
        let args = ctx.get("args").and_then(Value::as_array);
        let args = args.into_iter().flatten().filter_map(Value::as_str);
        std::iter::once(c.as_str())
            .chain(args)
            .collect::<Vec<_>>()
            .join(" ")
    });
    Some(McpOrigin {
        command,
        url: loose_string(ctx, "url").or_else(|| loose_string(ctx, "tcp")),
        source: None,
    })
}

/// An MCP tool's server and name. `mcp_context` says both exactly; the tool
/// name `mcp_<server>_<tool>` is ambiguous when the server name holds `_`,
/// so it is split at the first `_` only when there is no `mcp_context`.
fn mcp_name(tool: &str, payload: &Object) -> Result<Option<(String, String)>, PayloadError> {
    if let Some(ctx) = payload.get("mcp_context").filter(|v| !v.is_null()) {
        let ctx = as_object(ctx, "mcp_context")?;
        let server = string_at(ctx, &["server_name"], "mcp_context.server_name")?;
        let name = string_at(ctx, &["tool_name"], "mcp_context.tool_name")?;
        if let (Some(server), Some(name)) = (server, name) {
            return Ok(Some((server.to_owned(), name.to_owned())));
        }
    }
    let split = tool
        .strip_prefix("mcp_")
        .and_then(|rest| rest.split_once('_'))
        .filter(|(server, name)| !server.is_empty() && !name.is_empty());
    Ok(split.map(|(s, n)| (s.to_owned(), n.to_owned())))
}
