//! Cursor (protocol notes: `agent-hook-protocols.md` §4; Cursor is closed
//! source, so these come from copies of its hooks page).
//!
//! Payloads (§4.3): camelCase event names, snake_case fields, no common
//! `session_id` (`conversation_id` stands in) and no common `cwd` (the first
//! workspace root stands in). Besides the generic `preToolUse`, Cursor has
//! dedicated pre-tool events whose fields are top-level:
//! `beforeShellExecution` (`command`, `cwd`), `beforeMCPExecution`
//! (`tool_name`, `tool_input` as a JSON *string*, `url` or `command` of the
//! server) and `beforeReadFile` (`file_path`).
//!
//! Answers (§4.4) are per event: `permission` (+ `user_message`,
//! `agent_message`) before a tool, `continue: false` before a prompt,
//! `followup_message` at a stop, `additional_context` after a tool. Only the
//! shell and MCP events document `ask`; elsewhere ask goes through
//! [`AskFallback`]. Cursor fails open on invalid output, so each answer holds
//! only that event's documented keys. When the event is unknown (unreadable
//! payload), the answer is exit 2 — "block the action, equivalent to
//! `permission: deny`" on every event — with the reason on stderr and
//! nothing on stdout that could be misread.

use crate::common::{
    Keys, Object, approval_required, bare_event, classify, embedded_json, event_name, file_write,
    loose_string, mcp_call, mcp_call_from, multi_edit, notice, object, required_at, response_text,
    shell, string_at,
};
use crate::{
    Adapter, AgentKind, Answer, AskFallback, Parsed, PayloadError, RenderOptions, reason_or_default,
};
use hookwarden_event::{Action, Agent, Decision, HookEvent, McpOrigin, ShellDialect, Verdict};
use serde_json::{Value, json};

pub struct Cursor;

/// How hookwarden treats each Cursor event (§4.1).
pub(crate) fn hook_event(name: &str) -> Option<Option<HookEvent>> {
    Some(match name {
        "preToolUse" | "beforeShellExecution" | "beforeMCPExecution" | "beforeReadFile" => {
            Some(HookEvent::PreToolUse)
        }
        "postToolUse" | "afterFileEdit" => Some(HookEvent::PostToolUse),
        "beforeSubmitPrompt" => Some(HookEvent::UserPromptSubmit),
        "stop" | "subagentStop" => Some(HookEvent::Stop),
        "sessionStart" => Some(HookEvent::SessionStart),
        // Known, but nothing to judge or no way to act on a verdict.
        "sessionEnd"
        | "postToolUseFailure"
        | "subagentStart"
        | "afterShellExecution"
        | "afterMCPExecution"
        | "preCompact"
        | "afterAgentResponse"
        | "afterAgentThought"
        | "beforeTabFileRead"
        | "afterTabFileEdit"
        | "workspaceOpen" => None,
        _ => return None,
    })
}

impl Adapter for Cursor {
    fn kind(&self) -> AgentKind {
        AgentKind::Cursor
    }

    fn parse(&self, payload: &[u8], event_hint: Option<&str>) -> Result<Parsed, PayloadError> {
        let obj = object(payload)?;
        let hook_name =
            event_name(&obj, "hook_event_name", event_hint)?.ok_or(PayloadError::Missing {
                field: "hook_event_name",
            })?;
        let (hook_name, hook) = match classify(hook_name, "Cursor", hook_event)? {
            Ok(judged) => judged,
            Err(unjudged) => return Ok(unjudged),
        };
        let session = string_at(&obj, &["session_id", "conversation_id"], "conversation_id")?;
        let mut event = bare_event(Agent::Cursor, hook, &cwd(&obj)?, session.unwrap_or(""));
        match hook_name.as_str() {
            "preToolUse" | "postToolUse" => {
                let tool = required_at(&obj, &["tool_name"], "tool_name")?;
                let input = obj.get("tool_input").ok_or(PayloadError::Missing {
                    field: "tool_input",
                })?;
                let input = embedded_json(input, "tool_input")?;
                event.action = action(tool, &input)?;
                event.tool_name = Some(tool.to_owned());
                event.tool_input = Some(input.to_string());
                if hook_name == "postToolUse" {
                    event.tool_response = obj.get("tool_output").map(response_text);
                }
            }
            "beforeShellExecution" => {
                let input = Value::Object(present(&obj, &["command", "cwd"]));
                event.action = shell(&input, &TOP_COMMAND, ShellDialect::Posix, Some("cwd"))?;
                event.tool_name = Some("Shell".into());
                event.tool_input = Some(input.to_string());
            }
            "beforeMCPExecution" => {
                let tool = required_at(&obj, &["tool_name"], "tool_name")?;
                let input = obj.get("tool_input").ok_or(PayloadError::Missing {
                    field: "tool_input",
                })?;
                let input = embedded_json(input, "tool_input")?;
                // No server name is sent: the server's URL or launch command
                // is what identifies it.
                let server = string_at(&obj, &["url", "command"], "url")?.unwrap_or("");
                let origin = McpOrigin {
                    url: loose_string(&obj, "url"),
                    command: loose_string(&obj, "command"),
                    source: None,
                };
                event.action = mcp_call_from(server, tool, &input, Some(origin));
                event.tool_name = Some(tool.to_owned());
                event.tool_input = Some(input.to_string());
            }
            "beforeReadFile" => {
                required_at(&obj, &["file_path"], "file_path")?;
                event.action = Action::OtherTool("Read".into());
                event.tool_name = Some("Read".into());
                event.tool_input = Some(Value::Object(present(&obj, &["file_path"])).to_string());
            }
            "afterFileEdit" => {
                let path = required_at(&obj, &["file_path"], "file_path")?;
                event.action = multi_edit(path, obj.get("edits"), "edits")?;
                event.tool_name = Some("Write".into());
                event.tool_input =
                    Some(Value::Object(present(&obj, &["file_path", "edits"])).to_string());
            }
            "beforeSubmitPrompt" => {
                event.prompt = Some(required_at(&obj, &["prompt"], "prompt")?.to_owned());
            }
            _ => {}
        }
        Ok(Parsed {
            hook_name,
            event: Some(event),
        })
    }

    fn render(&self, hook_name: &str, verdict: &Verdict, options: &RenderOptions) -> Answer {
        let reason = reason_or_default(verdict);
        let fallback_deny = options.ask_fallback == AskFallback::Deny;
        match (hook_name, verdict.decision) {
            ("preToolUse" | "beforeShellExecution" | "beforeMCPExecution", Decision::Deny) => {
                permission("deny", &reason, true)
            }
            ("beforeShellExecution" | "beforeMCPExecution", Decision::Ask) => {
                permission("ask", &reason, true)
            }
            ("preToolUse", Decision::Ask) if fallback_deny => {
                permission("deny", &approval_required(verdict), true)
            }
            // beforeReadFile documents `permission` and `user_message` only.
            ("beforeReadFile", Decision::Deny) => permission("deny", &reason, false),
            ("beforeReadFile", Decision::Ask) if fallback_deny => {
                permission("deny", &approval_required(verdict), false)
            }

            ("beforeSubmitPrompt", Decision::Deny | Decision::Ask) => {
                Answer::json(json!({"continue": false, "user_message": reason}))
            }

            // Auto-submitted as the next user message: the agent goes on.
            ("stop" | "subagentStop", Decision::Deny) => {
                Answer::json(json!({"followup_message": reason}))
            }

            // After the fact, or fire-and-forget: these can only inform.
            ("postToolUse" | "sessionStart", _) => match notice(verdict) {
                Some(text) => Answer::json(json!({"additional_context": text})),
                None => Answer::none(),
            },

            ("", Decision::Deny) => Answer::none().exit_2(&reason),
            ("", Decision::Ask) if fallback_deny => {
                Answer::none().exit_2(&approval_required(verdict))
            }
            _ => Answer::none(),
        }
    }
}

/// `{"permission": …, "user_message": …}`, plus `agent_message` (the text
/// the model sees) where the event documents it, with the verdict's context.
fn permission(decision: &str, reason: &str, agent_message: bool) -> Answer {
    let mut answer = json!({"permission": decision, "user_message": reason});
    if agent_message {
        answer["agent_message"] = reason.into();
    }
    Answer::json(answer)
}

/// The working directory: `cwd` where the event has one, else the first
/// workspace root.
fn cwd(obj: &Object) -> Result<String, PayloadError> {
    if let Some(cwd) = string_at(obj, &["cwd"], "cwd")? {
        return Ok(cwd.to_owned());
    }
    Ok(match obj.get("workspace_roots") {
        Some(Value::Array(roots)) => roots
            .first()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    })
}

/// The listed top-level fields that are present, as an object: the
/// `tool_input` of events that spread a tool's input over the payload.
fn present(obj: &Object, keys: &[&str]) -> Object {
    keys.iter()
        .filter_map(|k| obj.get(*k).map(|v| ((*k).to_owned(), v.clone())))
        .collect()
}

const TOP_COMMAND: Keys = Keys {
    input: "payload",
    main: (&["command"], "command"),
};
const COMMAND: Keys = Keys {
    input: "tool_input",
    main: (&["command"], "tool_input.command"),
};
const WRITE_PATH: Keys = Keys {
    input: "tool_input",
    main: (&["file_path", "path"], "tool_input.file_path"),
};

/// The typed action for a `preToolUse`/`postToolUse` tool type (§4.2:
/// `Shell`, `Read`, `Write`, `Grep`, `Delete`, `Task`, `MCP:<tool>`).
fn action(tool: &str, input: &Value) -> Result<Action, PayloadError> {
    if let Some(name) = tool.strip_prefix("MCP:") {
        // The tool type names the tool, not its server.
        return Ok(mcp_call("", name, input));
    }
    Ok(match tool {
        "Shell" => shell(
            input,
            &COMMAND,
            ShellDialect::Posix,
            Some("working_directory"),
        )?,
        // Write's input fields are not documented: read them leniently, and
        // fall back to a plain tool when they are not where expected.
        "Write" => file_write(
            input,
            &WRITE_PATH,
            (&["content", "contents"], "tool_input.content"),
        )
        .unwrap_or_else(|_| Action::OtherTool(tool.to_owned())),
        _ => Action::OtherTool(tool.to_owned()),
    })
}
