//! Cursor adapter, golden: one payload per event built from the documented
//! fields (`agent-hook-protocols.md` §4.3) → the normalized event; every
//! verdict → the per-event answer of §4.4, key by key. Cursor fails open on
//! invalid output, so each answer may hold only that event's keys.

mod common;

use common::*;
use hookwarden_agents::{Adapter, AgentKind, AskFallback, PayloadError, adapter};
use hookwarden_event::{
    Action, Agent, Decision, Event, FileEdit, FileWrite, HookEvent, McpCall, McpOrigin,
    ShellCommand, ShellDialect,
};
use serde_json::{Value, json};

const AGENT: &str = "cursor";
const CONVERSATION: &str = "668320d2-2fd8-4888-b33c-2a466fec86e7";

fn cursor() -> Box<dyn Adapter> {
    adapter(AgentKind::Cursor)
}

fn event(name: &str) -> Event {
    let p = parse_ok(cursor().as_ref(), AGENT, name, None);
    p.event
        .unwrap_or_else(|| panic!("{name}: `{}` not judged", p.hook_name))
}

fn project_event(hook: HookEvent) -> Event {
    Event {
        agent: Agent::Cursor,
        hook,
        cwd: "/Users/dev/project".into(),
        session_id: CONVERSATION.into(),
        tool_name: None,
        action: Action::None,
        tool_input: None,
        tool_response: None,
        prompt: None,
        facts: Vec::new(),
    }
}

fn shell(command: &str, workdir: &str) -> Action {
    Action::Shell(ShellCommand {
        command: command.into(),
        dialect: ShellDialect::Posix,
        workdir: Some(workdir.into()),
        analysis: None,
    })
}

// ---------------------------------------------------------------- parsing

#[test]
fn pre_tool_use_tools() {
    let cases: [(&str, &str, Action); 4] = [
        (
            "pre-tool-use-shell.json",
            "Shell",
            shell("rm -rf dist", "/Users/dev/project/web"),
        ),
        (
            "pre-tool-use-write.json",
            "Write",
            Action::FileWrite(FileWrite {
                path: "/Users/dev/project/.env".into(),
                content: Some("TOKEN=abc\n".into()),
            }),
        ),
        (
            "pre-tool-use-mcp.json",
            "MCP:create_issue",
            Action::McpCall(McpCall {
                server: String::new(),
                tool: "create_issue".into(),
                arguments: r#"{"title":"x"}"#.into(),
                origin: None,
            }),
        ),
        (
            "pre-tool-use-delete.json",
            "Delete",
            Action::OtherTool("Delete".into()),
        ),
    ];
    for (name, tool, action) in cases {
        let p = parse_ok(cursor().as_ref(), AGENT, name, Some("preToolUse"));
        assert_eq!(p.hook_name, "preToolUse");
        let e = p.event.unwrap();
        assert_eq!(e.tool_name.as_deref(), Some(tool), "{name}");
        assert_eq!(e.action, action, "{name}");
        // No session_id in Cursor payloads: the conversation stands in.
        assert_eq!(
            (e.cwd.as_str(), e.session_id.as_str()),
            ("/Users/dev/project", CONVERSATION)
        );
    }
}

#[test]
fn post_tool_use_output_is_json_text() {
    let e = event("post-tool-use.json");
    assert_eq!(e.hook, HookEvent::PostToolUse);
    assert_eq!(e.action, shell("cat .env", "/Users/dev/project"));
    // `tool_output` is a JSON string; the event holds the JSON it contains.
    let out: Value = serde_json::from_str(e.tool_response.as_deref().unwrap()).unwrap();
    assert_eq!(out, json!({"output": "TOKEN=abc", "exitCode": 0}));
}

#[test]
fn dedicated_pre_tool_events() {
    assert_eq!(
        event("before-shell-execution.json"),
        Event {
            tool_name: Some("Shell".into()),
            action: shell("git push --force origin main", "/Users/dev/project"),
            tool_input: Some(
                json!({"command": "git push --force origin main", "cwd": "/Users/dev/project"})
                    .to_string()
            ),
            ..project_event(HookEvent::PreToolUse)
        }
    );
    // `tool_input` arrives as a JSON string and is parsed again.
    assert_eq!(
        event("before-mcp-execution.json"),
        Event {
            tool_name: Some("run_query".into()),
            action: Action::McpCall(McpCall {
                server: "https://db.example.com/mcp".into(),
                tool: "run_query".into(),
                arguments: r#"{"sql":"DROP TABLE users"}"#.into(),
                // The server's only identity: its URL, also as its origin.
                origin: Some(McpOrigin {
                    url: Some("https://db.example.com/mcp".into()),
                    ..McpOrigin::default()
                }),
            }),
            tool_input: Some(r#"{"sql":"DROP TABLE users"}"#.into()),
            // No cwd: the first workspace root stands in.
            ..project_event(HookEvent::PreToolUse)
        }
    );
    let e = event("before-mcp-execution-stdio.json");
    assert!(
        matches!(&e.action, Action::McpCall(m) if m.server.starts_with("npx -y") && m.tool == "read_file"),
        "{:?}",
        e.action
    );
    assert_eq!(
        event("before-read-file.json"),
        Event {
            tool_name: Some("Read".into()),
            action: Action::OtherTool("Read".into()),
            tool_input: Some(r#"{"file_path":"/Users/dev/project/.env"}"#.into()),
            ..project_event(HookEvent::PreToolUse)
        }
    );
}

#[test]
fn after_file_edit_is_a_post_tool_edit() {
    let e = event("after-file-edit.json");
    assert_eq!(e.hook, HookEvent::PostToolUse);
    assert_eq!(
        e.action,
        Action::FileEdit(FileEdit {
            path: "/Users/dev/project/src/main.ts".into(),
            old_text: Some("const a = 1".into()),
            new_text: Some("const a = 2".into()),
        })
    );
}

#[test]
fn prompt_stop_and_session_events() {
    assert_eq!(
        event("before-submit-prompt.json"),
        Event {
            prompt: Some("delete the build dir".into()),
            ..project_event(HookEvent::UserPromptSubmit)
        }
    );
    for name in ["stop.json", "subagent-stop.json"] {
        assert_eq!(event(name), project_event(HookEvent::Stop), "{name}");
    }
    assert_eq!(
        event("session-start.json"),
        project_event(HookEvent::SessionStart)
    );
    for (name, hook_name) in [
        ("session-end.json", "sessionEnd"),
        ("after-shell-execution.json", "afterShellExecution"),
    ] {
        let p = parse_ok(cursor().as_ref(), AGENT, name, None);
        assert_eq!((p.hook_name.as_str(), p.event), (hook_name, None));
    }
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_payloads_say_what_is_wrong() {
    let a = cursor();
    assert_refuses_broken_json(a.as_ref());
    let with = |name: &str, extra: Value| {
        let mut p = json!({"hook_event_name": name, "conversation_id": "c"});
        p.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        p
    };
    let cases: [(Value, &str, &str); 10] = [
        (json!({"conversation_id": "c"}), "hook_event_name", "has no"),
        (
            with("stop", json!({"conversation_id": 5})),
            "conversation_id",
            "a number",
        ),
        (with("stop", json!({"cwd": ["/"]})), "cwd", "an array"),
        (
            with("beforeShellExecution", json!({"cwd": "/"})),
            "command",
            "has no",
        ),
        (
            with("beforeShellExecution", json!({"command": {}})),
            "command",
            "an object",
        ),
        (
            with("beforeMCPExecution", json!({"tool_name": "t"})),
            "tool_input",
            "has no",
        ),
        (
            with(
                "beforeMCPExecution",
                json!({"tool_name": "t", "tool_input": "{\"sql\":"}),
            ),
            "tool_input",
            "should hold JSON",
        ),
        (
            with(
                "preToolUse",
                json!({"tool_name": "Shell", "tool_input": {}}),
            ),
            "tool_input.command",
            "has no",
        ),
        (with("beforeReadFile", json!({})), "file_path", "has no"),
        (
            with("beforeSubmitPrompt", json!({"prompt": null})),
            "prompt",
            "null",
        ),
    ];
    for (payload, field, says) in cases {
        let e = a.parse(payload.to_string().as_bytes(), None).unwrap_err();
        assert_field_error(&e, field, says);
    }
    for name in ["PreToolUse", "Stop", "beforeshellexecution"] {
        let e = a
            .parse(
                json!({"hook_event_name": name}).to_string().as_bytes(),
                None,
            )
            .unwrap_err();
        assert!(
            matches!(&e, PayloadError::UnknownEvent { name: n, .. } if n == name),
            "{e}"
        );
    }
}

#[test]
fn no_input_panics() {
    assert_never_panics(cursor().as_ref(), AGENT, &|_| None);
}

// ---------------------------------------------------------------- rendering

const HOOKS: [&str; 14] = [
    "preToolUse",
    "beforeShellExecution",
    "beforeMCPExecution",
    "beforeReadFile",
    "postToolUse",
    "afterFileEdit",
    "beforeSubmitPrompt",
    "stop",
    "subagentStop",
    "sessionStart",
    "sessionEnd",
    "afterShellExecution",
    "",
    "PreToolUse",
];

/// The answer for a verdict with reason "because", no context and the
/// default ask fallback (deny) (§4.4): stdout JSON and exit code.
fn expected(hook: &str, decision: Decision) -> (Option<Value>, i32) {
    let permission = |p: &str, reason: &str| {
        Some(json!({"permission": p, "user_message": reason, "agent_message": reason}))
    };
    let approval = "approval required: because";
    let answer = match (hook, decision) {
        ("preToolUse" | "beforeShellExecution" | "beforeMCPExecution", Decision::Deny) => {
            permission("deny", "because")
        }
        ("beforeShellExecution" | "beforeMCPExecution", Decision::Ask) => {
            permission("ask", "because")
        }
        ("preToolUse", Decision::Ask) => permission("deny", approval),
        ("beforeReadFile", Decision::Deny) => {
            Some(json!({"permission": "deny", "user_message": "because"}))
        }
        ("beforeReadFile", Decision::Ask) => {
            Some(json!({"permission": "deny", "user_message": approval}))
        }
        ("beforeSubmitPrompt", Decision::Deny | Decision::Ask) => {
            Some(json!({"continue": false, "user_message": "because"}))
        }
        ("stop" | "subagentStop", Decision::Deny) => Some(json!({"followup_message": "because"})),
        ("postToolUse" | "sessionStart", Decision::Deny) => {
            Some(json!({"additional_context": "hookwarden policy violation: because"}))
        }
        ("postToolUse" | "sessionStart", Decision::Ask) => {
            Some(json!({"additional_context": "hookwarden warning: because"}))
        }
        ("", Decision::Deny | Decision::Ask) => return (None, 2),
        _ => None,
    };
    (answer, 0)
}

#[test]
fn every_fixture_gets_the_documented_answer_for_allow_ask_and_deny() {
    let a = cursor();
    let mut hooks: Vec<String> = all_fixtures(AGENT)
        .iter()
        .map(|(_, bytes)| a.parse(bytes, None).unwrap().hook_name)
        .collect();
    hooks.push(String::new());
    for hook in hooks {
        for decision in [Decision::Allow, Decision::Ask, Decision::Deny] {
            let r = render(a.as_ref(), &hook, decision, None, AskFallback::Deny);
            assert_eq!(
                (r.json, r.exit_code),
                expected(&hook, decision),
                "{hook} {decision}"
            );
        }
        // Where Cursor cannot ask, the allow fallback gives no answer.
        if ["preToolUse", "beforeReadFile", ""].contains(&hook.as_str()) {
            let r = render(a.as_ref(), &hook, Decision::Ask, None, AskFallback::Allow);
            assert_eq!((r.json, r.exit_code), (None, 0), "{hook}");
        }
    }
}

/// Cursor's contract (§4.4), independently of the adapter.
fn assert_cursor_accepts(hook: &str, r: &Rendered) {
    if hook.is_empty() {
        // Exit 2 blocks any event; nothing on stdout to misread.
        assert!(r.json.is_none());
        if r.exit_code == 2 {
            non_empty(&Value::String(r.stderr.clone()));
        }
        return;
    }
    assert_eq!(r.exit_code, 0, "{hook}");
    let Some(answer) = &r.json else {
        return;
    };
    let allowed: &[&str] = match hook {
        "preToolUse" | "beforeShellExecution" | "beforeMCPExecution" => {
            &["agent_message", "permission", "user_message"]
        }
        "beforeReadFile" => &["permission", "user_message"],
        "beforeSubmitPrompt" => &["continue", "user_message"],
        "postToolUse" | "sessionStart" => &["additional_context"],
        "stop" | "subagentStop" => &["followup_message"],
        _ => panic!("{hook}: should have no answer, got {answer}"),
    };
    assert_eq!(
        keys(answer),
        {
            let mut k = allowed.to_vec();
            k.sort();
            k
        },
        "{hook}: every documented key, no other: {answer}"
    );
    if let Some(p) = answer.get("permission") {
        let ask_ok = hook == "beforeShellExecution" || hook == "beforeMCPExecution";
        assert!(
            p == "deny" || (ask_ok && p == "ask"),
            "never allow: {answer}"
        );
    }
    if let Some(c) = answer.get("continue") {
        assert_eq!(c, false);
    }
    for k in [
        "user_message",
        "agent_message",
        "followup_message",
        "additional_context",
    ] {
        if let Some(m) = answer.get(k) {
            non_empty(m);
        }
    }
}

#[test]
fn every_answer_is_one_cursor_accepts() {
    for_every_answer(cursor().as_ref(), &HOOKS, assert_cursor_accepts);
}

#[test]
fn context_reaches_the_model_after_a_tool() {
    let a = cursor();
    let r = render(
        a.as_ref(),
        "postToolUse",
        Decision::Allow,
        Some("ctx"),
        AskFallback::Deny,
    );
    assert_eq!(r.json.unwrap(), json!({"additional_context": "ctx"}));
    let r = render(
        a.as_ref(),
        "postToolUse",
        Decision::Deny,
        Some("ctx"),
        AskFallback::Deny,
    );
    assert_eq!(
        r.json.unwrap(),
        json!({"additional_context": "hookwarden policy violation: because\nctx"})
    );
    let r = render(a.as_ref(), "", Decision::Deny, None, AskFallback::Deny);
    assert_eq!((r.exit_code, r.stderr.as_str()), (2, "because\n"));
}
