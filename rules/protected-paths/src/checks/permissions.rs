//! `chmod`, `chown`, `chgrp`: re-permissioning a protected path (a
//! directory holding protected paths with `-R`). A `chmod` that only takes
//! permissions away (`600`, `go-rwx`, `u+x`) is left alone: fixing a key's
//! permissions is everyday work and exposes nothing.

use hookwarden_sdk::cli_args::Args;

use super::At;
use crate::judge::{Hit, Op, locate};

pub fn check(at: &At<'_>, hits: &mut Vec<Hit>) {
    let program = at.cmd.program.as_str();
    if !matches!(program, "chmod" | "chown" | "chgrp") {
        return;
    }
    let args = Args::parse(&at.cmd.args, &["--from"]);
    let recursive = args.has_short("R") || args.has_long("recursive");
    // The mode or owner comes first, unless `--reference` gives it; chmod
    // also takes modes that look like options (`-w`).
    let mode_as_option = at.cmd.args.iter().filter(|_| program == "chmod").find(|w| {
        w.text.len() > 1
            && w.text.starts_with('-')
            && !w.text.starts_with("--")
            && w.text[1..].chars().all(|c| "rwxXst".contains(c))
    });
    let given_mode = args.has_long("reference") || mode_as_option.is_some();
    let mode = match mode_as_option {
        Some(w) => Some(w.text.as_str()),
        None if given_mode => None,
        None => args.operands.first().map(|w| w.text.as_str()),
    };
    // Making a file executable places a program (a PATH hijack, if it is
    // named like a common tool in a directory on PATH).
    let executable = program == "chmod" && mode.is_some_and(grants_exec);
    let operands = args.operands.iter().skip(usize::from(!given_mode));
    if program == "chmod" && mode.is_some_and(only_restricts) {
        if executable {
            let op = Op::write("makes executable");
            for w in operands {
                for cwd in at.cwds.iter().rev() {
                    if let Some(path) = locate(&w.text, w.literal, cwd.as_deref()) {
                        at.scope.judge_hijack(&at.subject, op, &path, hits);
                    }
                }
            }
        }
        return;
    }
    let verb = if program == "chmod" {
        "changes the permissions of"
    } else {
        "changes the owner of"
    };
    for w in operands {
        at.word(Op::write(verb).tree(recursive).places(executable), w, hits);
    }
}

/// The mode gives someone the right to execute: `+x`, `u+x`, `a=rwx`,
/// octal with an odd digit (`755`, `0700`).
fn grants_exec(mode: &str) -> bool {
    if !mode.is_empty() && mode.chars().all(|c| c.is_ascii_digit()) {
        return mode
            .chars()
            .rev()
            .take(3)
            .any(|c| c.to_digit(8).is_some_and(|d| d & 1 == 1));
    }
    mode.split(',').any(|clause| {
        clause
            .find(['+', '='])
            .is_some_and(|i| clause[i + 1..].contains('x'))
    })
}

/// The mode grants nothing to group or others: octal with group and other
/// digits 0 (`600`, `0700`), or symbolic clauses that remove (`go-rwx`,
/// `-w`) or only touch the owner (`u+x`, `u=rw`).
fn only_restricts(mode: &str) -> bool {
    if !mode.is_empty() && mode.chars().all(|c| c.is_ascii_digit()) {
        return mode.len() >= 3 && mode.ends_with("00");
    }
    mode.split(',').all(|clause| {
        let op_at = clause.find(['+', '-', '=']);
        match op_at {
            Some(i) => {
                let who = &clause[..i];
                clause[i..].starts_with('-') || (!who.is_empty() && who.chars().all(|c| c == 'u'))
            }
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn restricting_modes() {
        for m in ["600", "0700", "400", "go-rwx", "-w", "u+x", "u=rw,go-rwx"] {
            assert!(super::only_restricts(m), "{m}");
        }
        for m in ["644", "777", "+x", "o+r", "a+rw", "g=r", "u+x,o+w", "0755"] {
            assert!(!super::only_restricts(m), "{m}");
        }
        for m in ["+x", "u+x", "a=rwx", "755", "0700", "go-w,u+x", "711"] {
            assert!(super::grants_exec(m), "{m}");
        }
        for m in ["644", "600", "-x", "go-rwx", "u=rw", "0640"] {
            assert!(!super::grants_exec(m), "{m}");
        }
    }
}
