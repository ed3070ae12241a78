//! The shell analysis on generated scripts (`hookwarden_fuzz::shellgen`):
//! a known command (`rm -rf ~`, spelled one of many ways) wrapped, nested
//! (hundreds of levels) and surrounded by the constructs the analysis looks
//! through — `{ }`, `( )`, `$( )`, backticks, `${x:-…}`, if/case/for/while,
//! functions, `bash -c '…'`, `eval`, here-documents and here-strings — with
//! closers and keywords used as plain arguments (`echo }`, `echo fi`).
//!
//! Besides the checks of the `shell` target (no panic, no stack overflow on
//! a 2 MiB stack, caps, time), the analysis must not lose the command: it
//! reports a command named `rm` or says it could not follow the script
//! (opaque). Set `HOOKWARDEN_FUZZ_NO_ORACLE=1` to check crashes only, and
//! `HOOKWARDEN_FUZZ_PRINT=1` to print each script (e.g. of a saved crash).

#![no_main]

use hookwarden_fuzz::shellgen::Script;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// `HOOKWARDEN_FUZZ_PRINT=1`: print each script before analysing it (to see
/// what a saved crash input is: run the target on it).
fn print() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("HOOKWARDEN_FUZZ_PRINT").is_some())
}

fn oracle() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("HOOKWARDEN_FUZZ_NO_ORACLE").is_none())
}

fuzz_target!(|script: Script| {
    let text = script.render();
    if print() {
        eprintln!("---- {} bytes, {script:?}\n{text}\n----", text.len());
    }
    let analysis = hookwarden_fuzz::analyze_bounded(text.clone());
    if oracle() {
        let found = analysis.commands.iter().any(|c| c.program == "rm");
        assert!(
            found || analysis.is_opaque(),
            "the analysis lost `rm` and did not say it could not follow the script.\n\
             script ({} bytes):\n{}\n\ncommands: {:?}",
            text.len(),
            if text.len() > 4000 {
                &text[..text.floor_char_boundary(4000)]
            } else {
                &text
            },
            analysis
                .commands
                .iter()
                .map(|c| c.command_line())
                .collect::<Vec<_>>()
        );
    }
});
