//! Symlinks the command creates: `ln -s TARGET [LINK]`, `ln -s T… DIR`,
//! `ln -st DIR T…`, `cp -s`, through any wrapper or nested shell.

use crate::Hit;
use crate::policy::{Level, Policy};
use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::paths::{expand_home, home_relative, normalize, parent, resolve};
use hookwarden_sdk::shell::Analysis;

/// Places no link may point at: following such a link, a later write or
/// read by the agent reaches the machine's or the user's secrets.
const PROTECTED: &[&str] = &[
    "/",
    "/etc/**",
    "/etc",
    "/usr/**",
    "/bin/**",
    "/sbin/**",
    "/lib/**",
    "/boot/**",
    "/root/**",
    "/root",
    "/var/lib/**",
    "/proc/**",
    "/sys/**",
    "/dev/**",
];

/// Protected places relative to a home (`~/…` after [`home_relative`]).
const PROTECTED_IN_HOME: &[&str] = &[
    "~",
    "~/.ssh",
    "~/.ssh/**",
    "~/.aws",
    "~/.aws/**",
    "~/.gnupg",
    "~/.gnupg/**",
    "~/.kube/**",
    "~/.docker/config.json",
    "~/.netrc",
    "~/.npmrc",
    "~/.pypirc",
    "~/.git-credentials",
    "~/.config/gh/**",
    "~/.codex",
    "~/.codex/**",
    "~/.claude",
    "~/.claude/**",
    "~/.gemini/**",
    "~/.cursor/**",
    "~/.bashrc",
    "~/.zshrc",
    "~/.profile",
    "~/.bash_profile",
    "~/.config/autostart/**",
];

pub fn check(
    analysis: &Analysis,
    cwd: &str,
    workspace: &str,
    policy: &Policy,
    hits: &mut Vec<Hit>,
) {
    let workspace = normalize(workspace);
    for cmd in &analysis.commands {
        let symbolic = match cmd.program.as_str() {
            "ln" => {
                let a = Args::parse(&cmd.args, &["-t", "--target-directory", "-S", "--suffix"]);
                a.has_short("s") || a.has_long("symbolic")
            }
            "cp" => {
                let a = Args::parse(&cmd.args, &["-t", "--target-directory", "-S", "--suffix"]);
                a.has_short("s") || a.has_long("symbolic-link")
            }
            _ => false,
        };
        if !symbolic {
            continue;
        }
        let args = Args::parse(&cmd.args, &["-t", "--target-directory", "-S", "--suffix"]);
        // `$HOME` is known; other expansions are not, and are skipped.
        let expanded: Vec<String> = args
            .operands
            .iter()
            .map(|w| expand_home(&w.text))
            .filter(|t| !t.contains('$') && !t.contains('`'))
            .collect();
        let ops: Vec<&str> = expanded.iter().map(String::as_str).collect();
        let dir_option = args
            .value("-t")
            .or_else(|| args.value("--target-directory"));
        // A relative symlink target is relative to the directory holding the
        // link: `-t DIR`, the last operand when it is a directory (several
        // targets, or a trailing `/`), else the last operand's parent; with a
        // single operand the link goes into the working directory.
        let (targets, link_dir): (Vec<&str>, String) = match (dir_option, ops.as_slice()) {
            (Some(dir), _) => (ops.clone(), dir.text.to_owned()),
            (None, [single]) => (vec![*single], ".".to_owned()),
            (None, [targets @ .., last]) if targets.len() > 1 || last.ends_with('/') => {
                (targets.to_vec(), (*last).to_owned())
            }
            (None, [target, link]) => {
                let link = resolve(link, Some(cwd)).unwrap_or_else(|| normalize(cwd));
                (vec![*target], parent(&link).to_owned())
            }
            _ => continue,
        };
        let base = resolve(&link_dir, Some(cwd)).unwrap_or_else(|| normalize(cwd));
        for target in targets {
            let Some(real) = resolve(target, Some(&base)) else {
                continue;
            };
            judge(&real, target, &workspace, policy, &cmd.command_line(), hits);
        }
    }
}

fn judge(
    real: &str,
    written: &str,
    workspace: &str,
    policy: &Policy,
    line: &str,
    hits: &mut Vec<Hit>,
) {
    let home = home_relative(real);
    let opts = glob::MatchOptions {
        require_literal_separator: true,
        ..Default::default()
    };
    let protected = PROTECTED
        .iter()
        .any(|p| glob::Pattern::new(p).is_ok_and(|g| g.matches_with(real, opts)))
        || home.as_deref().is_some_and(|h| {
            PROTECTED_IN_HOME
                .iter()
                .any(|p| glob::Pattern::new(p).is_ok_and(|g| g.matches_with(h, opts)))
        })
        || policy.protected_targets.iter().any(|g| {
            g.matches_with(real, opts) || home.as_deref().is_some_and(|h| g.matches_with(h, opts))
        });
    if protected {
        hits.push(Hit {
            level: Level::Deny,
            id: "symlink-guard.link-to-protected",
            message: format!("`{line}` makes a symlink to `{written}` ({real}), a protected place; writes through it would land there"),
        });
        return;
    }
    let inside = real == workspace || real.starts_with(&format!("{workspace}/"));
    if !inside {
        hits.push(Hit {
            level: policy.link_outside,
            id: "symlink-guard.link-outside",
            message: format!(
                "`{line}` makes a symlink to `{written}` ({real}), outside the workspace"
            ),
        });
    }
}
