//! Claude Code adapter, golden: the payloads captured from Claude Code
//! 2.1.330 (`real-agents-e2e.md` §4.4), the doc's PreToolUse example and one
//! payload per event built from the documented fields
//! (`agent-hook-protocols.md` §2.3) → the normalized event; every verdict →
//! the answer of §2.4, key by key.

mod common;

use common::*;
use hookwarden_agents::{Adapter, AgentKind, AskFallback, PayloadError, adapter};
use hookwarden_event::{
    Action, Agent, Decision, Event, FileEdit, FileWrite, HookEvent, McpCall, McpOrigin,
    ShellCommand, ShellDialect, WebFetch,
};
use serde_json::{Value, json};

const AGENT: &str = "claude-code";

fn claude() -> Box<dyn Adapter> {
    adapter(AgentKind::ClaudeCode)
}

fn event(name: &str) -> Event {
    let p = parse_ok(claude().as_ref(), AGENT, name, None);
    p.event
        .unwrap_or_else(|| panic!("{name}: `{}` not judged", p.hook_name))
}

fn project_event(hook: HookEvent) -> Event {
    Event {
        agent: Agent::ClaudeCode,
        hook,
        cwd: "/home/user/my-project".into(),
        session_id: "abc123".into(),
        tool_name: None,
        action: Action::None,
        tool_input: None,
        tool_response: None,
        prompt: None,
        facts: Vec::new(),
    }
}

fn tool_event(hook: HookEvent, tool: &str, action: Action, input: Value) -> Event {
    Event {
        tool_name: Some(tool.into()),
        action,
        tool_input: Some(input.to_string()),
        ..project_event(hook)
    }
}

fn shell(command: &str, dialect: ShellDialect) -> Action {
    Action::Shell(ShellCommand {
        command: command.into(),
        dialect,
        workdir: None,
        analysis: None,
    })
}

// ---------------------------------------------------------------- parsing

#[test]
fn captured_claude_code_2_1_330_payloads_normalize() {
    for (name, session, run, target) in [
        (
            "captured-2.1.330-deny-exit2.json",
            "2facc14b-d0a2-4532-b353-393e0f4f5f48",
            "claude-deny-exit2",
            "SHOULD_NOT_EXIST_claude_deny-exit2",
        ),
        (
            "captured-2.1.330-deny-json.json",
            "e78bd3d0-e6c8-402b-bba9-8425a3d40aaf",
            "claude-deny-json",
            "SHOULD_NOT_EXIST_claude_json",
        ),
        (
            "captured-2.1.330-allow.json",
            "c3e13ebd-e1a6-4b3c-b298-c7b8bba1aa7a",
            "claude-allow",
            "SHOULD_EXIST_claude",
        ),
    ] {
        let p = parse_ok(claude().as_ref(), AGENT, name, Some("PreToolUse"));
        assert_eq!(p.hook_name, "PreToolUse");
        let command = format!("touch $E2E_ROOT/out/{target}");
        assert_eq!(
            p.event.unwrap(),
            Event {
                agent: Agent::ClaudeCode,
                hook: HookEvent::PreToolUse,
                cwd: format!("$E2E_ROOT/runs/{run}/work"),
                session_id: session.into(),
                tool_name: Some("Bash".into()),
                action: shell(&command, ShellDialect::Posix),
                // The input passes through whole, `description` included.
                tool_input: Some(
                    json!({"command": command, "description": "mock e2e shell call"}).to_string()
                ),
                tool_response: None,
                prompt: None,
                facts: Vec::new(),
            },
            "{name}"
        );
    }
}

#[test]
fn doc_example_pre_tool_use() {
    let e = event("doc-example-pre-tool-use.json");
    assert_eq!(
        e,
        tool_event(
            HookEvent::PreToolUse,
            "Bash",
            shell("npm test", ShellDialect::Posix),
            json!({"command": "npm test", "description": "Run test suite", "timeout": 120000, "run_in_background": false}),
        )
    );
}

#[test]
fn tools_become_typed_actions() {
    let cases: [(&str, Action); 9] = [
        (
            "pre-tool-use-powershell.json",
            shell("Remove-Item -Recurse C:\\build", ShellDialect::Powershell),
        ),
        (
            "pre-tool-use-write.json",
            Action::FileWrite(FileWrite {
                path: "/home/user/my-project/.env".into(),
                content: Some("TOKEN=abc\n".into()),
            }),
        ),
        (
            "pre-tool-use-edit.json",
            Action::FileEdit(FileEdit {
                path: "/home/user/my-project/src/main.rs".into(),
                old_text: Some("let x = 1;".into()),
                new_text: Some("let x = 2;".into()),
            }),
        ),
        (
            "pre-tool-use-multi-edit.json",
            Action::FileEdit(FileEdit {
                path: "/home/user/my-project/Cargo.toml".into(),
                old_text: Some("a = 1\nb = 1".into()),
                new_text: Some("a = 2\nb = 2".into()),
            }),
        ),
        (
            "pre-tool-use-mcp.json",
            Action::McpCall(McpCall {
                server: "memory".into(),
                tool: "create_entities".into(),
                arguments: json!({"entities": [{"name": "x"}], "mcp_server": {"name": "memory", "source": "user"}}).to_string(),
                // An `mcp_server` in the arguments is the model's word, not
                // Claude Code's: no origin.
                origin: None,
            }),
        ),
        (
            "pre-tool-use-plugin-mcp.json",
            Action::McpCall(McpCall {
                server: "plugin_acme_db".into(),
                tool: "query".into(),
                arguments: r#"{"sql":"DROP TABLE users"}"#.into(),
                origin: None,
            }),
        ),
        (
            "pre-tool-use-web-fetch.json",
            Action::WebFetch(WebFetch {
                url: "https://example.com/install.sh".into(),
            }),
        ),
        ("pre-tool-use-read.json", Action::OtherTool("Read".into())),
        (
            "permission-request.json",
            shell("git push --force origin main", ShellDialect::Posix),
        ),
    ];
    for (name, action) in cases {
        let e = event(name);
        assert_eq!(e.action, action, "{name}");
        assert_eq!(e.agent, Agent::ClaudeCode);
        assert_eq!(
            (e.cwd.as_str(), e.session_id.as_str()),
            ("/home/user/my-project", "abc123")
        );
        let input: Value = serde_json::from_str(e.tool_input.as_deref().unwrap()).unwrap();
        assert!(input.is_object(), "{name}");
    }
    assert_eq!(
        event("permission-request.json").hook,
        HookEvent::PermissionRequest
    );
}

#[test]
fn post_tool_use_keeps_the_structured_response() {
    let e = event("post-tool-use-write.json");
    assert_eq!(
        e,
        Event {
            tool_response: Some(
                json!({"filePath": "/home/user/my-project/notes.md", "type": "create"}).to_string()
            ),
            ..tool_event(
                HookEvent::PostToolUse,
                "Write",
                Action::FileWrite(FileWrite {
                    path: "/home/user/my-project/notes.md".into(),
                    content: Some("hi".into()),
                }),
                json!({"file_path": "/home/user/my-project/notes.md", "content": "hi"}),
            )
        }
    );
    let e = event("post-tool-use-bash.json");
    assert_eq!(e.action, shell("cargo test", ShellDialect::Posix));
    let response: Value = serde_json::from_str(e.tool_response.as_deref().unwrap()).unwrap();
    assert_eq!(response["stdout"], "ok");
}

#[test]
fn prompt_stop_and_session_events() {
    assert_eq!(
        event("user-prompt-submit.json"),
        Event {
            prompt: Some("delete the build dir".into()),
            ..project_event(HookEvent::UserPromptSubmit)
        }
    );
    for (name, hook_name) in [
        ("stop.json", "Stop"),
        ("subagent-stop.json", "SubagentStop"),
    ] {
        let p = parse_ok(claude().as_ref(), AGENT, name, None);
        assert_eq!(p.hook_name, hook_name);
        assert_eq!(p.event.unwrap(), project_event(HookEvent::Stop));
    }
    assert_eq!(
        event("session-start.json"),
        project_event(HookEvent::SessionStart)
    );
}

#[test]
fn unjudged_events_parse_to_no_event() {
    for (name, hook_name) in [
        ("session-end.json", "SessionEnd"),
        ("notification.json", "Notification"),
        ("post-tool-use-failure.json", "PostToolUseFailure"),
    ] {
        let p = parse_ok(claude().as_ref(), AGENT, name, None);
        assert_eq!((p.hook_name.as_str(), p.event), (hook_name, None));
    }
    for hook_name in [
        "PreCompact",
        "PermissionDenied",
        "Elicitation",
        "StopFailure",
    ] {
        let payload = json!({"session_id": "s", "cwd": "/w", "hook_event_name": hook_name});
        let p = claude()
            .parse(payload.to_string().as_bytes(), None)
            .unwrap();
        assert_eq!((p.hook_name.as_str(), p.event), (hook_name, None));
    }
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_payloads_say_what_is_wrong() {
    let a = claude();
    assert_refuses_broken_json(a.as_ref());
    let base = |extra: Value| {
        let mut p = json!({"hook_event_name": "PreToolUse", "cwd": "/", "session_id": "s"});
        p.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        p
    };
    let cases: [(Value, &str, &str); 10] = [
        (json!({}), "hook_event_name", "has no"),
        (
            json!({"hook_event_name": ["Stop"]}),
            "hook_event_name",
            "an array",
        ),
        (
            json!({"hook_event_name": "Stop", "session_id": "s"}),
            "cwd",
            "has no",
        ),
        (base(json!({"tool_input": {}})), "tool_name", "has no"),
        (base(json!({"tool_name": "Bash"})), "tool_input", "has no"),
        (
            base(json!({"tool_name": "Bash", "tool_input": "ls"})),
            "tool_input",
            "a string",
        ),
        (
            base(json!({"tool_name": "Bash", "tool_input": {"command": 7}})),
            "tool_input.command",
            "a number",
        ),
        (
            base(json!({"tool_name": "Write", "tool_input": {"content": "x"}})),
            "tool_input.file_path",
            "has no",
        ),
        (
            base(
                json!({"tool_name": "MultiEdit", "tool_input": {"file_path": "/f", "edits": "x"}}),
            ),
            "tool_input.edits",
            "an array",
        ),
        (
            json!({"hook_event_name": "UserPromptSubmit", "cwd": "/", "session_id": "s"}),
            "prompt",
            "has no",
        ),
    ];
    for (payload, field, says) in cases {
        let e = a.parse(payload.to_string().as_bytes(), None).unwrap_err();
        assert_field_error(&e, field, says);
    }
    // Codex's and Cursor's names are not Claude Code's.
    for name in ["Interrupt", "preToolUse", "BeforeTool"] {
        let payload = json!({"hook_event_name": name, "cwd": "/", "session_id": "s"});
        let e = a.parse(payload.to_string().as_bytes(), None).unwrap_err();
        assert!(
            matches!(&e, PayloadError::UnknownEvent { name: n, .. } if n == name),
            "{e}"
        );
        assert!(e.to_string().contains("Claude Code"), "{e}");
    }
    let e = a
        .parse(&fixture(AGENT, "stop.json"), Some("PreToolUse"))
        .unwrap_err();
    assert!(matches!(e, PayloadError::EventMismatch { .. }), "{e}");
    assert_eq!(e.payload_hook_name(), Some("Stop"));
}

#[test]
fn no_input_panics() {
    assert_never_panics(claude().as_ref(), AGENT, &|_| None);
}

// ---------------------------------------------------------------- rendering

const HOOKS: [&str; 12] = [
    "PreToolUse",
    "PermissionRequest",
    "PostToolUse",
    "UserPromptSubmit",
    "Stop",
    "SubagentStop",
    "SessionStart",
    "SessionEnd",
    "Notification",
    "PreCompact",
    "",
    "SomethingNew",
];

/// The answer for a verdict with reason "because" and no context (§2.4).
fn expected(hook: &str, decision: Decision) -> (Option<Value>, i32) {
    let hso = |v: Value| Some(json!({ "hookSpecificOutput": v }));
    let block = Some(json!({"decision": "block", "reason": "because"}));
    match (hook, decision) {
        ("PreToolUse", Decision::Deny) => (
            hso(
                json!({"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": "because"}),
            ),
            0,
        ),
        ("PreToolUse", Decision::Ask) => (
            hso(
                json!({"hookEventName": "PreToolUse", "permissionDecision": "ask", "permissionDecisionReason": "because"}),
            ),
            0,
        ),
        ("PermissionRequest", Decision::Deny) => (
            hso(
                json!({"hookEventName": "PermissionRequest", "decision": {"behavior": "deny", "message": "because"}}),
            ),
            0,
        ),
        ("PostToolUse", Decision::Deny) => (block, 0),
        ("PostToolUse", Decision::Ask) => (
            hso(
                json!({"hookEventName": "PostToolUse", "additionalContext": "hookwarden warning: because"}),
            ),
            0,
        ),
        ("UserPromptSubmit", Decision::Deny | Decision::Ask) => (block, 0),
        ("Stop" | "SubagentStop", Decision::Deny) => (block, 0),
        ("Stop" | "SubagentStop", Decision::Ask) => (Some(json!({"systemMessage": "because"})), 0),
        ("SessionStart", Decision::Deny) => {
            (Some(json!({"continue": false, "stopReason": "because"})), 0)
        }
        _ => (None, 0),
    }
}

#[test]
fn every_fixture_gets_the_documented_answer_for_allow_ask_and_deny() {
    let a = claude();
    for (name, bytes) in all_fixtures(AGENT) {
        let hook = a.parse(&bytes, None).unwrap().hook_name;
        for decision in [Decision::Allow, Decision::Ask, Decision::Deny] {
            for fallback in [AskFallback::Deny, AskFallback::Allow] {
                let r = render(a.as_ref(), &hook, decision, None, fallback);
                assert_eq!(
                    (r.json, r.exit_code),
                    expected(&hook, decision),
                    "{name} {decision}"
                );
            }
        }
    }
}

/// Claude Code's output contract (§2.4), independently of the adapter: only
/// the keys each event's schema has, and never an approval.
fn assert_claude_accepts(hook: &str, r: &Rendered) {
    let Some(answer) = &r.json else {
        return;
    };
    let top: &[&str] = match hook {
        "PreToolUse" | "PermissionRequest" => &["hookSpecificOutput"],
        "PostToolUse" | "UserPromptSubmit" => &["decision", "hookSpecificOutput", "reason"],
        "Stop" | "SubagentStop" => &["decision", "reason", "systemMessage"],
        "SessionStart" => &["continue", "hookSpecificOutput", "stopReason"],
        "" => &["decision", "reason"],
        _ => panic!("{hook}: should have no answer, got {answer}"),
    };
    only_keys(hook, answer, top);
    if let Some(d) = answer.get("decision") {
        assert_eq!(d, "block");
        non_empty(&answer["reason"]);
    }
    if let Some(c) = answer.get("continue") {
        assert_eq!(c, false);
        non_empty(&answer["stopReason"]);
    }
    if let Some(hso) = answer.get("hookSpecificOutput") {
        assert_eq!(hso["hookEventName"], hook, "{answer}");
        match hook {
            "PreToolUse" => {
                only_keys(
                    hook,
                    hso,
                    &[
                        "additionalContext",
                        "hookEventName",
                        "permissionDecision",
                        "permissionDecisionReason",
                    ],
                );
                if let Some(d) = hso.get("permissionDecision") {
                    assert!(d == "deny" || d == "ask", "never allow: {answer}");
                    non_empty(&hso["permissionDecisionReason"]);
                }
            }
            "PermissionRequest" => {
                assert_eq!(keys(hso), ["decision", "hookEventName"]);
                assert_eq!(keys(&hso["decision"]), ["behavior", "message"]);
                assert_eq!(hso["decision"]["behavior"], "deny", "never auto-approve");
                non_empty(&hso["decision"]["message"]);
            }
            _ => {
                assert_eq!(keys(hso), ["additionalContext", "hookEventName"]);
                non_empty(&hso["additionalContext"]);
            }
        }
    }
    if hook.is_empty() {
        // Exit 2 blocks whatever the event; JSON carries the same reason.
        assert_eq!(r.exit_code, 2);
        assert_eq!(r.stderr.trim(), answer["reason"]);
    } else {
        assert_eq!(r.exit_code, 0);
    }
}

#[test]
fn every_answer_is_one_claude_code_accepts() {
    for_every_answer(claude().as_ref(), &HOOKS, assert_claude_accepts);
}

#[test]
fn context_reaches_the_model_where_there_is_a_channel() {
    let a = claude();
    let r = render(
        a.as_ref(),
        "PreToolUse",
        Decision::Deny,
        Some("ctx"),
        AskFallback::Deny,
    );
    assert_eq!(
        r.json.unwrap()["hookSpecificOutput"]["additionalContext"],
        "ctx"
    );
    for hook in [
        "PreToolUse",
        "PostToolUse",
        "UserPromptSubmit",
        "SessionStart",
    ] {
        let r = render(
            a.as_ref(),
            hook,
            Decision::Allow,
            Some("ctx"),
            AskFallback::Deny,
        );
        assert_eq!(
            r.json.unwrap(),
            json!({"hookSpecificOutput": {"hookEventName": hook, "additionalContext": "ctx"}})
        );
    }
    // Context on an allowed stop would keep Claude going.
    let r = render(
        a.as_ref(),
        "Stop",
        Decision::Allow,
        Some("ctx"),
        AskFallback::Deny,
    );
    assert_eq!(r.json, None);
}

#[test]
fn an_unreadable_payload_gets_exit_2_and_the_legacy_block() {
    let a = claude();
    let r = render(a.as_ref(), "", Decision::Deny, Some("c"), AskFallback::Deny);
    assert_eq!(
        r.json.unwrap(),
        json!({"decision": "block", "reason": "because"})
    );
    assert_eq!((r.exit_code, r.stderr.as_str()), (2, "because\n"));
    let r = render(a.as_ref(), "", Decision::Ask, None, AskFallback::Deny);
    assert_eq!(
        r.json.unwrap(),
        json!({"decision": "block", "reason": "approval required: because"})
    );
    assert_eq!(r.exit_code, 2);
    let r = render(a.as_ref(), "", Decision::Ask, None, AskFallback::Allow);
    assert_eq!((r.json, r.exit_code), (None, 0));
    let r = render(a.as_ref(), "", Decision::Allow, None, AskFallback::Deny);
    assert_eq!((r.json, r.exit_code), (None, 0));
}

/// The payload the real Claude Code 2.1.330 sent for an MCP tool call in
/// the e2e suite (tests/e2e, `mcp-listed`): `mcp_server` at the top, with
/// the server's configured name and `source` (`dynamic` for `--mcp-config`).
#[test]
fn captured_mcp_call_of_the_real_cli() {
    let e = event("captured-2.1.330-mcp.json");
    assert_eq!(
        e.action,
        Action::McpCall(McpCall {
            server: "notes".into(),
            tool: "write_note".into(),
            arguments: r#"{"text":"hookwarden e2e note via notes"}"#.into(),
            origin: Some(McpOrigin {
                source: Some("dynamic".into()),
                ..McpOrigin::default()
            }),
        })
    );
}
