//! History and work-tree destruction in git: `reset --hard`, `clean -f`,
//! force pushes and deletions of protected branches.

use hookwarden_sdk::shell::{SimpleCommand, Word};

use super::{Args, Hit, Scope, Severity};

/// git's global options that take a separate value.
const GLOBAL_WITH_VALUE: &[&str] = &[
    "-C",
    "-c",
    "--git-dir",
    "--work-tree",
    "--namespace",
    "--config-env",
    "--super-prefix",
];

pub fn check(cmd: &SimpleCommand, scope: &Scope<'_>, hits: &mut Vec<Hit>) {
    if cmd.program != "git" {
        return;
    }
    let Some((sub, rest)) = subcommand(&cmd.args) else {
        return;
    };
    match sub {
        "reset" if rest.iter().any(|w| w.text == "--hard") => {
            hits.push(Hit::new(
                cmd,
                Severity::Deny,
                "destructive.git-reset-hard",
                "discards every uncommitted change in the work tree (git reset --hard)".into(),
            ));
        }
        "clean" => {
            let args = Args::parse(rest, &["-e", "--exclude"]);
            let forced = args.has_short("f") || args.has_long("force");
            let dry = args.has_short("n") || args.has_long("dry-run");
            if forced && !dry {
                hits.push(Hit::new(
                    cmd,
                    Severity::Deny,
                    "destructive.git-clean",
                    "deletes untracked files for good (git clean -f); preview with `git clean -n`"
                        .into(),
                ));
            }
        }
        "push" => push(cmd, rest, scope, hits),
        _ => {}
    }
}

/// The subcommand and its arguments, after git's global options.
fn subcommand(args: &[Word]) -> Option<(&str, &[Word])> {
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if GLOBAL_WITH_VALUE.contains(&t) {
            i += 2;
        } else if t.starts_with('-') {
            i += 1;
        } else {
            return Some((t, &args[i + 1..]));
        }
    }
    None
}

fn push(cmd: &SimpleCommand, rest: &[Word], scope: &Scope<'_>, hits: &mut Vec<Hit>) {
    let args = Args::parse(
        rest,
        &["--repo", "-o", "--push-option", "--receive-pack", "--exec"],
    );
    let force = args.has_short("f") || args.has_long("force") || args.has_long("force-with-lease");
    let delete = args.has_short("d") || args.has_long("delete");
    let protected = scope.protected_branches;
    if protected.is_empty() {
        return;
    }
    let names: Vec<&str> = protected.iter().map(|p| p.as_str()).collect();
    if args.has_long("mirror") || (force && (args.has_long("all") || args.has_long("branches"))) {
        hits.push(Hit::new(
            cmd,
            Severity::Deny,
            "destructive.force-push",
            format!(
                "force-pushes every branch, protected ones ({}) included",
                names.join(", ")
            ),
        ));
        return;
    }
    let refspecs = args.operands.get(1..).unwrap_or_default();
    if refspecs.is_empty()
        || refspecs
            .iter()
            .all(|r| matches!(r.text.trim_start_matches('+'), "HEAD" | "@"))
    {
        if force {
            hits.push(Hit::new(
                cmd,
                Severity::Ask,
                "destructive.force-push",
                "force-pushes the current branch, and the rule cannot see which branch that is; \
                 name it (`git push --force-with-lease origin my-branch`)"
                    .into(),
            ));
        }
        return;
    }
    for spec in refspecs {
        let text = spec.text.as_str();
        let spec_force = force || text.starts_with('+');
        let text = text.trim_start_matches('+');
        let (src, dst) = text.split_once(':').unwrap_or((text, text));
        let branch = dst.strip_prefix("refs/heads/").unwrap_or(dst);
        if !spec.literal {
            if spec_force || delete {
                hits.push(Hit::new(
                    cmd,
                    Severity::Ask,
                    "destructive.force-push",
                    format!("force-pushes or deletes `{text}`, a branch only known at run time"),
                ));
            }
            continue;
        }
        if !protected.iter().any(|p| p.matches(branch)) {
            continue;
        }
        if delete || src.is_empty() {
            hits.push(Hit::new(
                cmd,
                Severity::Deny,
                "destructive.protected-branch-delete",
                format!("deletes the protected branch `{branch}` on the remote"),
            ));
        } else if spec_force {
            hits.push(Hit::new(
                cmd,
                Severity::Deny,
                "destructive.force-push",
                format!("force-pushes to the protected branch `{branch}`, rewriting its history"),
            ));
        }
    }
}
