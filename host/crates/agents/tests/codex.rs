//! Codex adapter, golden: payloads captured from the real Codex CLI (and one
//! per event) → the normalized event field by field; every verdict → an
//! answer whose keys are exactly those Codex's `deny_unknown_fields`
//! structs accept.

use hookwarden_agents::{AgentKind, AskFallback, Parsed, PayloadError, RenderOptions, adapter};
use hookwarden_event::{Action, Agent, Decision, HookEvent, PatchOperation, Verdict};
use serde_json::{Value, json};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/codex/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn parse(name: &str) -> Parsed {
    adapter(AgentKind::Codex)
        .parse(&fixture(name), None)
        .unwrap()
}

#[test]
fn captured_payloads_normalize() {
    for (name, command) in [
        (
            "captured-0.169.0-deny-exit2.json",
            "touch $E2E_ROOT/out/SHOULD_NOT_EXIST_codex_deny-exit2",
        ),
        (
            "captured-0.169.0-deny-json.json",
            "touch $E2E_ROOT/out/SHOULD_NOT_EXIST_codex_json",
        ),
        (
            "captured-0.169.0-allow.json",
            "touch $E2E_ROOT/out/SHOULD_EXIST_codex",
        ),
        ("doc-example-pre-tool-use.json", "rm -rf build"),
    ] {
        let p = parse(name);
        assert_eq!(p.hook_name, "PreToolUse");
        let e = p.event.unwrap();
        assert_eq!(e.agent, Agent::Codex);
        assert_eq!(e.hook, HookEvent::PreToolUse);
        assert_eq!(e.tool_name.as_deref(), Some("Bash"));
        match &e.action {
            Action::Shell(s) => assert_eq!(s.command, command, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
        let input: Value = serde_json::from_str(e.tool_input.as_deref().unwrap()).unwrap();
        assert_eq!(input, json!({"command": command}));
        assert!(!e.session_id.is_empty() && !e.cwd.is_empty());
    }
    let e = parse("captured-0.169.0-allow.json").event.unwrap();
    assert_eq!(e.session_id, "01a202ff-9796-7eb2-873a-ecdbc0530e4e");
    assert_eq!(e.cwd, "$E2E_ROOT/runs/codex-allow/work");
}

#[test]
fn every_event_kind_normalizes() {
    let e = parse("permission-request.json").event.unwrap();
    assert_eq!(e.hook, HookEvent::PermissionRequest);
    assert!(matches!(&e.action, Action::Shell(s) if s.command == "git push --force origin main"));

    let e = parse("post-tool-use-bash.json").event.unwrap();
    assert_eq!(e.hook, HookEvent::PostToolUse);
    assert_eq!(
        e.tool_response.as_deref(),
        Some("\"running 3 tests\\ntest result: ok. 3 passed\"")
    );

    let e = parse("user-prompt-submit.json").event.unwrap();
    assert_eq!(e.hook, HookEvent::UserPromptSubmit);
    assert_eq!(e.prompt.as_deref(), Some("delete the build dir"));
    assert_eq!(e.action, Action::None);

    assert_eq!(parse("stop.json").event.unwrap().hook, HookEvent::Stop);
    assert_eq!(
        parse("session-start.json").event.unwrap().hook,
        HookEvent::SessionStart
    );

    let p = parse("session-end.json");
    assert_eq!((p.hook_name.as_str(), p.event), ("SessionEnd", None));
}

#[test]
fn apply_patch_mcp_and_other_tools_are_typed() {
    let e = parse("pre-tool-use-apply-patch.json").event.unwrap();
    let Action::Patch(patch) = &e.action else {
        panic!("{:?}", e.action)
    };
    let files: Vec<(&str, PatchOperation, Option<&str>)> = patch
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.operation, f.move_to.as_deref()))
        .collect();
    assert_eq!(
        files,
        [
            ("docs/notes.md", PatchOperation::Add, None),
            ("src/lib.rs", PatchOperation::Update, Some("src/core.rs")),
            (".env", PatchOperation::Delete, None)
        ]
    );
    assert_eq!(patch.files[0].body, "hello\n");
    assert!(patch.text.starts_with("*** Begin Patch"));

    let e = parse("pre-tool-use-mcp.json").event.unwrap();
    let Action::McpCall(call) = &e.action else {
        panic!("{:?}", e.action)
    };
    assert_eq!(
        (call.server.as_str(), call.tool.as_str()),
        ("memory", "create_entities")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&call.arguments).unwrap(),
        json!({"entities": [{"name": "x"}]})
    );

    let e = parse("pre-tool-use-other.json").event.unwrap();
    assert_eq!(e.action, Action::OtherTool("update_plan".into()));
}

#[test]
fn bad_payloads_are_errors_never_panics() {
    let a = adapter(AgentKind::Codex);
    let cases: [(&[u8], fn(&PayloadError) -> bool); 6] = [
        (b"", |e| matches!(e, PayloadError::Empty)),
        (b"{\"hook_event_name\":\"PreToolUse\",\"cwd\":", |e| matches!(e, PayloadError::NotJson(_))),
        (b"[1]", |e| matches!(e, PayloadError::NotAnObject { .. })),
        (b"{}", |e| matches!(e, PayloadError::Missing { field: "hook_event_name" })),
        (
            br#"{"hook_event_name":"PreToolUse","cwd":"/","session_id":"s","tool_name":"Bash","tool_input":{"command":7}}"#,
            |e| matches!(e, PayloadError::WrongType { field: "command", .. }),
        ),
        (b"\xff\xfe\x00garbage", |e| matches!(e, PayloadError::NotJson(_))),
    ];
    for (payload, check) in cases {
        let e = a.parse(payload, None).unwrap_err();
        assert!(check(&e), "{payload:?}: {e}");
        assert!(!e.to_string().is_empty());
    }
    let huge = format!(
        "{{\"hook_event_name\":\"PreToolUse\",\"x\":\"{}\"",
        "a".repeat(5 << 20)
    );
    assert!(a.parse(huge.as_bytes(), None).is_err());
    let nested = "[".repeat(100_000);
    assert!(a.parse(nested.as_bytes(), None).is_err());
    let e = a
        .parse(&fixture("stop.json"), Some("PreToolUse"))
        .unwrap_err();
    assert!(matches!(e, PayloadError::EventMismatch { .. }), "{e}");
}

fn render(
    hook: &str,
    decision: Decision,
    context: Option<&str>,
    fallback: AskFallback,
) -> Option<Value> {
    let mut v = Verdict::new(
        decision,
        if decision == Decision::Allow {
            ""
        } else {
            "because"
        },
    );
    v.context = context.map(str::to_owned);
    let a = adapter(AgentKind::Codex).render(
        hook,
        &v,
        &RenderOptions {
            ask_fallback: fallback,
        },
    );
    assert_eq!(a.exit_code, 0);
    let out = a.stdout.trim();
    assert!(!out.contains('\n'), "one line: {out}");
    (!out.is_empty()).then(|| serde_json::from_str(out).unwrap())
}

/// The sorted keys of an object.
fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

#[test]
fn pre_tool_use_answers_match_the_contract() {
    let deny = render("PreToolUse", Decision::Deny, None, AskFallback::Deny).unwrap();
    assert_eq!(keys(&deny), ["hookSpecificOutput"]);
    assert_eq!(
        deny["hookSpecificOutput"],
        json!({"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": "because"})
    );
    let with_ctx = render("PreToolUse", Decision::Deny, Some("ctx"), AskFallback::Deny).unwrap();
    assert_eq!(
        keys(&with_ctx["hookSpecificOutput"]),
        [
            "additionalContext",
            "hookEventName",
            "permissionDecision",
            "permissionDecisionReason"
        ]
    );
    let ask = render("PreToolUse", Decision::Ask, None, AskFallback::Deny).unwrap();
    assert_eq!(ask["hookSpecificOutput"]["permissionDecision"], "deny");
    assert_eq!(
        ask["hookSpecificOutput"]["permissionDecisionReason"],
        "approval required: because"
    );
    // Never "allow" or "ask": Codex marks those unsupported.
    assert_eq!(
        render("PreToolUse", Decision::Ask, None, AskFallback::Allow),
        None
    );
    assert_eq!(
        render("PreToolUse", Decision::Allow, None, AskFallback::Deny),
        None
    );
    assert_eq!(
        render(
            "PreToolUse",
            Decision::Allow,
            Some("note"),
            AskFallback::Deny
        )
        .unwrap(),
        json!({"hookSpecificOutput": {"hookEventName": "PreToolUse", "additionalContext": "note"}})
    );
}

#[test]
fn other_events_answer_match_the_contract() {
    assert_eq!(
        render("PermissionRequest", Decision::Deny, None, AskFallback::Deny).unwrap(),
        json!({"hookSpecificOutput": {"hookEventName": "PermissionRequest", "decision": {"behavior": "deny", "message": "because"}}})
    );
    assert_eq!(
        render("PermissionRequest", Decision::Ask, None, AskFallback::Deny),
        None
    );
    assert_eq!(
        render(
            "PermissionRequest",
            Decision::Allow,
            None,
            AskFallback::Deny
        ),
        None
    );

    assert_eq!(
        render("PostToolUse", Decision::Deny, None, AskFallback::Deny).unwrap(),
        json!({"decision": "block", "reason": "because"})
    );
    assert_eq!(
        render("PostToolUse", Decision::Ask, None, AskFallback::Deny).unwrap(),
        json!({"hookSpecificOutput": {"hookEventName": "PostToolUse", "additionalContext": "hookwarden warning: because"}})
    );
    for d in [Decision::Deny, Decision::Ask] {
        assert_eq!(
            render("UserPromptSubmit", d, None, AskFallback::Deny).unwrap(),
            json!({"decision": "block", "reason": "because"})
        );
    }
    assert_eq!(
        render(
            "UserPromptSubmit",
            Decision::Allow,
            Some("c"),
            AskFallback::Deny
        )
        .unwrap(),
        json!({"hookSpecificOutput": {"hookEventName": "UserPromptSubmit", "additionalContext": "c"}})
    );
    for stop in ["Stop", "SubagentStop"] {
        assert_eq!(
            render(stop, Decision::Deny, None, AskFallback::Deny).unwrap(),
            json!({"decision": "block", "reason": "because"})
        );
        assert_eq!(
            render(stop, Decision::Ask, None, AskFallback::Deny).unwrap(),
            json!({"systemMessage": "because"})
        );
        assert_eq!(
            render(stop, Decision::Allow, Some("ignored"), AskFallback::Deny),
            None
        );
    }
    assert_eq!(
        render("SessionStart", Decision::Deny, None, AskFallback::Deny).unwrap(),
        json!({"continue": false, "stopReason": "because"})
    );
    assert_eq!(
        render("SessionEnd", Decision::Deny, None, AskFallback::Deny),
        None
    );
    assert_eq!(
        render("", Decision::Deny, None, AskFallback::Deny).unwrap(),
        json!({"decision": "block", "reason": "because"})
    );
}

#[test]
fn an_empty_deny_reason_is_replaced() {
    let v = Verdict::new(Decision::Deny, "  ");
    let a = adapter(AgentKind::Codex).render("PreToolUse", &v, &RenderOptions::default());
    let out: Value = serde_json::from_str(&a.stdout).unwrap();
    assert!(
        !out["hookSpecificOutput"]["permissionDecisionReason"]
            .as_str()
            .unwrap()
            .trim()
            .is_empty()
    );
}
