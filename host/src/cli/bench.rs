//! `hookwarden bench`: hook latency from spawn to answer, as agents see it.
//!
//! Every scenario spawns a fresh process per call, writes the payload to its
//! stdin and waits for its answer, like an agent does. Scenarios run
//! round-robin (one call of each, then again) so machine noise hits them
//! alike; the report gives medians, p99, peak RSS and ratios from that one
//! run. Hookwarden scenarios use a precompiled, trusted store, as after
//! `hookwarden compile`, and also report a per-phase breakdown from the
//! hook's own `tracing` spans (`HOOKWARDEN_PHASES=1`).

use crate::artifacts::{self};
use crate::builtin;
use crate::plan::plan;
use hookwarden_runtime::{ArtifactStore, Runtime};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Calls per scenario.
    #[arg(long, default_value_t = 200)]
    pub runs: usize,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

/// The engineless hook without a server, handing its calls over.
const HANDED_OFF_SCENARIO: &str = "hookwarden-hook, no server: handed to hookwarden hook (allow)";

/// Every how many rounds a hookwarden scenario also gets an instrumented call.
const PHASES_EVERY: usize = 4;

struct Scenario {
    name: String,
    program: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Vec<u8>,
    /// Collect the phase breakdown and peak RSS (hookwarden only), from
    /// extra instrumented calls: timed calls run without instrumentation.
    phases: bool,
    samples: Vec<Duration>,
    /// Peak RSS the hook reported itself (`None` for other programs).
    max_rss_kib: Option<u64>,
    phase_samples: BTreeMap<String, Vec<u64>>,
    /// The configuration whose server the hook asks, if it asks one.
    served: Option<String>,
    /// Calls made, timed or instrumented.
    calls: usize,
}

impl Scenario {
    fn new(
        name: impl Into<String>,
        program: impl Into<PathBuf>,
        args: &[&str],
        stdin: Vec<u8>,
    ) -> Scenario {
        Scenario {
            name: name.into(),
            program: program.into(),
            args: args.iter().map(|s| s.to_string()).collect(),
            env: Vec::new(),
            stdin,
            phases: false,
            samples: Vec::new(),
            max_rss_kib: None,
            phase_samples: BTreeMap::new(),
            served: None,
            calls: 0,
        }
    }

    /// One call: spawn, feed stdin, read the answer, reap. Returns the
    /// answer so the caller can check it. An `instrumented` call
    /// (`HOOKWARDEN_PHASES=1`) yields phases and peak RSS, not a latency
    /// sample: timing every span costs the hook ~0.1 ms.
    fn call(&mut self, instrumented: bool) -> Result<String, String> {
        self.calls += 1;
        let started = Instant::now();
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("HOOKWARDEN_PHASES", if instrumented { "1" } else { "0" })
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                format!(
                    "{}: cannot spawn {}: {e}",
                    self.name,
                    self.program.display()
                )
            })?;
        let mut stdin = child.stdin.take().unwrap();
        let payload = std::mem::take(&mut self.stdin);
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&payload);
            payload
        });
        let mut stdout = String::new();
        let mut stderr = String::new();
        use std::io::Read;
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .map_err(|e| e.to_string())?;
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .map_err(|e| e.to_string())?;
        let status = wait4(child.id())?;
        if !instrumented {
            self.samples.push(started.elapsed());
        }
        self.stdin = writer.join().unwrap_or_default();
        if status != 0 {
            return Err(format!("{}: exit status {status}: {stderr}", self.name));
        }
        if instrumented
            && let Some(line) = stderr
                .lines()
                .find_map(|l| l.strip_prefix("hookwarden-phases "))
            && let Ok(serde_json::Value::Object(map)) =
                serde_json::from_str::<serde_json::Value>(line)
        {
            if let Some(kib) = map.get("peak_rss_kib").and_then(serde_json::Value::as_u64) {
                self.max_rss_kib = Some(self.max_rss_kib.unwrap_or(0).max(kib));
            }
            for (k, v) in map {
                self.phase_samples
                    .entry(k)
                    .or_default()
                    .push(v.as_u64().unwrap_or(0));
            }
        }
        Ok(stdout)
    }

    fn median_ms(&self) -> f64 {
        percentile(&self.samples, 0.5).as_secs_f64() * 1000.0
    }

    fn p99_ms(&self) -> f64 {
        percentile(&self.samples, 0.99).as_secs_f64() * 1000.0
    }
}

fn percentile(samples: &[Duration], q: f64) -> Duration {
    let mut s = samples.to_vec();
    s.sort();
    if s.is_empty() {
        return Duration::ZERO;
    }
    let i = ((s.len() - 1) as f64 * q).round() as usize;
    s[i]
}

fn median_u64(v: &[u64]) -> u64 {
    let mut v = v.to_vec();
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

/// Reap `pid` and return its exit status. (Its rusage is not used for
/// memory: `ru_maxrss` of a spawned child includes the parent's RSS.)
fn wait4(pid: u32) -> Result<i32, String> {
    let mut status = 0;
    // SAFETY: plain FFI call with valid pointers to locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if r < 0 {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok(code)
}

/// A copy of `module` with a custom section appended: a distinct module
/// (new digest, its own artifact) that behaves exactly the same.
fn distinct_copy(module: &[u8], n: usize) -> Vec<u8> {
    let name = b"hookwarden-bench";
    let payload = n.to_le_bytes();
    let mut section = Vec::new();
    leb128(&mut section, name.len());
    section.extend_from_slice(name);
    section.extend_from_slice(&payload);
    let mut out = module.to_vec();
    out.push(0); // custom section id
    leb128(&mut out, section.len());
    out.extend_from_slice(&section);
    out
}

fn leb128(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn codex_payload(event: &str, command: &str, tool_response_bytes: usize) -> Vec<u8> {
    let mut v = serde_json::json!({
        "session_id": "01a202ff-9796-7eb2-873a-ecdbc0530e4e",
        "turn_id": "01a202ff-97b0-78e3-8dc5-1d8d0e633287",
        "transcript_path": "/home/dev/.codex/sessions/rollout.jsonl",
        "cwd": "/home/dev/project",
        "hook_event_name": event,
        "model": "gpt-5-codex",
        "permission_mode": "default",
        "tool_name": "Bash",
        "tool_input": {"command": command},
        "tool_use_id": "call_bench_1"
    });
    if event == "PostToolUse" {
        // Realistic tool output: lines of build log.
        let line = "   Compiling hookwarden-bench v0.1.0 (/home/dev/project/crates/bench)\n";
        let text: String = line
            .repeat(tool_response_bytes / line.len() + 1)
            .chars()
            .take(tool_response_bytes)
            .collect();
        v["tool_response"] = text.into();
    }
    v.to_string().into_bytes()
}

/// Shell hooks measured beside hookwarden: (file name, scenario label, script).
const JQ_HOOKS: [(&str, &str, &str); 2] = [
    (
        "jq-one-check.sh",
        "bash + jq hook, one check",
        include_str!("bench/jq-one-check.sh"),
    ),
    (
        "jq-pack-checks.sh",
        "bash + jq hook, the pack's checks",
        include_str!("bench/jq-pack-checks.sh"),
    ),
];

pub fn run(args: BenchArgs) -> i32 {
    match bench(&args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("hookwarden bench: {e}");
            1
        }
    }
}

fn bench(args: &BenchArgs) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let dir = tmp.path();
    let store_dir = dir.join("store");
    let store = ArtifactStore::create(&store_dir, hookwarden_trust::Trust::user())?;
    let runtime = Runtime::new().map_err(|e| format!("{e:#}"))?;
    let pack = builtin::modules().first().ok_or("no built-in rule")?;

    // Requirements files: the built-in pack, and N distinct copies of its
    // first rule pinned as file modules.
    let mut configs: Vec<(String, PathBuf)> = Vec::new();
    let builtin_req = dir.join("builtin.toml");
    std::fs::write(
        &builtin_req,
        format!("[hookwarden]\nartifact_dir = \"{}\"\n", store_dir.display()),
    )
    .map_err(|e| e.to_string())?;
    configs.push(("builtin".into(), builtin_req.clone()));
    // The same for `hookwarden-hook` with no server, which must not start one.
    let if_running_req = dir.join("builtin-if-running.toml");
    std::fs::write(
        &if_running_req,
        format!(
            "[hookwarden]\nartifact_dir = \"{}\"\nserver = \"if-running\"\n",
            store_dir.display()
        ),
    )
    .map_err(|e| e.to_string())?;
    for n in [1usize, 10, 50] {
        let mut body = format!("[hookwarden]\nartifact_dir = \"{}\"\n", store_dir.display());
        for i in 0..n {
            let bytes = distinct_copy(pack.bytes, i);
            let module = dir.join(format!("rule-{i}.wasm"));
            std::fs::write(&module, &bytes).map_err(|e| e.to_string())?;
            body.push_str(&format!(
                "[[hookwarden.rules]]\nid = \"r{i}\"\nmodule = \"{}\"\nsha256 = \"{}\"\nevents = []\nactions = []\n",
                module.display(),
                hookwarden_pin::Sha256Digest::of(&bytes)
            ));
        }
        let path = dir.join(format!("rules-{n}.toml"));
        std::fs::write(&path, body).map_err(|e| e.to_string())?;
        let name = if n == 1 {
            "1 rule".to_owned()
        } else {
            format!("{n} rules")
        };
        configs.push((name, path));
    }

    // Cold compile of the built-in pack, then of everything.
    let mut cold_ms = BTreeMap::new();
    for (name, req) in &configs {
        let loaded = hookwarden_config::load(Some(req)).map_err(|e| e.to_string())?;
        let rules = plan(&loaded.config);
        let started = Instant::now();
        let results = artifacts::compile_all(&runtime, &store, &rules, true, |_, _, _| {});
        if let Some(err) = results.iter().find_map(|c| c.result.as_ref().err()) {
            return Err(format!("compile {name}: {err}"));
        }
        cold_ms.insert(name.clone(), started.elapsed().as_secs_f64() * 1000.0);
    }

    use std::os::unix::fs::PermissionsExt;
    let mut jq_hooks = Vec::new();
    for (file, label, script) in JQ_HOOKS {
        let path = dir.join(file);
        std::fs::write(&path, script).map_err(|e| e.to_string())?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| e.to_string())?;
        jq_hooks.push((label, path));
    }

    let hook_args = |req: &Path| {
        vec![
            "hook".to_string(),
            "--agent".into(),
            "codex".into(),
            "--requirements".into(),
            req.display().to_string(),
        ]
    };
    // Served calls go through the engineless `hookwarden-hook` when it is
    // installed beside this binary, as agents would call it.
    let engineless = exe.with_file_name(crate::cli::HOOK_CLIENT_PROGRAM);
    let engineless = engineless.is_file().then_some(engineless);
    let served_call = |req: &Path| match &engineless {
        Some(program) => (program.clone(), hook_args(req)[1..].to_vec()),
        None => (exe.clone(), hook_args(req)),
    };
    let user_cache = dir.join("user-cache");
    // One server per configuration, as each user has their own: what one
    // holds and how big it grows depends on that configuration alone.
    let mut servers = BTreeMap::new();
    for (i, (name, _)) in configs.iter().enumerate() {
        let socket = dir.join(format!("run-{i}/serve.sock"));
        servers.insert(
            name.clone(),
            BenchServer::start(&exe, &socket, &user_cache)?,
        );
    }
    let mut scenarios = Vec::new();
    let allow = codex_payload("PreToolUse", "cargo test --workspace", 0);
    let deny = codex_payload("PreToolUse", "rm -rf ~/", 0);
    scenarios.push(Scenario::new("/bin/true", "/bin/true", &[], allow.clone()));
    for (label, path) in &jq_hooks {
        for (decision, payload) in [("allow", &allow), ("deny", &deny)] {
            scenarios.push(Scenario::new(
                format!("{label} ({decision})"),
                path,
                &[],
                payload.clone(),
            ));
        }
    }
    // Every hookwarden scenario twice: the hook running the rules itself,
    // and the hook asking the configuration's `hookwarden serve`.
    let mut hw = |name: &str, config: &str, req: &Path, stdin: Vec<u8>| {
        for served in [false, true] {
            let (program, args) = if served {
                served_call(req)
            } else {
                (exe.clone(), hook_args(req))
            };
            let mut s = Scenario::new(
                scenario_name(name, served),
                program,
                &args.iter().map(String::as_str).collect::<Vec<_>>(),
                stdin.clone(),
            );
            s.env.push((
                "HOOKWARDEN_CACHE_DIR".into(),
                user_cache.display().to_string(),
            ));
            let socket = match servers.get(config) {
                Some(server) if served => server.socket.display().to_string(),
                _ => "none".into(),
            };
            s.env.push((crate::resident::SOCKET_ENV.into(), socket));
            s.phases = true;
            s.served = served.then(|| config.to_owned());
            scenarios.push(s);
        }
    };
    hw(
        "built-in pack (allow)",
        "builtin",
        &builtin_req,
        allow.clone(),
    );
    hw(
        "built-in pack (deny)",
        "builtin",
        &builtin_req,
        deny.clone(),
    );
    for (name, req) in configs.iter().skip(1) {
        hw(&format!("{name} (allow)"), name, req, allow.clone());
    }
    let (one_rule_name, one_rule) = &configs[1];
    for size in [1usize << 10, 10 << 10, 100 << 10, 1 << 20] {
        hw(
            &format!("1 rule, PostToolUse {} KiB output", size >> 10),
            one_rule_name,
            one_rule,
            codex_payload("PostToolUse", "cargo build", size),
        );
    }
    // What `hookwarden-hook` costs when no server runs: it hands each call
    // to `hookwarden hook`.
    if let Some(program) = &engineless {
        let mut s = Scenario::new(
            HANDED_OFF_SCENARIO,
            program,
            &hook_args(&if_running_req)[1..]
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            allow.clone(),
        );
        s.env.push((
            "HOOKWARDEN_CACHE_DIR".into(),
            user_cache.display().to_string(),
        ));
        s.env.push((
            crate::resident::SOCKET_ENV.into(),
            dir.join("no-server.sock").display().to_string(),
        ));
        // Phases come from the `hookwarden hook` it hands the call to.
        s.phases = true;
        scenarios.push(s);
    }

    // Warm up (page cache, first-run effects), checking every answer once.
    for s in scenarios.iter_mut() {
        let out = s.call(false)?;
        let denied = out.contains("\"deny\"");
        if s.name.contains("(deny)") != denied && !s.name.contains("/bin/true") {
            return Err(format!("{}: unexpected answer {out:?}", s.name));
        }
        s.samples.clear();
        s.phase_samples.clear();
        s.max_rss_kib = None;
    }
    eprintln!(
        "running {} scenarios × {} calls, round-robin…",
        scenarios.len(),
        args.runs
    );
    for round in 0..args.runs {
        for s in scenarios.iter_mut() {
            s.call(false)?;
            if s.phases && round % PHASES_EVERY == 0 {
                s.call(true)?;
            }
        }
    }

    let mut reports = BTreeMap::new();
    for (config, server) in servers {
        let sent: usize = scenarios
            .iter()
            .filter(|s| s.served.as_deref() == Some(config.as_str()))
            .map(|s| s.calls)
            .sum();
        let report = server.stop()?;
        // A served scenario that quietly ran its rules in the hook would
        // measure the wrong thing.
        if report.judged < sent {
            return Err(format!(
                "the server for {config} judged {} calls of the {sent} sent to it",
                report.judged
            ));
        }
        reports.insert(config, report);
    }
    let first = match &engineless {
        Some(program) => Some(first_calls(
            program,
            &hook_args(&builtin_req)[1..],
            &allow,
            dir,
            &user_cache,
            (args.runs / 10).clamp(5, 20),
        )?),
        None => None,
    };
    let metering = metering_overhead(pack, args.runs.max(50))?;
    println!("binary: {} ({})", exe.display(), linkage(&exe));
    if engineless.is_none() {
        println!(
            "(no {} beside this binary: served calls used `hookwarden hook`)",
            crate::cli::HOOK_CLIENT_PROGRAM
        );
    }
    report(
        &scenarios,
        &cold_ms,
        &metering,
        &reports,
        first.as_ref(),
        args,
    )
}

/// The call that finds no server, with `server = "on-demand"` (the
/// default): it starts one and runs the rules itself.
struct FirstCalls {
    /// Spawn to answer of that call.
    call: Vec<Duration>,
    /// From that call's spawn until the server it started serves.
    ready: Vec<Duration>,
    /// The call right after: the first the new server judges, loading
    /// the rules it has not loaded yet.
    second: Vec<Duration>,
}

/// `runs` first calls of `program ARGS`, each with a socket of its own and
/// the server it started stopped before the next.
fn first_calls(
    program: &Path,
    args: &[String],
    payload: &[u8],
    dir: &Path,
    user_cache: &Path,
    runs: usize,
) -> Result<FirstCalls, String> {
    let mut first = FirstCalls {
        call: Vec::new(),
        ready: Vec::new(),
        second: Vec::new(),
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    for i in 0..runs {
        let socket = dir.join(format!("first-{i}/serve.sock"));
        let mut s = Scenario::new("first call", program, &args, payload.to_vec());
        s.env.push((
            "HOOKWARDEN_CACHE_DIR".into(),
            user_cache.display().to_string(),
        ));
        s.env.push((
            crate::resident::SOCKET_ENV.into(),
            socket.display().to_string(),
        ));
        let started = Instant::now();
        s.call(false)?;
        first.call.append(&mut s.samples);
        // Serving: it writes its pid into the lock once it accepts calls.
        let lock = crate::resident::start::lock_path(&socket);
        let pid = loop {
            let pid = std::fs::read_to_string(&lock)
                .ok()
                .and_then(|t| t.trim().parse::<i32>().ok());
            if let Some(pid) = pid {
                break pid;
            }
            if started.elapsed() > Duration::from_secs(30) {
                return Err(format!(
                    "the first call started no server on {} within 30 s",
                    socket.display()
                ));
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        first.ready.push(started.elapsed());
        s.call(false)?;
        first.second.append(&mut s.samples);
        // SAFETY: plain FFI call; the pid is the server's, from its lock.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let stopping = Instant::now();
        while std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            !stat
                .rsplit_once(") ")
                .is_some_and(|(_, r)| r.starts_with('Z'))
        }) {
            if stopping.elapsed() > Duration::from_secs(10) {
                return Err(format!("server {pid} did not stop within 10 s"));
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    Ok(first)
}

/// A scenario's name: `hookwarden <what>`, and `, served` before the
/// decision when the hook asks a server.
fn scenario_name(what: &str, served: bool) -> String {
    if !served {
        return format!("hookwarden {what}");
    }
    match what.rsplit_once(" (") {
        Some((head, tail)) => format!("hookwarden {head}, served ({tail}"),
        None => format!("hookwarden {what}, served"),
    }
}

/// The `hookwarden serve` a bench run measures served calls against.
struct BenchServer {
    child: Option<std::process::Child>,
    socket: PathBuf,
    log: PathBuf,
}

/// What the server did during the run.
struct ServerReport {
    /// Calls it answered.
    judged: usize,
    /// Its peak resident memory.
    peak_rss_kib: Option<u64>,
}

impl BenchServer {
    fn start(exe: &Path, socket: &Path, user_cache: &Path) -> Result<BenchServer, String> {
        let log = socket.with_extension("log");
        if let Some(dir) = socket.parent() {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new()
                .mode(0o700)
                .create(dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let log_file = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        let child = Command::new(exe)
            .args(["serve", "--socket"])
            .arg(socket)
            .env("HOOKWARDEN_CACHE_DIR", user_cache)
            .env("HOOKWARDEN_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("cannot start hookwarden serve: {e}"))?;
        let server = BenchServer {
            child: Some(child),
            socket: socket.to_owned(),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::os::unix::net::UnixStream::connect(socket).is_err() {
            if Instant::now() > deadline {
                return Err(format!(
                    "hookwarden serve did not listen on {} within 30 s",
                    socket.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(server)
    }

    fn stop(mut self) -> Result<ServerReport, String> {
        let mut child = self.child.take().ok_or("the server is gone")?;
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
        let peak_rss_kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
        let _ = child.kill();
        let _ = child.wait();
        let log = std::fs::read_to_string(&self.log).map_err(|e| e.to_string())?;
        Ok(ServerReport {
            judged: log.lines().filter(|l| l.contains(" judged ")).count(),
            peak_rss_kib,
        })
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// How the measured binary is linked, from its ELF headers: a dynamically
/// linked hook pays ~1 ms per call for the loader, so figures from a plain
/// `cargo build` are not those of `scripts/build-release.sh`.
fn linkage(exe: &Path) -> &'static str {
    use object::read::elf::{ElfFile64, FileHeader, ProgramHeader};
    let Ok(bytes) = std::fs::read(exe) else {
        return "unknown";
    };
    let Ok(elf) = ElfFile64::<object::Endianness>::parse(bytes.as_slice()) else {
        return "unknown";
    };
    let (header, endian) = (elf.elf_header(), elf.endian());
    let interp = elf
        .elf_program_headers()
        .iter()
        .any(|ph| ph.p_type(endian) == object::elf::PT_INTERP);
    match (interp, header.e_type(endian) == object::elf::ET_DYN) {
        (true, _) => "dynamically linked: build with scripts/build-release.sh for shipped figures",
        (false, true) => "static-pie",
        (false, false) => "static, not PIE",
    }
}

/// In-process: median µs of instantiate + evaluate for the first built-in
/// rule over everyday commands, with fuel and epoch checks and without.
fn metering_overhead(pack: &builtin::EmbeddedModule, runs: usize) -> Result<[f64; 2], String> {
    use hookwarden_runtime::{Limits, ModuleSource};
    let commands = [
        "cargo test --workspace",
        "git status && git diff --stat",
        "find . -name '*.rs' -exec grep -n TODO {} +",
        "bash -c 'cd target && rm -rf debug/incremental'",
    ];
    let events: Vec<_> = commands
        .iter()
        .map(|c| hookwarden_facts::resolve(&crate::fixtures::shell_event(c)).into_owned())
        .collect();
    let mut out = [0.0; 2];
    for (i, runtime) in [Runtime::new(), Runtime::unmetered_for_benchmarks()]
        .into_iter()
        .enumerate()
    {
        let runtime = runtime.map_err(|e| format!("{e:#}"))?;
        let source = ModuleSource::from_static(pack.name, pack.bytes);
        let rule = runtime.load(&source, None).map_err(|e| e.to_string())?;
        let mut samples = Vec::new();
        for _ in 0..runs {
            for e in &events {
                let started = Instant::now();
                runtime
                    .evaluate(&rule, e, "{}", &Limits::default())
                    .map_err(|e| e.to_string())?;
                samples.push(started.elapsed());
            }
        }
        out[i] = percentile(&samples, 0.5).as_secs_f64() * 1e6;
    }
    Ok(out)
}

fn report(
    scenarios: &[Scenario],
    cold_ms: &BTreeMap<String, f64>,
    metering: &[f64; 2],
    servers: &BTreeMap<String, ServerReport>,
    first: Option<&FirstCalls>,
    args: &BenchArgs,
) -> Result<(), String> {
    let by_name = |n: &str| scenarios.iter().find(|s| s.name == n);
    let true_ms = by_name("/bin/true").map_or(0.0, Scenario::median_ms);
    let m = |n: &str| by_name(n).map_or(f64::NAN, Scenario::median_ms);
    // Each scenario against the shell hook doing the pack's checks on the
    // same decision (its allow path runs every check; its deny stops early).
    let pack_jq = JQ_HOOKS[1].1;
    let jq_for = |s: &Scenario| {
        let decision = if s.name.ends_with("(deny)") {
            "deny"
        } else {
            "allow"
        };
        m(&format!("{pack_jq} ({decision})"))
    };
    println!(
        "{:<56} {:>9} {:>9} {:>9} {:>10} {:>8}",
        "scenario", "median ms", "p99 ms", "-true ms", "peak RSS", "jq / x"
    );
    for s in scenarios {
        println!(
            "{:<56} {:>9.3} {:>9.3} {:>9.3} {:>10} {:>7.1}x",
            s.name,
            s.median_ms(),
            s.p99_ms(),
            s.median_ms() - true_ms,
            s.max_rss_kib
                .map_or("-".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
            jq_for(s) / s.median_ms()
        );
    }
    println!("(jq / x: the bash + jq hook with the pack's checks, same decision, over this row)");
    println!();
    for served in [false, true] {
        let pack = |d: &str| m(&scenario_name(&format!("built-in pack ({d})"), served));
        for (_, label, _) in JQ_HOOKS {
            let ratio = |d: &str| m(&format!("{label} ({d})")) / pack(d);
            println!(
                "built-in pack{} vs {label}: {:.1}x faster on allow, {:.1}x on deny",
                if served { ", served," } else { "" },
                ratio("allow"),
                ratio("deny")
            );
        }
    }
    let handed_off = m(HANDED_OFF_SCENARIO);
    if !handed_off.is_nan() {
        let direct = m(&scenario_name("built-in pack (allow)", false));
        println!(
            "{HANDED_OFF_SCENARIO}: {handed_off:.3} ms, {:+.3} ms over calling hookwarden hook",
            handed_off - direct
        );
    }
    if let Some(first) = first {
        let call = percentile(&first.call, 0.5).as_secs_f64() * 1000.0;
        let ready = percentile(&first.ready, 0.5).as_secs_f64() * 1000.0;
        let second = percentile(&first.second, 0.5).as_secs_f64() * 1000.0;
        println!(
            "first call, no server yet (it starts one, then runs the rules itself): \
             {call:.3} ms median of {}; the server it starts serves {ready:.1} ms after that call \
             began; the next call (the server loads the rules) {second:.3} ms",
            first.call.len()
        );
    }
    println!();
    let mut per_rule = BTreeMap::new();
    for served in [false, true] {
        let rules = |n: &str| m(&scenario_name(&format!("{n} (allow)"), served));
        let us_50 = (rules("50 rules") - rules("1 rule")) / 49.0 * 1000.0;
        let us_10 = (rules("10 rules") - rules("1 rule")) / 9.0 * 1000.0;
        println!(
            "each extra rule{}: {us_50:.0} µs (1→50 rules), {us_10:.0} µs (1→10 rules)",
            if served { ", served" } else { "" }
        );
        per_rule.insert(if served { "served" } else { "in_hook" }, us_50);
    }
    for (config, server) in servers {
        if let Some(kib) = server.peak_rss_kib {
            println!(
                "hookwarden serve for {config}: peak RSS {:.1} MiB, {} calls judged",
                kib as f64 / 1024.0,
                server.judged
            );
        }
    }
    for (name, ms) in cold_ms {
        println!("cold compile ({name}): {ms:.0} ms");
    }
    println!(
        "instantiate + evaluate of the built-in rule, in process: {:.1} µs with fuel and epoch checks, {:.1} µs without ({:+.1}%)",
        metering[0],
        metering[1],
        (metering[0] / metering[1] - 1.0) * 100.0
    );
    println!();
    println!(
        "phases, median µs per call, from instrumented calls every {PHASES_EVERY} rounds (nested \
         spans count in their parents too; rules run on several threads, so their spans add up \
         to more than the wall-clock total; a served call's rules run in the server, within its \
         `server` span):"
    );
    let phase_names = [
        "parse",
        "engine",
        "load",
        "pin_check",
        "load_artifact",
        "instantiate",
        "evaluate",
        "server",
        "render",
        "total",
    ];
    print!("{:<56}", "scenario");
    for p in phase_names {
        print!(" {p:>13}");
    }
    println!();
    for s in scenarios.iter().filter(|s| s.phases) {
        print!("{:<56}", s.name);
        for p in phase_names {
            print!(
                " {:>13}",
                s.phase_samples.get(p).map_or(0, |v| median_u64(v))
            );
        }
        println!();
    }
    if let Some(path) = &args.json {
        let json: Vec<serde_json::Value> = scenarios
            .iter()
            .map(|s| {
                serde_json::json!({
                    "scenario": s.name,
                    "median_ms": s.median_ms(),
                    "p99_ms": s.p99_ms(),
                    "peak_rss_kib": s.max_rss_kib,
                    "phases_median_us": s.phase_samples.iter().map(|(k, v)| (k.clone(), median_u64(v))).collect::<BTreeMap<_, _>>(),
                })
            })
            .collect();
        let doc = serde_json::json!({
            "runs": args.runs,
            "scenarios": json,
            "per_extra_rule_us": per_rule,
            "servers": servers.iter().map(|(config, s)| (config.clone(), serde_json::json!({"judged": s.judged, "peak_rss_kib": s.peak_rss_kib}))).collect::<BTreeMap<_, _>>(),
            "cold_compile_ms": cold_ms,
            "evaluate_us": {"metered": metering[0], "unmetered": metering[1]},
            "first_call": first.map(|f| serde_json::json!({
                "median_ms": percentile(&f.call, 0.5).as_secs_f64() * 1000.0,
                "server_ready_ms": percentile(&f.ready, 0.5).as_secs_f64() * 1000.0,
                "second_call_ms": percentile(&f.second, 0.5).as_secs_f64() * 1000.0,
            })),
        });
        std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap_or_default())
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linkage_tells_dynamic_binaries_from_others() {
        // Test binaries are dynamically linked, whatever the release hook is.
        let exe = std::env::current_exe().unwrap();
        assert!(linkage(&exe).starts_with("dynamically linked"));
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("script.sh");
        std::fs::write(&text, "#!/bin/sh\n").unwrap();
        assert_eq!(linkage(&text), "unknown");
        assert_eq!(linkage(&dir.path().join("missing")), "unknown");
    }
}
