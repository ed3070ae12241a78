//! `hookwarden install` and `doctor` on real settings files in a temp dir.
//! System paths go under `HOOKWARDEN_INSTALL_ROOT`, user paths under a
//! temporary `HOME`: nothing outside the temp dir is touched.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Out {
    stdout: String,
    stderr: String,
    code: i32,
}

/// A hermetic workplace: `root/` for /etc, `home/`, `project/` (the cwd).
struct Place {
    dir: tempfile::TempDir,
}

impl Place {
    fn new() -> Place {
        let place = Place {
            dir: tempfile::tempdir().unwrap(),
        };
        for d in ["root", "home", "project"] {
            std::fs::create_dir_all(place.path(d)).unwrap();
        }
        // hookwarden's own configuration, handed to every registered hook.
        std::fs::write(place.requirements(), "[hookwarden]\nfail_mode = \"deny\"\n").unwrap();
        place
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn requirements(&self) -> PathBuf {
        self.path("hookwarden.toml")
    }

    fn run(&self, args: &[&str]) -> Out {
        self.run_stdin(args, b"")
    }

    fn run_stdin(&self, args: &[&str], stdin: &[u8]) -> Out {
        use std::io::Write;
        let home = self.path("home");
        let mut child = Command::new(common::bin())
            .args(args)
            .current_dir(self.path("project"))
            .env_remove("HOOKWARDEN_LOG")
            .env("HOOKWARDEN_CACHE_DIR", common::cache_dir())
            // Hook calls here start no server.
            .env("HOOKWARDEN_SOCKET", "none")
            .env("HOOKWARDEN_INSTALL_ROOT", self.path("root"))
            .env("HOME", &home)
            .env("CODEX_HOME", home.join(".codex"))
            .env("CLAUDE_CONFIG_DIR", home.join(".claude"))
            .env("COPILOT_HOME", home.join(".copilot"))
            .env_remove("GEMINI_CLI_SYSTEM_SETTINGS_PATH")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        let out = child.wait_with_output().unwrap();
        Out {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
    }

    fn backups(&self, file: &Path) -> Vec<PathBuf> {
        let name = file.file_name().unwrap().to_str().unwrap();
        let mut found: Vec<PathBuf> = std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .starts_with(&format!("{name}.hookwarden-backup-"))
            })
            .collect();
        found.sort();
        found
    }
}

struct Case {
    agent: &'static str,
    scope: &'static str,
    /// The settings file, relative to the place.
    file: &'static str,
    /// Events the agent gets registered for.
    events: &'static [&'static str],
    /// An existing file: unrelated keys, comments (TOML) and another hook.
    existing: &'static str,
    /// Text of the existing file that must survive, in this order.
    kept: &'static [&'static str],
    /// A file that does not parse, and the line its error is on.
    broken: (&'static str, usize),
}

const CODEX_MANAGED: &str = r#"# Managed requirements for the fleet.
allow_managed_hooks_only = true

[features]
hooks = true # keep hooks on

[hooks]
managed_dir = "/usr/local/bin"

[[hooks.PreToolUse]]
matcher = "^Bash$"
[[hooks.PreToolUse.hooks]]
type = "command"
command = "python3 /enterprise/policy.py"
timeout = 10

# ---- hookwarden's own configuration
[hookwarden]
fail_mode = "deny"
ask_fallback = "deny"
"#;

fn cases() -> Vec<Case> {
    vec![
        Case {
            agent: "codex",
            scope: "managed",
            file: "root/etc/codex/requirements.toml",
            events: &[
                "PreToolUse",
                "PermissionRequest",
                "PostToolUse",
                "UserPromptSubmit",
                "Stop",
                "SessionStart",
            ],
            existing: CODEX_MANAGED,
            kept: &[
                "# Managed requirements for the fleet.",
                "allow_managed_hooks_only = true",
                "hooks = true # keep hooks on",
                "managed_dir = \"/usr/local/bin\"",
                "command = \"python3 /enterprise/policy.py\"",
                "# ---- hookwarden's own configuration\n[hookwarden]",
                "ask_fallback = \"deny\"",
            ],
            broken: ("[features]\nhooks = true\n[hooks\n", 3),
        },
        Case {
            agent: "codex",
            scope: "user",
            file: "home/.codex/hooks.json",
            events: &[
                "PreToolUse",
                "PermissionRequest",
                "PostToolUse",
                "UserPromptSubmit",
                "Stop",
                "SessionStart",
            ],
            existing: r#"{
  "description": "team hooks",
  "hooks": {
    "PreToolUse": [
      {
        "matcher": "^Bash$",
        "hooks": [
          { "type": "command", "command": "/opt/team/audit.sh", "timeout": 5 }
        ]
      }
    ]
  }
}
"#,
            kept: &["\"description\": \"team hooks\"", "/opt/team/audit.sh"],
            broken: ("{\n  \"hooks\": {\n    \"PreToolUse\": [,]\n  }\n}\n", 3),
        },
        Case {
            agent: "claude-code",
            scope: "managed",
            file: "root/etc/claude-code/managed-settings.json",
            events: &[
                "PreToolUse",
                "PermissionRequest",
                "PostToolUse",
                "UserPromptSubmit",
                "Stop",
                "SessionStart",
            ],
            existing: r#"{
    "model": "opus",
    "permissions": {
        "deny": ["Read(./.env)"]
    },
    "hooks": {
        "PreToolUse": [
            {
                "matcher": "Bash",
                "hooks": [{ "type": "command", "command": "/opt/other-hook.sh" }]
            }
        ]
    },
    "zzz_last": true
}
"#,
            kept: &[
                "\"model\": \"opus\"",
                "\"Read(./.env)\"",
                "/opt/other-hook.sh",
                "\"zzz_last\": true",
            ],
            broken: ("{\n  \"model\": \"opus\",\n}\n", 3),
        },
        Case {
            agent: "claude-code",
            scope: "project",
            file: "project/.claude/settings.json",
            events: &[
                "PreToolUse",
                "PermissionRequest",
                "PostToolUse",
                "UserPromptSubmit",
                "Stop",
                "SessionStart",
            ],
            existing: "{\n  \"env\": {\"FOO\": \"1\"}\n}\n",
            kept: &["\"FOO\": \"1\""],
            broken: ("{\n  \"env\": \n", 3),
        },
        Case {
            agent: "gemini-cli",
            scope: "user",
            file: "home/.gemini/settings.json",
            events: &[
                "BeforeTool",
                "AfterTool",
                "BeforeAgent",
                "AfterAgent",
                "SessionStart",
            ],
            existing: r#"{
  "general": { "vimMode": true },
  "hooks": {
    "BeforeTool": [
      {
        "matcher": "write_file",
        "hooks": [
          { "name": "other", "type": "command", "command": "/opt/other.sh", "timeout": 5000 }
        ]
      }
    ]
  }
}
"#,
            kept: &["\"vimMode\": true", "\"name\": \"other\"", "/opt/other.sh"],
            broken: (
                "{\n  \"general\": { \"vimMode\": true }\n  \"hooks\": {}\n}\n",
                3,
            ),
        },
        Case {
            agent: "cursor",
            scope: "managed",
            file: "root/etc/cursor/hooks.json",
            events: &[
                "preToolUse",
                "beforeMCPExecution",
                "postToolUse",
                "beforeSubmitPrompt",
                "stop",
                "sessionStart",
            ],
            existing: r#"{
  "version": 1,
  "hooks": {
    "preToolUse": [
      { "command": "./hooks/audit.sh", "matcher": "Shell" }
    ]
  }
}
"#,
            kept: &[
                "\"version\": 1",
                "./hooks/audit.sh",
                "\"matcher\": \"Shell\"",
            ],
            broken: ("{\n  \"version\": 1,\n  \"hooks\": {\n", 4),
        },
        Case {
            agent: "copilot-cli",
            scope: "user",
            file: "home/.copilot/hooks/hookwarden.json",
            events: &[
                "preToolUse",
                "permissionRequest",
                "postToolUse",
                "userPromptSubmitted",
                "agentStop",
                "sessionStart",
            ],
            existing: r#"{
  "version": 1,
  "hooks": {
    "sessionEnd": [
      { "type": "command", "bash": "./cleanup.sh", "timeoutSec": 10 }
    ]
  }
}
"#,
            kept: &["\"version\": 1", "\"sessionEnd\"", "./cleanup.sh"],
            broken: ("{\n  \"version\": 1\n  \"hooks\": {}\n}\n", 3),
        },
        Case {
            agent: "copilot-cli",
            scope: "project",
            file: "project/.github/hooks/hookwarden.json",
            events: &["preToolUse", "agentStop"],
            existing: "{\n  \"version\": 1\n}\n",
            kept: &["\"version\": 1"],
            broken: ("[1,\n", 2),
        },
    ]
}

fn install_args<'a>(case: &'a Case, req: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    // Precompiling is tested once, below; here the shared store has the pack.
    let mut args = vec![
        "install",
        "--no-compile",
        "--agent",
        case.agent,
        "--scope",
        case.scope,
    ];
    // Codex's managed scope edits the requirements file itself.
    if !(case.agent == "codex" && case.scope == "managed") {
        args.extend(["--requirements", req]);
    }
    args.extend(extra);
    args
}

fn doctor_args<'a>(case: &'a Case, req: &'a str) -> Vec<&'a str> {
    let mut args = install_args(case, req, &[]);
    args[0] = "doctor";
    args.retain(|a| *a != "--no-compile");
    args
}

fn assert_in_order(text: &str, kept: &[&str], what: &str) {
    let mut at = 0;
    for k in kept {
        match text[at..].find(k) {
            Some(i) => at += i + k.len(),
            None => panic!("{what}: lost or reordered {k:?}:\n{text}"),
        }
    }
}

#[test]
fn each_agent_merges_is_idempotent_backs_up_and_doctor_agrees() {
    for case in cases() {
        let place = Place::new();
        let what = format!("{} {}", case.agent, case.scope);
        let file = place.path(case.file);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, case.existing).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let req_path = place.requirements();
        let req = req_path.to_str().unwrap();

        // Before: doctor fails.
        let out = place.run(&doctor_args(&case, req));
        assert_eq!(out.code, 1, "{what}: doctor before install\n{}", out.stdout);
        assert!(
            out.stdout.contains("FAIL  registration"),
            "{what}:\n{}",
            out.stdout
        );

        // Dry run: a diff, nothing written.
        let out = place.run(&install_args(&case, req, &["--dry-run"]));
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert!(out.stdout.contains("+++ "), "{what}: {}", out.stdout);
        assert!(
            out.stdout
                .lines()
                .any(|l| l.starts_with('+') && l.contains("hook --agent")),
            "{what}: {}",
            out.stdout
        );
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            case.existing,
            "{what}"
        );
        assert!(
            place.backups(&file).is_empty(),
            "{what}: dry run made a backup"
        );

        // Install: merged, backed up.
        let out = place.run(&install_args(&case, req, &[]));
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert!(
            out.stdout.contains("registered hookwarden"),
            "{what}: {}",
            out.stdout
        );
        let installed = std::fs::read_to_string(&file).unwrap();
        assert_in_order(&installed, case.kept, &what);
        for event in case.events {
            let needle = format!("hook --agent {} --event {event}", case.agent);
            assert_eq!(
                installed.matches(&needle).count(),
                1,
                "{what}: {needle}\n{installed}"
            );
        }
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o640, "{what}: the file's mode is kept");
        let backups = place.backups(&file);
        assert_eq!(backups.len(), 1, "{what}: {backups:?}");
        assert_eq!(std::fs::read_to_string(&backups[0]).unwrap(), case.existing);
        if file.extension().unwrap() == "json" {
            let v: serde_json::Value = serde_json::from_str(&installed).unwrap();
            let original: serde_json::Value = serde_json::from_str(case.existing).unwrap();
            let keys = |v: &serde_json::Value| -> Vec<String> {
                v.as_object().unwrap().keys().cloned().collect()
            };
            // Top-level key order is kept (new keys only appended).
            assert_eq!(
                keys(&v)[..keys(&original).len()],
                keys(&original)[..],
                "{what}"
            );
        }

        // Again: nothing to do, byte for byte.
        let out = place.run(&install_args(&case, req, &[]));
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert!(
            out.stdout.contains("already registered"),
            "{what}: {}",
            out.stdout
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), installed, "{what}");
        assert_eq!(
            place.backups(&file).len(),
            1,
            "{what}: second run made a backup"
        );
        let out = place.run(&install_args(&case, req, &["--dry-run"]));
        assert!(
            out.stdout.contains("already registered"),
            "{what}: {}",
            out.stdout
        );

        // Doctor: all well, including the real hook on a sample payload.
        let out = place.run(&doctor_args(&case, req));
        assert_eq!(out.code, 0, "{what}: doctor after install\n{}", out.stdout);
        assert!(!out.stdout.contains("FAIL"), "{what}:\n{}", out.stdout);
        // The built-in defaults list no MCP server: every MCP call is asked.
        assert!(
            out.stdout
                .contains("warn  mcp                  no MCP server is listed"),
            "{what}:\n{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("ok    self-test"),
            "{what}:\n{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("ok    binary"),
            "{what}:\n{}",
            out.stdout
        );

        // A broken file is refused, located, and left alone.
        std::fs::write(&file, case.broken.0).unwrap();
        let before = place.backups(&file).len();
        let out = place.run(&install_args(&case, req, &[]));
        assert_ne!(out.code, 0, "{what}: installed into a broken file");
        let located = format!("{}:{}:", file.display(), case.broken.1);
        assert!(
            out.stderr.contains(&located),
            "{what}: want {located} in {}",
            out.stderr
        );
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            case.broken.0,
            "{what}"
        );
        assert_eq!(place.backups(&file).len(), before, "{what}");
    }
}

#[test]
fn a_changed_entry_is_updated_in_place_and_other_hooks_are_left_alone() {
    let place = Place::new();
    let req = place.requirements();
    let req = req.to_str().unwrap();
    let file = place.path("home/.claude/settings.json");
    let args = [
        "install",
        "--no-compile",
        "--agent",
        "claude-code",
        "--scope",
        "user",
        "--requirements",
        req,
    ];
    assert_eq!(place.run(&args).code, 0);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o644, "a new settings file is readable by all");
    assert!(place.backups(&file).is_empty(), "nothing to back up");
    let text = std::fs::read_to_string(&file).unwrap();
    // An admin moved our handler next to another one and changed its
    // timeout; a status message they added stays.
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ours = v["hooks"]["Stop"][0]["hooks"][0].clone();
    v["hooks"]["Stop"] = serde_json::json!([{
        "hooks": [
            {"type": "command", "command": "/opt/notify.sh"},
            ours,
        ]
    }]);
    v["hooks"]["Stop"][0]["hooks"][1]["timeout"] = 5.into();
    v["hooks"]["Stop"][0]["hooks"][1]["statusMessage"] = "policy".into();
    // Moved binary: a stale path to update.
    let stale = format!(
        "/old/bin/hookwarden hook --agent claude-code --event PreToolUse --requirements {req}"
    );
    v["hooks"]["PreToolUse"][0]["hooks"][0]["command"] = stale.into();
    std::fs::write(&file, serde_json::to_string_pretty(&v).unwrap()).unwrap();

    let out = place.run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("registered hookwarden"),
        "{}",
        out.stdout
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let stop = v["hooks"]["Stop"].as_array().unwrap();
    assert_eq!(stop.len(), 1, "{v:#}");
    assert_eq!(stop[0]["hooks"][0]["command"], "/opt/notify.sh");
    assert_eq!(stop[0]["hooks"][1]["timeout"], 30);
    assert_eq!(stop[0]["hooks"][1]["statusMessage"], "policy");
    let pre = v["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(pre.len(), 1, "{v:#}");
    let cmd = pre[0]["hooks"][0]["command"].as_str().unwrap();
    // By default the engineless hook program beside this binary.
    assert!(
        cmd.starts_with(&format!("{} hook ", common::engineless_bin())),
        "{cmd}"
    );
}

#[test]
fn codex_requirements_still_load_and_the_registered_hook_answers() {
    let place = Place::new();
    let file = place.path("root/etc/codex/requirements.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, CODEX_MANAGED).unwrap();
    let path = file.to_str().unwrap();
    let install = [
        "install",
        "--no-compile",
        "--agent",
        "codex",
        "--requirements",
        path,
    ];
    let out = place.run(&install);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&file).unwrap();
    let config = hookwarden_config::parse(&text, &file)
        .unwrap()
        .expect("the [hookwarden] table is still there");
    assert_eq!(config.fail_mode.to_string(), "deny");
    // The new hooks sit with the other hooks, before [hookwarden].
    assert!(text.find("[[hooks.SessionStart]]").unwrap() < text.find("[hookwarden]").unwrap());
    // Codex's view: the same hook tables, plus ours.
    let table: toml::Table = toml::from_str(&text).unwrap();
    let pre = table["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(pre.len(), 2);
    assert_eq!(
        pre[0]["hooks"][0]["command"].as_str(),
        Some("python3 /enterprise/policy.py")
    );

    let deny = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/payloads/codex/pre-tool-use-deny-rm-rf-home.json"),
    )
    .unwrap();
    let out = place.run_stdin(
        &[
            "hook",
            "--agent",
            "codex",
            "--event",
            "PreToolUse",
            "--requirements",
            path,
        ],
        &deny,
    );
    let answer: serde_json::Value = serde_json::from_str(out.stdout.trim())
        .unwrap_or_else(|e| panic!("{e}: {} {}", out.stdout, out.stderr));
    assert_eq!(answer["hookSpecificOutput"]["permissionDecision"], "deny");

    // A broken [hookwarden] table is refused before anything is written.
    std::fs::write(&file, "[hookwarden]\nfail_mood = \"deny\"\n").unwrap();
    let out = place.run(&install);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("fail_mood"), "{}", out.stderr);
    assert!(out.stderr.contains(path), "{}", out.stderr);
}

#[test]
fn codex_user_hooks_are_reported_as_skipped_under_managed_only() {
    let place = Place::new();
    let req = place.requirements();
    let req = req.to_str().unwrap();
    let args = ["--agent", "codex", "--scope", "user", "--requirements", req];
    let out = place.run(&[&["install", "--no-compile"][..], &args].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("/hooks"), "trust note: {}", out.stdout);
    let out = place.run(&[&["doctor"][..], &args].concat());
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("warn  codex-trust"), "{}", out.stdout);

    // The hook's requirements file turns on managed-only: user hooks never run.
    std::fs::write(
        place.requirements(),
        "allow_managed_hooks_only = true\n[hookwarden]\n",
    )
    .unwrap();
    let out = place.run(&[&["doctor"][..], &args].concat());
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("FAIL  codex-managed-only"),
        "{}",
        out.stdout
    );
}

#[test]
fn doctor_fails_on_a_missing_binary_and_a_broken_config() {
    let place = Place::new();
    let req = place.requirements();
    let req = req.to_str().unwrap();
    let gone = place.path("gone/hookwarden");
    let args = [
        "--agent",
        "cursor",
        "--scope",
        "user",
        "--requirements",
        req,
    ];
    let out = place.run(
        &[
            &["install", "--no-compile"][..],
            &args,
            &["--binary", gone.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    std::fs::write(place.requirements(), "[hookwarden]\nfail_mode = 3\n").unwrap();
    let out = place.run(&[&["doctor"][..], &args].concat());
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("FAIL  binary"), "{}", out.stdout);
    assert!(out.stdout.contains("FAIL  config"), "{}", out.stdout);
    assert!(out.stdout.contains("warn  command"), "{}", out.stdout);
}

#[test]
fn scopes_an_agent_lacks_and_unwritable_files_are_explained() {
    let place = Place::new();
    let out = place.run(&["install", "--agent", "copilot-cli", "--scope", "managed"]);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("--scope user or project"),
        "{}",
        out.stderr
    );

    // A read-only directory (skipped as root, who can write anyway).
    if is_root() {
        return;
    }
    let dir = place.path("root/etc/cursor");
    std::fs::create_dir_all(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = place.run(&["install", "--agent", "cursor", "--scope", "managed"]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("permission denied"), "{}", out.stderr);
    assert!(out.stderr.contains("--scope user"), "{}", out.stderr);
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn install_precompiles_the_rules_and_a_second_run_compiles_nothing() {
    let place = Place::new();
    let req = place.requirements();
    let store = place.path("store");
    let args = [
        "install",
        "--agent",
        "claude-code",
        "--scope",
        "user",
        "--requirements",
        req.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
    ];
    let out = place.run(&args);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let artifacts = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".cwasm"))
            .collect();
        names.sort();
        names
    };
    let first = artifacts(&store);
    assert_eq!(first.len(), 6, "one artifact per built-in rule: {first:?}");
    assert!(
        out.stderr.contains("6 compiled, 0 up to date, 0 failed"),
        "{}",
        out.stderr
    );

    // Again: already registered, every artifact up to date, nothing rewritten.
    let mtimes = |dir: &Path| -> Vec<std::time::SystemTime> {
        artifacts(dir)
            .iter()
            .map(|n| std::fs::metadata(dir.join(n)).unwrap().modified().unwrap())
            .collect()
    };
    let before = mtimes(&store);
    let out = place.run(&args);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("already registered"), "{}", out.stdout);
    assert!(
        out.stderr.contains("0 compiled, 6 up to date, 0 failed"),
        "{}",
        out.stderr
    );
    assert_eq!(artifacts(&store), first);
    assert_eq!(mtimes(&store), before);

    // A corrupt artifact is not "up to date": it is compiled again.
    std::fs::write(store.join(&first[0]), b"not an artifact").unwrap();
    let out = place.run(&args);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("1 compiled, 5 up to date, 0 failed"),
        "{}",
        out.stderr
    );
}

#[test]
fn doctor_fails_on_weak_configurations_and_warns_on_fail_open_ones() {
    use std::os::unix::fs::PermissionsExt;
    let place = Place::new();
    let req_path = place.requirements();
    let req = req_path.to_str().unwrap();
    let args = [
        "--agent",
        "cursor",
        "--scope",
        "user",
        "--requirements",
        req,
    ];
    let out = place.run(&[&["install", "--no-compile"][..], &args].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doctor = || place.run(&[&["doctor", "--no-self-test"][..], &args].concat());
    let out = doctor();
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("ok    fail-mode"), "{}", out.stdout);

    // Requirements anyone can change.
    let chmod = |p: &Path, mode| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    chmod(&req_path, 0o666);
    let out = doctor();
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("FAIL  installation")
            && out.stdout.contains("can be changed by other users"),
        "{}",
        out.stdout
    );
    chmod(&req_path, 0o644);

    // Nothing enabled; nothing for the events that can block.
    let write = |body: &str| std::fs::write(&req_path, body).unwrap();
    write(
        "[hookwarden]\nbuiltin_rules = false\n[[hookwarden.rules]]\nid = \"x\"\nmodule = \"builtin:destructive-commands\"\nenabled = false\n",
    );
    let out = doctor();
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("FAIL  coverage") && out.stdout.contains("enables no rule"),
        "{}",
        out.stdout
    );
    write(
        "[hookwarden]\n[[hookwarden.rules]]\nid = \"x\"\nmodule = \"builtin:destructive-commands\"\nevents = [\"post-tool-use\"]\n",
    );
    let out = doctor();
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("FAIL  coverage") && out.stdout.contains("no enabled rule judges it"),
        "{}",
        out.stdout
    );

    // A module others can change: its pin stops it, and every call fails.
    let module = place.path("rule.wasm");
    std::fs::copy(common::component("scripted-rule"), &module).unwrap();
    chmod(&module, 0o666);
    write(&format!(
        "[hookwarden]\nbuiltin_rules = true\n[[hookwarden.rules]]\nid = \"r\"\nmodule = \"{}\"\nsha256 = \"{}\"\n",
        module.display(),
        common::sha256_of(&module)
    ));
    let out = doctor();
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("FAIL  module-owner"), "{}", out.stdout);

    // Fail open: warned, with why.
    write("[hookwarden]\nfail_mode = \"allow\"\nrule_threads = 1\n");
    let out = doctor();
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("warn  fail-mode") && out.stdout.contains("rule_threads = 1"),
        "{}",
        out.stdout
    );
}
