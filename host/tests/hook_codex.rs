//! `hookwarden hook --agent codex`, end to end: the real binary, real rule
//! components, Codex's exact payloads, answers checked key by key.

mod common;

use common::*;
use std::time::Duration;

/// A Codex requirements file with Codex's own keys and no [hookwarden]
/// table: hookwarden runs its built-in pack.
const CODEX_ONLY: &str = "allow_managed_hooks_only = true\n[features]\nhooks = true\n";

#[test]
fn builtin_pack_denies_a_destructive_command() {
    let (_d, req) = requirements(CODEX_ONLY);
    let out = hook(&req, &codex_pre_tool_use("rm -rf /"));
    let reason = assert_codex_pre_tool_use_deny(&out);
    assert!(reason.contains("[destructive-commands]"), "{reason}");
    assert!(
        !reason.contains("could not check"),
        "denied by the rule, not by failing closed: {reason}"
    );
    assert!(reason.contains("rm -rf /"), "{reason}");
}

#[test]
fn builtin_pack_allows_an_everyday_command_silently() {
    let (_d, req) = requirements(CODEX_ONLY);
    assert_no_decision(&hook(
        &req,
        &codex_pre_tool_use("cargo build --release && ls -la target"),
    ));
}

#[test]
fn default_requirements_path_missing_means_builtin_pack() {
    if std::path::Path::new(hookwarden_config_default()).exists() {
        eprintln!(
            "skipped: {} exists on this machine",
            hookwarden_config_default()
        );
        return;
    }
    let out = run(
        &["hook", "--agent", "codex"],
        codex_pre_tool_use("git reset --hard HEAD~3").as_bytes(),
        Duration::from_secs(60),
    );
    let reason = assert_codex_pre_tool_use_deny(&out);
    assert!(
        reason.contains("git reset --hard") && !reason.contains("could not check"),
        "{reason}"
    );
}

fn hookwarden_config_default() -> &'static str {
    "/etc/codex/requirements.toml"
}

#[test]
fn configured_rule_verdicts_reach_codex() {
    let (_d, req) = requirements(&format!(
        "[hookwarden]\n{}",
        scripted_rule(
            "policy",
            "decision = \"deny\", reason = \"not on a Friday\"",
            ""
        )
    ));
    let reason = assert_codex_pre_tool_use_deny(&hook(&req, &codex_pre_tool_use("ls")));
    assert_eq!(reason, "[policy] not on a Friday");
}

#[test]
fn deny_beats_ask_beats_allow_across_rules() {
    let (_d, req) = requirements(&format!(
        "[hookwarden]\n{}{}{}",
        scripted_rule("a", "decision = \"allow\"", ""),
        scripted_rule("b", "decision = \"ask\", reason = \"hmm\"", ""),
        scripted_rule("c", "decision = \"deny\", reason = \"no\"", ""),
    ));
    let reason = assert_codex_pre_tool_use_deny(&hook(&req, &codex_pre_tool_use("ls")));
    assert_eq!(reason, "[c] no");
}

#[test]
fn rules_running_side_by_side_answer_in_configuration_order() {
    let rules: String = (0..6)
        .map(|i| {
            scripted_rule(
                &format!("r{i}"),
                &format!("decision = \"deny\", reason = \"no {i}\""),
                "",
            )
        })
        .collect();
    let mut answers = Vec::new();
    for threads in [1, 4] {
        let (_d, req) = requirements(&format!("[hookwarden]\nrule_threads = {threads}\n{rules}"));
        let out = hook(&req, &codex_pre_tool_use("ls"));
        let reason = assert_codex_pre_tool_use_deny(&out);
        assert!(reason.starts_with("[r0] no 0; [r1] no 1"), "{reason}");
        answers.push(out.stdout);
    }
    assert_eq!(answers[0], answers[1]);
}

#[test]
fn ask_becomes_deny_on_codex_pre_tool_use_unless_configured() {
    let rule = scripted_rule(
        "careful",
        "decision = \"ask\", reason = \"touches prod\"",
        "",
    );
    let (_d, req) = requirements(&format!("[hookwarden]\n{rule}"));
    let reason = assert_codex_pre_tool_use_deny(&hook(&req, &codex_pre_tool_use("ls")));
    assert!(reason.starts_with("approval required: "), "{reason}");
    assert!(reason.contains("touches prod"), "{reason}");

    let (_d2, req) = requirements(&format!("[hookwarden]\nask_fallback = \"allow\"\n{rule}"));
    assert_no_decision(&hook(&req, &codex_pre_tool_use("ls")));
}

#[test]
fn selectors_skip_rules_for_other_events_and_actions() {
    let (_d, req) = requirements(&format!(
        "[hookwarden]\n{}",
        scripted_rule(
            "patches-only",
            "decision = \"deny\", reason = \"x\"",
            "actions = [\"patch\"]"
        )
    ));
    assert_no_decision(&hook(&req, &codex_pre_tool_use("ls")));
}

#[test]
fn pin_mismatch_never_runs_and_names_both_digests() {
    let module = component("scripted-rule");
    let actual = sha256_of(&module);
    let wrong = "0".repeat(64);
    let (_d, req) = requirements(&format!(
        "[hookwarden]\n[[hookwarden.rules]]\nid = \"tampered\"\nmodule = \"{}\"\nsha256 = \"{wrong}\"\nconfig = {{ decision = \"allow\" }}\n",
        module.display()
    ));
    let reason = assert_codex_pre_tool_use_deny(&hook(&req, &codex_pre_tool_use("ls")));
    assert!(reason.contains("[tampered]"), "{reason}");
    assert!(
        reason.contains(&wrong) && reason.contains(&actual),
        "{reason}"
    );
}

#[test]
fn missing_module_fails_closed_naming_rule_and_path() {
    let (_d, req) = requirements(&format!(
        "[hookwarden]\n[[hookwarden.rules]]\nid = \"gone\"\nmodule = \"/nonexistent/gone.wasm\"\nsha256 = \"{}\"\n",
        "a".repeat(64)
    ));
    let reason = assert_codex_pre_tool_use_deny(&hook(&req, &codex_pre_tool_use("ls")));
    assert!(
        reason.contains("[gone]") && reason.contains("/nonexistent/gone.wasm"),
        "{reason}"
    );
}

/// A hostile rule with `behaviour`, under `extra` limits, must end in a valid
/// fail-closed answer naming `expect`, within `within`.
fn hostile(behaviour: &str, extra: &str, expect: &str, within: Duration) {
    let (_d, req) = requirements(&format!(
        "[hookwarden]\n[hookwarden.limits]\ncall_timeout_ms = 20000\n{}",
        scripted_rule(
            "hostile",
            &format!("behaviour = \"{behaviour}\", decision = \"allow\""),
            extra
        )
    ));
    let out = hook(&req, &codex_pre_tool_use("ls"));
    let reason = assert_codex_pre_tool_use_deny(&out);
    assert!(
        reason.contains("[hostile]") && reason.contains(expect),
        "{behaviour}: {reason}"
    );
    assert!(out.elapsed < within, "{behaviour}: took {:?}", out.elapsed);
}

#[test]
fn endless_loop_is_stopped_by_fuel() {
    hostile(
        "spin",
        "fuel = 50000000",
        "ran out of fuel",
        Duration::from_secs(15),
    );
}

#[test]
fn endless_loop_is_stopped_by_the_rule_deadline() {
    hostile(
        "spin",
        "fuel = 100000000000\ntimeout_ms = 200",
        "missed its deadline of 200 ms",
        Duration::from_secs(15),
    );
}

#[test]
fn memory_bomb_is_stopped_by_the_cap() {
    hostile(
        "memory-bomb",
        "memory_mib = 32",
        "memory cap",
        Duration::from_secs(15),
    );
}

#[test]
fn trap_fails_closed() {
    hostile("trap", "", "trapped", Duration::from_secs(15));
}

#[test]
fn socket_importing_rule_is_refused_at_load() {
    let module = component("socket-user-rule");
    let (_d, req) = requirements(&format!(
        "[hookwarden]\n[[hookwarden.rules]]\nid = \"phones-home\"\nmodule = \"{}\"\nsha256 = \"{}\"\n",
        module.display(),
        sha256_of(&module)
    ));
    let reason = assert_codex_pre_tool_use_deny(&hook(&req, &codex_pre_tool_use("ls")));
    assert!(
        reason.contains("[phones-home]") && reason.contains("wasi:sockets"),
        "{reason}"
    );
}

#[test]
fn rule_blocked_in_a_host_call_is_cut_off_by_the_call_deadline() {
    // `sleep` blocks inside a WASI host call, where fuel and epochs cannot
    // reach; only the whole-call deadline can end it. The verdict of the rule
    // that finished first is kept.
    let (_d, req) = requirements(&format!(
        "[hookwarden]\n[hookwarden.limits]\ncall_timeout_ms = 8000\n{}{}",
        scripted_rule("first", "decision = \"ask\", reason = \"seen first\"", ""),
        scripted_rule("sleeper", "behaviour = \"sleep\"", ""),
    ));
    let out = hook(&req, &codex_pre_tool_use("ls"));
    let reason = assert_codex_pre_tool_use_deny(&out);
    assert!(
        reason.contains("exceeded its deadline of 8000 ms"),
        "{reason}"
    );
    assert!(
        out.elapsed >= Duration::from_millis(7900),
        "{:?}",
        out.elapsed
    );
    assert!(out.elapsed < Duration::from_secs(12), "{:?}", out.elapsed);
}

#[test]
fn a_payload_that_never_ends_gets_the_fail_answer_at_the_deadline() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let (_d, req) = requirements("[hookwarden]\n[hookwarden.limits]\ncall_timeout_ms = 1000\n");
    let mut child = Command::new(bin())
        .args(["hook", "--agent", "codex", "--event", "PreToolUse"])
        .arg("--requirements")
        .arg(&req)
        .env("HOOKWARDEN_SOCKET", "none")
        .env("HOOKWARDEN_CACHE_DIR", cache_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Half a payload, and the pipe stays open: the agent hangs.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"{\"session_id\": \"01a2").unwrap();
    let started = std::time::Instant::now();
    let out = wait_with_output_within(child, Duration::from_secs(30));
    let elapsed = started.elapsed();
    drop(stdin);
    let reason = assert_codex_pre_tool_use_deny(&Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
        elapsed,
    });
    assert!(reason.contains("deadline of 1000 ms"), "{reason}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn fail_mode_allow_lets_a_broken_rule_pass() {
    let (_d, req) = requirements(&format!(
        "[hookwarden]\nfail_mode = \"allow\"\n{}",
        scripted_rule("flaky", "behaviour = \"trap\"", "")
    ));
    assert_no_decision(&hook(&req, &codex_pre_tool_use("ls")));
}

#[test]
fn per_rule_fail_mode_overrides_the_default() {
    let (_d, req) = requirements(&format!(
        "[hookwarden]\nfail_mode = \"allow\"\n{}",
        scripted_rule("strict", "behaviour = \"trap\"", "fail_mode = \"deny\"")
    ));
    assert_codex_pre_tool_use_deny(&hook(&req, &codex_pre_tool_use("ls")));
}

#[test]
fn broken_config_fails_closed_naming_file_line_and_key() {
    let (_d, req) =
        requirements("[hookwarden]\nfail_mode = \"deny\"\n[hookwarden.limits]\nfule = 1\n");
    let reason = assert_codex_pre_tool_use_deny(&hook(&req, &codex_pre_tool_use("ls")));
    assert!(reason.contains("requirements.toml:4:"), "{reason}");
    assert!(reason.contains("fule"), "{reason}");
}

#[test]
fn unreadable_explicit_requirements_fail_closed() {
    let out = hook(
        std::path::Path::new("/nonexistent/requirements.toml"),
        &codex_pre_tool_use("ls"),
    );
    let reason = assert_codex_pre_tool_use_deny(&out);
    assert!(
        reason.contains("/nonexistent/requirements.toml"),
        "{reason}"
    );
}

#[test]
fn bad_stdin_fails_closed_with_a_valid_answer() {
    let (_d, req) = requirements(CODEX_ONLY);
    // Cut a few bytes past the event name, wherever the serializer put it.
    let full = codex_pre_tool_use("ls");
    let truncated = &full[..full.find("\"PreToolUse\"").unwrap() + 20];
    for (what, stdin) in [
        ("empty", ""),
        ("whitespace", "  \n"),
        ("malformed", "{not json"),
        ("non-object array", "[1,2]"),
        ("non-object number", "42"),
        ("non-object string", "\"PreToolUse\""),
        ("missing fields", "{\"hook_event_name\":\"PreToolUse\"}"),
        ("binary", "\u{0}\u{1}\u{2}\u{ff}"),
    ] {
        // With --event the answer has the PreToolUse shape even when the payload says nothing.
        let out = run(
            &[
                "hook",
                "--agent",
                "codex",
                "--event",
                "PreToolUse",
                "--requirements",
                req.to_str().unwrap(),
            ],
            stdin.as_bytes(),
            Duration::from_secs(30),
        );
        let reason = assert_codex_pre_tool_use_deny(&out);
        assert!(
            reason.contains("invalid hook payload") || reason.contains("payload"),
            "{what}: {reason}"
        );
    }
    // Without --event, a truncated payload still names its event: it is sniffed.
    let out = hook(&req, truncated);
    assert_codex_pre_tool_use_deny(&out);
    // Unknown event and nothing to sniff: the legacy block form, which Codex
    // honours for PreToolUse, PostToolUse and UserPromptSubmit.
    let out = hook(&req, "{not json");
    let v = out.json().expect("a block answer");
    assert_eq!(v["decision"], "block", "{v}");
    assert!(!v["reason"].as_str().unwrap().is_empty());
    assert_eq!(v.as_object().unwrap().len(), 2, "{v}");
}

#[test]
fn nothing_but_the_answer_goes_to_stdout() {
    let (_d, req) = requirements(&format!(
        "[hookwarden]\n{}",
        scripted_rule(
            "chatty",
            "behaviour = \"flood-stdout\", decision = \"deny\", reason = \"r\"",
            ""
        )
    ));
    let out = run(
        &[
            "hook",
            "--agent",
            "codex",
            "--requirements",
            req.to_str().unwrap(),
        ],
        codex_pre_tool_use("ls").as_bytes(),
        Duration::from_secs(60),
    );
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    assert_codex_pre_tool_use_deny(&out);
}

#[test]
fn permission_request_deny_and_no_auto_approve() {
    let payload = |cmd: &str| {
        serde_json::json!({
            "session_id": "s", "turn_id": "t", "transcript_path": null, "cwd": "/w",
            "hook_event_name": "PermissionRequest", "model": "m", "permission_mode": "default",
            "tool_name": "Bash", "tool_input": {"command": cmd, "description": "d"}
        })
        .to_string()
    };
    let (_d, req) = requirements(CODEX_ONLY);
    let out = hook(&req, &payload("git push --force origin main"));
    let v = out.json().expect("a deny");
    assert!(!v.to_string().contains("could not check"), "{v}");
    assert_eq!(v.as_object().unwrap().len(), 1, "{v}");
    let hso = &v["hookSpecificOutput"];
    assert_eq!(hso.as_object().unwrap().len(), 2, "{v}");
    assert_eq!(hso["hookEventName"], "PermissionRequest");
    assert_eq!(hso["decision"]["behavior"], "deny");
    assert!(!hso["decision"]["message"].as_str().unwrap().is_empty());
    // A harmless command is not auto-approved: Codex shows its own prompt.
    assert_no_decision(&hook(&req, &payload("ls")));
}

#[test]
fn stop_hook_never_forces_continuation_on_rule_failure() {
    let payload = serde_json::json!({
        "session_id": "s", "turn_id": "t", "transcript_path": null, "cwd": "/w",
        "hook_event_name": "Stop", "model": "m", "permission_mode": "default",
        "stop_hook_active": false, "last_assistant_message": "done"
    })
    .to_string();
    let (_d, req) = requirements(&format!(
        "[hookwarden]\n{}",
        scripted_rule("broken", "behaviour = \"trap\"", "")
    ));
    assert_no_decision(&hook(&req, &payload));

    let (_d, req) = requirements(&format!(
        "[hookwarden]\n{}",
        scripted_rule(
            "finish-tests",
            "decision = \"deny\", reason = \"run the tests first\"",
            ""
        )
    ));
    let v = hook(&req, &payload).json().expect("a block");
    assert_eq!(
        v,
        serde_json::json!({"decision": "block", "reason": "[finish-tests] run the tests first"})
    );
}

#[test]
fn events_hookwarden_does_not_judge_get_no_output() {
    let payload = r#"{"session_id":"s","transcript_path":null,"cwd":"/w","hook_event_name":"SessionEnd","reason":"other"}"#;
    let (_d, req) = requirements(&format!(
        "[hookwarden]\n{}",
        scripted_rule("all", "decision = \"deny\", reason = \"x\"", "")
    ));
    assert_no_decision(&hook(&req, payload));
}

#[test]
fn event_flag_mismatch_is_answered_for_the_payloads_event() {
    // Registered for Stop, called with a PreToolUse payload: the answer must
    // be a PreToolUse deny, which is what Codex will read it as.
    let (_d, req) = requirements(CODEX_ONLY);
    let out = run(
        &[
            "hook",
            "--agent",
            "codex",
            "--event",
            "Stop",
            "--requirements",
            req.to_str().unwrap(),
        ],
        codex_pre_tool_use("ls").as_bytes(),
        Duration::from_secs(60),
    );
    let reason = assert_codex_pre_tool_use_deny(&out);
    assert!(reason.contains("--event"), "{reason}");
}

#[test]
fn the_example_codex_requirements_work_as_documented() {
    let req = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/codex/requirements.toml");
    let reason = assert_codex_pre_tool_use_deny(&hook(
        &req,
        &codex_pre_tool_use("git push --force origin main"),
    ));
    assert!(
        reason.contains("[destructive-commands]") && !reason.contains("could not check"),
        "{reason}"
    );
    assert_no_decision(&hook(
        &req,
        &codex_pre_tool_use("git push origin feature/login"),
    ));
    let reason = assert_codex_pre_tool_use_deny(&hook(
        &req,
        &codex_mcp_call(
            "mcp__github__delete_file",
            serde_json::json!({"owner": "o", "repo": "r", "path": "a"}),
        ),
    ));
    assert!(
        reason.contains("[mcp-guard]") && reason.contains("`delete_*`"),
        "{reason}"
    );
    assert_no_decision(&hook(
        &req,
        &codex_mcp_call(
            "mcp__github__get_issue",
            serde_json::json!({"owner": "o", "repo": "r", "issue_number": 1}),
        ),
    ));
}
