//! `hookwarden-hook`: the hook call for agents, without the wasm engine.
//!
//! It does everything `hookwarden hook` does except run rules: a running
//! `hookwarden serve` runs them. Linking no engine makes the program a
//! fraction of the size, and it starts that much faster on every tool call.
//! Calls the server does not judge go to `hookwarden hook` beside it.

fn main() {
    let started = std::time::Instant::now();
    std::process::exit(hookwarden::cli::main_without_engine(started));
}
