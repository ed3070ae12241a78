//! Gemini CLI adapter, golden: one payload per event and tool built from
//! the documented fields (`agent-hook-protocols.md` §3.3) → the normalized
//! event; every verdict → the flat answer of §3.4, key by key, always on
//! exit 0 (a non-zero exit with text is a deny in Gemini, whatever we mean).

mod common;

use common::*;
use hookwarden_agents::{Adapter, AgentKind, AskFallback, PayloadError, adapter};
use hookwarden_event::{
    Action, Agent, Decision, Event, FileEdit, FileWrite, HookEvent, McpCall, McpOrigin,
    ShellCommand, ShellDialect,
};
use serde_json::{Value, json};

const AGENT: &str = "gemini-cli";

fn gemini() -> Box<dyn Adapter> {
    adapter(AgentKind::GeminiCli)
}

fn event(name: &str) -> Event {
    let p = parse_ok(gemini().as_ref(), AGENT, name, None);
    p.event
        .unwrap_or_else(|| panic!("{name}: `{}` not judged", p.hook_name))
}

fn project_event(hook: HookEvent) -> Event {
    Event {
        agent: Agent::GeminiCli,
        hook,
        cwd: "/home/dev/project".into(),
        session_id: "7c9e6679-7425-40de-944b-e07fc1f90ae7".into(),
        tool_name: None,
        action: Action::None,
        tool_input: None,
        tool_response: None,
        prompt: None,
        facts: Vec::new(),
    }
}

// ---------------------------------------------------------------- parsing

#[test]
fn before_tool_shell() {
    let p = parse_ok(
        gemini().as_ref(),
        AGENT,
        "before-tool-shell.json",
        Some("BeforeTool"),
    );
    assert_eq!(p.hook_name, "BeforeTool");
    assert_eq!(
        p.event.unwrap(),
        Event {
            tool_name: Some("run_shell_command".into()),
            action: Action::Shell(ShellCommand {
                command: "rm -rf build".into(),
                dialect: ShellDialect::Posix,
                workdir: Some("packages/core".into()),
                analysis: None,
            }),
            tool_input: Some(
                json!({"command": "rm -rf build", "description": "clean the build", "dir_path": "packages/core", "is_background": false})
                    .to_string()
            ),
            ..project_event(HookEvent::PreToolUse)
        }
    );
}

#[test]
fn tools_become_typed_actions() {
    let cases: [(&str, Action); 5] = [
        (
            "before-tool-write-file.json",
            Action::FileWrite(FileWrite {
                path: "/home/dev/project/.github/workflows/ci.yml".into(),
                content: Some("on: push\n".into()),
            }),
        ),
        (
            "before-tool-replace.json",
            Action::FileEdit(FileEdit {
                path: "/home/dev/project/src/app.ts".into(),
                old_text: Some("port = 80".into()),
                new_text: Some("port = 8080".into()),
            }),
        ),
        // `mcp_context` names the server exactly, underscores and all,
        // and where it runs (`command` and `args`).
        (
            "before-tool-mcp.json",
            Action::McpCall(McpCall {
                server: "my_db".into(),
                tool: "run_query".into(),
                arguments: r#"{"sql":"DROP TABLE users"}"#.into(),
                origin: Some(McpOrigin {
                    command: Some("npx db-mcp".into()),
                    ..McpOrigin::default()
                }),
            }),
        ),
        // Without it, `mcp_<server>_<tool>` splits at the first `_`.
        (
            "before-tool-mcp-no-context.json",
            Action::McpCall(McpCall {
                server: "github".into(),
                tool: "create_issue".into(),
                arguments: r#"{"title":"x"}"#.into(),
                origin: None,
            }),
        ),
        (
            "before-tool-read-file.json",
            Action::OtherTool("read_file".into()),
        ),
    ];
    for (name, action) in cases {
        let e = event(name);
        assert_eq!(e.hook, HookEvent::PreToolUse, "{name}");
        assert_eq!(e.action, action, "{name}");
        assert_eq!(e.cwd, "/home/dev/project");
    }
}

#[test]
fn after_tool_keeps_the_response() {
    let e = event("after-tool.json");
    assert_eq!(e.hook, HookEvent::PostToolUse);
    assert_eq!(e.tool_name.as_deref(), Some("run_shell_command"));
    assert_eq!(
        e.tool_response.as_deref(),
        Some(
            json!({"llmContent": "TOKEN=abc", "returnDisplay": "TOKEN=abc"})
                .to_string()
                .as_str()
        )
    );
}

#[test]
fn agent_and_session_events() {
    assert_eq!(
        event("before-agent.json"),
        Event {
            prompt: Some("delete the build dir".into()),
            ..project_event(HookEvent::UserPromptSubmit)
        }
    );
    assert_eq!(event("after-agent.json"), project_event(HookEvent::Stop));
    assert_eq!(
        event("session-start.json"),
        project_event(HookEvent::SessionStart)
    );
    for (name, hook_name) in [
        ("session-end.json", "SessionEnd"),
        ("pre-compress.json", "PreCompress"),
        ("notification.json", "Notification"),
    ] {
        let p = parse_ok(gemini().as_ref(), AGENT, name, None);
        assert_eq!((p.hook_name.as_str(), p.event), (hook_name, None));
    }
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_payloads_say_what_is_wrong() {
    let a = gemini();
    assert_refuses_broken_json(a.as_ref());
    let tool = |name: &str, input: Value| json!({"hook_event_name": "BeforeTool", "cwd": "/", "session_id": "s", "tool_name": name, "tool_input": input});
    let cases: [(Value, &str, &str); 7] = [
        (json!({"cwd": "/"}), "hook_event_name", "has no"),
        (
            json!({"hook_event_name": "AfterAgent", "cwd": "/"}),
            "session_id",
            "has no",
        ),
        (
            tool("run_shell_command", json!({"dir_path": "/"})),
            "tool_input.command",
            "has no",
        ),
        (
            tool("run_shell_command", json!({"command": "ls", "dir_path": 1})),
            "dir_path",
            "a number",
        ),
        (tool("write_file", json!([])), "tool_input", "an array"),
        (
            tool("replace", json!({"file_path": "/f", "new_string": false})),
            "tool_input.new_string",
            "a boolean",
        ),
        (
            json!({"hook_event_name": "BeforeTool", "cwd": "/", "session_id": "s", "tool_name": "mcp_a_b", "tool_input": {}, "mcp_context": "x"}),
            "mcp_context",
            "a string",
        ),
    ];
    for (payload, field, says) in cases {
        let e = a.parse(payload.to_string().as_bytes(), None).unwrap_err();
        assert_field_error(&e, field, says);
    }
    for name in ["PreToolUse", "Stop", "beforeTool"] {
        let payload = json!({"hook_event_name": name, "cwd": "/", "session_id": "s"});
        let e = a.parse(payload.to_string().as_bytes(), None).unwrap_err();
        assert!(
            matches!(&e, PayloadError::UnknownEvent { name: n, .. } if n == name),
            "{e}"
        );
        assert!(e.to_string().contains("Gemini CLI"), "{e}");
    }
}

#[test]
fn no_input_panics() {
    assert_never_panics(gemini().as_ref(), AGENT, &|_| None);
}

// ---------------------------------------------------------------- rendering

const HOOKS: [&str; 10] = [
    "BeforeTool",
    "AfterTool",
    "BeforeAgent",
    "AfterAgent",
    "SessionStart",
    "SessionEnd",
    "PreCompress",
    "BeforeModel",
    "",
    "PreToolUse",
];

/// The answer for a verdict with reason "because" and no context (§3.4).
fn expected(hook: &str, decision: Decision) -> Option<Value> {
    let deny = Some(json!({"decision": "deny", "reason": "because"}));
    match (hook, decision) {
        ("BeforeTool" | "AfterTool" | "AfterAgent", Decision::Deny) => deny,
        ("BeforeAgent", Decision::Deny | Decision::Ask) => deny,
        ("BeforeTool", Decision::Ask) => Some(json!({"decision": "ask", "reason": "because"})),
        ("AfterTool", Decision::Ask) => Some(json!({"hookSpecificOutput":
            {"hookEventName": "AfterTool", "additionalContext": "hookwarden warning: because"}})),
        ("AfterAgent", Decision::Ask) => Some(json!({"systemMessage": "because"})),
        ("SessionStart", Decision::Deny) => {
            Some(json!({"continue": false, "stopReason": "because"}))
        }
        _ => None,
    }
}

#[test]
fn every_fixture_gets_the_documented_answer_for_allow_ask_and_deny() {
    let a = gemini();
    for (name, bytes) in all_fixtures(AGENT) {
        let hook = a.parse(&bytes, None).unwrap().hook_name;
        for decision in [Decision::Allow, Decision::Ask, Decision::Deny] {
            for fallback in [AskFallback::Deny, AskFallback::Allow] {
                let r = render(a.as_ref(), &hook, decision, None, fallback);
                assert_eq!(r.exit_code, 0, "{name}");
                assert_eq!(r.json, expected(&hook, decision), "{name} {decision}");
            }
        }
    }
}

/// Gemini's contract (§3.4), independently of the adapter: exit 0 and one
/// JSON object (never plain text), a decision only where the event acts on
/// it and always with a reason, never `allow` or `approve`.
fn assert_gemini_accepts(hook: &str, r: &Rendered) {
    assert_eq!(r.exit_code, 0, "{hook}");
    let Some(answer) = &r.json else {
        return;
    };
    let allowed: &[&str] = match hook {
        "BeforeTool" | "BeforeAgent" | "" => &["decision", "reason", "hookSpecificOutput"],
        "AfterTool" => &["decision", "reason", "hookSpecificOutput"],
        "AfterAgent" => &["decision", "reason", "systemMessage"],
        "SessionStart" => &["continue", "stopReason", "hookSpecificOutput"],
        _ => panic!("{hook}: should have no answer, got {answer}"),
    };
    only_keys(hook, answer, allowed);
    if let Some(d) = answer.get("decision") {
        let ask_ok = hook == "BeforeTool";
        assert!(d == "deny" || (ask_ok && d == "ask"), "{hook}: {answer}");
        non_empty(&answer["reason"]);
    }
    if let Some(c) = answer.get("continue") {
        assert_eq!(c, false);
        non_empty(&answer["stopReason"]);
    }
    if let Some(m) = answer.get("systemMessage") {
        non_empty(m);
    }
    if let Some(hso) = answer.get("hookSpecificOutput") {
        assert_eq!(keys(hso), ["additionalContext", "hookEventName"]);
        assert_eq!(hso["hookEventName"], hook);
        non_empty(&hso["additionalContext"]);
    }
}

#[test]
fn every_answer_is_one_gemini_accepts() {
    for_every_answer(gemini().as_ref(), &HOOKS, assert_gemini_accepts);
}

#[test]
fn context_goes_where_gemini_reads_it() {
    let a = gemini();
    for hook in ["AfterTool", "BeforeAgent", "SessionStart"] {
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
    let r = render(
        a.as_ref(),
        "AfterTool",
        Decision::Deny,
        Some("ctx"),
        AskFallback::Deny,
    );
    assert_eq!(
        r.json.unwrap(),
        json!({"decision": "deny", "reason": "because",
               "hookSpecificOutput": {"hookEventName": "AfterTool", "additionalContext": "ctx"}})
    );
    // An allowed AfterAgent with context would not keep the agent going:
    // there is nothing to say.
    let r = render(
        a.as_ref(),
        "AfterAgent",
        Decision::Allow,
        Some("ctx"),
        AskFallback::Deny,
    );
    assert_eq!(r.json, None);
}

#[test]
fn an_unreadable_payload_gets_the_flat_deny() {
    let a = gemini();
    let r = render(a.as_ref(), "", Decision::Deny, Some("c"), AskFallback::Deny);
    assert_eq!(
        r.json.unwrap(),
        json!({"decision": "deny", "reason": "because"})
    );
    let r = render(a.as_ref(), "", Decision::Ask, None, AskFallback::Deny);
    assert_eq!(
        r.json.unwrap(),
        json!({"decision": "deny", "reason": "approval required: because"})
    );
    for d in [Decision::Ask, Decision::Allow] {
        assert_eq!(
            render(a.as_ref(), "", d, None, AskFallback::Allow).json,
            None
        );
    }
}
