//! Recursive `chmod`/`chown`/`chgrp` of `/`, system directories or homes:
//! the machine or the account stops working, and there is no undo.

use hookwarden_sdk::shell::SimpleCommand;

use super::{Args, Hit, Scope, Severity};
use crate::paths::{Resolved, classify, resolve};

pub fn check(cmd: &SimpleCommand, scope: &Scope<'_>, hits: &mut Vec<Hit>) {
    let program = cmd.program.as_str();
    if !matches!(program, "chmod" | "chown" | "chgrp") {
        return;
    }
    let args = Args::parse(&cmd.args, &["--from"]);
    if !(args.short.contains('R') || args.has_long("recursive")) {
        return;
    }
    // The mode or owner comes first, unless `--reference` gives it. chmod
    // also takes modes that look like options (`-w`, `-rwx`).
    let mode_as_option = program == "chmod"
        && cmd.args.iter().any(|w| {
            w.text.len() > 1
                && w.text.starts_with('-')
                && !w.text.starts_with("--")
                && w.text[1..].chars().all(|c| "rwxXst".contains(c))
        });
    let skip = usize::from(!args.has_long("reference") && !mode_as_option);
    for target in args.operands.iter().skip(skip) {
        if let Resolved::Path(path) = resolve(&target.text, target.literal, scope.cwd)
            && let Some(precious) = classify(&path, scope.protected_paths)
        {
            hits.push(Hit::new(
                cmd,
                Severity::Deny,
                "destructive.recursive-permissions",
                format!(
                    "changes ownership or permissions of {precious} recursively ({program} -R)"
                ),
            ));
        }
    }
}
