//! One hook call, from the agent's payload to its answer.
//!
//! The call runs on the main thread. Three things make sure it always ends
//! in a valid, deliberate answer in the agent's format:
//!
//! - a **watchdog** thread sleeps until the call deadline and answers with
//!   the fail mode if the call has not answered by then, keeping the
//!   verdicts of rules that finished;
//! - **crash handlers** ([`crash`]) answer with the fail mode, prepared in
//!   advance, if the process crashes (a stack overflow, a fault in native
//!   code, an abort);
//! - every failure in between (unreadable payload or configuration, a rule
//!   that cannot run, a server that fails) becomes a fail-mode verdict.
//!
//! Who may judge is decided first ([`route`]): the installation's trust
//! (`hookwarden_trust::assess`, from the binary and the requirements file)
//! says which server, if any, this call may ask; without one, or when the
//! server does not answer with a verdict for every planned rule in its share
//! of the time, the call judges itself.

pub mod crash;
pub mod route;

use crate::plan::{PlannedRule, plan};
use crate::prepare::{Prepared, fail_decision, fail_reason, prepare};
use crate::resident::protocol;
use hookwarden_agents::{Adapter, AgentKind, Answer, RenderOptions};
use hookwarden_config::{ConfigSource, HookwardenConfig};
use hookwarden_event::{Aggregate, Decision, HookEvent, RuleOutcome, Verdict};
use hookwarden_trust::Trust;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::{error, info, warn};

/// Payloads larger than this are refused (tool output is the big part; agents
/// truncate it long before this).
const MAX_PAYLOAD_BYTES: u64 = 64 << 20;

/// What the call is asked to answer: the arguments `install` registers.
#[derive(Debug, Clone)]
pub struct CallArgs {
    pub agent: AgentKind,
    /// The agent's event name, if the registration gives it.
    pub event: Option<String>,
    pub requirements: Option<PathBuf>,
}

/// What the call has found out so far (for an answer on the deadline).
#[derive(Default)]
struct Progress {
    hook_name: Option<String>,
    outcomes: Vec<RuleOutcome>,
}

/// What a program does with a call that no server judged.
pub trait NoServer {
    /// Whether this program can run rules at all.
    const HAS_ENGINE: bool;
    /// Run the rules in this process; `None`: this program has no engine
    /// and hands the call to `hookwarden hook`.
    fn run_rules(
        config: &HookwardenConfig,
        trust: Trust,
        rules: Vec<PlannedRule>,
        prepared: &Prepared,
        on_outcome: &(dyn Fn(&RuleOutcome) + Sync),
    ) -> Option<Result<Aggregate, String>>;
}

/// `hookwarden-hook`: no engine here; calls go to `hookwarden hook`.
pub struct HandOff;

impl NoServer for HandOff {
    const HAS_ENGINE: bool = false;
    fn run_rules(
        _: &HookwardenConfig,
        _: Trust,
        _: Vec<PlannedRule>,
        _: &Prepared,
        _: &(dyn Fn(&RuleOutcome) + Sync),
    ) -> Option<Result<Aggregate, String>> {
        None
    }
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

/// Answer one hook call; returns the exit code. `argv` is the program's own
/// command line (for a hand-off).
pub fn run<N: NoServer>(args: CallArgs, argv: Vec<std::ffi::OsString>, started: Instant) -> i32 {
    let adapter = hookwarden_agents::adapter(args.agent);
    // Before anything is read: the answer a crash gives.
    crash::install();
    let hint = args.event.as_deref().unwrap_or_default();
    crash::prepare(&crash_answer(
        adapter.as_ref(),
        hint,
        Decision::Deny,
        &RenderOptions::default(),
    ));

    let (config, config_error, requirements) = load_config(args.requirements.as_deref());
    let options = render_options(&config);
    let fail_mode = config.fail_mode;
    crash::prepare(&crash_answer(adapter.as_ref(), hint, fail_mode, &options));
    let call_timeout_ms = config.limits.call_timeout_ms;
    let deadline = started + Duration::from_millis(call_timeout_ms);

    let trust = assess_trust(requirements.as_ref().map(|(p, _)| p.as_path()));
    // A call handed over by `hookwarden-hook` has asked a server already.
    let handed_off = std::env::var_os(route::HANDED_OFF_AFTER_ENV).is_some();
    let server = (!handed_off)
        .then(|| {
            let program = route::engine_program(N::HAS_ENGINE)
                .map_err(|e| warn!("{e}"))
                .ok();
            route::connect(&config, trust, program)
        })
        .flatten();
    if server.is_none() && !N::HAS_ENGINE {
        // Nothing read yet: `hookwarden hook` gets this very stdin. If the
        // exec fails, the pipeline reads the payload and tries once more,
        // then answers with the fail mode in the format of the event it read.
        error!("{}", route::hand_off(argv.clone(), None, started));
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
    let watchdog = {
        let progress = Arc::clone(&progress);
        let agent = args.agent;
        std::thread::Builder::new()
            .name("hookwarden-deadline".into())
            .spawn(move || {
                std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
                if !crash::claim_answer() {
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
        crash::claim_answer();
        return finish(&fail(&format!("internal error: {e}")), started);
    }
    let setup = Setup {
        config,
        config_error,
        requirements,
        trust,
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
    if !crash::claim_answer() {
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
            let e = route::hand_off(argv, Some(&payload), started);
            error!("{e}");
            fail(&e)
        }
    };
    finish(&answer, started)
}

/// The configuration, why it could not be loaded (then the defaults), and
/// the requirements file's absolute path and text, for a server.
fn load_config(
    requirements: Option<&std::path::Path>,
) -> (HookwardenConfig, Option<String>, Option<(PathBuf, String)>) {
    match tracing::debug_span!("config").in_scope(|| hookwarden_config::load(requirements)) {
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
    }
}

fn render_options(config: &HookwardenConfig) -> RenderOptions {
    RenderOptions {
        ask_fallback: match config.ask_fallback {
            hookwarden_config::AskFallback::Deny => hookwarden_agents::AskFallback::Deny,
            hookwarden_config::AskFallback::Allow => hookwarden_agents::AskFallback::Allow,
        },
    }
}

/// Who this call may trust (see `hookwarden_trust`); files others can
/// change are logged as errors: their owners can switch hookwarden off.
fn assess_trust(requirements: Option<&std::path::Path>) -> Trust {
    let _span = tracing::debug_span!("trust").entered();
    let binary = hookwarden_trust::running_binary();
    let assessment = hookwarden_trust::assess(binary.as_deref(), requirements);
    for w in &assessment.weaknesses {
        error!("{w}: whoever can change it can switch hookwarden off (see `hookwarden doctor`)");
    }
    assessment.trust
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
    trust: Trust,
    /// A server this call may ask, connected.
    server: Option<route::Connected>,
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
        trust,
        server,
        deadline,
    } = setup;
    let fail_mode = config.fail_mode;
    let fail = |what: &str| fail_answer(adapter, progress, fail_mode, options, what);
    let payload = match tracing::debug_span!("stdin").in_scope(read_stdin) {
        Ok(p) => p,
        Err(e) => return fail(&format!("cannot read the hook payload: {e}")).into(),
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
                return fail(&format!("invalid hook payload: {e}")).into();
            }
        };
    lock(progress).hook_name = Some(parsed.hook_name.clone());
    // From here a crash answers the event the agent sent.
    crash::prepare(&crash_answer(
        adapter,
        &parsed.hook_name,
        fail_mode,
        options,
    ));
    let Some(event) = parsed.event else {
        info!(hook = %parsed.hook_name, "event not judged by hookwarden");
        return adapter
            .render(&parsed.hook_name, &Verdict::allow(), options)
            .into();
    };
    crash_test_point();
    if let Some(e) = config_error {
        let decision = fail_decision(fail_mode, event.hook);
        let verdict = Verdict::new(
            decision,
            fail_reason(&format!("configuration error: {e}"), decision),
        );
        return adapter.render(&parsed.hook_name, &verdict, options).into();
    }

    let rules = plan(&config);
    let prepared = tracing::info_span!("facts").in_scope(|| prepare(&rules, &event));
    let kinds = prepared.kinds();
    if matches!(
        event.hook,
        HookEvent::PreToolUse | HookEvent::PermissionRequest
    ) && rules
        .iter()
        .all(|r| r.selects_any(event.hook, &kinds) == Some(false))
    {
        error!(
            hook = %parsed.hook_name,
            "no configured rule judges this event: it is allowed unexamined (see `hookwarden doctor`)"
        );
    }
    let request = protocol::Request {
        build: protocol::build_id().into(),
        requirements: requirements
            .as_ref()
            .map(|(path, text)| protocol::Requirements {
                path: path.as_path().into(),
                text: text.as_str().into(),
            }),
        prepared,
    };
    let served = server.as_ref().and_then(|connected| {
        let judged = route::ask(connected, &request, deadline)?;
        protocol::accept(&rules, event.hook, &kinds, judged)
            .map_err(|e| warn!("{}: {e}; judging this call without it", connected.endpoint))
            .ok()
    });
    let aggregate = match served {
        Some(outcomes) => {
            lock(progress).outcomes.extend(outcomes.iter().cloned());
            Aggregate { outcomes }
        }
        None => {
            let on_outcome = |o: &RuleOutcome| lock(progress).outcomes.push(o.clone());
            match N::run_rules(&config, trust, rules, &request.prepared, &on_outcome) {
                Some(Ok(aggregate)) => aggregate,
                Some(Err(e)) => return fail(&e).into(),
                None => return Finished::HandOff(payload),
            }
        }
    };
    let verdict = aggregate.verdict();
    audit(&parsed.hook_name, &aggregate, &verdict);
    tracing::debug_span!("render")
        .in_scope(|| adapter.render(&parsed.hook_name, &verdict, options))
        .into()
}

/// The fail-mode answer to `hook` for a crash (as [`fail_answer`] gives).
fn crash_answer(
    adapter: &dyn Adapter,
    hook: &str,
    fail_mode: Decision,
    options: &RenderOptions,
) -> Answer {
    let what = "the hook process crashed";
    adapter.render(
        hook,
        &Verdict::new(fail_mode, fail_reason(what, fail_mode)),
        options,
    )
}

/// Debug builds only: `HOOKWARDEN_CRASH_TEST` makes the call crash here,
/// after its payload is read, so that tests can see the crash answered.
fn crash_test_point() {
    #[cfg(debug_assertions)]
    match std::env::var("HOOKWARDEN_CRASH_TEST").as_deref() {
        Ok("segv") => {
            // SAFETY: deliberately not safe: a test of the crash handler.
            unsafe { std::ptr::write_volatile(std::ptr::null_mut::<u8>(), 1) }
        }
        Ok("abort") => std::process::abort(),
        Ok("stack") => {
            #[allow(unconditional_recursion)]
            fn deeper(n: u64) -> u64 {
                let pad = [n; 512];
                std::hint::black_box(&pad);
                deeper(n + 1) + pad[0]
            }
            std::hint::black_box(deeper(0));
        }
        _ => {}
    }
}

/// The fail reason for a call past its deadline of `ms`, logged.
fn deadline_exceeded(ms: u64) -> String {
    warn!("call deadline of {ms} ms exceeded; answering with the fail mode");
    format!("the hook call exceeded its deadline of {ms} ms")
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
