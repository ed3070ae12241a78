//! GitHub Copilot CLI (protocol notes: `agent-hook-protocols.md` §5).
//!
//! Two payload formats, chosen by how the hook's event is spelled in the
//! configuration (§5.2):
//!
//! - camelCase (`preToolUse`): `{sessionId, timestamp, cwd, toolName,
//!   toolArgs}`, where `toolArgs` may be a JSON *string*. The payload does
//!   not name its event: register with `--event preToolUse`. Without it the
//!   event is inferred from the fields (tool result → `postToolUse`, tool →
//!   `preToolUse`, prompt → `userPromptSubmitted`, stop reason →
//!   `agentStop`).
//! - PascalCase, "VS Code compatible" (`PreToolUse`): `{hook_event_name,
//!   session_id, timestamp, cwd, tool_name, tool_input}`, and Claude-style
//!   tool names (`Bash`, `Write`, `Edit`) are accepted next to Copilot's own
//!   (`bash`, `create`, `edit`).
//!
//! Answers (§5.3): exit 0 and a flat JSON object, whatever the format:
//! `permissionDecision` (`deny` or `ask`, with `permissionDecisionReason`)
//! before a tool, `behavior: "deny"` + `message` on a permission request,
//! `decision: "block"` + `reason` at a stop. Nothing else has a documented
//! answer, so other events only inform the rules. Exit codes never carry a
//! decision: older releases skip non-zero exits (fail open) and newer ones
//! deny on any non-zero `preToolUse` exit, so a JSON deny on exit 0 is the
//! only form every release honours.

use crate::common::{
    Keys, Object, approval_required, bare_event, classify, embedded_json, event_name, file_edit,
    file_write, mcp_call, mcp_double_underscore, object, required_at, response_text, shell,
    string_at, web_fetch,
};
use crate::{
    Adapter, AgentKind, Answer, AskFallback, Parsed, PayloadError, RenderOptions, reason_or_default,
};
use hookwarden_event::{Action, Agent, Decision, HookEvent, ShellDialect, Verdict};
use serde_json::{Value, json};

pub struct CopilotCli;

/// How hookwarden treats each Copilot CLI event, in both spellings (§5.2).
/// The PascalCase format also takes the VS Code (Claude) names
/// `UserPromptSubmit` and `Stop`.
pub(crate) fn hook_event(name: &str) -> Option<Option<HookEvent>> {
    Some(match name {
        "preToolUse" | "PreToolUse" => Some(HookEvent::PreToolUse),
        "permissionRequest" | "PermissionRequest" => Some(HookEvent::PermissionRequest),
        "postToolUse" | "PostToolUse" => Some(HookEvent::PostToolUse),
        "userPromptSubmitted" | "UserPromptSubmitted" | "UserPromptSubmit" => {
            Some(HookEvent::UserPromptSubmit)
        }
        "agentStop" | "AgentStop" | "Stop" | "subagentStop" | "SubagentStop" => {
            Some(HookEvent::Stop)
        }
        "sessionStart" | "SessionStart" => Some(HookEvent::SessionStart),
        "sessionEnd" | "SessionEnd" | "postToolUseFailure" | "PostToolUseFailure"
        | "subagentStart" | "SubagentStart" | "preCompact" | "PreCompact" | "errorOccurred"
        | "ErrorOccurred" | "notification" | "Notification" => None,
        _ => return None,
    })
}

/// The field names of one payload format, for lookups and error messages.
struct Format {
    session: &'static str,
    tool: &'static str,
    input: Keys,
    command: Keys,
    path: Keys,
    url: Keys,
    response: &'static [&'static str],
}

const CAMEL: Format = Format {
    session: "sessionId",
    tool: "toolName",
    input: Keys {
        input: "payload",
        main: (&["toolArgs"], "toolArgs"),
    },
    command: Keys {
        input: "toolArgs",
        main: (&["command"], "toolArgs.command"),
    },
    path: Keys {
        input: "toolArgs",
        main: (&["path", "file_path"], "toolArgs.path"),
    },
    url: Keys {
        input: "toolArgs",
        main: (&["url"], "toolArgs.url"),
    },
    response: &["toolResult"],
};

const SNAKE: Format = Format {
    session: "session_id",
    tool: "tool_name",
    input: Keys {
        input: "payload",
        main: (&["tool_input"], "tool_input"),
    },
    command: Keys {
        input: "tool_input",
        main: (&["command"], "tool_input.command"),
    },
    path: Keys {
        input: "tool_input",
        main: (&["file_path", "path"], "tool_input.file_path"),
    },
    url: Keys {
        input: "tool_input",
        main: (&["url"], "tool_input.url"),
    },
    response: &["tool_response", "tool_result"],
};

impl Adapter for CopilotCli {
    fn kind(&self) -> AgentKind {
        AgentKind::CopilotCli
    }

    fn parse(&self, payload: &[u8], event_hint: Option<&str>) -> Result<Parsed, PayloadError> {
        let obj = object(payload)?;
        let hook_name = match event_name(&obj, "hook_event_name", event_hint)? {
            Some(name) => name,
            None => infer_event(&obj)
                .ok_or(PayloadError::Missing {
                    field: "hook_event_name",
                })?
                .to_owned(),
        };
        let (hook_name, hook) = match classify(hook_name, "Copilot CLI", hook_event)? {
            Ok(judged) => judged,
            Err(unjudged) => return Ok(unjudged),
        };
        // PascalCase event names come with snake_case fields.
        let snake = obj.contains_key("hook_event_name")
            || hook_name.starts_with(|c: char| c.is_ascii_uppercase());
        let f = if snake { &SNAKE } else { &CAMEL };
        let session = string_at(&obj, &[f.session], f.session)?.unwrap_or("");
        let cwd = string_at(&obj, &["cwd"], "cwd")?.unwrap_or("");
        let mut event = bare_event(Agent::CopilotCli, hook, cwd, session);
        match hook {
            HookEvent::PreToolUse | HookEvent::PermissionRequest | HookEvent::PostToolUse => {
                let tool = required_at(&obj, &[f.tool], f.tool)?;
                let (keys, path) = f.input.main;
                let input = keys
                    .iter()
                    .find_map(|k| obj.get(*k))
                    .ok_or(PayloadError::Missing { field: path })?;
                let input = embedded_json(input, path)?;
                event.action = action(tool, &input, f)?;
                event.tool_name = Some(tool.to_owned());
                event.tool_input = Some(input.to_string());
                if hook == HookEvent::PostToolUse {
                    event.tool_response = f
                        .response
                        .iter()
                        .find_map(|k| obj.get(*k))
                        .map(response_text);
                }
            }
            HookEvent::UserPromptSubmit => {
                event.prompt = Some(required_at(&obj, &["prompt"], "prompt")?.to_owned());
            }
            HookEvent::Stop | HookEvent::SessionStart => {}
        }
        Ok(Parsed {
            hook_name,
            event: Some(event),
        })
    }

    fn render(&self, hook_name: &str, verdict: &Verdict, options: &RenderOptions) -> Answer {
        let reason = reason_or_default(verdict);
        let pre_tool_use = |decision: &str, reason: &str| {
            Answer::json(
                json!({"permissionDecision": decision, "permissionDecisionReason": reason}),
            )
        };
        let fallback_deny = options.ask_fallback == AskFallback::Deny;
        // The unknown event is most likely `preToolUse`, the event a policy
        // hook is registered for; its answer means nothing to the others.
        let hook = if hook_name.is_empty() {
            None
        } else {
            match hook_event(hook_name) {
                Some(Some(hook)) => Some(hook),
                _ => return Answer::none(),
            }
        };
        match (hook, verdict.decision) {
            (Some(HookEvent::PreToolUse), Decision::Deny) => pre_tool_use("deny", &reason),
            (Some(HookEvent::PreToolUse), Decision::Ask) => pre_tool_use("ask", &reason),
            // Allow and ask keep Copilot's own prompt: never auto-approve.
            (Some(HookEvent::PermissionRequest), Decision::Deny) => {
                Answer::json(json!({"behavior": "deny", "message": reason}))
            }
            // `block` forces another agent turn with the reason as its prompt.
            (Some(HookEvent::Stop), Decision::Deny) => {
                Answer::json(json!({"decision": "block", "reason": reason}))
            }
            (None, Decision::Deny) => pre_tool_use("deny", &reason),
            (None, Decision::Ask) if fallback_deny => {
                pre_tool_use("deny", &approval_required(verdict))
            }
            _ => Answer::none(),
        }
    }
}

/// The event of a camelCase payload, which does not name it (§5.2).
fn infer_event(obj: &Object) -> Option<&'static str> {
    let has = |k: &str| obj.contains_key(k);
    if has("toolName") {
        Some(if has("toolResult") {
            "postToolUse"
        } else {
            "preToolUse"
        })
    } else if has("prompt") {
        Some("userPromptSubmitted")
    } else if has("stopReason") {
        Some("agentStop")
    } else {
        None
    }
}

/// The typed action for a Copilot tool call (§5.2, §6.7).
fn action(tool: &str, input: &Value, f: &Format) -> Result<Action, PayloadError> {
    let old = (&["old_str", "old_string"][..], "old_str");
    let new = (&["new_str", "new_string"][..], "new_str");
    let lenient = |a: Result<Action, PayloadError>| a.unwrap_or(Action::OtherTool(tool.into()));
    Ok(match tool {
        "bash" | "Bash" => shell(input, &f.command, ShellDialect::Posix, None)?,
        "powershell" | "PowerShell" => shell(input, &f.command, ShellDialect::Powershell, None)?,
        // The file tools' arguments are known only from third-party notes:
        // read them leniently, and fall back to a plain tool when they are
        // not where expected.
        "create" | "Write" => lenient(file_write(
            input,
            &f.path,
            (&["file_text", "content"], "file_text"),
        )),
        "edit" | "Edit" => lenient(file_edit(input, &f.path, old, new)),
        "web_fetch" | "WebFetch" => lenient(web_fetch(input, &f.url)),
        // Copilot's MCP tool names are not documented; the VS Code format
        // may follow Claude's `mcp__<server>__<tool>`.
        _ => match mcp_double_underscore(tool) {
            Some((server, name)) => mcp_call(server, name, input),
            None => Action::OtherTool(tool.to_owned()),
        },
    })
}
