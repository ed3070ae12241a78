//! The `hookwarden` command line.

mod bench;
mod compile;
mod hash;
mod hook;
mod install;
mod pin;
mod test;

use clap::{Parser, Subcommand};
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(name = "hookwarden", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Answer one hook call: read the agent's payload on stdin, run the
    /// rules, print the verdict in the agent's format.
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

/// Run the CLI; returns the process exit code.
pub fn main(started: Instant) -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Usage errors go to stderr (clap prints help to stdout only when asked).
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Command::Hook(args) => {
            let parsed = started.elapsed();
            init_logging(tracing_subscriber::filter::LevelFilter::WARN);
            if crate::phases::enabled() {
                crate::phases::mark_duration("cli_parsed", parsed);
                crate::phases::mark("cli_ready", started);
            }
            hook::run(args, started)
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
