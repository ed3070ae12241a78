//! The `hookwarden` command line.

#[cfg(feature = "engine")]
mod bench;
#[cfg(feature = "engine")]
mod compile;
#[cfg(feature = "engine")]
mod hash;
mod hook;
#[cfg(feature = "engine")]
mod install;
#[cfg(feature = "engine")]
mod pin;
#[cfg(feature = "engine")]
mod serve;
#[cfg(feature = "engine")]
mod test;

#[cfg(feature = "engine")]
use clap::{Parser, Subcommand};
use std::time::Instant;

#[cfg(feature = "engine")]
#[derive(Parser, Debug)]
#[command(name = "hookwarden", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[cfg(feature = "engine")]
const HOOK_ABOUT: &str = "Answer one hook call: read the agent's payload on stdin, run the \
     rules, print the verdict in the agent's format.";

#[cfg(feature = "engine")]
#[derive(Subcommand, Debug)]
enum Command {
    #[command(about = HOOK_ABOUT)]
    Hook(hook::HookArgs),
    /// Measure hook latency from spawn to answer, against /bin/true and a bash + jq hook.
    Bench(bench::BenchArgs),
    /// Precompile every configured rule into a trusted artifact store.
    Compile(compile::CompileArgs),
    /// Print the SHA-256 of rule modules, as pins expect them.
    Hash(hash::HashArgs),
    /// Print ready-to-paste [[hookwarden.rules]] entries for rule modules.
    Pin(pin::PinArgs),
    /// Run a rule component against fixture files of test cases.
    Test(test::TestArgs),
    /// Keep rules loaded for this user's hook calls, which then only ask.
    Serve(serve::ServeArgs),
    /// Register hookwarden as an agent's hook, merging into its settings.
    Install(install::InstallArgs),
    /// Check an agent's hookwarden registration, and that it would run.
    Doctor(install::DoctorArgs),
}

/// Logs go to stderr, never stdout (stdout carries the agent's answer).
/// `HOOKWARDEN_LOG` takes `tracing` filter directives; the default shows
/// only warnings and errors, which agents ignore on a successful exit.
fn init_logging(default: tracing_subscriber::filter::LevelFilter) {
    use tracing_subscriber::prelude::*;
    use tracing_subscriber::{EnvFilter, filter::LevelFilter};
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false);
    // Parsing filter directives costs more than a whole rule evaluation;
    // only pay for it when HOOKWARDEN_LOG asks for something.
    let fmt = match std::env::var("HOOKWARDEN_LOG") {
        Ok(spec) if !spec.is_empty() => fmt
            .with_filter(
                EnvFilter::try_new(&spec).unwrap_or_else(|_| EnvFilter::new(default.to_string())),
            )
            .boxed(),
        _ => fmt.with_filter(default).boxed(),
    };
    let registry = tracing_subscriber::registry().with(fmt);
    if crate::phases::enabled() {
        // Time every span, whatever the log level.
        let _ = registry
            .with(crate::phases::PhaseTimer.with_filter(LevelFilter::DEBUG))
            .try_init();
    } else {
        let _ = registry.try_init();
    }
}

/// Parse the command line. `hookwarden hook`, run on every agent tool call,
/// reads the form `install` registers without clap, and otherwise builds
/// only its own parser: building the whole CLI (every subcommand and its
/// arguments) cost ~0.1 ms of each hook call.
#[cfg(feature = "engine")]
fn parse(args: Vec<std::ffi::OsString>) -> Result<Command, clap::Error> {
    use clap::FromArgMatches;
    if args.get(1).is_none_or(|a| a != "hook") {
        return Cli::try_parse_from(args).map(|cli| cli.command);
    }
    if let Some(hook) = hook::HookArgs::registered_form(&args[2..]) {
        return Ok(Command::Hook(hook));
    }
    let matches = hook_command().try_get_matches_from(args.into_iter().skip(1))?;
    hook::HookArgs::from_arg_matches(&matches).map(Command::Hook)
}

/// The `hook` subcommand on its own, as the full CLI has it (tested).
#[cfg(feature = "engine")]
fn hook_command() -> clap::Command {
    use clap::Args;
    hook::HookArgs::augment_args(clap::Command::new("hook"))
        .bin_name("hookwarden hook")
        .about(HOOK_ABOUT)
}

/// `hookwarden-hook`: `hookwarden hook` without the wasm engine, for calls
/// a running `hookwarden serve` judges; it starts faster and hands any
/// other call to `hookwarden hook`. It takes `hookwarden hook`'s arguments,
/// with or without the word `hook`, so either program can be registered
/// (`hookwarden install --binary`). Returns the process exit code.
pub fn main_without_engine(started: Instant) -> i32 {
    let argv = hook::engineless_args();
    let args = match hook::HookArgs::registered_form(&argv[1..]) {
        Some(args) => args,
        None => match engineless_command()
            .try_get_matches_from(argv)
            .and_then(|m| clap::FromArgMatches::from_arg_matches(&m))
        {
            Ok(args) => args,
            Err(e) => {
                let _ = e.print();
                return if e.use_stderr() { 2 } else { 0 };
            }
        },
    };
    let parsed = started.elapsed();
    init_logging(tracing_subscriber::filter::LevelFilter::WARN);
    if crate::phases::enabled() {
        crate::phases::mark_duration("cli_parsed", parsed);
        crate::phases::mark("cli_ready", started);
    }
    hook::run_without_engine(args, started)
}

/// `hookwarden-hook`'s parser.
fn engineless_command() -> clap::Command {
    use clap::Args;
    hook::HookArgs::augment_args(clap::Command::new(HOOK_CLIENT_PROGRAM))
        .version(env!("CARGO_PKG_VERSION"))
        .about(HOOK_CLIENT_ABOUT)
}

/// The hook program without the engine.
pub const HOOK_CLIENT_PROGRAM: &str = "hookwarden-hook";

const HOOK_CLIENT_ABOUT: &str = "Answer one hook call like `hookwarden hook`, asking this \
     user's `hookwarden serve`; calls it does not judge go to `hookwarden hook` beside this \
     program.";

/// Run the CLI; returns the process exit code.
#[cfg(feature = "engine")]
pub fn main(started: Instant) -> i32 {
    let command = match parse(std::env::args_os().collect()) {
        Ok(command) => command,
        Err(e) => {
            // Usage errors go to stderr (clap prints help to stdout only when asked).
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match command {
        Command::Hook(args) => {
            let parsed = started.elapsed();
            init_logging(tracing_subscriber::filter::LevelFilter::WARN);
            if crate::phases::enabled() {
                crate::phases::mark_duration("cli_parsed", parsed);
                crate::phases::mark("cli_ready", started);
            }
            hook::run(args, crate::call::route::call_started(started))
        }
        Command::Bench(args) => {
            init_logging(tracing_subscriber::filter::LevelFilter::WARN);
            bench::run(args)
        }
        Command::Compile(args) => {
            init_logging(tracing_subscriber::filter::LevelFilter::WARN);
            compile::run(args)
        }
        Command::Hash(args) => {
            init_logging(tracing_subscriber::filter::LevelFilter::WARN);
            hash::run(args)
        }
        Command::Pin(args) => {
            init_logging(tracing_subscriber::filter::LevelFilter::WARN);
            pin::run(args)
        }
        Command::Test(args) => {
            init_logging(tracing_subscriber::filter::LevelFilter::WARN);
            test::run(args)
        }
        Command::Serve(args) => {
            // One line per call: for a server someone runs and reads. One
            // started on demand logs to a file nobody watches, in memory
            // ($XDG_RUNTIME_DIR), so only what goes wrong.
            init_logging(if args.on_demand {
                tracing_subscriber::filter::LevelFilter::WARN
            } else {
                tracing_subscriber::filter::LevelFilter::INFO
            });
            serve::run(args)
        }
        Command::Install(args) => {
            init_logging(tracing_subscriber::filter::LevelFilter::WARN);
            install::run_install(args)
        }
        Command::Doctor(args) => {
            init_logging(tracing_subscriber::filter::LevelFilter::WARN);
            install::run_doctor(args)
        }
    }
}

#[cfg(all(test, feature = "engine"))]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn args(a: &[&str]) -> Vec<std::ffi::OsString> {
        a.iter().map(Into::into).collect()
    }

    #[test]
    fn the_hook_fast_path_parses_and_explains_like_the_full_cli() {
        let line = [
            "hookwarden",
            "hook",
            "--agent",
            "codex",
            "--event",
            "PreToolUse",
        ];
        let full = Cli::try_parse_from(line).unwrap().command;
        let fast = parse(args(&line)).unwrap();
        assert_eq!(format!("{full:?}"), format!("{fast:?}"));
        assert!(matches!(fast, Command::Hook(_)));

        let mut cli = Cli::command();
        cli.build();
        let full_help = cli.find_subcommand_mut("hook").unwrap().render_help();
        let mut hook = hook_command();
        assert_eq!(full_help.to_string(), hook.render_help().to_string());

        for bad in [
            &["hookwarden", "hook"][..],
            &["hookwarden", "hook", "--agent", "nope"],
        ] {
            let full = Cli::try_parse_from(bad).unwrap_err();
            let fast = parse(args(bad)).unwrap_err();
            assert_eq!(full.kind(), fast.kind());
            assert_eq!(full.to_string(), fast.to_string());
        }
        // The registered form is read without clap, and agrees with it;
        // every other form is clap's.
        let clap_parse = |words: &[&str]| {
            use clap::FromArgMatches;
            let m = hook_command()
                .try_get_matches_from(std::iter::once("hook").chain(words.iter().copied()));
            m.and_then(|m| hook::HookArgs::from_arg_matches(&m))
                .map(|a| format!("{a:?}"))
                .ok()
        };
        let fast = |words: &[&str]| {
            hook::HookArgs::registered_form(&args(words)).map(|a| format!("{a:?}"))
        };
        for words in [
            &["--agent", "codex"][..],
            &["--agent", "claude-code", "--event", "PreToolUse"],
            &[
                "--event",
                "Stop",
                "--requirements",
                "/etc/codex/r.toml",
                "--agent",
                "gemini-cli",
            ],
            &["--agent", "codex", "--requirements", "rel/r.toml"],
            &["--agent", "codex", "--event", ""],
        ] {
            assert!(fast(words).is_some(), "{words:?} is the registered form");
            assert_eq!(fast(words), clap_parse(words), "{words:?}");
        }
        for words in [
            &[][..],
            &["--agent"],
            &["--agent", "nope"],
            &["--agent=codex"],
            &["--agent", "codex", "--agent", "codex"],
            &["--agent", "codex", "--event", "-x"],
            &["--agent", "codex", "--help"],
            &["--agent", "codex", "extra"],
            &["--requirements", "r.toml"],
        ] {
            assert_eq!(fast(words), None, "{words:?} is left to clap");
        }
        assert!(matches!(
            parse(args(&[
                "hookwarden",
                "hook",
                "--agent",
                "codex",
                "--event",
                "Stop"
            ]))
            .unwrap(),
            Command::Hook(_)
        ));

        // Everything else goes through the full CLI.
        assert!(matches!(
            parse(args(&["hookwarden", "hash", "x.wasm"])).unwrap(),
            Command::Hash(_)
        ));
    }
}
