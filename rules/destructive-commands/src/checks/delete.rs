//! Recursive deletes (`rm -r`, `find … -delete`, `rsync --delete`):
//!
//! - of `/`, system directories, homes, credentials, admin-protected paths,
//!   the whole workspace (or a directory holding it) and its `.git`: denied;
//! - of anything else outside the workspace and the temp directories
//!   (`/srv/app`, `~/Documents`, `~alice/x`, `$TMPDIR/../etc`), of the
//!   workspace's source directories (`src`, `lib`, `tests`…), and of a
//!   target only known at run time (`"$DIR"`, `cd "$D" && rm -rf *`): asked;
//! - of what rebuilds itself (`target`, `node_modules`, `dist`, caches) or
//!   lives in a temp directory, and of the workspace's other contents: allowed.

use hookwarden_sdk::shell::{SimpleCommand, Word};

use super::{Args, Hit, Scope, Severity};
use crate::paths::{Resolved, classify, is_ancestor, resolve};

const ID: &str = "destructive.recursive-delete";

pub fn check(cmd: &SimpleCommand, scope: &Scope<'_>, hits: &mut Vec<Hit>) {
    match cmd.program.as_str() {
        "rm" => {
            let args = Args::parse(&cmd.args, &[]);
            if args.has_short("rR") || args.has_long("recursive") {
                let forced = args.has_short("f") || args.has_long("force");
                for target in &args.operands {
                    judge_target(cmd, target, scope, "deletes", forced, hits);
                }
            } else {
                critical_files(cmd, &args.operands, scope, hits);
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
                    true,
                    hits,
                );
            }
        }
        _ => {}
    }
}

/// Report `target` if deleting it recursively destroys something precious.
/// `forced`: the delete does not stop at what it cannot remove (`rm -rf`,
/// `find -delete`); only those are judged against the workspace and for
/// run-time targets (`rm -r` without `-f` reports write-protected files).
fn judge_target(
    cmd: &SimpleCommand,
    target: &Word,
    scope: &Scope<'_>,
    verb: &str,
    forced: bool,
    hits: &mut Vec<Hit>,
) {
    // `TMPDIR=/x rm -rf $TMPDIR/y`: bash expands `$TMPDIR` before the
    // prefix applies, yet the line shows what its author had in mind. Both
    // readings are judged; the prefix's can only add hits.
    let (text, literal) = expand_assignments(target, &cmd.env);
    if text != target.text {
        let expanded = Word { text, literal };
        judge_one(cmd, &expanded, scope, verb, forced, hits);
    }
    judge_one(cmd, target, scope, verb, forced, hits);
}

fn judge_one(
    cmd: &SimpleCommand,
    target: &Word,
    scope: &Scope<'_>,
    verb: &str,
    forced: bool,
    hits: &mut Vec<Hit>,
) {
    let (text, literal) = (target.text.clone(), target.literal);
    match resolve(&text, literal, scope.cwd) {
        Resolved::Path(path) => {
            if let Some(precious) = classify(&path, scope.protected_paths) {
                hits.push(Hit::new(
                    cmd,
                    Severity::Deny,
                    ID,
                    format!("{verb} {precious} recursively"),
                ));
            } else if forced
                && let Some((severity, what)) = beyond_precious(&path, scope.workspace)
            {
                hits.push(Hit::new(cmd, severity, ID, format!("{verb} {what} recursively")));
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
        Resolved::Climbs(word) => hits.push(Hit::new(
            cmd,
            Severity::Ask,
            ID,
            format!("{verb} `{word}` recursively, which climbs out of a directory only known at run time"),
        )),
        Resolved::Unknown if !forced || guarded_or_regenerable(&text) => {}
        Resolved::Unknown => hits.push(Hit::new(
            cmd,
            Severity::Ask,
            ID,
            format!(
                "{verb} `{}` recursively, a path only known at run time",
                target.text
            ),
        )),
    }
}

/// `target` with `$NAME`/`${NAME}` replaced by the command's own `NAME=value`
/// prefixes; literal when nothing else is left to expand.
fn expand_assignments(target: &Word, env: &[(String, String)]) -> (String, bool) {
    if target.literal || env.is_empty() {
        return (target.text.clone(), target.literal);
    }
    let mut text = target.text.clone();
    for (name, value) in env {
        text = hookwarden_sdk::shell::put_variable(&text, name, value);
    }
    let literal = !text.contains(['$', '`']);
    (text, literal)
}

/// A run-time path that is still safe to delete: `${X:?}/…` (the shell
/// stops if X is empty) or one ending in what rebuilds itself
/// (`$BUILD_DIR/cache`, `"$(pwd)/node_modules"`).
fn guarded_or_regenerable(text: &str) -> bool {
    // `$TMPDIR` is the temp directory (`..` out of it is `Resolved::Climbs`).
    ["$TMPDIR", "${TMPDIR}", "$TMP", "${TMP}", "$TEMP", "${TEMP}"]
        .iter()
        .any(|v| {
            text.strip_prefix(v)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        || text.starts_with("${") && text.split('}').next().is_some_and(|v| v.contains(":?"))
        || text
            .rsplit('/')
            .next()
            .is_some_and(|last| REGENERABLE.contains(&last) && !last.contains('$'))
}

/// Files whose loss locks everyone out or stops the machine from booting.
pub(super) const CRITICAL_FILES: &[&str] = &[
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/fstab",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/ssh/sshd_config",
    "/etc/pam.d",
    "/etc/login.defs",
    "/etc/crypttab",
    "/etc/nsswitch.conf",
    "/etc/ld.so.conf",
    "/etc/ld.so.cache",
];

/// A plain `rm` (or a script's `os.remove`) of a file the system needs.
fn critical_files(cmd: &SimpleCommand, targets: &[&Word], scope: &Scope<'_>, hits: &mut Vec<Hit>) {
    for target in targets {
        if let Resolved::Path(path) = resolve(&target.text, target.literal, scope.cwd) {
            let hit = CRITICAL_FILES.contains(&path.as_str())
                || path
                    .strip_prefix("/etc/")
                    .is_some_and(|rest| rest.contains(['*', '?']) && !rest.contains('/'));
            if hit {
                hits.push(Hit::new(
                    cmd,
                    Severity::Deny,
                    ID,
                    format!("deletes {path}, which the system needs to log in or boot"),
                ));
            }
        }
    }
}

/// Temp directories: what is deleted there was made to be thrown away.
const TEMP_DIRS: &[&str] = &[
    "/tmp",
    "/var/tmp",
    "/private/tmp",
    "/private/var/folders",
    "/dev/shm",
];

/// Names of what a build or tool recreates by itself.
const REGENERABLE: &[&str] = &[
    "target",
    "node_modules",
    "dist",
    "build",
    "out",
    ".cache",
    "cache",
    "caches",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".tox",
    ".nox",
    ".venv",
    "venv",
    ".next",
    ".nuxt",
    ".turbo",
    ".parcel-cache",
    ".svelte-kit",
    "coverage",
    ".coverage",
    "htmlcov",
    ".gradle",
    ".npm",
    ".yarn",
    ".pnpm-store",
    "tmp",
    "temp",
    ".tmp",
    "bin",
    "obj",
    "_build",
    "deps",
    ".eggs",
    ".terraform",
    "DerivedData",
    "Pods",
    ".dart_tool",
    ".angular",
    "logs",
];

/// A workspace's own directories that hold work, not output.
const SOURCE_DIRS: &[&str] = &[
    "src",
    "lib",
    "app",
    "apps",
    "source",
    "sources",
    "include",
    "pkg",
    "cmd",
    "internal",
    "test",
    "tests",
    "spec",
    "docs",
    "scripts",
    "packages",
    "crates",
    "migrations",
    "config",
];

/// For a path `classify` let pass: what deleting it still costs, judged
/// against the workspace (`None`: nothing worth asking about).
fn beyond_precious(path: &str, workspace: Option<&str>) -> Option<(Severity, String)> {
    let inside = |dir: &str| path == dir || is_ancestor(dir, path);
    let in_temp = TEMP_DIRS.iter().any(|t| inside(t));
    if let Some(ws) = workspace {
        // A temp directory holding the workspace is still a temp directory.
        if inside(ws)
            || (is_ancestor(path, ws)
                && !in_temp
                && !TEMP_DIRS.iter().any(|t| is_ancestor(path, t)))
        {
            if path == ws || is_ancestor(path, ws) {
                return Some((Severity::Deny, format!("the whole workspace {ws}")));
            }
            let rel = &path[ws.len() + 1..];
            let top = rel.split('/').next().unwrap_or(rel);
            if top == ".git" && !rel.contains('/') {
                return Some((Severity::Deny, "the repository's history (.git)".into()));
            }
            if !rel.contains('/') && SOURCE_DIRS.contains(&top) {
                return Some((Severity::Ask, format!("the workspace's `{top}`")));
            }
            return None;
        }
    }
    if in_temp
        || path
            .split('/')
            .any(|c| REGENERABLE.contains(&c) || c.ends_with(".egg-info"))
    {
        return None;
    }
    Some((Severity::Ask, format!("{path}, outside the workspace,")))
}

/// `find START… -delete` (or `-exec rm …`) that no test before it narrows
/// deletes everything under START.
///
/// find evaluates its expression left to right: a test narrows an action
/// only when it comes first in the same branch (`-name x -delete`), not after
/// it (`-delete -name x` deletes everything) nor across `-o` (`-name x -o
/// -delete` deletes the rest). A word that is neither a test nor an operator
/// (a primary's argument, or one find rejects) narrows nothing: the rule does
/// not count on a parse error to make a deletion harmless.
fn find(cmd: &SimpleCommand, scope: &Scope<'_>, hits: &mut Vec<Hit>) {
    // Options before the start points (`-D tree` takes a value, `--` ends them).
    let mut i = 0;
    while let Some(w) = cmd.args.get(i) {
        match w.text.as_str() {
            "-H" | "-L" | "-P" => i += 1,
            o if o.starts_with("-O") && o[2..].bytes().all(|b| b.is_ascii_digit()) => i += 1,
            "-D" => i += 2,
            "--" => {
                i += 1;
                break;
            }
            _ => break,
        }
    }
    let i = i.min(cmd.args.len());
    let starts: Vec<&Word> = cmd.args[i..]
        .iter()
        .take_while(|w| !w.text.starts_with('-') && !matches!(w.text.as_str(), "(" | "!" | ")"))
        .collect();
    let expression = &cmd.args[i + starts.len()..];
    let mut deletes = false;
    let mut forced = false;
    // Whether a test precedes the current position in its branch.
    let mut narrowed = false;
    let mut depth = 0usize;
    let mut j = 0;
    while j < expression.len() {
        match expression[j].text.as_str() {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            "-o" | "-or" | "," if depth == 0 => narrowed = false,
            "-delete" if !narrowed => {
                deletes = true;
                forced = true;
            }
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                // The program, past wrappers (`-exec sudo rm -rf {} ;`).
                let run: Vec<&str> = expression[j + 1..]
                    .iter()
                    .map(|w| w.text.as_str())
                    .take_while(|t| !matches!(*t, ";" | "+"))
                    .collect();
                // Past wrappers and their options (`-exec sudo -u root rm -rf {} +`,
                // `-exec timeout 5 rm …`): from the first `rm`, when wrappers lead.
                let wrapped = run.first().is_some_and(|p| {
                    matches!(
                        hookwarden_sdk::shell::basename(p),
                        "sudo"
                            | "doas"
                            | "env"
                            | "command"
                            | "busybox"
                            | "nice"
                            | "nohup"
                            | "timeout"
                            | "ionice"
                            | "stdbuf"
                            | "setsid"
                            | "chrt"
                            | "taskset"
                            | "time"
                            | "exec"
                    )
                });
                let run: Vec<&str> = match run
                    .iter()
                    .position(|p| hookwarden_sdk::shell::basename(p) == "rm")
                {
                    Some(k) if wrapped => run[k..].to_vec(),
                    _ => run,
                };
                let mut removes = false;
                if run.first().map(|p| hookwarden_sdk::shell::basename(p)) == Some("rm") {
                    let words: Vec<Word> = run[1..].iter().map(|t| Word::literal(*t)).collect();
                    let rm = Args::parse(&words, &[]);
                    if rm.has_short("rR") || rm.has_long("recursive") {
                        removes = true;
                        if !narrowed {
                            deletes = true;
                            forced |= rm.has_short("f") || rm.has_long("force");
                        }
                    }
                }
                // Any other program's exit status is a test for what follows.
                narrowed |= !removes;
                while j < expression.len() && !matches!(expression[j].text.as_str(), ";" | "+") {
                    j += 1;
                }
            }
            // Depth and file type limit little: `-type f -delete` still
            // deletes every file.
            "-maxdepth" | "-mindepth" | "-type" | "-xtype" => j += 1,
            "-depth"
            | "-xdev"
            | "-mount"
            | "-print"
            | "-print0"
            | "-follow"
            | "-ignore_readdir_race"
            | "-noleaf"
            | "!"
            | "-not"
            | "-a"
            | "-and" => {}
            t if t.starts_with('-') => narrowed = true,
            _ => {}
        }
        j += 1;
    }
    if !deletes {
        return;
    }
    let default_start = Word::literal(".");
    let starts = if starts.is_empty() {
        vec![&default_start]
    } else {
        starts
    };
    for start in starts {
        judge_target(cmd, start, scope, "deletes", forced, hits);
    }
}
