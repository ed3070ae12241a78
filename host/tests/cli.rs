//! `hookwarden hash`, `pin` and `test`, with real components.

mod common;

use common::*;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn hash_prints_sha256sum_lines_and_fails_on_missing_files() {
    let module = component("scripted-rule");
    let bytes = std::fs::read(&module).unwrap();
    let out = run(&["hash", module.to_str().unwrap()], b"", LIMIT);
    assert_eq!(out.code, 0);
    let expected = hookwarden_pin_of(&bytes);
    assert_eq!(out.stdout, format!("{expected}  {}\n", module.display()));

    let out = run(&["hash", "/nonexistent.wasm"], b"", LIMIT);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("/nonexistent.wasm"));
}

fn hookwarden_pin_of(bytes: &[u8]) -> String {
    // Independent of hookwarden's own code: sha256sum from coreutils.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("m.wasm");
    std::fs::write(&f, bytes).unwrap();
    let out = std::process::Command::new("sha256sum")
        .arg(&f)
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn pinned_entry_works_when_pasted_under_hookwarden() {
    let module = component("destructive-commands");
    let out = run(&["pin", module.to_str().unwrap()], b"", LIMIT);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("[[hookwarden.rules]]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("id = \"destructive-commands\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("sha256 = \"{}\"", sha256_of(&module))),
        "{}",
        out.stdout
    );

    // Pasted as is, it pins the module and the hook uses it (and only it).
    let (_d, req) = requirements(&format!(
        "[hookwarden]\nfail_mode = \"deny\"\n\n{}",
        out.stdout
    ));
    assert_codex_pre_tool_use_deny(&hook(
        &req,
        &codex_pre_tool_use("sudo rm -rf --no-preserve-root /"),
    ));
    assert_no_decision(&hook(&req, &codex_pre_tool_use("rm -rf target")));
}

#[test]
fn pin_builtin_prints_embedded_entries() {
    let out = run(&["pin", "--builtin"], b"", LIMIT);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("module = \"builtin:destructive-commands\""),
        "{}",
        out.stdout
    );
}

#[test]
fn pin_refuses_components_with_forbidden_imports() {
    let module = component("socket-user-rule");
    let out = run(&["pin", module.to_str().unwrap()], b"", LIMIT);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("wasi:sockets"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn test_command_runs_cases_and_fails_on_a_miss() {
    let module = component("scripted-rule");
    let dir = tempfile::tempdir().unwrap();
    let payload = dir.path().join("payload.json");
    std::fs::write(&payload, codex_pre_tool_use("ls")).unwrap();
    let cases = dir.path().join("cases.toml");
    std::fs::write(
        &cases,
        r#"
[defaults]
config = { decision = "deny", reason = "scripted no", finding = "t.no" }

[[case]]
command = "ls"
expect = "deny"
reason_contains = "scripted"
finding = "t.no"

[[case]]
name = "payload file through the codex adapter"
payload_file = "payload.json"
expect = "deny"

[[case]]
name = "inline payload"
payload = '{"session_id":"s","turn_id":"t","transcript_path":null,"cwd":"/w","hook_event_name":"UserPromptSubmit","model":"m","permission_mode":"default","prompt":"hi"}'
config = { decision = "allow" }
expect = "allow"

[[case]]
name = "normalized event"
event = { agent = "claude-code", hook = "post-tool-use", action = { web-fetch = { url = "https://example.com" } } }
config = { decision = "ask", reason = "r" }
expect = "ask"
"#,
    )
    .unwrap();
    let out = run(
        &[
            "test",
            module.to_str().unwrap(),
            cases.to_str().unwrap(),
            "-v",
        ],
        b"",
        LIMIT,
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("scripted-rule: 4 passed, 0 failed\n")
            && out.stdout.ends_with(
                "scripted-rule: 4 cases (deny 2, ask 1, allow 1); misses 0, false blocks 0, \
                 stricter than expected 0, errors 0\n"
            ),
        "{}",
        out.stdout
    );

    std::fs::write(
        &cases,
        "[[case]]\ncommand = \"ls\"\nconfig = { decision = \"allow\" }\nexpect = \"deny\"\n",
    )
    .unwrap();
    let out = run(
        &["test", module.to_str().unwrap(), cases.to_str().unwrap()],
        b"",
        LIMIT,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("FAIL  ls: expected deny, got allow"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("0 passed, 1 failed\n")
            && out
                .stdout
                .contains("1 cases (deny 1, ask 0, allow 0); misses 1, false blocks 0"),
        "{}",
        out.stdout
    );
}

#[test]
fn rule_fixtures_pass_as_built_components() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // Every rule keeps its corpus beside it: run them all, plus the sample rule's.
    let mut corpora: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(root.join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|dir| dir.join("cases.toml").is_file())
        .map(|dir| {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            (name, dir.join("cases.toml"))
        })
        .collect();
    corpora.sort();
    assert!(corpora.len() >= 5, "rules with corpora: {corpora:?}");
    corpora.push((
        "prompt-secrets".into(),
        root.join("examples/sample-rule/cases.toml"),
    ));
    let packages: Vec<&str> = corpora.iter().map(|(p, _)| p.as_str()).collect();
    let modules = hookwarden_component_build::build_for_tests(&packages);
    for ((package, cases), module) in corpora.iter().zip(&modules) {
        let out = run(
            &["test", module.to_str().unwrap(), cases.to_str().unwrap()],
            b"",
            LIMIT,
        );
        assert_eq!(out.code, 0, "{package}:\n{}\n{}", out.stdout, out.stderr);
        assert!(out.stdout.contains(" passed, 0 failed"), "{}", out.stdout);
        assert!(
            out.stdout.contains("misses 0, false blocks 0"),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn bench_runs_every_scenario_and_reports_json() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bench.json");
    let out = run(
        &["bench", "--runs", "2", "--json", json.to_str().unwrap()],
        b"",
        Duration::from_secs(300),
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let names: Vec<&str> = doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scenario"].as_str().unwrap())
        .collect();
    for expected in [
        "/bin/true",
        "hookwarden built-in pack (allow)",
        "hookwarden built-in pack (deny)",
        "hookwarden 1 rule (allow)",
        "hookwarden 10 rules (allow)",
        "hookwarden 50 rules (allow)",
        "hookwarden 1 rule, PostToolUse 1024 KiB output",
        "hookwarden built-in pack, served (allow)",
        "hookwarden built-in pack, served (deny)",
        "hookwarden 50 rules, served (allow)",
        "hookwarden 1 rule, PostToolUse 1024 KiB output, served",
        "hookwarden-hook, no server: handed to hookwarden hook (allow)",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    for s in doc["scenarios"].as_array().unwrap() {
        assert!(s["median_ms"].as_f64().unwrap() > 0.0, "{s}");
        let name = s["scenario"].as_str().unwrap();
        if name.starts_with("hookwarden") {
            let phases = s["phases_median_us"].as_object().unwrap();
            // A served call loads and runs its rules in the server.
            let expected: &[&str] = if name.contains("served") {
                &["parse", "facts", "server", "render", "total"]
            } else {
                &[
                    "parse",
                    "load",
                    "instantiate",
                    "evaluate",
                    "render",
                    "total",
                ]
            };
            for p in expected {
                assert!(phases.contains_key(*p), "{p} missing in {s}");
            }
        }
    }
    assert!(out.stdout.contains("each extra rule:"), "{}", out.stdout);
    assert!(
        out.stdout.contains("each extra rule, served:"),
        "{}",
        out.stdout
    );
    // Every configuration's server judged calls (the bench checks that it
    // judged every call sent to it).
    let servers = doc["servers"].as_object().unwrap();
    assert_eq!(servers.len(), 4, "{doc}");
    for (config, server) in servers {
        assert!(server["judged"].as_u64().unwrap() > 0, "{config}: {doc}");
    }
}
