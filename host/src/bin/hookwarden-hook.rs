//! `hookwarden-hook`: the hook call for agents, without the wasm engine.
//!
//! It does everything `hookwarden hook` does except run rules: a running
//! `hookwarden serve` runs them. Linking no engine makes the program a
//! fraction of the size, and it starts that much faster on every tool call.
//! Calls the server does not judge go to `hookwarden hook` beside it.

/// dlmalloc instead of the C library's allocator: the release build links
/// this program against musl, whose allocator cost this short-lived process
/// ~0.1 ms per call (served pack 1.14 vs 1.03 ms median, side by side; clap
/// and the shell parser allocate a lot for their size).
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

fn main() {
    let started = std::time::Instant::now();
    std::process::exit(hookwarden::cli::main_without_engine(started));
}
