//! `hookwarden hook` and `hookwarden-hook`: the arguments of one hook call.
//! The call itself is [`crate::call`].

#[cfg(feature = "engine")]
use crate::call::NoServer;
use crate::call::{self, CallArgs, HandOff};
#[cfg(feature = "engine")]
use crate::judge::Judge;
#[cfg(feature = "engine")]
use crate::plan::PlannedRule;
#[cfg(feature = "engine")]
use crate::prepare::Prepared;
use hookwarden_agents::AgentKind;
#[cfg(feature = "engine")]
use hookwarden_config::HookwardenConfig;
#[cfg(feature = "engine")]
use hookwarden_event::{Aggregate, RuleOutcome};
use std::path::PathBuf;
use std::time::Instant;
#[cfg(feature = "engine")]
use tracing::error;

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

impl From<HookArgs> for CallArgs {
    fn from(args: HookArgs) -> CallArgs {
        CallArgs {
            agent: args.agent,
            event: args.event,
            requirements: args.requirements,
        }
    }
}

/// `hookwarden hook`: the rules run here.
#[cfg(feature = "engine")]
struct RunHere;

#[cfg(feature = "engine")]
impl NoServer for RunHere {
    const HAS_ENGINE: bool = true;
    fn run_rules(
        config: &HookwardenConfig,
        trust: hookwarden_trust::Trust,
        rules: Vec<PlannedRule>,
        prepared: &Prepared,
        on_outcome: &(dyn Fn(&RuleOutcome) + Sync),
    ) -> Option<Result<Aggregate, String>> {
        let stores = tracing::debug_span!("stores")
            .in_scope(|| crate::artifacts::Stores::new(config, trust));
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
        let aggregate = judge.run(prepared, on_outcome);
        // The process exits right after answering: tearing down the engine
        // and the loaded rules would only delay the answer (see
        // `Runtime::one_shot`).
        std::mem::forget(judge);
        Some(Ok(aggregate))
    }
}

/// `hookwarden hook`.
#[cfg(feature = "engine")]
pub fn run(args: HookArgs, started: Instant) -> i32 {
    call::run::<RunHere>(args.into(), std::env::args_os().collect(), started)
}

/// `hookwarden-hook`: the same call, from a program without the wasm
/// engine, which starts faster. It asks a server, and hands every call
/// the server does not judge to `hookwarden hook` beside it.
pub fn run_without_engine(args: HookArgs, started: Instant) -> i32 {
    call::run::<HandOff>(args.into(), engineless_args(), started)
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
