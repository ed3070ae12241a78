//! Recursive deletes of `/`, system directories, homes, credentials and
//! admin-protected paths: `rm -r`, `find … -delete`, `rsync --delete`.

use hookwarden_sdk::shell::{SimpleCommand, Word};

use super::{Args, Hit, Scope, Severity};
use crate::paths::{Resolved, classify, resolve};

const ID: &str = "destructive.recursive-delete";

pub fn check(cmd: &SimpleCommand, scope: &Scope<'_>, hits: &mut Vec<Hit>) {
    match cmd.program.as_str() {
        "rm" => {
            let args = Args::parse(&cmd.args, &[]);
            if args.has_short("rR") || args.has_long("recursive") {
                for target in &args.operands {
                    judge_target(cmd, target, scope, "deletes", hits);
                }
            }
        }
        "find" => find(cmd, scope, hits),
        "rsync" => {
            let args = Args::parse(
                &cmd.args,
                &["-e", "--rsh", "--exclude", "--include", "--filter", "-f"],
            );
            if args.has_long_prefix("delete")
                && let Some(dest) = args.operands.last().filter(|_| args.operands.len() >= 2)
                && !dest.text.contains(':')
            {
                judge_target(
                    cmd,
                    dest,
                    scope,
                    "mirrors over (rsync --delete removes everything not in the source)",
                    hits,
                );
            }
        }
        _ => {}
    }
}

/// Report `target` if deleting it recursively destroys something precious.
fn judge_target(
    cmd: &SimpleCommand,
    target: &Word,
    scope: &Scope<'_>,
    verb: &str,
    hits: &mut Vec<Hit>,
) {
    match resolve(&target.text, target.literal, scope.cwd) {
        Resolved::Path(path) => {
            if let Some(precious) = classify(&path, scope.protected_paths) {
                hits.push(Hit::new(
                    cmd,
                    Severity::Deny,
                    ID,
                    format!("{verb} {precious} recursively"),
                ));
            }
        }
        Resolved::EmptyVariableIsRoot(word) => hits.push(Hit::new(
            cmd,
            Severity::Ask,
            ID,
            format!(
                "{verb} `{word}` recursively, which is `/` when the variable is empty or unset \
                 (guard it as `${{VAR:?}}/`)"
            ),
        )),
        Resolved::Unknown => {}
    }
}

/// `find START… -delete` (or `-exec rm …`) with no test narrowing it deletes
/// everything under START.
fn find(cmd: &SimpleCommand, scope: &Scope<'_>, hits: &mut Vec<Hit>) {
    // Options before the start points.
    let mut i = 0;
    while i < cmd.args.len()
        && matches!(
            cmd.args[i].text.as_str(),
            "-H" | "-L" | "-P" | "-O0" | "-O1" | "-O2" | "-O3"
        )
    {
        i += 1;
    }
    let starts: Vec<&Word> = cmd.args[i..]
        .iter()
        .take_while(|w| !w.text.starts_with('-') && !matches!(w.text.as_str(), "(" | "!" | ")"))
        .collect();
    let expression = &cmd.args[i + starts.len()..];
    let mut deletes = false;
    let mut narrowed = false;
    let mut j = 0;
    while j < expression.len() {
        match expression[j].text.as_str() {
            "-delete" => deletes = true,
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let program = expression
                    .get(j + 1)
                    .map(|w| hookwarden_sdk::shell::basename(&w.text));
                if program == Some("rm") {
                    deletes = true;
                }
                while j < expression.len() && !matches!(expression[j].text.as_str(), ";" | "+") {
                    j += 1;
                }
            }
            "-maxdepth" | "-mindepth" => j += 1,
            "-depth"
            | "-xdev"
            | "-mount"
            | "-print"
            | "-print0"
            | "-follow"
            | "-ignore_readdir_race" => {}
            _ => narrowed = true,
        }
        j += 1;
    }
    if !deletes || narrowed {
        return;
    }
    let default_start = Word::literal(".");
    let starts = if starts.is_empty() {
        vec![&default_start]
    } else {
        starts
    };
    for start in starts {
        judge_target(cmd, start, scope, "deletes", hits);
    }
}
