//! `hookwarden hook`: answer one hook call.
//!
//! The main thread is the answer's guard: it owns the deadline and always
//! prints a valid answer in the agent's format. The pipeline (read stdin,
//! parse, run rules) runs on a worker thread and reports progress, so a rule
//! stuck in a host call, a hung stdin or a slow compile still ends in the
//! fail-mode verdict on time, keeping the verdicts of rules that finished.

#[cfg(feature = "engine")]
use crate::judge::Judge;
use crate::plan::{PlannedRule, plan};
use crate::prepare::{Prepared, fail_decision, fail_reason, prepare};
use crate::resident::{self, client::AskError, protocol, start::Started};
use hookwarden_agents::{Adapter, AgentKind, Answer, RenderOptions};
use hookwarden_config::{ConfigSource, HookwardenConfig, ServerUse};
use hookwarden_event::{Aggregate, Decision, RuleOutcome, Verdict};
use std::io::{Read, Seek, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::{debug, error, info, warn};

/// Payloads larger than this are refused (tool output is the big part; agents
/// truncate it long before this).
const MAX_PAYLOAD_BYTES: u64 = 64 << 20;

#[derive(clap::Args, Debug)]
pub struct HookArgs {
    /// The agent calling the hook.
    #[arg(long, value_parser = parse_agent)]
    pub agent: AgentKind,
    /// The agent's event name (e.g. PreToolUse). Optional: the payload names
    /// it too, but with it even an unreadable payload gets the right answer.
    #[arg(long)]
    pub event: Option<String>,
    /// The requirements file with the [hookwarden] table.
    #[arg(long, value_name = "PATH")]
    pub requirements: Option<PathBuf>,
}

impl HookArgs {
    /// The arguments after `hook`, when they are in the form `install`
    /// registers: `--agent A`, `--event E` and `--requirements PATH`, each at
    /// most once and as separate words. Read without building clap's parser,
    /// which cost ~40 µs of every hook call; `None` for anything else
    /// (`--help`, `--agent=A`, unknown or repeated flags, a bad agent), which
    /// clap then parses and explains. Tested to agree with clap.
    pub fn registered_form(args: &[std::ffi::OsString]) -> Option<HookArgs> {
        let (mut agent, mut event, mut requirements) = (None, None, None);
        let mut words = args.iter();
        while let Some(flag) = words.next() {
            let value = words
                .next()
                .filter(|v| !v.as_encoded_bytes().starts_with(b"-"))?;
            let slot = match flag.to_str()? {
                "--agent" => &mut agent,
                "--event" => &mut event,
                "--requirements" => &mut requirements,
                _ => return None,
            };
            if slot.replace(value).is_some() {
                return None;
            }
        }
        Some(HookArgs {
            agent: parse_agent(agent?.to_str()?).ok()?,
            event: match event {
                Some(e) => Some(e.to_str()?.to_owned()),
                None => None,
            },
            requirements: requirements.map(PathBuf::from),
        })
    }
}

fn parse_agent(s: &str) -> Result<AgentKind, String> {
    s.parse::<AgentKind>().map_err(|e| e.to_string())
}

/// What the worker has found out so far.
#[derive(Default)]
struct Progress {
    hook_name: Option<String>,
    outcomes: Vec<RuleOutcome>,
}

/// The program a `hookwarden-hook` hands its calls to when no server judges
/// them, looked up beside itself.
pub const ENGINE_PROGRAM: &str = "hookwarden";

/// Set by a `hookwarden-hook` that hands a call over: how many µs of the
/// call had passed, so that the deadline stays the one the call started with.
pub const HANDED_OFF_AFTER_ENV: &str = "HOOKWARDEN_HANDED_OFF_AFTER_US";

/// When the call began: `started`, or earlier by the time a
/// `hookwarden-hook` spent before handing it to this process.
#[cfg(feature = "engine")]
pub fn call_started(started: Instant) -> Instant {
    std::env::var(HANDED_OFF_AFTER_ENV)
        .ok()
        .and_then(|us| us.parse::<u64>().ok())
        // A call is never older than an hour; anything else is not ours.
        .filter(|&us| us <= 3_600_000_000)
        .and_then(|us| started.checked_sub(Duration::from_micros(us)))
        .unwrap_or(started)
}

/// What a program does with a call that no server judged.
trait NoServer {
    /// Whether this program can run rules at all.
    const HAS_ENGINE: bool;
    /// Run the rules in this process; `None`: this program has no engine
    /// and hands the call to `hookwarden hook`.
    fn run_rules(
        config: &HookwardenConfig,
        rules: Vec<PlannedRule>,
        prepared: &Prepared,
        progress: &Mutex<Progress>,
    ) -> Option<Result<Aggregate, String>>;
}

/// `hookwarden hook`: the rules run here.
#[cfg(feature = "engine")]
struct RunHere;

#[cfg(feature = "engine")]
impl NoServer for RunHere {
    const HAS_ENGINE: bool = true;
    fn run_rules(
        config: &HookwardenConfig,
        rules: Vec<PlannedRule>,
        prepared: &Prepared,
        progress: &Mutex<Progress>,
    ) -> Option<Result<Aggregate, String>> {
        let stores =
            tracing::debug_span!("stores").in_scope(|| crate::artifacts::Stores::new(config));
        let threads = config
            .rule_threads
            .and_then(std::num::NonZeroUsize::new)
            .unwrap_or_else(crate::parallel::default_threads);
        let judge =
            match tracing::debug_span!("engine").in_scope(|| Judge::new(rules, stores, threads)) {
                Ok(j) => j,
                Err(e) => {
                    error!("cannot start the wasm engine: {e:#}");
                    return Some(Err(format!("cannot start the wasm engine: {e:#}")));
                }
            };
        let aggregate = judge.run(prepared, |o| lock(progress).outcomes.push(o.clone()));
        // The process exits right after answering: tearing down the engine
        // and the loaded rules would only delay the answer (see
        // `Runtime::one_shot`).
        std::mem::forget(judge);
        Some(Ok(aggregate))
    }
}

/// `hookwarden-hook`: no engine here; calls go to `hookwarden hook`.
struct HandOff;

impl NoServer for HandOff {
    const HAS_ENGINE: bool = false;
    fn run_rules(
        _: &HookwardenConfig,
        _: Vec<PlannedRule>,
        _: &Prepared,
        _: &Mutex<Progress>,
    ) -> Option<Result<Aggregate, String>> {
        None
    }
}

/// `hookwarden hook`.
#[cfg(feature = "engine")]
pub fn run(args: HookArgs, started: Instant) -> i32 {
    run_with::<RunHere>(args, started)
}

/// `hookwarden-hook`: the same call, from a program without the wasm
/// engine, which starts faster. It asks the server, and hands every call
/// the server does not judge to `hookwarden hook` beside it.
pub fn run_without_engine(args: HookArgs, started: Instant) -> i32 {
    run_with::<HandOff>(args, started)
}

/// `hookwarden-hook`'s command line, without the word `hook` if it comes
/// first: `hookwarden-hook hook --agent …` is `hookwarden hook --agent …`.
pub fn engineless_args() -> Vec<std::ffi::OsString> {
    let mut args: Vec<_> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "hook") {
        args.remove(1);
    }
    args
}

/// What the pipeline ends with.
enum Finished {
    Answer(Answer),
    /// No server judged the call and this program cannot: hand it over,
    /// with the payload read so far.
    HandOff(Vec<u8>),
}

impl From<Answer> for Finished {
    fn from(answer: Answer) -> Finished {
        Finished::Answer(answer)
    }
}

fn run_with<N: NoServer>(args: HookArgs, started: Instant) -> i32 {
    let adapter = hookwarden_agents::adapter(args.agent);
    let (config, config_error, requirements) = match tracing::debug_span!("config")
        .in_scope(|| hookwarden_config::load(args.requirements.as_deref()))
    {
        Ok(loaded) => {
            let requirements = match (loaded.source, loaded.text) {
                (ConfigSource::File(path), Some(text)) => {
                    // A server resolves relative module paths from it too.
                    Some((std::path::absolute(&path).unwrap_or(path), text))
                }
                (source, _) => {
                    info!("using {}", source.describe());
                    None
                }
            };
            (loaded.config, None, requirements)
        }
        Err(e) => {
            error!("configuration error: {e}");
            (HookwardenConfig::default(), Some(e.to_string()), None)
        }
    };
    let options = RenderOptions {
        ask_fallback: match config.ask_fallback {
            hookwarden_config::AskFallback::Deny => hookwarden_agents::AskFallback::Deny,
            hookwarden_config::AskFallback::Allow => hookwarden_agents::AskFallback::Allow,
        },
    };
    let fail_mode = config.fail_mode;
    let call_timeout_ms = config.limits.call_timeout_ms;
    let deadline = started + Duration::from_millis(call_timeout_ms);
    let server = connect_server::<N>(&config);
    if server.is_none() && !N::HAS_ENGINE {
        // Nothing read yet: `hookwarden hook` gets this very stdin. If the
        // exec fails, the pipeline reads the payload and tries once more,
        // then answers with the fail mode in the format of the event it read.
        let e = hand_off(None, started);
        error!("{e}");
    }
    let progress = Arc::new(Mutex::new(Progress {
        hook_name: args.event.clone(),
        ..Progress::default()
    }));

    // The deadline is kept by a watchdog thread that sleeps until then and
    // answers with the fail mode if the call has not answered by that
    // time. The call runs here: when it finishes first, as it almost
    // always does, the process answers and exits without waking another
    // thread (on a VM, waking a thread that sleeps on an idle CPU cost
    // tens of µs per call).
    let answering = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let progress = Arc::clone(&progress);
        let answering = Arc::clone(&answering);
        let agent = args.agent;
        std::thread::Builder::new()
            .name("hookwarden-deadline".into())
            .spawn(move || {
                std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
                if answering.swap(true, Ordering::AcqRel) {
                    // The call is answering; the process exits with it.
                    return;
                }
                let adapter = hookwarden_agents::adapter(agent);
                let answer = fail_answer(
                    adapter.as_ref(),
                    &progress,
                    fail_mode,
                    &options,
                    &deadline_exceeded(call_timeout_ms),
                );
                std::process::exit(finish(&answer, started));
            })
    };
    let fail = |what: &str| fail_answer(adapter.as_ref(), &progress, fail_mode, &options, what);
    if let Err(e) = watchdog {
        error!("cannot start the deadline thread: {e}");
        return finish(&fail(&format!("internal error: {e}")), started);
    }
    let setup = Setup {
        config,
        config_error,
        requirements,
        server,
        deadline,
    };
    // A bug that panics still ends in a deliberate answer.
    let finished = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pipeline::<N>(
            adapter.as_ref(),
            args.event.as_deref(),
            setup,
            &options,
            &progress,
        )
    }));
    if answering.swap(true, Ordering::AcqRel) {
        // Past the deadline: the watchdog answers and exits the process.
        loop {
            std::thread::park();
        }
    }
    let finished = match finished {
        Ok(finished) => finished,
        Err(_) => Finished::Answer(fail("internal error: the hook call panicked")),
    };
    let answer = match finished {
        Finished::Answer(answer) => answer,
        // A server that used up the whole deadline: answer here, where
        // the payload has been read and the agent's event is known.
        Finished::HandOff(_) if Instant::now() >= deadline => {
            fail(&deadline_exceeded(call_timeout_ms))
        }
        Finished::HandOff(payload) => {
            let e = hand_off(Some(&payload), started);
            error!("{e}");
            fail(&e)
        }
    };
    finish(&answer, started)
}

/// Write the answer, log that it went out, and return the exit code.
fn finish(answer: &Answer, started: Instant) -> i32 {
    let code = emit(answer);
    info!(
        elapsed_us = started.elapsed().as_micros() as u64,
        "answered"
    );
    if crate::phases::enabled() {
        crate::phases::report(started);
    }
    code
}

/// What the pipeline runs under.
struct Setup {
    config: HookwardenConfig,
    /// Why the configuration could not be loaded (then `config` is the default).
    config_error: Option<String>,
    /// The requirements file's absolute path and text, for a server.
    requirements: Option<(PathBuf, String)>,
    /// This user's server, connected; `None` without one.
    server: Option<UnixStream>,
    /// When the call must be answered.
    deadline: Instant,
}

/// Read, parse, judge and render. Never panics on input; every failure
/// becomes a deliberate verdict.
fn pipeline<N: NoServer>(
    adapter: &dyn Adapter,
    event_hint: Option<&str>,
    setup: Setup,
    options: &RenderOptions,
    progress: &Mutex<Progress>,
) -> Finished {
    let Setup {
        config,
        config_error,
        requirements,
        server,
        deadline,
    } = setup;
    let fail_mode = config.fail_mode;
    let payload = match tracing::debug_span!("stdin").in_scope(read_stdin) {
        Ok(p) => p,
        Err(e) => {
            return fail_answer(
                adapter,
                progress,
                fail_mode,
                options,
                &format!("cannot read the hook payload: {e}"),
            )
            .into();
        }
    };
    let parsed =
        match tracing::debug_span!("parse").in_scope(|| adapter.parse(&payload, event_hint)) {
            Ok(parsed) => parsed,
            Err(e) => {
                // The agent reads the answer as an answer to the event the
                // payload names, so that name wins over --event; the flag
                // covers payloads too broken to name anything.
                if let Some(name) = e
                    .payload_hook_name()
                    .map(str::to_owned)
                    .or_else(|| adapter.sniff_hook_name(&payload))
                    .or_else(|| event_hint.map(str::to_owned))
                {
                    lock(progress).hook_name = Some(name);
                }
                error!("invalid hook payload: {e}");
                return fail_answer(
                    adapter,
                    progress,
                    fail_mode,
                    options,
                    &format!("invalid hook payload: {e}"),
                )
                .into();
            }
        };
    lock(progress).hook_name = Some(parsed.hook_name.clone());
    let Some(event) = parsed.event else {
        info!(hook = %parsed.hook_name, "event not judged by hookwarden");
        return adapter
            .render(&parsed.hook_name, &Verdict::allow(), options)
            .into();
    };
    if let Some(e) = config_error {
        let decision = fail_decision(fail_mode, event.hook);
        let verdict = Verdict::new(
            decision,
            fail_reason(&format!("configuration error: {e}"), decision),
        );
        return adapter.render(&parsed.hook_name, &verdict, options).into();
    }

    let rules = plan(&config);
    let request = protocol::Request {
        build: protocol::build_id().into(),
        requirements: requirements
            .as_ref()
            .map(|(path, text)| protocol::Requirements {
                path: path.as_path().into(),
                text: text.as_str().into(),
            }),
        prepared: tracing::info_span!("facts").in_scope(|| prepare(&rules, &event)),
    };
    let asked = server.and_then(|stream| ask_server(&stream, &request, deadline));
    let aggregate = match asked {
        Some(outcomes) => {
            lock(progress).outcomes.extend(outcomes.iter().cloned());
            Aggregate { outcomes }
        }
        None => match N::run_rules(&config, rules, &request.prepared, progress) {
            Some(Ok(aggregate)) => aggregate,
            Some(Err(e)) => return fail_answer(adapter, progress, fail_mode, options, &e).into(),
            None => return Finished::HandOff(payload),
        },
    };
    let verdict = aggregate.verdict();
    audit(&parsed.hook_name, &aggregate, &verdict);
    tracing::debug_span!("render")
        .in_scope(|| adapter.render(&parsed.hook_name, &verdict, options))
        .into()
}

/// The fail reason for a call past its deadline of `ms`, logged.
fn deadline_exceeded(ms: u64) -> String {
    warn!("call deadline of {ms} ms exceeded; answering with the fail mode");
    format!("the hook call exceeded its deadline of {ms} ms")
}

/// This user's `hookwarden serve`, connected, unless the configuration
/// says not to ask one or none is listening. With none listening and
/// `server = "on-demand"`, one is started for the next calls.
fn connect_server<N: NoServer>(config: &HookwardenConfig) -> Option<UnixStream> {
    if !config.server.asks() {
        return None;
    }
    let socket = resident::socket_path()?;
    match resident::client::connect(&socket) {
        Ok(stream) => Some(stream),
        Err(AskError::NoServer) => {
            if config.server == ServerUse::OnDemand {
                start_server::<N>(&socket);
            }
            None
        }
        Err(e) => {
            warn!("{e}; not asking a server");
            None
        }
    }
}

/// Start a server on `socket` for the calls after this one; this call
/// goes on without it, whatever happens.
fn start_server<N: NoServer>(socket: &std::path::Path) {
    let _span = tracing::debug_span!("start server").entered();
    let started = engine_program::<N>().and_then(|program| {
        resident::start::start(socket, &program).map_err(|e| {
            format!(
                "{e}; not starting a server on {} (calls run their rules themselves)",
                socket.display()
            )
        })
    });
    match started {
        Ok(Started::Spawned(pid)) => {
            info!(pid, socket = %socket.display(), "no server was running; started one for the next calls");
        }
        Ok(Started::AlreadyStarting) => debug!("a server is starting"),
        Ok(Started::BackingOff { log }) => warn!(
            "a server started less than {} s ago is not listening; see {}",
            resident::start::RESTART_BACKOFF.as_secs(),
            log.display()
        ),
        Err(e) => warn!("{e}"),
    }
}

/// The program that runs rules: this one, or `hookwarden` beside this
/// `hookwarden-hook`.
fn engine_program<N: NoServer>() -> Result<PathBuf, String> {
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find this program's path to run {ENGINE_PROGRAM}: {e}"))?;
    Ok(if N::HAS_ENGINE {
        exe
    } else {
        exe.with_file_name(ENGINE_PROGRAM)
    })
}

/// The outcomes from the server, if it answers in time; `None`: the rules
/// run without it.
fn ask_server(
    stream: &UnixStream,
    request: &protocol::Request,
    deadline: Instant,
) -> Option<Vec<RuleOutcome>> {
    let _span = tracing::debug_span!("server").entered();
    match resident::client::ask(stream, request, deadline) {
        Ok(outcomes) => {
            debug!("judged by the server");
            Some(outcomes)
        }
        Err(e) => {
            warn!("{e}; judging without it");
            None
        }
    }
}

/// Replace this process with `hookwarden hook` from beside this program,
/// with the same arguments, this call's deadline, and the payload on its
/// stdin: `payload` if it was read, else this process's stdin, untouched.
/// Returns only if that fails, with what went wrong.
fn hand_off(payload: Option<&[u8]>, started: Instant) -> String {
    use std::os::unix::process::CommandExt;
    let engine = match engine_program::<HandOff>() {
        Ok(engine) => engine,
        Err(e) => return e,
    };
    let mut command = std::process::Command::new(&engine);
    command
        .arg("hook")
        .args(engineless_args().into_iter().skip(1))
        // This program has asked already.
        .env(resident::SOCKET_ENV, "none")
        .env(
            HANDED_OFF_AFTER_ENV,
            started.elapsed().as_micros().to_string(),
        );
    if let Some(payload) = payload {
        let file = tempfile::tempfile().and_then(|mut f| {
            f.write_all(payload)?;
            f.rewind()?;
            Ok(f)
        });
        match file {
            Ok(f) => {
                command.stdin(f);
            }
            Err(e) => return format!("cannot keep the payload for {}: {e}", engine.display()),
        }
    }
    debug!(engine = %engine.display(), "no server judged the call; handing it over");
    let e = command.exec();
    format!(
        "cannot hand the call to {} (it runs the rules when no server does; \
         install it beside this program): {e}",
        engine.display()
    )
}

/// The answer when the pipeline could not finish: the verdicts of the rules
/// that did finish, plus one fail-mode verdict for what went wrong.
fn fail_answer(
    adapter: &dyn Adapter,
    progress: &Mutex<Progress>,
    fail_mode: Decision,
    options: &RenderOptions,
    what: &str,
) -> Answer {
    let p = lock(progress);
    let mut aggregate = Aggregate {
        outcomes: p.outcomes.clone(),
    };
    aggregate.push(RuleOutcome {
        rule_id: "hookwarden".into(),
        verdict: Verdict::new(fail_mode, fail_reason(what, fail_mode)),
        failure: Some(what.to_owned()),
    });
    let verdict = aggregate.verdict();
    let hook_name = p.hook_name.clone().unwrap_or_default();
    audit(&hook_name, &aggregate, &verdict);
    adapter.render(&hook_name, &verdict, options)
}

fn audit(hook_name: &str, aggregate: &Aggregate, verdict: &Verdict) {
    info!(
        target: "hookwarden::audit",
        hook = hook_name,
        decision = %verdict.decision,
        reason = %verdict.reason,
        rules = aggregate.outcomes.len(),
        findings = ?aggregate.finding_ids(),
        failures = ?aggregate.failures(),
        "decision"
    );
}

fn read_stdin() -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_PAYLOAD_BYTES + 1)
        .read_to_end(&mut buf)?;
    if buf.len() as u64 > MAX_PAYLOAD_BYTES {
        return Err(std::io::Error::other(format!(
            "payload is larger than {} MiB",
            MAX_PAYLOAD_BYTES >> 20
        )));
    }
    Ok(buf)
}

fn emit(answer: &Answer) -> i32 {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out
        .write_all(answer.stdout.as_bytes())
        .and_then(|()| out.flush())
    {
        // The agent closed the pipe: nobody is left to read an answer.
        warn!("cannot write the answer: {e}");
    }
    // Exit-2 answers carry their reason on stderr, where agents look for it.
    if !answer.stderr.is_empty() {
        let _ = std::io::stderr().write_all(answer.stderr.as_bytes());
    }
    answer.exit_code
}

fn lock(progress: &Mutex<Progress>) -> std::sync::MutexGuard<'_, Progress> {
    progress.lock().unwrap_or_else(|e| e.into_inner())
}
