//! Pieces every adapter needs: reading the payload object and its fields
//! with errors that name the field, resolving the event name against
//! `--event`, and building the typed actions (shell, file write/edit, MCP).
//! Agent-specific knowledge (which tool, which key) stays in the adapters;
//! these helpers take it as arguments.

use crate::{Answer, Parsed, PayloadError};
use hookwarden_event::{
    Action, Agent, Decision, Event, FileEdit, FileWrite, HookEvent, McpCall, McpOrigin,
    ShellCommand, ShellDialect, Verdict, WebFetch,
};
use serde_json::{Map, Value, json};

pub(crate) type Object = Map<String, Value>;

/// The payload as a JSON object, or why not.
pub(crate) fn object(payload: &[u8]) -> Result<Object, PayloadError> {
    if payload.trim_ascii().is_empty() {
        return Err(PayloadError::Empty);
    }
    // Agents write JSON from JSON libraries: valid UTF-8, so anything else
    // is a broken payload (serde says where).
    let value: Value = serde_json::from_slice(payload).map_err(PayloadError::NotJson)?;
    match value {
        Value::Object(obj) => Ok(obj),
        other => Err(PayloadError::NotAnObject {
            found: kind_of(&other),
        }),
    }
}

/// The event name from the payload's `key`, checked against `--event`
/// (which stands in when the payload has none). `None` when neither names one.
pub(crate) fn event_name(
    obj: &Object,
    key: &'static str,
    hint: Option<&str>,
) -> Result<Option<String>, PayloadError> {
    match (optional_string(obj, key)?, hint) {
        (Some(name), Some(flag)) if name != flag => Err(PayloadError::EventMismatch {
            payload: name.to_owned(),
            flag: flag.to_owned(),
        }),
        (Some(name), _) => Ok(Some(name.to_owned())),
        (None, flag) => Ok(flag.map(str::to_owned)),
    }
}

/// How an agent's event name is treated: `None` for a name the agent does not
/// have, `Some(None)` for an event hookwarden does not judge.
pub(crate) type EventTable = fn(&str) -> Option<Option<HookEvent>>;

/// The outcome of looking the name up: an unknown name is an error, an
/// unjudged event is already a complete answer (`Err(parsed)`), a judged one
/// is handed back for the adapter to fill in.
pub(crate) fn classify(
    hook_name: String,
    agent: &'static str,
    table: EventTable,
) -> Result<Result<(String, HookEvent), Parsed>, PayloadError> {
    match table(&hook_name) {
        None => Err(PayloadError::UnknownEvent {
            agent,
            name: hook_name,
        }),
        Some(None) => Ok(Err(Parsed {
            hook_name,
            event: None,
        })),
        Some(Some(hook)) => Ok(Ok((hook_name, hook))),
    }
}

/// The payload layout Claude Code defined and Codex and Gemini CLI share:
/// `hook_event_name`, `cwd` and `session_id` on every event; `tool_name`,
/// `tool_input` (an object) and, after the call, `tool_response` on tool
/// events; `prompt` on prompt submission. What differs per agent is the
/// event names and the tools.
pub(crate) struct SnakeCaseEnvelope {
    /// The agent's name for error messages ("Claude Code").
    pub label: &'static str,
    pub agent: Agent,
    pub events: EventTable,
    /// The typed action for a tool name, its `tool_input` and the whole
    /// payload (for agents that describe a tool outside its input).
    pub action: fn(&str, &Value, &Object) -> Result<Action, PayloadError>,
}

impl SnakeCaseEnvelope {
    pub(crate) fn parse(&self, payload: &[u8], hint: Option<&str>) -> Result<Parsed, PayloadError> {
        let obj = object(payload)?;
        let hook_name =
            event_name(&obj, "hook_event_name", hint)?.ok_or(PayloadError::Missing {
                field: "hook_event_name",
            })?;
        let (hook_name, hook) = match classify(hook_name, self.label, self.events)? {
            Ok(judged) => judged,
            Err(unjudged) => return Ok(unjudged),
        };
        let mut event = bare_event(
            self.agent.clone(),
            hook,
            string(&obj, "cwd")?,
            string(&obj, "session_id")?,
        );
        match hook {
            HookEvent::PreToolUse | HookEvent::PermissionRequest | HookEvent::PostToolUse => {
                let tool = string(&obj, "tool_name")?;
                let input = obj.get("tool_input").ok_or(PayloadError::Missing {
                    field: "tool_input",
                })?;
                event.action = (self.action)(tool, input, &obj)?;
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
}

/// An event with only the envelope filled in.
pub(crate) fn bare_event(agent: Agent, hook: HookEvent, cwd: &str, session_id: &str) -> Event {
    Event {
        agent,
        hook,
        cwd: cwd.to_owned(),
        session_id: session_id.to_owned(),
        tool_name: None,
        action: Action::None,
        tool_input: None,
        tool_response: None,
        prompt: None,
        facts: Vec::new(),
    }
}

// ------------------------------------------------------------------ fields

pub(crate) fn string<'a>(obj: &'a Object, key: &'static str) -> Result<&'a str, PayloadError> {
    optional_string(obj, key)?.ok_or(PayloadError::Missing { field: key })
}

pub(crate) fn optional_string<'a>(
    obj: &'a Object,
    key: &'static str,
) -> Result<Option<&'a str>, PayloadError> {
    string_at(obj, &[key], key)
}

/// The first of `keys` present in `obj`, which must be a string; `path` is
/// the name errors use (e.g. `tool_input.command`).
pub(crate) fn string_at<'a>(
    obj: &'a Object,
    keys: &[&str],
    path: &'static str,
) -> Result<Option<&'a str>, PayloadError> {
    match keys.iter().find_map(|k| obj.get(*k)) {
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(PayloadError::WrongType {
            field: path,
            expected: "a string",
            found: kind_of(other),
        }),
        None => Ok(None),
    }
}

/// Like [`string_at`], but the field must be there.
pub(crate) fn required_at<'a>(
    obj: &'a Object,
    keys: &[&str],
    path: &'static str,
) -> Result<&'a str, PayloadError> {
    string_at(obj, keys, path)?.ok_or(PayloadError::Missing { field: path })
}

pub(crate) fn as_object<'a>(v: &'a Value, field: &'static str) -> Result<&'a Object, PayloadError> {
    match v {
        Value::Object(o) => Ok(o),
        other => Err(PayloadError::WrongType {
            field,
            expected: "an object",
            found: kind_of(other),
        }),
    }
}

/// A field that holds JSON: either the value itself or a string of JSON text
/// (Copilot's `toolArgs`, Cursor's MCP `tool_input`), parsed a second time.
pub(crate) fn embedded_json(v: &Value, field: &'static str) -> Result<Value, PayloadError> {
    match v {
        Value::String(text) => serde_json::from_str(text)
            .map_err(|source| PayloadError::EmbeddedNotJson { field, source }),
        other => Ok(other.clone()),
    }
}

/// JSON text for a tool's output. A string that itself holds JSON (Cursor's
/// `tool_output`) is passed on as that JSON; any other value as is.
pub(crate) fn response_text(v: &Value) -> String {
    match v {
        Value::String(s) if serde_json::from_str::<Value>(s).is_ok() => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ----------------------------------------------------------------- actions

/// Where in a tool's input each part of an action is, and what errors call it.
pub(crate) struct Keys {
    /// The input object's own name (`tool_input`, `toolArgs`).
    pub input: &'static str,
    /// Candidate keys, first present wins, and the dotted name for errors.
    pub main: (&'static [&'static str], &'static str),
}

/// Keys inside the usual `tool_input` object.
pub(crate) const fn tool_input(main: &'static [&'static str], path: &'static str) -> Keys {
    Keys {
        input: "tool_input",
        main: (main, path),
    }
}

/// A web fetch: `main` is the URL.
pub(crate) fn web_fetch(input: &Value, keys: &Keys) -> Result<Action, PayloadError> {
    let fields = as_object(input, keys.input)?;
    Ok(Action::WebFetch(WebFetch {
        url: required_at(fields, keys.main.0, keys.main.1)?.to_owned(),
    }))
}

/// A shell command: `main` is the command; `workdir` an optional key.
pub(crate) fn shell(
    input: &Value,
    keys: &Keys,
    dialect: ShellDialect,
    workdir: Option<&'static str>,
) -> Result<Action, PayloadError> {
    let fields = as_object(input, keys.input)?;
    let command = required_at(fields, keys.main.0, keys.main.1)?;
    let workdir = match workdir {
        Some(k) => string_at(fields, &[k], k)?.map(str::to_owned),
        None => None,
    };
    Ok(Action::Shell(ShellCommand {
        command: command.to_owned(),
        dialect,
        workdir,
        analysis: None,
    }))
}

/// A whole-file write: `main` is the path; `content` candidate keys.
pub(crate) fn file_write(
    input: &Value,
    keys: &Keys,
    content: (&[&str], &'static str),
) -> Result<Action, PayloadError> {
    let fields = as_object(input, keys.input)?;
    Ok(Action::FileWrite(FileWrite {
        path: required_at(fields, keys.main.0, keys.main.1)?.to_owned(),
        content: string_at(fields, content.0, content.1)?.map(str::to_owned),
    }))
}

/// A find-and-replace edit: `main` is the path; `old`/`new` candidate keys.
pub(crate) fn file_edit(
    input: &Value,
    keys: &Keys,
    old: (&[&str], &'static str),
    new: (&[&str], &'static str),
) -> Result<Action, PayloadError> {
    let fields = as_object(input, keys.input)?;
    Ok(Action::FileEdit(FileEdit {
        path: required_at(fields, keys.main.0, keys.main.1)?.to_owned(),
        old_text: string_at(fields, old.0, old.1)?.map(str::to_owned),
        new_text: string_at(fields, new.0, new.1)?.map(str::to_owned),
    }))
}

/// Several edits of one file (Claude `MultiEdit`, Cursor `afterFileEdit`):
/// one [`FileEdit`] whose old and new texts are the edits' texts joined by
/// newlines, so a rule scanning what is written still sees all of it.
pub(crate) fn multi_edit(
    path: &str,
    edits: Option<&Value>,
    edits_field: &'static str,
) -> Result<Action, PayloadError> {
    let list = match edits {
        Some(Value::Array(list)) => list.as_slice(),
        Some(other) => {
            return Err(PayloadError::WrongType {
                field: edits_field,
                expected: "an array",
                found: kind_of(other),
            });
        }
        None => &[],
    };
    let mut old = Vec::new();
    let mut new = Vec::new();
    for edit in list {
        let edit = as_object(edit, edits_field)?;
        old.extend(string_at(edit, &["old_string"], edits_field)?);
        new.extend(string_at(edit, &["new_string"], edits_field)?);
    }
    Ok(Action::FileEdit(FileEdit {
        path: path.to_owned(),
        old_text: (!old.is_empty()).then(|| old.join("\n")),
        new_text: (!new.is_empty()).then(|| new.join("\n")),
    }))
}

pub(crate) fn mcp_call(server: &str, tool: &str, arguments: &Value) -> Action {
    mcp_call_from(server, tool, arguments, None)
}

/// An MCP call with the server's origin, where the payload names it.
pub(crate) fn mcp_call_from(
    server: &str,
    tool: &str,
    arguments: &Value,
    origin: Option<McpOrigin>,
) -> Action {
    Action::McpCall(McpCall {
        server: server.to_owned(),
        tool: tool.to_owned(),
        arguments: arguments.to_string(),
        origin: origin.and_then(McpOrigin::non_empty),
    })
}

/// A string field of `obj`, ignoring anything that is not a non-empty string
/// (origins are informational: a malformed one is simply not known).
pub(crate) fn loose_string(obj: &Object, key: &str) -> Option<String> {
    obj.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `mcp__<server>__<tool>` (Codex, Claude Code) → (server, tool). Server
/// names may hold single underscores; the first `__` after the prefix
/// separates them.
pub(crate) fn mcp_double_underscore(tool: &str) -> Option<(&str, &str)> {
    let rest = tool.strip_prefix("mcp__")?;
    let (server, tool) = rest.split_once("__")?;
    (!server.is_empty() && !tool.is_empty()).then_some((server, tool))
}

// --------------------------------------------------------------- rendering

/// What "ask" says where it has to become a deny.
pub(crate) fn approval_required(verdict: &Verdict) -> String {
    format!("approval required: {}", crate::reason_or_default(verdict))
}

/// The verdict's context for the model, if it says anything.
pub(crate) fn context(verdict: &Verdict) -> Option<&str> {
    verdict.context.as_deref().filter(|c| !c.trim().is_empty())
}

/// `first`, then the verdict's context, on separate lines; `None` if both
/// are absent.
pub(crate) fn with_context(first: Option<String>, verdict: &Verdict) -> Option<String> {
    match (first, context(verdict)) {
        (Some(a), Some(c)) => Some(format!("{a}\n{c}")),
        (Some(a), None) => Some(a),
        (None, Some(c)) => Some(c.to_owned()),
        (None, None) => None,
    }
}

/// `{"hookSpecificOutput": {"hookEventName": …, "additionalContext": …}}`,
/// the context channel of Codex, Claude Code and Gemini CLI; no output when
/// there is nothing to add.
pub(crate) fn context_answer(event: &str, text: Option<String>) -> Answer {
    match text {
        Some(t) => Answer::json(json!({ "hookSpecificOutput": hso_context(event, t) })),
        None => Answer::none(),
    }
}

pub(crate) fn hso_context(event: &str, text: String) -> Value {
    json!({"hookEventName": event, "additionalContext": text})
}

/// For channels that can only inform (no way to block): what a deny or an
/// ask has to say, followed by the context.
pub(crate) fn notice(verdict: &Verdict) -> Option<String> {
    let reason = crate::reason_or_default(verdict);
    let first = match verdict.decision {
        Decision::Deny => Some(format!("hookwarden policy violation: {reason}")),
        Decision::Ask => Some(format!("hookwarden warning: {reason}")),
        Decision::Allow => None,
    };
    with_context(first, verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcp_names_split_on_the_first_double_underscore() {
        assert_eq!(
            mcp_double_underscore("mcp__memory__create_entities"),
            Some(("memory", "create_entities"))
        );
        assert_eq!(
            mcp_double_underscore("mcp__my_server__do__it"),
            Some(("my_server", "do__it"))
        );
        assert_eq!(mcp_double_underscore("mcp__broken"), None);
        assert_eq!(mcp_double_underscore("update_plan"), None);
    }

    #[test]
    fn multi_edit_joins_texts_and_names_bad_entries() {
        let edits =
            json!([{"old_string": "a", "new_string": "b"}, {"old_string": "c", "new_string": "d"}]);
        assert_eq!(
            multi_edit("/f", Some(&edits), "tool_input.edits").unwrap(),
            Action::FileEdit(FileEdit {
                path: "/f".into(),
                old_text: Some("a\nc".into()),
                new_text: Some("b\nd".into()),
            })
        );
        let e = multi_edit("/f", Some(&json!([1])), "tool_input.edits").unwrap_err();
        assert!(e.to_string().contains("`tool_input.edits`"), "{e}");
        let e = multi_edit("/f", Some(&json!({})), "edits").unwrap_err();
        assert!(e.to_string().contains("an array"), "{e}");
    }

    #[test]
    fn embedded_json_is_parsed_once_more() {
        assert_eq!(
            embedded_json(&json!("{\"command\":\"ls\"}"), "toolArgs").unwrap(),
            json!({"command": "ls"})
        );
        assert_eq!(
            embedded_json(&json!({"a": 1}), "x").unwrap(),
            json!({"a": 1})
        );
        let e = embedded_json(&json!("{\"command\":"), "toolArgs").unwrap_err();
        assert!(e.to_string().contains("`toolArgs`"), "{e}");
        assert_eq!(response_text(&json!("{\"ok\":true}")), "{\"ok\":true}");
        assert_eq!(response_text(&json!("plain")), "\"plain\"");
    }
}
