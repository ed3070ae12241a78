//! # destructive-commands
//!
//! A hookwarden rule that stops shell commands which destroy data, history
//! or the machine, before the agent runs them:
//!
//! - recursive deletes of `/`, system directories, homes (`~`, `$HOME`,
//!   `/home/x`), credential directories and admin-protected paths
//!   (`rm -r`, `find … -delete`, `rsync --delete`), and `rm -rf "$X/"` where
//!   an empty variable means `/` (asked);
//! - `git reset --hard`, `git clean -f`, force pushes to and deletions of
//!   protected branches (`protected_branches`, globs);
//! - `dd`, `mkfs`, `wipefs`, `shred`, `blkdiscard`, `tee` and redirections
//!   writing to block devices;
//! - recursive `chmod`/`chown`/`chgrp` of `/`, system directories or homes;
//! - fork bombs;
//! - remote scripts run unseen (`curl … | sh`, `bash <(curl …)`);
//! - stopping hookwarden itself: `pkill hookwarden`, `kill` fed its pids,
//!   `systemctl stop hookwarden…`, `fuser -k` on its socket;
//! - irreversible operations on what lives outside the machine
//!   ([`checks::infra`]): SQL `DROP`/`TRUNCATE`/unbounded `DELETE` given to a
//!   database client, `redis-cli FLUSHALL`, `kubectl delete namespace`,
//!   `helm uninstall`, `docker volume prune`, `terraform destroy`, cloud CLIs'
//!   delete/terminate verbs, `aws s3 rm --recursive`, secret managers'
//!   deletes, queue purges, backup pruning (`restic forget`, `rclone purge`),
//!   `gh repo delete`, HTTP `DELETE` requests.
//!
//! It reads the command with a real bash parser ([`hookwarden_sdk::shell`]),
//! so it looks through quoting, absolute paths, wrappers (`sudo`, `env`,
//! `xargs`, `find -exec`…) and nested shells (`bash -c`, `eval`, `ssh`),
//! while text that merely mentions a command (`echo "rm -rf /"`) is left
//! alone. What it cannot read — a parse error, a program hidden in a
//! variable (`$x -rf /`), `eval "$var"` — is asked, never allowed.
//!
//! Configuration (`[hookwarden.rules.config]`):
//!
//! ```toml
//! protected_branches = ["main", "master", "release/*"]   # the default
//! protected_paths = ["/srv/data", "~/work"]               # default: none
//! unreadable = "ask"                                      # or "deny"
//! # Per family of outside resources: "deny" (default), "ask" or "allow".
//! # Families: databases, containers, clusters, iac, cloud, storage,
//! # secrets, queues, backups, hosting, http.
//! infrastructure = { containers = "ask", http = "allow" }
//! # Denied whatever the family says when a command names them.
//! protected_resources = ["prod*", "production"]
//! ```

mod checks;
mod paths;

use checks::{Hit, Scope, Severity, describe_via};
use hookwarden_sdk::shell::Analysis;
use hookwarden_sdk::{
    Action, ActionKind, Config, Event, HookEvent, Metadata, Rule, ShellDialect, Verdict,
    export_rule,
};
use serde::Deserialize;

/// `[hookwarden.rules.config]` of this rule.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Settings {
    /// Branches a force push or delete must not touch; glob patterns.
    protected_branches: Vec<String>,
    /// Extra paths (globs; `~` for the home) that must not be deleted or
    /// re-owned recursively, nor any directory holding them.
    protected_paths: Vec<String>,
    /// What to answer for a command the rule cannot read: `ask` or `deny`.
    unreadable: String,
    /// Per family of outside resources (`databases`, `clusters`, `cloud`…):
    /// `deny` (the default: each operation's own severity), `ask` or `allow`.
    infrastructure: std::collections::BTreeMap<String, String>,
    /// Resources (globs) whose destruction is denied whatever the family's
    /// choice: `["prod*", "production"]`.
    protected_resources: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            protected_branches: vec!["main".into(), "master".into(), "release/*".into()],
            protected_paths: Vec::new(),
            unreadable: "ask".into(),
            infrastructure: Default::default(),
            protected_resources: Vec::new(),
        }
    }
}

/// Settings checked and compiled.
struct Policy {
    protected_branches: Vec<glob::Pattern>,
    protected_paths: Vec<glob::Pattern>,
    unreadable: Severity,
    infra: checks::infra::Policy,
}

impl Policy {
    fn from_config(config: &Config) -> Result<Policy, String> {
        let s: Settings = config.deserialize()?;
        let patterns = |key: &str, list: &[String], normalize: bool| {
            list.iter()
                .map(|p| {
                    let p = if normalize {
                        paths::normalize(p)
                    } else {
                        p.clone()
                    };
                    glob::Pattern::new(&p)
                        .map_err(|e| format!("`{key}`: `{p}` is not a valid glob: {e}"))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        if let Some(bad) = s
            .protected_paths
            .iter()
            .find(|p| !(p.starts_with('/') || p.starts_with('~')))
        {
            return Err(format!(
                "`protected_paths`: `{bad}` must be absolute or start with `~`"
            ));
        }
        Ok(Policy {
            protected_branches: patterns("protected_branches", &s.protected_branches, false)?,
            protected_paths: patterns("protected_paths", &s.protected_paths, true)?,
            infra: checks::infra::Policy::new(
                s.infrastructure
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
                &s.protected_resources,
            )?,
            unreadable: match s.unreadable.as_str() {
                "ask" => Severity::Ask,
                "deny" => Severity::Deny,
                other => {
                    return Err(format!(
                        "`unreadable` must be \"ask\" or \"deny\", not \"{other}\""
                    ));
                }
            },
        })
    }
}

pub struct DestructiveCommands;

impl Rule for DestructiveCommands {
    fn metadata() -> Metadata {
        Metadata::new(
            "destructive-commands",
            env!("CARGO_PKG_VERSION"),
            "Stops shell commands that destroy data, git history, disks or the machine: \
             recursive deletes of / and homes, git reset --hard, force pushes to protected \
             branches, disk wipes, fork bombs, curl | sh.",
        )
        .events([HookEvent::PreToolUse, HookEvent::PermissionRequest])
        .actions([ActionKind::Shell])
    }

    fn evaluate(event: &Event, config: &Config) -> Result<Verdict, String> {
        let policy = Policy::from_config(config)?;
        let Action::Shell(shell) = &event.action else {
            return Ok(Verdict::allow());
        };
        let hits = if shell.dialect == ShellDialect::Powershell {
            vec![Hit {
                severity: policy.unreadable,
                id: "destructive.unreadable",
                message: "is PowerShell, which this rule cannot read".into(),
                command: shell.command.clone(),
                via: Vec::new(),
            }]
        } else {
            let cwd = [shell.workdir.as_deref(), Some(event.cwd.as_str())]
                .into_iter()
                .flatten()
                .find(|d| d.starts_with('/') || d.starts_with('~'))
                .map(paths::normalize);
            // `CDPATH` makes `cd dir` go elsewhere than `./dir`.
            let cwd = cwd.filter(|_| !shell.command.contains("CDPATH"));
            judge(&shell.analysis, cwd, &policy)
        };
        Ok(verdict(hits))
    }
}

export_rule!(DestructiveCommands);

/// Every hit in the command line, denies first.
fn judge(analysis: &Analysis, start_cwd: Option<String>, policy: &Policy) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut cwd = start_cwd.clone();
    for cmd in &analysis.commands {
        let scope = Scope {
            cwd: cwd.as_deref(),
            workspace: start_cwd.as_deref(),
            protected_branches: &policy.protected_branches,
            protected_paths: &policy.protected_paths,
        };
        checks::check_command(cmd, &scope, &mut hits);
        // Follow `cd` and `pushd` at the top level, so `cd / && rm -rf *`
        // is judged in `/`. `cd -`, `popd` and a bare `pushd` (the directory
        // stack) leave it unknown.
        let changes_dir = matches!(cmd.program.as_str(), "cd" | "pushd" | "popd");
        if changes_dir && cmd.via.is_empty() {
            let dir = cmd
                .args
                .iter()
                .find(|a| !a.text.starts_with(['-', '+']) || a.text == "-");
            cwd = match (cmd.program.as_str(), dir) {
                ("cd", None) => Some("~".into()),
                (_, Some(dir)) if cmd.program != "popd" && dir.text != "-" => {
                    match paths::resolve(&dir.text, dir.literal, cwd.as_deref()) {
                        paths::Resolved::Path(p) => Some(p),
                        _ => None,
                    }
                }
                _ => None,
            };
        }
    }
    checks::check_analysis(analysis, &mut hits);
    checks::infra::check(analysis, &policy.infra, &mut hits);
    for opaque in &analysis.opaque {
        hits.push(Hit {
            severity: policy.unreadable,
            id: "destructive.unreadable",
            message: format!("cannot be checked: {}", opaque.reason),
            command: opaque.snippet.clone(),
            via: opaque.via.clone(),
        });
    }
    hits.sort_by_key(|h| std::cmp::Reverse(h.severity));
    hits
}

/// The verdict for the hits: the strongest decides, the first of those
/// gives the reason, every hit is a finding.
fn verdict(hits: Vec<Hit>) -> Verdict {
    let Some(first) = hits.first() else {
        return Verdict::allow();
    };
    let mut reason = format!(
        "`{}`{} {}",
        first.command,
        describe_via(&first.via),
        first.message
    );
    let more = hits.iter().filter(|h| h.severity == first.severity).count() - 1;
    if more > 0 {
        reason.push_str(&format!(
            " (and {more} more finding{})",
            if more == 1 { "" } else { "s" }
        ));
    }
    let mut v = match first.severity {
        Severity::Deny => Verdict::deny(reason).with_context(
            "hookwarden blocked this command as destructive. Do not retry it or work around the \
             block; if it is really needed, ask the user to run it themselves.",
        ),
        Severity::Ask => Verdict::ask(reason),
    };
    for h in &hits {
        v = v.with_finding(
            h.id,
            format!("`{}`{} {}", h.command, describe_via(&h.via), h.message),
        );
    }
    v
}

#[cfg(test)]
mod tests;
