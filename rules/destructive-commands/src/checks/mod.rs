//! One module per kind of destruction. Each looks at one resolved
//! [`SimpleCommand`] (or, for fork bombs, download pipes and pids fed to
//! `kill`, the whole [`Analysis`]) and reports [`Hit`]s.

mod delete;
mod disk;
mod fork_bomb;
mod git;
pub mod infra;
mod permissions;
mod processes;
mod remote_script;
mod system;

#[cfg(test)]
pub use processes::may_match as processes_may_match;

use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::shell::{Analysis, SimpleCommand};

/// How sure a check is that the command destroys something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// It might, depending on what the rule cannot see: ask the user.
    Ask,
    /// It does.
    Deny,
}

/// What one check found in one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub severity: Severity,
    /// Finding id for the audit trail, `destructive.*`.
    pub id: &'static str,
    /// What the command would do, e.g. "deletes the root file system recursively".
    pub message: String,
    /// The command as it resolves (`rm -rf /` for `sudo r"m" -rf /`).
    pub command: String,
    /// Wrappers and nested shells it was found through.
    pub via: Vec<String>,
}

impl Hit {
    fn new(cmd: &SimpleCommand, severity: Severity, id: &'static str, message: String) -> Hit {
        Hit {
            severity,
            id,
            message,
            command: cmd.command_line(),
            via: cmd.via.clone(),
        }
    }
}

/// What the checks need beyond the command itself.
pub struct Scope<'a> {
    /// The directory the command runs in, absolute or `~`-based, if known.
    pub cwd: Option<&'a str>,
    /// The agent's working directory when the call began: the workspace.
    pub workspace: Option<&'a str>,
    pub protected_branches: &'a [glob::Pattern],
    pub protected_paths: &'a [glob::Pattern],
}

/// Run every per-command check on `cmd`.
pub fn check_command(cmd: &SimpleCommand, scope: &Scope<'_>, hits: &mut Vec<Hit>) {
    delete::check(cmd, scope, hits);
    git::check(cmd, scope, hits);
    disk::check(cmd, hits);
    permissions::check(cmd, scope, hits);
    system::check(cmd, scope, hits);
}

/// Run the checks that need to see several commands at once.
pub fn check_analysis(analysis: &Analysis, hits: &mut Vec<Hit>) {
    fork_bomb::check(analysis, hits);
    remote_script::check(analysis, hits);
    processes::check(analysis, hits);
}

/// `via` as shown in a reason: ` (through sudo, bash -c)`.
pub fn describe_via(via: &[String]) -> String {
    if via.is_empty() {
        String::new()
    } else {
        format!(" (through {})", via.join(", "))
    }
}
