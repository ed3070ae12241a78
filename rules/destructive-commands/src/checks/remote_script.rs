//! Remote code straight into an interpreter: `curl … | sh`,
//! `wget -O- … | sudo bash`, `bash <(curl …)`, `sh -c "$(curl …)"`.

use hookwarden_sdk::shell::{Analysis, SimpleCommand, is_interpreter, is_shell};

use super::{Hit, Severity};

const ID: &str = "destructive.remote-script";

const DOWNLOADERS: &[&str] = &[
    "curl",
    "wget",
    "fetch",
    "aria2c",
    "http",
    "https",
    "xh",
    "curlie",
    "lwp-request",
    "GET",
];

/// Filters a script passes through unchanged in meaning.
const PASS_THROUGH: &[&str] = &[
    "tee", "cat", "gunzip", "zcat", "unxz", "xzcat", "bzcat", "bunzip2", "zstdcat", "head", "tail",
    "tr", "dos2unix", "pv", "sed", "grep", "gzip", "xz", "zstd",
];

pub fn check(analysis: &Analysis, hits: &mut Vec<Hit>) {
    let commands = &analysis.commands;
    for (i, cmd) in commands.iter().enumerate() {
        if !DOWNLOADERS.contains(&cmd.program.as_str()) {
            continue;
        }
        if let Some(consumer) = &cmd.substituted_into
            && is_interpreter(consumer)
        {
            hits.push(hit(cmd, consumer));
            continue;
        }
        // Follow the pipe, past filters, to where the download ends up.
        let mut at = i;
        for _ in 0..commands.len() {
            let Some(next) = commands[at].piped_into.as_ref() else {
                break;
            };
            let Some(k) = (at + 1..commands.len()).find(|&k| {
                commands[k].piped_from.as_ref() == Some(&commands[at].program)
                    && &commands[k].program == next
            }) else {
                break;
            };
            let reader = &commands[k];
            if is_interpreter(&reader.program) && reads_script_from_stdin(reader) {
                hits.push(hit(cmd, &reader.program));
                break;
            }
            if !PASS_THROUGH.contains(&reader.program.as_str()) {
                break;
            }
            at = k;
        }
    }
}

fn hit(download: &SimpleCommand, interpreter: &str) -> Hit {
    Hit::new(
        download,
        Severity::Deny,
        ID,
        format!(
            "runs a script fetched from the network in {interpreter}, unseen; download it, read it, then run it"
        ),
    )
}

/// The interpreter runs what arrives on stdin: no inline program (`-c`,
/// `-e`, `-m`) and no script file, or `-`/`-s`.
fn reads_script_from_stdin(cmd: &SimpleCommand) -> bool {
    for arg in cmd.arg_texts() {
        match arg {
            "-" | "-s" => return true,
            "-c" | "-e" | "-E" | "-m" | "-p" | "-r" | "--eval" | "--print" | "--command"
            | "--version" | "--help" => {
                return false;
            }
            a if a.starts_with('-') => {
                // Combined short options (`-xc`) that include an inline program.
                if !a.starts_with("--") && is_shell(&cmd.program) && a.contains('c') {
                    return false;
                }
            }
            _ => return false, // a script file: the download is its data
        }
    }
    true
}
