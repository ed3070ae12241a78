//! History and work-tree destruction in git: `reset --hard`, `clean -f`,
//! force pushes and deletions of protected branches, and the other ways of
//! discarding uncommitted work or making history unrecoverable:
//! `checkout -f`, `checkout -- .`, `switch --discard-changes`, `restore .`,
//! `reset --merge`, `worktree remove --force`, `stash drop|clear`,
//! `reflog expire`, `gc --prune=now`, `update-ref -d`, `filter-branch`.
//! Named files (`git checkout -- a.txt`, `git restore src/x.rs`) are an
//! everyday undo and pass.

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
        "checkout" | "switch" | "restore" => discard(cmd, sub, rest, hits),
        "reset" if rest.iter().any(|w| w.text == "--merge") => hits.push(Hit::new(
            cmd,
            Severity::Ask,
            "destructive.git-discard",
            "may discard uncommitted changes (git reset --merge)".into(),
        )),
        "worktree" if rest.first().is_some_and(|w| w.text == "remove") => {
            let args = Args::parse(&rest[1..], &[]);
            if args.has_short("f") || args.has_long("force") {
                hits.push(Hit::new(
                    cmd,
                    Severity::Deny,
                    "destructive.git-discard",
                    "deletes a worktree with its uncommitted changes (worktree remove --force)"
                        .into(),
                ));
            }
        }
        "stash" => match rest.first().map(|w| w.text.as_str()) {
            Some("clear") => hits.push(Hit::new(
                cmd,
                Severity::Deny,
                "destructive.git-discard",
                "deletes every stash (git stash clear)".into(),
            )),
            Some("drop") => hits.push(Hit::new(
                cmd,
                Severity::Ask,
                "destructive.git-discard",
                "deletes a stash (git stash drop)".into(),
            )),
            _ => {}
        },
        "reflog"
            if rest
                .first()
                .is_some_and(|w| w.text == "expire" || w.text == "delete") =>
        {
            hits.push(Hit::new(
                cmd,
                Severity::Deny,
                "destructive.git-history",
                "drops reflog entries, the way back to lost commits (git reflog expire)".into(),
            ))
        }
        "gc" if rest
            .iter()
            .any(|w| w.text == "--prune=now" || w.text == "--prune=all") =>
        {
            hits.push(Hit::new(
                cmd,
                Severity::Ask,
                "destructive.git-history",
                "deletes unreachable commits now (git gc --prune=now)".into(),
            ))
        }
        "update-ref" if rest.iter().any(|w| w.text == "-d" || w.text == "--delete") => {
            hits.push(Hit::new(
                cmd,
                Severity::Deny,
                "destructive.git-history",
                "deletes a ref directly (git update-ref -d)".into(),
            ))
        }
        "filter-branch" | "filter-repo" => hits.push(Hit::new(
            cmd,
            Severity::Deny,
            "destructive.git-history",
            format!("rewrites the repository's history (git {sub})"),
        )),
        _ => {}
    }
}

/// `checkout`/`switch` forced, or `checkout`/`restore` of the whole tree.
fn discard(cmd: &SimpleCommand, sub: &str, rest: &[Word], hits: &mut Vec<Hit>) {
    let args = Args::parse(
        rest,
        &[
            "-b",
            "-B",
            "-c",
            "-C",
            "--orphan",
            "-s",
            "--source",
            "--conflict",
            "--pathspec-from-file",
        ],
    );
    if sub != "restore"
        && (args.has_short("f") || args.has_long("force") || args.has_long("discard-changes"))
    {
        hits.push(Hit::new(
            cmd,
            Severity::Deny,
            "destructive.git-discard",
            format!("discards every uncommitted change in the work tree (git {sub} --force)"),
        ));
        return;
    }
    if sub == "switch" {
        return;
    }
    // `restore --staged` alone only unstages.
    if sub == "restore"
        && (args.has_short("S") || args.has_long("staged"))
        && !(args.has_short("W") || args.has_long("worktree"))
    {
        return;
    }
    // Pathspecs: for `checkout`, those after `--`, or every operand when
    // one of them is the whole tree (`git checkout .`).
    let pathspecs: Vec<&Word> = match rest.iter().position(|w| w.text == "--") {
        Some(i) => rest[i + 1..].iter().collect(),
        None if sub == "restore" => args.operands.clone(),
        None => args.operands.clone(),
    };
    if let Some(all) = pathspecs.iter().find(|w| is_whole_tree(&w.text)) {
        hits.push(Hit::new(
            cmd,
            Severity::Deny,
            "destructive.git-discard",
            format!(
                "discards every uncommitted change under `{}` (git {sub})",
                all.text
            ),
        ));
    }
}

/// A pathspec naming the whole work tree (or the current directory).
fn is_whole_tree(p: &str) -> bool {
    matches!(p, "." | "./" | ":/" | ":" | "*" | ":/*" | ":(top)" | "..")
        || p.chars().all(|c| c == '.' || c == '/') && p.contains('.')
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
