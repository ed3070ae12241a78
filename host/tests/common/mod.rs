//! Shared helpers: run the real `hookwarden` binary with real components.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
    pub elapsed: Duration,
}

impl Run {
    /// The answer as JSON; `None` when stdout is empty (no decision).
    pub fn json(&self) -> Option<serde_json::Value> {
        let out = self.stdout.trim();
        if out.is_empty() {
            None
        } else {
            Some(
                serde_json::from_str(out)
                    .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {out:?}")),
            )
        }
    }
}

/// One artifact store per test binary, hermetic. The built-in pack is
/// precompiled into it first, as an admin's `hookwarden compile` does: otherwise every
/// test starting at once compiles the pack on a miss, and on a busy 2-core
/// machine that can outlast the call deadline. Rules from files still
/// compile on a miss, so both paths are exercised.
pub fn cache_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let req = dir.path().join("builtin-requirements.toml");
        std::fs::write(&req, "[hookwarden]\n").unwrap();
        let out = Command::new(bin())
            .args([
                "compile",
                "--requirements",
                req.to_str().unwrap(),
                "--store",
            ])
            .arg(dir.path())
            .env_remove("HOOKWARDEN_LOG")
            .output()
            .expect("run hookwarden compile");
        assert!(
            out.status.success(),
            "precompiling the built-in pack failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
    .path()
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_hookwarden")
}

/// `hookwarden-hook`, the hook program without the engine.
pub fn engineless_bin() -> &'static str {
    env!("CARGO_BIN_EXE_hookwarden-hook")
}

/// `child`'s output, or a panic (and the child killed) after `limit`.
pub fn wait_with_output_within(
    child: std::process::Child,
    limit: Duration,
) -> std::process::Output {
    let pid = child.id() as libc::pid_t;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            // SAFETY: plain FFI call on our child's pid.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!(
                "the program did not finish within {limit:?} (or something else holds its pipes)"
            );
        }
    }
}

/// Wait up to 30 s for `done`.
pub fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within 30 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Write an executable `to`, and wait (bounded) until it can run: a child
/// another test thread forked while the file was open for writing holds it
/// open until that child execs, and running the file meanwhile fails with
/// "text file busy".
pub fn install_executable(to: &Path, contents: &[u8]) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(to, contents).unwrap();
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o755)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match Command::new(to)
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
        {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                assert!(
                    Instant::now() < deadline,
                    "{}: still busy after 30 s",
                    to.display()
                );
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("cannot run {}: {e}", to.display()),
            Ok(_) => return,
        }
    }
}

/// `hookwarden serve ARGS --socket SOCKET` with the tests' artifact store,
/// logging at `info` to a piped stderr.
pub fn serve_command(socket: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(bin());
    command
        .arg("serve")
        .args(args)
        .arg("--socket")
        .arg(socket)
        .env("HOOKWARDEN_CACHE_DIR", cache_dir())
        .env("HOOKWARDEN_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// Run `hookwarden ARGS` with `stdin`, killing it after `limit`.
pub fn run(args: &[&str], stdin: &[u8], limit: Duration) -> Run {
    run_env(args, stdin, limit, &[])
}

/// `run` with extra environment variables (they override the defaults).
pub fn run_env(args: &[&str], stdin: &[u8], limit: Duration, env: &[(&str, &str)]) -> Run {
    run_program(bin(), args, stdin, limit, env)
}

/// `run_env` of another program than `hookwarden`.
pub fn run_program(
    program: &str,
    args: &[&str],
    stdin: &[u8],
    limit: Duration,
    env: &[(&str, &str)],
) -> Run {
    let started = Instant::now();
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env_remove("HOOKWARDEN_LOG")
        .env("HOOKWARDEN_CACHE_DIR", cache_dir())
        // Hermetic: never a `hookwarden serve` the machine happens to run.
        .env("HOOKWARDEN_SOCKET", "none");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {program}: {e}"));
    {
        let mut sin = child.stdin.take().unwrap();
        // The hook may answer before reading everything (e.g. on a deadline).
        let _ = sin.write_all(stdin);
    }
    let waiter = std::thread::spawn(move || child.wait_with_output());
    let deadline = started + limit;
    while !waiter.is_finished() {
        assert!(
            Instant::now() < deadline,
            "{program} {args:?} did not finish within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = waiter.join().unwrap().expect("wait for hookwarden");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
        elapsed: started.elapsed(),
    }
}

/// `hookwarden hook --agent codex --requirements REQ` with `payload`.
pub fn hook(requirements: &Path, payload: &str) -> Run {
    hook_env(requirements, payload, &[])
}

/// `hook` with extra environment variables.
pub fn hook_env(requirements: &Path, payload: &str, env: &[(&str, &str)]) -> Run {
    codex_hook_call(bin(), &["hook"], requirements, payload, env)
}

/// `hookwarden-hook --agent codex --requirements REQ` with `payload`.
pub fn engineless_hook_env(requirements: &Path, payload: &str, env: &[(&str, &str)]) -> Run {
    codex_hook_call(engineless_bin(), &[], requirements, payload, env)
}

/// `PROGRAM [LEADING…] --agent codex --requirements REQ` with `payload`.
pub fn codex_hook_call(
    program: &str,
    leading: &[&str],
    requirements: &Path,
    payload: &str,
    env: &[(&str, &str)],
) -> Run {
    let mut args = leading.to_vec();
    args.extend([
        "--agent",
        "codex",
        "--requirements",
        requirements.to_str().unwrap(),
    ]);
    run_program(
        program,
        &args,
        payload.as_bytes(),
        Duration::from_secs(60),
        env,
    )
}

/// A Codex PreToolUse payload for `command`, in the exact shape the real
/// Codex CLI 0.169.0 sends (captured in shared/docs/real-agents-e2e.md §3.4).
pub fn codex_pre_tool_use(command: &str) -> String {
    serde_json::json!({
        "session_id": "01a202ff-9796-7eb2-873a-ecdbc0530e4e",
        "turn_id": "01a202ff-97b0-78e3-8dc5-1d8d0e633287",
        "transcript_path": "/tmp/codex/sessions/rollout.jsonl",
        "cwd": "/tmp/codex/work",
        "hook_event_name": "PreToolUse",
        "model": "mock-model",
        "permission_mode": "bypassPermissions",
        "tool_name": "Bash",
        "tool_input": {"command": command},
        "tool_use_id": "call_e2e_1"
    })
    .to_string()
}

/// A Codex PreToolUse payload for a call of MCP tool `tool`
/// (`mcp__<server>__<tool>`) with `arguments`, shaped like
/// [`codex_pre_tool_use`].
pub fn codex_mcp_call(tool: &str, arguments: serde_json::Value) -> String {
    let mut payload: serde_json::Value = serde_json::from_str(&codex_pre_tool_use("")).unwrap();
    payload["tool_name"] = tool.into();
    payload["tool_input"] = arguments;
    payload.to_string()
}

/// Paths of components built from `tests/rules/*` and `rules/*`.
pub fn component(package: &str) -> PathBuf {
    hookwarden_component_build::build_for_tests(&[package]).remove(0)
}

pub fn sha256_of(path: &Path) -> String {
    let out = run(
        &["hash", path.to_str().unwrap()],
        b"",
        Duration::from_secs(30),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout.split_whitespace().next().unwrap().to_owned()
}

/// A requirements file in a fresh temp dir with `body` as its content.
pub fn requirements(body: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requirements.toml");
    std::fs::write(&path, body).unwrap();
    (dir, path)
}

/// A `[[hookwarden.rules]]` entry running the scripted test rule with `config`
/// (a TOML inline table body) and extra entry keys.
pub fn scripted_rule(id: &str, config: &str, extra: &str) -> String {
    let module = component("scripted-rule");
    format!(
        "[[hookwarden.rules]]\nid = \"{id}\"\nmodule = \"{}\"\nsha256 = \"{}\"\n{extra}\nconfig = {{ {config} }}\n",
        module.display(),
        sha256_of(&module)
    )
}

/// Assert `answer` is a Codex PreToolUse deny with exactly the keys Codex
/// accepts, and return its reason.
pub fn assert_codex_pre_tool_use_deny(run: &Run) -> String {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let v = run
        .json()
        .unwrap_or_else(|| panic!("expected a deny, got no output; stderr: {}", run.stderr));
    let top: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(top, ["hookSpecificOutput"], "{v}");
    let hso = v["hookSpecificOutput"].as_object().unwrap();
    let mut keys: Vec<&str> = hso.keys().map(String::as_str).collect();
    keys.sort();
    assert!(
        keys == [
            "hookEventName",
            "permissionDecision",
            "permissionDecisionReason"
        ] || keys
            == [
                "additionalContext",
                "hookEventName",
                "permissionDecision",
                "permissionDecisionReason"
            ],
        "unexpected keys {keys:?} in {v}"
    );
    assert_eq!(hso["hookEventName"], "PreToolUse");
    assert_eq!(hso["permissionDecision"], "deny");
    let reason = hso["permissionDecisionReason"].as_str().unwrap();
    assert!(
        !reason.trim().is_empty(),
        "Codex ignores a deny with an empty reason"
    );
    reason.to_owned()
}

pub fn assert_no_decision(run: &Run) {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout.trim(),
        "",
        "expected no decision; stderr: {}",
        run.stderr
    );
}
