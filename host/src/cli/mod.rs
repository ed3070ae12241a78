//! The `hookwarden` command line.

mod bench;
mod compile;
mod hash;
mod hook;
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
}

/// Logs go to stderr, never stdout (stdout carries the agent's answer).
/// `HOOKWARDEN_LOG` takes `tracing` filter directives; the default shows
/// only warnings and errors, which agents ignore on a successful exit.
fn init_logging(default: &str) {
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::EnvFilter::try_from_env("HOOKWARDEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false);
    if crate::phases::enabled() {
        // Time every span, whatever the log level.
        let timer =
            crate::phases::PhaseTimer.with_filter(tracing_subscriber::filter::LevelFilter::DEBUG);
        let _ = tracing_subscriber::registry()
            .with(fmt.with_filter(filter))
            .with(timer)
            .try_init();
    } else {
        let _ = tracing_subscriber::registry()
            .with(fmt.with_filter(filter))
            .try_init();
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
            init_logging("warn");
            hook::run(args, started)
        }
        Command::Bench(args) => {
            init_logging("warn");
            bench::run(args)
        }
        Command::Compile(args) => {
            init_logging("warn");
            compile::run(args)
        }
        Command::Hash(args) => {
            init_logging("warn");
            hash::run(args)
        }
        Command::Pin(args) => {
            init_logging("warn");
            pin::run(args)
        }
        Command::Test(args) => {
            init_logging("warn");
            test::run(args)
        }
    }
}
