//! OpenAI Codex CLI (protocol notes: `agent-hook-protocols.md` §1).
//!
//! Codex deserializes every hook answer with `deny_unknown_fields`: one key
//! it does not know, and the whole answer is ignored — the call proceeds.
//! So each event's answer below uses only the keys Codex accepts for it, a
//! deny always carries a non-empty reason, and `PreToolUse` never says
//! `allow` or `ask` (both "unsupported": the hook is marked failed).

use crate::{
    Adapter, AgentKind, Answer, AskFallback, Parsed, PayloadError, RenderOptions, patch,
    reason_or_default,
};
use hookwarden_event::{
    Action, Agent, Decision, Event, HookEvent, McpCall, ShellCommand, ShellDialect, Verdict,
};
use serde_json::{Map, Value, json};

pub struct Codex;

/// How hookwarden treats each Codex event: `None` for a name Codex does not
/// have, `Some(None)` for an event hookwarden does not judge.
fn hook_event(name: &str) -> Option<Option<HookEvent>> {
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
        if payload.trim_ascii().is_empty() {
            return Err(PayloadError::Empty);
        }
        // Codex writes `serde_json::to_string` output: valid UTF-8, so
        // anything else is a broken payload (serde says where).
        let value: Value = serde_json::from_slice(payload).map_err(PayloadError::NotJson)?;
        let Value::Object(obj) = value else {
            return Err(PayloadError::NotAnObject {
                found: kind_of(&value),
            });
        };
        let hook_name = match (optional_string(&obj, "hook_event_name")?, event_hint) {
            (Some(name), Some(flag)) if name != flag => {
                return Err(PayloadError::EventMismatch {
                    payload: name.to_owned(),
                    flag: flag.to_owned(),
                });
            }
            (Some(name), _) => name.to_owned(),
            // Codex always sends the name; the flag stands in if it ever does not.
            (None, Some(flag)) => flag.to_owned(),
            (None, None) => {
                return Err(PayloadError::Missing {
                    field: "hook_event_name",
                });
            }
        };
        let Some(judged) = hook_event(&hook_name) else {
            return Err(PayloadError::UnknownEvent {
                agent: "Codex",
                name: hook_name,
            });
        };
        let Some(hook) = judged else {
            return Ok(Parsed {
                hook_name,
                event: None,
            });
        };
        let mut event = Event {
            agent: Agent::Codex,
            hook,
            cwd: string(&obj, "cwd")?.to_owned(),
            session_id: string(&obj, "session_id")?.to_owned(),
            tool_name: None,
            action: Action::None,
            tool_input: None,
            tool_response: None,
            prompt: None,
            facts: Vec::new(),
        };
        match hook {
            HookEvent::PreToolUse | HookEvent::PermissionRequest | HookEvent::PostToolUse => {
                let tool = string(&obj, "tool_name")?;
                let input = obj.get("tool_input").ok_or(PayloadError::Missing {
                    field: "tool_input",
                })?;
                event.action = action(tool, input)?;
                event.tool_name = Some(tool.to_owned());
                event.tool_input = Some(input.to_string());
                if hook == HookEvent::PostToolUse {
                    event.tool_response = obj.get("tool_response").map(Value::to_string);
                }
            }
            HookEvent::UserPromptSubmit => event.prompt = Some(string(&obj, "prompt")?.to_owned()),
            HookEvent::Stop | HookEvent::SessionStart => {}
        }
        Ok(Parsed {
            hook_name,
            event: Some(event),
        })
    }

    fn render(&self, hook_name: &str, verdict: &Verdict, options: &RenderOptions) -> Answer {
        let reason = || reason_or_default(verdict);
        let context = verdict.context.as_deref().filter(|c| !c.trim().is_empty());
        let with_context = |event: &str, extra: Option<String>| {
            let text = match (extra, context) {
                (Some(a), Some(c)) => Some(format!("{a}\n{c}")),
                (Some(a), None) => Some(a),
                (None, Some(c)) => Some(c.to_owned()),
                (None, None) => None,
            };
            match text {
                Some(t) => Answer::json(
                    json!({"hookSpecificOutput": {"hookEventName": event, "additionalContext": t}}),
                ),
                None => Answer::none(),
            }
        };
        match (hook_name, verdict.decision) {
            ("PreToolUse", Decision::Deny) => pre_tool_use_deny(reason(), context),
            ("PreToolUse", Decision::Ask) => match options.ask_fallback {
                AskFallback::Deny => {
                    pre_tool_use_deny(format!("approval required: {}", reason()), context)
                }
                AskFallback::Allow => with_context("PreToolUse", None),
            },
            ("PreToolUse", Decision::Allow) => with_context("PreToolUse", None),

            // A security hook never auto-approves: allow and ask leave Codex's
            // own approval prompt in place.
            ("PermissionRequest", Decision::Deny) => Answer::json(json!({
                "hookSpecificOutput": {
                    "hookEventName": "PermissionRequest",
                    "decision": {"behavior": "deny", "message": reason()}
                }
            })),
            ("PermissionRequest", _) => Answer::none(),

            ("PostToolUse", Decision::Deny) => {
                Answer::json(json!({"decision": "block", "reason": reason()}))
            }
            ("PostToolUse", Decision::Ask) => with_context(
                "PostToolUse",
                Some(format!("hookwarden warning: {}", reason())),
            ),
            ("PostToolUse", Decision::Allow) => with_context("PostToolUse", None),

            ("UserPromptSubmit", Decision::Deny | Decision::Ask) => {
                Answer::json(json!({"decision": "block", "reason": reason()}))
            }
            ("UserPromptSubmit", Decision::Allow) => with_context("UserPromptSubmit", None),

            ("Stop" | "SubagentStop", Decision::Deny) => {
                Answer::json(json!({"decision": "block", "reason": reason()}))
            }
            ("Stop" | "SubagentStop", Decision::Ask) => {
                Answer::json(json!({"systemMessage": reason()}))
            }
            ("Stop" | "SubagentStop", Decision::Allow) => Answer::none(),

            ("SessionStart", Decision::Deny) => {
                Answer::json(json!({"continue": false, "stopReason": reason()}))
            }
            ("SessionStart", _) => with_context("SessionStart", None),

            // The event is unknown (the payload was unreadable): the legacy
            // block form, which Codex honours on PreToolUse, PostToolUse and
            // UserPromptSubmit.
            ("", Decision::Deny) => Answer::json(json!({"decision": "block", "reason": reason()})),
            ("", Decision::Ask) => match options.ask_fallback {
                AskFallback::Deny => Answer::json(json!({
                    "decision": "block",
                    "reason": format!("approval required: {}", reason()),
                })),
                AskFallback::Allow => Answer::none(),
            },
            _ => Answer::none(),
        }
    }
}

fn pre_tool_use_deny(reason: String, context: Option<&str>) -> Answer {
    let mut hso = Map::new();
    hso.insert("hookEventName".into(), "PreToolUse".into());
    hso.insert("permissionDecision".into(), "deny".into());
    hso.insert("permissionDecisionReason".into(), reason.into());
    if let Some(c) = context {
        hso.insert("additionalContext".into(), c.into());
    }
    Answer::json(json!({ "hookSpecificOutput": hso }))
}

/// The typed action for a Codex tool call.
fn action(tool: &str, input: &Value) -> Result<Action, PayloadError> {
    Ok(match tool {
        "Bash" => Action::Shell(ShellCommand {
            command: input_command(input)?,
            dialect: ShellDialect::Posix,
            workdir: input
                .get("workdir")
                .and_then(Value::as_str)
                .map(str::to_owned),
        }),
        "apply_patch" => Action::Patch(patch::parse(&input_command(input)?)),
        _ => match mcp_name(tool) {
            Some((server, tool)) => Action::McpCall(McpCall {
                server: server.to_owned(),
                tool: tool.to_owned(),
                arguments: input.to_string(),
            }),
            None => Action::OtherTool(tool.to_owned()),
        },
    })
}

/// `mcp__<server>__<tool>` → (server, tool). Server names may hold single
/// underscores; the first `__` after the prefix separates them.
fn mcp_name(tool: &str) -> Option<(&str, &str)> {
    let rest = tool.strip_prefix("mcp__")?;
    let (server, tool) = rest.split_once("__")?;
    (!server.is_empty() && !tool.is_empty()).then_some((server, tool))
}

/// `tool_input.command` of `Bash` and `apply_patch`.
fn input_command(input: &Value) -> Result<String, PayloadError> {
    let Value::Object(fields) = input else {
        return Err(PayloadError::WrongType {
            field: "tool_input",
            expected: "an object",
            found: kind_of(input),
        });
    };
    match fields.get("command") {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(PayloadError::WrongType {
            field: "tool_input.command",
            expected: "a string",
            found: kind_of(other),
        }),
        None => Err(PayloadError::Missing {
            field: "tool_input.command",
        }),
    }
}

fn string<'a>(obj: &'a Map<String, Value>, key: &'static str) -> Result<&'a str, PayloadError> {
    optional_string(obj, key)?.ok_or(PayloadError::Missing { field: key })
}

fn optional_string<'a>(
    obj: &'a Map<String, Value>,
    key: &'static str,
) -> Result<Option<&'a str>, PayloadError> {
    match obj.get(key) {
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(PayloadError::WrongType {
            field: key,
            expected: "a string",
            found: kind_of(other),
        }),
        None => Ok(None),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcp_names_split_on_the_first_double_underscore() {
        assert_eq!(
            mcp_name("mcp__memory__create_entities"),
            Some(("memory", "create_entities"))
        );
        assert_eq!(
            mcp_name("mcp__my_server__do__it"),
            Some(("my_server", "do__it"))
        );
        assert_eq!(mcp_name("mcp__broken"), None);
        assert_eq!(mcp_name("update_plan"), None);
    }
}
