//! The hot path: `hookwarden compile` fills a trusted store, hook calls load
//! from it without compiling, and nothing in a store can weaken a pin.

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);

struct Setup {
    _dir: tempfile::TempDir,
    req: std::path::PathBuf,
    store: std::path::PathBuf,
    user: std::path::PathBuf,
    module: std::path::PathBuf,
}

/// A copy of the scripted rule (deny) pinned in a requirements file whose
/// admin store is `store`; an empty per-user store.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("rule.wasm");
    std::fs::copy(component("scripted-rule"), &module).unwrap();
    let store = dir.path().join("store");
    let user = dir.path().join("user-cache");
    let req = dir.path().join("requirements.toml");
    std::fs::write(
        &req,
        format!(
            "[hookwarden]\nartifact_dir = \"{}\"\n[[hookwarden.rules]]\nid = \"r\"\nmodule = \"{}\"\nsha256 = \"{}\"\nconfig = {{ decision = \"deny\", reason = \"from the rule\" }}\n",
            store.display(),
            module.display(),
            sha256_of(&module)
        ),
    )
    .unwrap();
    Setup {
        _dir: dir,
        req,
        store,
        user,
        module,
    }
}

fn hook_logged(s: &Setup) -> Run {
    run_env(
        &[
            "hook",
            "--agent",
            "codex",
            "--requirements",
            s.req.to_str().unwrap(),
        ],
        codex_pre_tool_use("ls").as_bytes(),
        LIMIT,
        &[
            ("HOOKWARDEN_LOG", "info"),
            ("HOOKWARDEN_CACHE_DIR", s.user.to_str().unwrap()),
        ],
    )
}

fn compile(s: &Setup) -> Run {
    let out = run(
        &[
            "compile",
            "--requirements",
            s.req.to_str().unwrap(),
            "--store",
            s.store.to_str().unwrap(),
        ],
        b"",
        LIMIT,
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    out
}

#[test]
fn after_compile_the_hook_only_loads() {
    let s = setup();
    let out = compile(&s);
    assert!(out.stdout.starts_with("ok    r  "), "{}", out.stdout);
    let artifacts: Vec<_> = std::fs::read_dir(&s.store)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
        .collect();
    assert_eq!(artifacts.len(), 1);

    let out = hook_logged(&s);
    assert_eq!(assert_codex_pre_tool_use_deny(&out), "[r] from the rule");
    assert!(
        !out.stderr.contains("compiling"),
        "the hook compiled: {}",
        out.stderr
    );
    assert!(!s.user.exists(), "nothing written to the user store");
}

#[test]
fn a_miss_compiles_once_then_loads_from_the_user_store() {
    let s = setup();
    let first = hook_logged(&s);
    assert_codex_pre_tool_use_deny(&first);
    assert!(
        first.stderr.contains("no precompiled artifact; compiling"),
        "{}",
        first.stderr
    );
    let second = hook_logged(&s);
    assert_codex_pre_tool_use_deny(&second);
    assert!(!second.stderr.contains("compiling"), "{}", second.stderr);
}

#[test]
fn module_replaced_after_compile_is_caught_by_its_pin() {
    let s = setup();
    compile(&s);
    // Another valid component at the pinned path: its identity changed, so
    // it is re-hashed, and its digest does not match the pin.
    std::fs::copy(component("socket-user-rule"), &s.module).unwrap();
    let out = hook_logged(&s);
    let reason = assert_codex_pre_tool_use_deny(&out);
    assert!(reason.contains("does not match its pin"), "{reason}");
}

#[test]
fn module_removed_after_compile_never_runs() {
    let s = setup();
    compile(&s);
    std::fs::remove_file(&s.module).unwrap();
    let reason = assert_codex_pre_tool_use_deny(&hook_logged(&s));
    assert!(reason.contains("cannot be read"), "{reason}");
}

#[test]
fn untrusted_store_is_not_used() {
    let s = setup();
    compile(&s);
    std::fs::set_permissions(&s.store, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = hook_logged(&s);
    assert_eq!(assert_codex_pre_tool_use_deny(&out), "[r] from the rule");
    assert!(
        out.stderr.contains("not using artifact store"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("writable by its group or by everyone"),
        "{}",
        out.stderr
    );
}

#[test]
fn corrupt_or_stale_artifact_is_recompiled_not_fatal() {
    let s = setup();
    compile(&s);
    let artifact = std::fs::read_dir(&s.store)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "cwasm"))
        .unwrap();
    std::fs::write(&artifact, b"not an artifact").unwrap();
    let out = hook_logged(&s);
    assert_eq!(assert_codex_pre_tool_use_deny(&out), "[r] from the rule");
    assert!(
        out.stderr.contains("not loading artifact") && out.stderr.contains("damaged or replaced"),
        "{}",
        out.stderr
    );
}

#[test]
fn compile_refuses_a_module_that_does_not_match_its_pin() {
    let s = setup();
    std::fs::copy(component("socket-user-rule"), &s.module).unwrap();
    let out = run(
        &[
            "compile",
            "--requirements",
            s.req.to_str().unwrap(),
            "--store",
            s.store.to_str().unwrap(),
        ],
        b"",
        LIMIT,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("FAIL  r  ") && out.stdout.contains("does not match its pin"),
        "{}",
        out.stdout
    );
    assert!(
        !Path::new(&s.store).read_dir().unwrap().any(|e| e
            .unwrap()
            .path()
            .extension()
            .is_some_and(|x| x == "cwasm"))
    );
}

#[test]
fn user_store_can_be_turned_off() {
    let s = setup();
    let text = std::fs::read_to_string(&s.req).unwrap().replace(
        "[hookwarden]\n",
        "[hookwarden]\nuser_artifact_store = false\n",
    );
    std::fs::write(&s.req, text).unwrap();
    for _ in 0..2 {
        let out = hook_logged(&s);
        assert_codex_pre_tool_use_deny(&out);
        assert!(
            out.stderr.contains("compiling"),
            "no store: every call compiles: {}",
            out.stderr
        );
    }
    assert!(!s.user.exists(), "the user store was not written");
}

#[test]
fn calls_that_miss_at_once_compile_a_module_once_between_them() {
    let s = setup();
    // A generous deadline: what is tested is how often it compiles.
    let text = std::fs::read_to_string(&s.req).unwrap();
    std::fs::write(
        &s.req,
        text + "[hookwarden.limits]\ncall_timeout_ms = 60000\n",
    )
    .unwrap();
    // Busy CPUs, as on a shared machine: the calls must still answer right.
    let _busy = Busy::start(2);
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let req = s.req.clone();
            let user = s.user.clone();
            std::thread::spawn(move || {
                run_env(
                    &[
                        "hook",
                        "--agent",
                        "codex",
                        "--requirements",
                        req.to_str().unwrap(),
                    ],
                    codex_pre_tool_use("ls").as_bytes(),
                    LIMIT,
                    &[
                        ("HOOKWARDEN_LOG", "info"),
                        ("HOOKWARDEN_CACHE_DIR", user.to_str().unwrap()),
                    ],
                )
            })
        })
        .collect();
    let runs: Vec<Run> = calls.into_iter().map(|c| c.join().unwrap()).collect();
    for run in &runs {
        assert_eq!(assert_codex_pre_tool_use_deny(run), "[r] from the rule");
    }
    let compiled = runs
        .iter()
        .filter(|r| r.stderr.contains("no precompiled artifact; compiling"))
        .count();
    assert_eq!(
        compiled,
        1,
        "{:#?}",
        runs.iter().map(|r| &r.stderr).collect::<Vec<_>>()
    );
}

#[test]
fn the_first_calls_on_a_fresh_machine_compile_nothing_of_the_built_in_pack() {
    let dir = tempfile::tempdir().unwrap();
    let (fresh_cache, no_admin) = (dir.path().join("cache"), dir.path().join("no-admin-store"));
    let req = dir.path().join("requirements.toml");
    std::fs::write(
        &req,
        // A generous deadline: what is tested is that nothing compiles, on
        // a machine whose other tests may be busy too (bench measures time).
        format!(
            "[hookwarden]\nartifact_dir = \"{}\"\n[hookwarden.limits]\ncall_timeout_ms = 60000\n",
            no_admin.display()
        ),
    )
    .unwrap();
    let _busy = Busy::start(2);
    let calls: Vec<_> = ["rm -rf ~", "ls -la", "git reset --hard", "cargo test"]
        .into_iter()
        .map(|command| {
            let (req, cache) = (req.clone(), fresh_cache.clone());
            std::thread::spawn(move || {
                let out = run_env(
                    &[
                        "hook",
                        "--agent",
                        "codex",
                        "--requirements",
                        req.to_str().unwrap(),
                    ],
                    codex_pre_tool_use(command).as_bytes(),
                    LIMIT,
                    &[
                        ("HOOKWARDEN_LOG", "info"),
                        ("HOOKWARDEN_CACHE_DIR", cache.to_str().unwrap()),
                    ],
                );
                (command, out)
            })
        })
        .collect();
    for call in calls {
        let (command, out) = call.join().unwrap();
        if command.starts_with("rm") || command.starts_with("git") {
            assert_codex_pre_tool_use_deny(&out);
        } else {
            assert_no_decision(&out);
        }
        assert!(
            !out.stderr.contains("compiling"),
            "{command}: {}",
            out.stderr
        );
    }
}

/// Threads that keep `n` CPUs busy until dropped.
struct Busy {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Busy {
    fn start(n: usize) -> Busy {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let threads = (0..n)
            .map(|_| {
                let stop = std::sync::Arc::clone(&stop);
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        x = std::hint::black_box(
                            x.wrapping_mul(6364136223846793005).wrapping_add(1),
                        );
                    }
                })
            })
            .collect();
        Busy { stop, threads }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}
