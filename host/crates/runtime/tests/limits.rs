//! Every way a rule can fail, driven by real components built from
//! `tests/rules/*`: each must end in a classified `RuleError`, promptly.

use hookwarden_event::{Action, Agent, Decision, Event, HookEvent, ShellCommand, ShellDialect};
use hookwarden_runtime::{Limits, LoadedRule, ModuleSource, RuleError, Runtime, Sha256Digest};
use std::time::{Duration, Instant};

fn event() -> Event {
    Event {
        agent: Agent::Codex,
        hook: HookEvent::PreToolUse,
        cwd: "/work".into(),
        session_id: "s".into(),
        tool_name: Some("Bash".into()),
        action: Action::Shell(ShellCommand {
            command: "ls".into(),
            dialect: ShellDialect::Posix,
            workdir: None,
            analysis: None,
        }),
        tool_input: Some(r#"{"command":"ls"}"#.into()),
        tool_response: None,
        prompt: None,
        facts: vec![],
    }
}

fn scripted(runtime: &Runtime) -> LoadedRule {
    let path = &hookwarden_component_build::build_for_tests(&["scripted-rule"])[0];
    let source = ModuleSource::from_file(path).unwrap();
    runtime.load(&source, Some(&source.digest())).unwrap()
}

fn run(
    config: serde_json::Value,
    limits: Limits,
) -> (Result<hookwarden_event::Verdict, RuleError>, Duration) {
    let runtime = Runtime::new().unwrap();
    let rule = scripted(&runtime);
    let started = Instant::now();
    let result = runtime.evaluate(&rule, &event(), &config.to_string(), &limits);
    (result, started.elapsed())
}

#[test]
fn verdicts_cross_the_boundary_intact() {
    let (v, _) = run(
        serde_json::json!({"decision": "deny", "reason": "nope", "context": "ctx", "finding": "t.f"}),
        Limits::default(),
    );
    let v = v.unwrap();
    assert_eq!(v.decision, Decision::Deny);
    assert_eq!(v.reason, "nope");
    assert_eq!(v.context.as_deref(), Some("ctx"));
    assert_eq!(v.findings[0].id, "t.f");
}

#[test]
fn describe_reads_metadata() {
    let runtime = Runtime::new().unwrap();
    let rule = scripted(&runtime);
    let meta = runtime.describe(&rule, &Limits::default()).unwrap();
    assert_eq!(meta.id, "scripted");
    assert!(meta.events.is_empty() && meta.actions.is_empty());
}

#[test]
fn endless_loop_runs_out_of_fuel() {
    let limits = Limits {
        fuel: 20_000_000,
        ..Limits::default()
    };
    let (r, elapsed) = run(serde_json::json!({"behaviour": "spin"}), limits);
    assert!(
        matches!(r, Err(RuleError::OutOfFuel { fuel: 20_000_000 })),
        "{r:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn endless_loop_with_ample_fuel_misses_its_deadline() {
    let limits = Limits {
        fuel: u64::MAX,
        deadline: Duration::from_millis(100),
        ..Limits::default()
    };
    let (r, elapsed) = run(serde_json::json!({"behaviour": "spin"}), limits);
    assert!(matches!(r, Err(RuleError::Deadline { .. })), "{r:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn deadline_holds_after_the_clock_has_parked() {
    // The deadline clock parks once no evaluation has started for a while
    // (100 ticks); the next evaluation must wake it. Fuel is finite, so a
    // clock that stayed parked ends in OutOfFuel instead of hanging.
    let runtime = Runtime::new().unwrap();
    let rule = scripted(&runtime);
    let quick = runtime.evaluate(&rule, &event(), "{}", &Limits::default());
    assert!(quick.is_ok(), "{quick:?}");
    std::thread::sleep(Duration::from_millis(400));
    let limits = Limits {
        fuel: 10_000_000_000,
        deadline: Duration::from_millis(100),
        ..Limits::default()
    };
    let config = serde_json::json!({"behaviour": "spin"}).to_string();
    let r = runtime.evaluate(&rule, &event(), &config, &limits);
    assert!(matches!(r, Err(RuleError::Deadline { .. })), "{r:?}");
}

#[test]
fn memory_bomb_hits_the_cap() {
    let limits = Limits {
        memory_bytes: 16 << 20,
        ..Limits::default()
    };
    let (r, _) = run(serde_json::json!({"behaviour": "memory-bomb"}), limits);
    assert!(
        matches!(r, Err(RuleError::MemoryLimit { limit_bytes }) if limit_bytes == 16 << 20),
        "{r:?}"
    );
}

#[test]
fn one_shot_runtime_leaves_bounded_memory_to_the_exit() {
    let runtime = Runtime::one_shot().unwrap();
    let rule = scripted(&runtime);
    let allow = serde_json::json!({"decision": "allow"}).to_string();
    runtime
        .evaluate(&rule, &event(), &allow, &Limits::default())
        .unwrap();
    let one = runtime.retained_memory();
    assert!(one > 0, "a small rule's store is kept until exit");
    runtime
        .evaluate(&rule, &event(), &allow, &Limits::default())
        .unwrap();
    assert_eq!(runtime.retained_memory(), 2 * one);

    // A rule that grew its memory past the budget is torn down right away.
    let greedy = Limits {
        memory_bytes: 256 << 20,
        ..Limits::default()
    };
    let bomb = serde_json::json!({"behaviour": "memory-bomb"}).to_string();
    let r = runtime.evaluate(&rule, &event(), &bomb, &greedy);
    assert!(matches!(r, Err(RuleError::MemoryLimit { .. })), "{r:?}");
    assert_eq!(runtime.retained_memory(), 2 * one);

    let long_lived = Runtime::new().unwrap();
    let rule = scripted(&long_lived);
    long_lived
        .evaluate(&rule, &event(), &allow, &Limits::default())
        .unwrap();
    assert_eq!(long_lived.retained_memory(), 0);
}

#[test]
fn trap_is_reported() {
    let (r, _) = run(serde_json::json!({"behaviour": "trap"}), Limits::default());
    assert!(matches!(r, Err(RuleError::Trap { .. })), "{r:?}");
}

#[test]
fn rule_error_is_reported() {
    let (r, _) = run(serde_json::json!({"behaviour": "error"}), Limits::default());
    match r {
        Err(RuleError::Failed { message }) => assert_eq!(message, "scripted failure"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn flooding_stdout_is_capped_not_fatal() {
    let (r, _) = run(
        serde_json::json!({"behaviour": "flood-stdout", "decision": "allow"}),
        Limits::default(),
    );
    assert_eq!(r.unwrap().decision, Decision::Allow);
}

#[test]
fn digest_mismatch_refuses_before_compiling() {
    let runtime = Runtime::new().unwrap();
    let path = &hookwarden_component_build::build_for_tests(&["scripted-rule"])[0];
    let source = ModuleSource::from_file(path).unwrap();
    let wrong = Sha256Digest::of(b"something else");
    let err = runtime.load(&source, Some(&wrong)).err().unwrap();
    let msg = err.to_string();
    assert!(matches!(err, RuleError::DigestMismatch { .. }));
    assert!(
        msg.contains(&wrong.to_string()) && msg.contains(&source.digest().to_string()),
        "{msg}"
    );
}

#[test]
fn tampered_module_is_refused() {
    let runtime = Runtime::new().unwrap();
    let path = &hookwarden_component_build::build_for_tests(&["scripted-rule"])[0];
    let mut source = ModuleSource::from_file(path).unwrap();
    let pin = source.digest();
    let mut bytes = source.bytes.into_owned();
    let n = bytes.len();
    bytes[n / 2] ^= 0x01;
    source.bytes = bytes.into();
    assert!(matches!(
        runtime.load(&source, Some(&pin)),
        Err(RuleError::DigestMismatch { .. })
    ));
}

#[test]
fn garbage_module_is_invalid_not_a_panic() {
    let runtime = Runtime::new().unwrap();
    let source = ModuleSource::from_static("garbage", b"\0asm not really");
    assert!(matches!(
        runtime.load(&source, None),
        Err(RuleError::Invalid { .. })
    ));
}

#[test]
fn socket_import_is_refused_at_load() {
    let runtime = Runtime::new().unwrap();
    let path = &hookwarden_component_build::build_for_tests(&["socket-user-rule"])[0];
    let source = ModuleSource::from_file(path).unwrap();
    match runtime.load(&source, None) {
        Err(RuleError::ForbiddenImport { import, .. }) => {
            assert!(import.starts_with("wasi:sockets/"), "{import}")
        }
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("a component importing wasi:sockets was loaded"),
    }
}

#[test]
fn missing_module_names_the_path() {
    let err = ModuleSource::from_file("/nonexistent/rule.wasm").unwrap_err();
    assert!(err.to_string().contains("/nonexistent/rule.wasm"));
}
