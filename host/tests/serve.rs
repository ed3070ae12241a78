//! `hookwarden serve` with real hook calls: a served call answers exactly
//! as a call that runs the rules itself, limits and pins hold in the
//! server, and a hook without a usable server still answers on its own.

mod common;

use common::*;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `hookwarden serve` on a socket in its own directory; killed
/// (and its log collected) on drop.
struct Server {
    child: Option<Child>,
    /// Its stderr so far, read by a thread as it comes.
    log: Arc<Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("run/serve.sock");
        let mut child = serve_command(&socket, &[])
            .spawn()
            .expect("spawn hookwarden serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut stderr = child.stderr.take().unwrap();
        let reader = {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                let mut chunk = [0u8; 4096];
                // Ends when the server exits and its stderr closes.
                while let Ok(n @ 1..) = stderr.read(&mut chunk) {
                    log.lock().unwrap().extend_from_slice(&chunk[..n]);
                }
            })
        };
        let server = Server {
            child: Some(child),
            log,
            reader: Some(reader),
            socket,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::os::unix::net::UnixStream::connect(&server.socket).is_err() {
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    fn env(&self) -> [(&str, &str); 2] {
        [
            ("HOOKWARDEN_SOCKET", self.socket.to_str().unwrap()),
            ("HOOKWARDEN_LOG", "debug"),
        ]
    }

    /// Wait (up to 30 s) until the log satisfies `done`: the server logs
    /// each call once its answer is sent, so after the hook has it.
    fn wait_for_log(&self, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(&String::from_utf8_lossy(&self.log.lock().unwrap()))
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stop the server and return its log.
    fn stop(mut self) -> String {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        String::from_utf8_lossy(&self.log.lock().unwrap()).into_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn served(run: &Run) -> bool {
    run.stderr.contains("judged by the server")
}

#[test]
fn served_calls_answer_exactly_like_local_ones() {
    let server = Server::start();
    let (_d, pack) = requirements("[hookwarden]\n");
    let (_e, mixed) = requirements(&format!(
        "[hookwarden]\nbuiltin_rules = true\n{}{}",
        scripted_rule("asks", "decision = \"ask\", reason = \"a second look\"", ""),
        scripted_rule("facts", "behaviour = \"report-facts\"", "")
    ));
    let payloads = [
        codex_pre_tool_use("rm -rf ~/"),
        codex_pre_tool_use("cargo test --workspace"),
        codex_pre_tool_use("git push --force origin main"),
        codex_pre_tool_use("echo hi > /tmp/codex/work/out.txt"),
        codex_pre_tool_use("curl http://169.254.169.254/latest/meta-data"),
        // An MCP call is judged as itself and as what it does (here a shell
        // command): the server runs the same views.
        codex_mcp_call(
            "mcp__shell__exec",
            serde_json::json!({"command": "rm -rf ~/"}),
        ),
        codex_mcp_call(
            "mcp__filesystem__write_file",
            serde_json::json!({"path": "/tmp/codex/work/.git/hooks/pre-commit", "content": "x"}),
        ),
    ];
    let mut served_calls = 0;
    for req in [&pack, &mixed] {
        for payload in &payloads {
            let local = hook(req, payload);
            // `hookwarden hook` and the engineless `hookwarden-hook`.
            for remote in [
                hook_env(req, payload, &server.env()),
                engineless_hook_env(req, payload, &server.env()),
            ] {
                assert!(served(&remote), "not served: {}", remote.stderr);
                served_calls += 1;
                assert_eq!(remote.stdout, local.stdout, "payload {payload}");
                assert_eq!(remote.code, local.code);
            }
        }
    }
    server.wait_for_log(|log| log.matches("judged").count() >= served_calls);
    let log = server.stop();
    // Each served call was judged there, by the rules it kept loaded.
    assert_eq!(log.matches("judged").count(), served_calls, "{log}");
    let compiles = log.matches("no precompiled artifact; compiling").count();
    assert!(
        compiles <= 1,
        "the scripted rule compiled {compiles} times: {log}"
    );
}

#[test]
fn hostile_rules_get_their_fail_verdict_and_the_server_carries_on() {
    let server = Server::start();
    for (behaviour, extra, expect) in [
        ("spin", "fuel = 50000000", "ran out of fuel"),
        ("spin", "fuel = 100000000000\ntimeout_ms = 200", "deadline"),
        ("memory-bomb", "memory_mib = 32", "memory cap"),
        ("trap", "", "trap"),
    ] {
        let (_d, req) = requirements(&format!(
            "[hookwarden]\n{}",
            scripted_rule("hostile", &format!("behaviour = \"{behaviour}\""), extra)
        ));
        let out = hook_env(&req, &codex_pre_tool_use("ls"), &server.env());
        assert!(served(&out), "{}", out.stderr);
        let reason = assert_codex_pre_tool_use_deny(&out);
        assert!(
            reason.contains("could not check") && reason.contains(expect),
            "{behaviour}: {reason}"
        );
    }
    // Still serving, and the rules that behave still decide.
    let (_d, pack) = requirements("[hookwarden]\n");
    let out = hook_env(&pack, &codex_pre_tool_use("rm -rf /"), &server.env());
    assert!(served(&out), "{}", out.stderr);
    assert!(assert_codex_pre_tool_use_deny(&out).contains("[destructive-commands]"));
}

#[test]
fn the_server_checks_pins_on_every_call_and_follows_config_changes() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("rule.wasm");
    std::fs::copy(component("scripted-rule"), &module).unwrap();
    let pin = sha256_of(&module);
    let req = dir.path().join("requirements.toml");
    let entry = |decision: &str| {
        format!(
            "[hookwarden]\n[[hookwarden.rules]]\nid = \"r\"\nmodule = \"rule.wasm\"\nsha256 = \"{pin}\"\nconfig = {{ decision = \"{decision}\", reason = \"scripted\" }}\n"
        )
    };
    std::fs::write(&req, entry("deny")).unwrap();
    let out = hook_env(&req, &codex_pre_tool_use("ls"), &server.env());
    assert!(served(&out), "{}", out.stderr);
    assert!(assert_codex_pre_tool_use_deny(&out).contains("[r] scripted"));

    // The requirements change: the server judges with the new text.
    std::fs::write(&req, entry("allow")).unwrap();
    let out = hook_env(&req, &codex_pre_tool_use("ls"), &server.env());
    assert!(served(&out), "{}", out.stderr);
    assert_no_decision(&out);

    // The module is tampered with while the server has it loaded: the pin
    // check on this call refuses it, as a hook process would.
    let mut bytes = std::fs::read(&module).unwrap();
    bytes.extend_from_slice(b"\0\0"); // still not the pinned digest
    std::fs::write(&module, &bytes).unwrap();
    let out = hook_env(&req, &codex_pre_tool_use("ls"), &server.env());
    assert!(served(&out), "{}", out.stderr);
    let reason = assert_codex_pre_tool_use_deny(&out);
    assert!(
        reason.contains("could not check") && reason.contains(&pin),
        "{reason}"
    );
}

#[test]
fn without_a_usable_server_the_hook_runs_the_rules_itself() {
    // Starting one is tested below.
    let (_d, pack) = requirements("[hookwarden]\nserver = \"if-running\"\n");
    let dir = private_dir();
    // A socket nobody listens on (a server that died).
    let stale = dir.path().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    // Not a socket at all.
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    let missing = dir.path().join("missing.sock");
    for socket in [&stale, &file, &missing] {
        let env = [
            ("HOOKWARDEN_SOCKET", socket.to_str().unwrap()),
            ("HOOKWARDEN_LOG", "debug"),
        ];
        let out = hook_env(&pack, &codex_pre_tool_use("rm -rf /"), &env);
        assert!(!served(&out), "{}", out.stderr);
        let reason = assert_codex_pre_tool_use_deny(&out);
        assert!(
            reason.contains("[destructive-commands]") && !reason.contains("could not check"),
            "{}: {reason}",
            socket.display()
        );
    }
    // An admin can turn servers off.
    let server = Server::start();
    let (_e, off) = requirements("[hookwarden]\nserver = false\n");
    let out = hook_env(&off, &codex_pre_tool_use("rm -rf /"), &server.env());
    assert!(!served(&out), "{}", out.stderr);
    assert_codex_pre_tool_use_deny(&out);
}

#[test]
fn the_server_refuses_an_open_directory_and_a_second_server_waits() {
    let dir = tempfile::tempdir().unwrap();
    let open = dir.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = run(
        &["serve", "--socket", open.join("s.sock").to_str().unwrap()],
        b"",
        Duration::from_secs(30),
    );
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("must be 0700"), "{}", out.stderr);
    assert!(!open.join("s.sock").exists());

    let socket = dir.path().join("run/serve.sock");
    let mut first = serve_command(&socket, &[]).spawn().unwrap();
    wait_until("the first server listens", || {
        std::os::unix::net::UnixStream::connect(&socket).is_ok()
    });
    // One started by a hook call steps back quietly…
    let out = run(
        &["serve", "--on-demand", "--socket", socket.to_str().unwrap()],
        b"",
        Duration::from_secs(30),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // …one started on purpose (a service, say) takes over when it stops.
    let log = dir.path().join("second.log");
    let mut second = serve_command(&socket, &[])
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let second_log = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_until("the second server waits", || {
        second_log().contains("serving once it stops")
    });
    assert!(
        second_log().contains("another server (pid "),
        "{}",
        second_log()
    );
    first.kill().unwrap();
    first.wait().unwrap();
    wait_until("the second server takes over", || {
        std::os::unix::net::UnixStream::connect(&socket).is_ok()
            && std::fs::read_to_string(socket.with_extension("lock"))
                .is_ok_and(|pid| pid.trim() == second.id().to_string())
    });
    second.kill().unwrap();
    second.wait().unwrap();
}

fn handed_off(run: &Run) -> bool {
    run.stderr.contains("handing it over")
}

#[test]
fn the_engineless_hook_hands_every_unserved_call_to_hookwarden_hook() {
    let (_d, pack) = requirements("[hookwarden]\nserver = \"if-running\"\n");
    let dir = private_dir();
    let missing = dir.path().join("missing.sock");
    let stale = dir.path().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    // A server that takes the call and hangs up without answering: the
    // payload is read by then, and must reach `hookwarden hook` intact.
    let mute = dir.path().join("mute.sock");
    let listener = std::os::unix::net::UnixListener::bind(&mute).unwrap();
    let payloads = [
        codex_pre_tool_use("rm -rf ~/"),
        codex_pre_tool_use("cargo test --workspace"),
    ];
    let mute_calls = payloads.len();
    let mute_server = std::thread::spawn(move || {
        for _ in 0..mute_calls {
            let (mut stream, _) = listener.accept().unwrap();
            let mut len = [0u8; 4];
            stream.read_exact(&mut len).unwrap();
            let mut body = vec![0u8; u32::from_le_bytes(len) as usize];
            stream.read_exact(&mut body).unwrap();
        }
    });
    for payload in &payloads {
        let local = hook(&pack, payload);
        for socket in [&missing, &stale, &mute] {
            let env = [
                ("HOOKWARDEN_SOCKET", socket.to_str().unwrap()),
                ("HOOKWARDEN_LOG", "debug"),
            ];
            let out = engineless_hook_env(&pack, payload, &env);
            assert!(handed_off(&out), "{}: {}", socket.display(), out.stderr);
            assert_eq!(out.stdout, local.stdout, "{}: {payload}", socket.display());
            assert_eq!(out.code, local.code);
        }
    }
    mute_server.join().unwrap();
    // `if-running`: no call started a server.
    assert!(!dir.path().join("missing.lock").exists() && !missing.exists());

    // Registered with the word `hook` (`install --binary …/hookwarden-hook`):
    // the same call.
    let payload = codex_pre_tool_use("rm -rf ~/");
    let out = codex_hook_call(
        engineless_bin(),
        &["hook"],
        &pack,
        &payload,
        &[
            ("HOOKWARDEN_SOCKET", missing.to_str().unwrap()),
            ("HOOKWARDEN_LOG", "debug"),
        ],
    );
    assert!(handed_off(&out), "{}", out.stderr);
    assert_eq!(out.stdout, hook(&pack, &payload).stdout);

    // Servers turned off: handed over without asking.
    let server = Server::start();
    let (_e, off) = requirements("[hookwarden]\nserver = false\n");
    let out = engineless_hook_env(&off, &codex_pre_tool_use("rm -rf /"), &server.env());
    assert!(handed_off(&out) && !served(&out), "{}", out.stderr);
    assert_codex_pre_tool_use_deny(&out);
    assert_eq!(server.stop().matches("judged").count(), 0);
}

#[test]
fn the_engineless_hook_without_hookwarden_beside_it_answers_with_the_fail_mode() {
    let dir = tempfile::tempdir().unwrap();
    let alone = dir.path().join("hookwarden-hook");
    install_executable(&alone, &std::fs::read(engineless_bin()).unwrap());
    let (_d, pack) = requirements("[hookwarden]\n");
    let missing = dir.path().join("missing.sock");
    let out = codex_hook_call(
        alone.to_str().unwrap(),
        &[],
        &pack,
        &codex_pre_tool_use("ls"),
        &[("HOOKWARDEN_SOCKET", missing.to_str().unwrap())],
    );
    // Even a harmless command: nothing checked it, and the fail mode is deny.
    let reason = assert_codex_pre_tool_use_deny(&out);
    assert!(
        reason.contains("cannot hand the call to") && reason.contains("hookwarden"),
        "{reason}"
    );
}

#[test]
fn a_server_that_never_answers_leaves_the_call_to_the_hook() {
    // A deadline long enough for a busy machine: the server gets its share
    // of it (40%), the call judges itself in the rest.
    let (_d, pack) = requirements("[hookwarden]\n[hookwarden.limits]\ncall_timeout_ms = 10000\n");
    let dir = private_dir();
    // Takes each request and sits on it.
    let hung = dir.path().join("hung.sock");
    let listener = std::os::unix::net::UnixListener::bind(&hung).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                let mut request = Vec::new();
                // Until the hook gives up and closes its end.
                let _ = stream.read_to_end(&mut request);
            });
        }
    });
    let env = [("HOOKWARDEN_SOCKET", hung.to_str().unwrap())];
    for (program, leading) in [(bin(), &["hook"][..]), (engineless_bin(), &[][..])] {
        // The right verdicts, not the fail mode.
        let allow = codex_hook_call(program, leading, &pack, &codex_pre_tool_use("ls"), &env);
        assert_no_decision(&allow);
        assert!(
            allow.stderr.contains("did not answer in its share"),
            "{}",
            allow.stderr
        );
        let deny = codex_hook_call(
            program,
            leading,
            &pack,
            &codex_pre_tool_use("rm -rf ~/"),
            &env,
        );
        assert!(
            assert_codex_pre_tool_use_deny(&deny).contains("destructive-commands"),
            "{}",
            deny.stderr
        );
    }
}

#[test]
fn a_handed_off_call_keeps_the_deadline_it_started_with() {
    let (_d, pack) = requirements("[hookwarden]\n[hookwarden.limits]\ncall_timeout_ms = 2000\n");
    // As if a `hookwarden-hook` had spent the whole budget before handing
    // the call over (with --event, as `install` registers it: no time is
    // left to read the payload for the event's name).
    let out = codex_hook_call(
        bin(),
        &["hook", "--event", "PreToolUse"],
        &pack,
        &codex_pre_tool_use("ls"),
        &[("HOOKWARDEN_HANDED_OFF_AFTER_US", "2000000")],
    );
    let reason = assert_codex_pre_tool_use_deny(&out);
    assert!(reason.contains("deadline of 2000 ms"), "{reason}");
    // Nonsense is not a start time.
    let out = hook_env(
        &pack,
        &codex_pre_tool_use("ls"),
        &[("HOOKWARDEN_HANDED_OFF_AFTER_US", "soon")],
    );
    assert_no_decision(&out);
}

/// A temp dir of this user's, mode 0700: a socket directory hooks accept.
fn private_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}
