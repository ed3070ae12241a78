//! `chmod`, `chown`, `chgrp`: re-permissioning a protected path (a
//! directory holding protected paths with `-R`). A `chmod` that only takes
//! permissions away (`600`, `go-rwx`, `u+x`) is left alone: fixing a key's
//! permissions is everyday work and exposes nothing.

use hookwarden_sdk::cli_args::Args;

use super::At;
use crate::judge::{Hit, Op};

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
    if program == "chmod" && mode.is_some_and(only_restricts) {
        return;
    }
    let verb = if program == "chmod" {
        "changes the permissions of"
    } else {
        "changes the owner of"
    };
    for w in args.operands.iter().skip(usize::from(!given_mode)) {
        at.word(Op::write(verb).tree(recursive), w, hits);
    }
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
    }
}
