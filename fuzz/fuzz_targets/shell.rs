//! The shell analysis (`hookwarden_sdk::shell::analyze`) on arbitrary text
//! (the input, as lossy UTF-8), run on a thread with a 2 MiB stack — the
//! default of the `hookwarden serve` worker threads that run it — so that
//! deep recursion is a reported stack overflow. Never panics, never
//! overflows, stays within its caps on commands and opaque parts, and
//! (libFuzzer's `-timeout`) never takes long. Run it with
//! `-dict=fuzz/dict/shell.dict` to reach nesting and keywords quickly.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let command = String::from_utf8_lossy(data).into_owned();
    hookwarden_fuzz::analyze_bounded(command);
});
