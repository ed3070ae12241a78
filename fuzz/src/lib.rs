//! Helpers shared by hookwarden's fuzz targets (`fuzz_targets/`).
//!
//! - [`stack`]: run code on a thread with a bounded stack, and make a stack
//!   overflow (on that thread or the main one) a crash libFuzzer reports and
//!   saves, instead of a silent `SIGSEGV`;
//! - [`shellgen`]: the structure-aware shell generator of `shell_structured`;
//! - [`check_analysis`]: what every shell analysis must satisfy.

pub mod shellgen;
pub mod stack;

#[cfg(test)]
mod seeds;

use hookwarden_sdk::shell::Analysis;

/// `MAX_COMMANDS` and the opaque cap of `guest-sdk/src/shell/walk.rs`:
/// an analysis is bounded whatever the input.
pub const MAX_COMMANDS: usize = 4096;
pub const MAX_OPAQUE: usize = 64;
/// Opaque snippets are cut to 200 characters plus `…`.
pub const MAX_OPAQUE_SNIPPET_CHARS: usize = 201;

/// Analyse `command` on the bounded-stack worker ([`stack::run`]) and check
/// the bounds every analysis keeps.
pub fn analyze_bounded(command: String) -> Analysis {
    contain_parser_panics();
    let analysis = stack::run(move || hookwarden_sdk::shell::analyze(&command));
    check_analysis(&analysis);
    analysis
}

/// `analyze` contains brush-parser's own panics (an `unwrap` of an fd
/// number that overflows, `4444…<x`) with `catch_unwind` and reports the
/// input as opaque, as the hook does. libfuzzer-sys's panic hook aborts on
/// every panic, caught or not, so let brush-parser's reach that catch; any
/// other panic (ours) still aborts and is reported as a crash.
pub fn contain_parser_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info
                .location()
                .is_some_and(|l| l.file().contains("brush-parser"))
            {
                return;
            }
            fuzzer_hook(info)
        }));
    });
}

pub fn check_analysis(a: &Analysis) {
    assert!(
        a.commands.len() <= MAX_COMMANDS,
        "{} commands reported, over the cap of {MAX_COMMANDS}",
        a.commands.len()
    );
    assert!(
        a.opaque.len() <= MAX_OPAQUE,
        "{} opaque parts reported, over the cap of {MAX_OPAQUE}",
        a.opaque.len()
    );
    for o in &a.opaque {
        let n = o.snippet.chars().count();
        assert!(
            n <= MAX_OPAQUE_SNIPPET_CHARS,
            "an opaque snippet of {n} characters"
        );
    }
}
