//! Servers started on demand (`server = "on-demand"`, the default): the
//! first call without a server starts one and answers on its own, the calls
//! after it are served, and such a server goes away by itself. (Linux:
//! whether a server still runs is read from /proc.)
#![cfg(target_os = "linux")]

mod common;

use common::*;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `hookwarden-hook --agent codex --requirements REQ` on `rm -rf ~/`, set
/// up further by `setup` (its environment is the test's own, plus the
/// artifact store), within 60 s; its stdout and stderr.
fn deny_call(requirements: &Path, setup: impl FnOnce(&mut Command)) -> (String, String) {
    let mut command = Command::new(engineless_bin());
    command
        .args(["--agent", "codex", "--requirements"])
        .arg(requirements)
        .env("HOOKWARDEN_CACHE_DIR", cache_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    setup(&mut command);
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(codex_pre_tool_use("rm -rf ~/").as_bytes())
        .unwrap();
    let out = wait_with_output_within(child, Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("\"deny\""), "{stdout}");
    (stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn listening(socket: &Path) -> bool {
    UnixStream::connect(socket).is_ok()
}

/// The pid a serving server wrote into its lock.
fn server_pid(socket: &Path) -> Option<u32> {
    std::fs::read_to_string(socket.with_extension("lock"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Whether `pid` runs (a zombie nobody reaped does not).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // The state follows the command name in parentheses.
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z'))
    })
}

fn served(run: &Run) -> bool {
    run.stderr.contains("judged by the server")
}

fn started_one(run: &Run) -> bool {
    run.stderr.contains("started one for the next calls")
}

fn log_of(socket: &Path) -> String {
    std::fs::read_to_string(socket.with_extension("log")).unwrap_or_default()
}

#[test]
fn a_call_without_a_server_starts_one_for_the_next_calls() {
    let (_d, pack) = requirements("[hookwarden]\n");
    let dir = tempfile::tempdir().unwrap();
    // Its directory does not exist yet: the hook creates it, private.
    let socket = dir.path().join("run/serve.sock");
    let env = [
        ("HOOKWARDEN_SOCKET", socket.to_str().unwrap()),
        ("HOOKWARDEN_LOG", "debug"),
    ];
    let deny = codex_pre_tool_use("rm -rf ~/");
    let allow = codex_pre_tool_use("cargo test --workspace");

    let first = engineless_hook_env(&pack, &deny, &env);
    assert!(started_one(&first) && !served(&first), "{}", first.stderr);
    assert_eq!(first.stdout, hook(&pack, &deny).stdout);
    let mode = std::fs::metadata(dir.path().join("run"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);

    wait_until("the server listens", || listening(&socket));
    wait_until("the server writes its pid", || {
        server_pid(&socket).is_some()
    });
    let pid = server_pid(&socket).unwrap();
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
    assert!(cmdline.contains("serve --on-demand"), "{cmdline}");

    // The next calls, from either program, are served and answer the same.
    for payload in [&deny, &allow] {
        let local = hook(&pack, payload);
        for call in [
            engineless_hook_env(&pack, payload, &env),
            hook_env(&pack, payload, &env),
        ] {
            assert!(served(&call) && !started_one(&call), "{}", call.stderr);
            assert_eq!(call.stdout, local.stdout, "{payload}");
            assert_eq!(call.code, local.code);
        }
    }
    let log = log_of(&socket);
    assert_eq!(log.matches("serving hook calls").count(), 1, "{log}");
    wait_until("the server logs four calls", || {
        log_of(&socket).matches("judged").count() == 4
    });

    // With its socket gone, nobody can reach it: it stops.
    drop(dir);
    wait_until("the server stops", || !running(pid));
}

#[test]
fn calls_that_find_no_server_at_once_start_one_between_them() {
    let (_d, pack) = requirements("[hookwarden]\n");
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("run/serve.sock");
    let deny = codex_pre_tool_use("rm -rf ~/");
    let local = hook(&pack, &deny);
    let calls: Vec<Run> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    engineless_hook_env(
                        &pack,
                        &deny,
                        &[
                            ("HOOKWARDEN_SOCKET", socket.to_str().unwrap()),
                            ("HOOKWARDEN_LOG", "info"),
                        ],
                    )
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for call in &calls {
        assert_eq!(call.stdout, local.stdout, "{}", call.stderr);
    }
    let starts = calls.iter().filter(|c| started_one(c)).count();
    assert!(starts >= 1);
    wait_until("the server listens", || listening(&socket));
    // Each server started either serves or steps back.
    wait_until("every server started has settled", || {
        let log = log_of(&socket);
        log.matches("serving hook calls").count() + log.matches("not starting another").count()
            == starts
    });
    let log = log_of(&socket);
    assert_eq!(log.matches("serving hook calls").count(), 1, "{log}");
    let pid = server_pid(&socket).unwrap();
    drop(dir);
    wait_until("the server stops", || !running(pid));
}

/// `hookwarden serve ARGS` with its stderr piped.
fn serve(socket: &Path, args: &[&str]) -> std::process::Child {
    serve_command(socket, args).spawn().unwrap()
}

/// Wait up to 30 s for `child` to exit; its status and stderr.
fn exit_of(mut child: std::process::Child) -> (std::process::ExitStatus, String) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not exit within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status, stderr)
}

#[test]
fn an_idle_server_stops_and_removes_its_socket() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("run/serve.sock");
    let child = serve(&socket, &["--on-demand", "--idle-exit", "1"]);
    wait_until("the server listens", || listening(&socket));
    let (status, stderr) = exit_of(child);
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("no call for 1 s; stopping"), "{stderr}");
    assert!(!socket.exists());
}

/// Send one request frame and read the response frame.
fn exchange(socket: &Path, body: &[u8]) -> String {
    let mut stream = UnixStream::connect(socket).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
        .write_all(&(body.len() as u32).to_le_bytes())
        .unwrap();
    stream.write_all(body).unwrap();
    let mut len = [0u8; 4];
    stream.read_exact(&mut len).unwrap();
    let mut response = vec![0u8; u32::from_le_bytes(len) as usize];
    stream.read_exact(&mut response).unwrap();
    String::from_utf8(response).unwrap()
}

#[test]
fn a_server_started_on_demand_makes_way_for_another_build() {
    let dir = tempfile::tempdir().unwrap();
    // A hook of another build, whose request this build cannot even read.
    let other = br#"{"build":"hookwarden 0.0.0 (another)","shape":"unknown"}"#;

    // A server someone started on purpose refuses and carries on…
    let kept = dir.path().join("run/kept.sock");
    let mut child = serve(&kept, &[]);
    wait_until("the server listens", || listening(&kept));
    for _ in 0..2 {
        let response = exchange(&kept, other);
        assert!(response.contains("another hookwarden build"), "{response}");
    }
    child.kill().unwrap();
    child.wait().unwrap();

    // …one started on demand stops, so the next call starts the new build's.
    let socket = dir.path().join("run/serve.sock");
    let child = serve(&socket, &["--on-demand"]);
    wait_until("the server listens", || listening(&socket));
    let response = exchange(&socket, other);
    assert!(response.contains("another hookwarden build"), "{response}");
    let (status, stderr) = exit_of(child);
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains("another hookwarden build asked"),
        "{stderr}"
    );
    assert!(!socket.exists());
}

#[test]
fn a_server_that_fails_to_start_is_not_started_again_on_every_call() {
    let (_d, pack) = requirements("[hookwarden]\n");
    let dir = tempfile::tempdir().unwrap();
    // `hookwarden-hook` beside a `hookwarden` whose server always fails.
    let programs = dir.path().join("bin");
    std::fs::create_dir(&programs).unwrap();
    let hook_program = programs.join("hookwarden-hook");
    install_executable(&hook_program, &std::fs::read(engineless_bin()).unwrap());
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = serve ]; then echo 'this serve fails' >&2; exit 1; fi\nexec {} \"$@\"\n",
        bin()
    );
    install_executable(&programs.join("hookwarden"), script.as_bytes());
    let socket = dir.path().join("run/serve.sock");
    let env = [
        ("HOOKWARDEN_SOCKET", socket.to_str().unwrap()),
        ("HOOKWARDEN_LOG", "debug"),
    ];
    let deny = codex_pre_tool_use("rm -rf ~/");
    let local = hook(&pack, &deny);
    let call = || codex_hook_call(hook_program.to_str().unwrap(), &[], &pack, &deny, &env);

    let started = Instant::now();
    let first = call();
    assert!(started_one(&first), "{}", first.stderr);
    assert_eq!(first.stdout, local.stdout);
    wait_until("the failed start is logged", || {
        log_of(&socket).contains("this serve fails")
    });
    // At once: taken for a start under way (the server has yet to lock).
    let next = call();
    assert!(!started_one(&next), "{}", next.stderr);
    assert_eq!(next.stdout, local.stdout);
    // Past the grace period, within the back-off: a start that failed.
    let grace = Duration::from_millis(2200);
    std::thread::sleep(grace.saturating_sub(started.elapsed()));
    let later = call();
    assert_eq!(later.stdout, local.stdout);
    if started.elapsed() < Duration::from_secs(9) {
        assert!(!started_one(&later), "{}", later.stderr);
        assert!(
            later.stderr.contains("is not listening; see"),
            "{}",
            later.stderr
        );
        assert_eq!(log_of(&socket).matches("this serve fails").count(), 1);
    } else {
        eprintln!("this machine took over 9 s for four hook calls: back-off not checked");
    }
}

#[test]
fn a_server_of_another_build_does_not_start_for_a_hook() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("run/serve.sock");
    let out = run(
        &[
            "serve",
            "--on-demand",
            "--for-build",
            "1/0.0.0/another",
            "--socket",
            socket.to_str().unwrap(),
        ],
        b"",
        Duration::from_secs(30),
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("another hookwarden build"),
        "{}",
        out.stderr
    );
    // It never took the socket or its lock: hooks back off.
    assert!(!socket.exists() && !socket.with_extension("lock").exists());
}

#[test]
fn the_server_a_call_starts_keeps_none_of_the_calls_descriptors() {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    // An agent may hand its hook more than stdin, stdout and stderr: a pipe
    // it reads until every writer has closed it, say. The server a call
    // starts outlives the call and must not hold such a pipe open.
    let (_d, pack) = requirements("[hookwarden]\n");
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("run/serve.sock");
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 returns.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: both descriptors are fresh and owned here alone.
    let (read_end, write_end) =
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    let inherited = write_end.as_raw_fd();
    let (_, stderr) = deny_call(&pack, |command| {
        command
            .env("HOOKWARDEN_SOCKET", &socket)
            .env("HOOKWARDEN_LOG", "info");
        // SAFETY: fcntl is async-signal-safe. Only this child inherits the
        // write end (close-on-exec stays set for every other test's children).
        unsafe {
            command.pre_exec(move || {
                if libc::fcntl(inherited, libc::F_SETFD, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    });
    assert!(
        stderr.contains("started one for the next calls"),
        "{stderr}"
    );
    drop(write_end);
    wait_until("the server serves", || server_pid(&socket).is_some());
    let pid = server_pid(&socket).unwrap();
    assert!(running(pid));

    // The call is over, the server runs: nobody may hold the write end.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut rest = Vec::new();
        let _ = std::fs::File::from(read_end).read_to_end(&mut rest);
        let _ = tx.send(rest.len());
    });
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(30)),
        Ok(0),
        "the pipe did not reach end-of-file: the server holds it"
    );
    drop(dir);
    wait_until("the server stops", || !running(pid));
}

#[test]
fn a_server_waits_out_a_hook_that_holds_the_lock_for_a_moment() {
    // A hook deciding whether to start a server holds the lock briefly; the
    // server another call just started must not take that for a rival.
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("run/serve.sock");
    std::fs::create_dir(dir.path().join("run")).unwrap();
    std::fs::set_permissions(
        dir.path().join("run"),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    let lock = std::fs::File::create(socket.with_extension("lock")).unwrap();
    lock.try_lock().unwrap();
    let mut child = serve(&socket, &["--on-demand"]);
    std::thread::sleep(Duration::from_millis(100));
    drop(lock);
    wait_until("the server serves", || {
        listening(&socket) && server_pid(&socket) == Some(child.id())
    });
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_relative_socket_path_names_the_same_socket_for_the_server() {
    let (_d, pack) = requirements("[hookwarden]\n");
    let dir = tempfile::tempdir().unwrap();
    deny_call(&pack, |command| {
        command
            .current_dir(dir.path())
            .env("HOOKWARDEN_SOCKET", "run/serve.sock");
    });
    let socket = dir.path().join("run/serve.sock");
    wait_until("the server serves", || {
        listening(&socket) && server_pid(&socket).is_some()
    });
    let pid = server_pid(&socket).unwrap();
    drop(dir);
    wait_until("the server stops", || !running(pid));
}

#[test]
fn by_default_the_server_of_this_build_lives_in_the_runtime_dir() {
    let (_d, pack) = requirements("[hookwarden]\n");
    let runtime = tempfile::tempdir().unwrap();
    deny_call(&pack, |command| {
        command
            .env_remove("HOOKWARDEN_SOCKET")
            .env("XDG_RUNTIME_DIR", runtime.path());
    });
    // serve-<16 hex digits naming this build>.sock
    let dir = runtime.path().join("hookwarden");
    let socket = || {
        std::fs::read_dir(&dir).ok()?.find_map(|e| {
            let path = e.ok()?.path();
            let name = path.file_name()?.to_str()?.to_owned();
            let tag = name.strip_prefix("serve-")?.strip_suffix(".sock")?;
            (tag.len() == 16 && tag.bytes().all(|b| b.is_ascii_hexdigit())).then_some(path)
        })
    };
    wait_until("the server listens", || {
        socket().is_some_and(|s| listening(&s))
    });
    let socket = socket().unwrap();
    wait_until("the server serves", || server_pid(&socket).is_some());
    let pid = server_pid(&socket).unwrap();
    drop(runtime);
    wait_until("the server stops", || !running(pid));
}
