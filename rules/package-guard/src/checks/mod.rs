//! The checks: [`install`] reads install commands; [`packages`] judges the
//! packages they fetch against the granted manifests; [`sources`] judges
//! where they come from (URLs, git, paths, indexes, TLS).

pub mod install;
pub mod packages;
pub mod sources;

use hookwarden_sdk::shell::SimpleCommand;

/// How strongly a check objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Ask,
    Deny,
}

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub severity: Severity,
    /// Finding id, `package-guard.*`.
    pub id: &'static str,
    pub message: String,
    /// The command as it resolves.
    pub command: String,
    pub via: Vec<String>,
}

impl Hit {
    pub fn new(cmd: &SimpleCommand, severity: Severity, id: &'static str, message: String) -> Hit {
        Hit {
            severity,
            id,
            message,
            command: cmd.command_line(),
            via: cmd.via.clone(),
        }
    }
}

/// `via` as shown in a reason: ` (through sudo, bash -c)`.
pub fn describe_via(via: &[String]) -> String {
    if via.is_empty() {
        String::new()
    } else {
        format!(" (through {})", via.join(", "))
    }
}
