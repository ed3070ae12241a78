//! The checks. [`programs`] reads what each network program reaches and
//! sends; [`connect`] judges that against the policy (destinations,
//! uploads, secrets, shells handed to the network); [`serve`] catches
//! servers that expose the work tree; remote scripts use the SDK's
//! [`hookwarden_sdk::downloads`]; [`tools`] judges web fetches and MCP calls.

pub mod connect;
pub mod programs;
pub mod serve;
pub mod tools;

use hookwarden_sdk::downloads::remote_scripts;
use hookwarden_sdk::shell::{Analysis, SimpleCommand};

use crate::Answer;

/// How strongly a check objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Ask,
    Deny,
}

impl Answer {
    /// The severity of a hit the admin answered `self` for; `None` for allow.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Answer::Allow => None,
            Answer::Ask => Some(Severity::Ask),
            Answer::Deny => Some(Severity::Deny),
        }
    }
}

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub severity: Severity,
    /// Finding id, `network-egress.*`.
    pub id: &'static str,
    pub message: String,
    /// The command as it resolves, or the URL for tool calls.
    pub subject: String,
    /// Wrappers and nested shells it was found through.
    pub via: Vec<String>,
}

impl Hit {
    pub fn new(cmd: &SimpleCommand, severity: Severity, id: &'static str, message: String) -> Hit {
        Hit {
            severity,
            id,
            message,
            subject: cmd.command_line(),
            via: cmd.via.clone(),
        }
    }
}

/// Remote scripts run unseen: always denied, allowed hosts included.
pub fn remote_script(analysis: &Analysis, hits: &mut Vec<Hit>) {
    for found in remote_scripts(analysis) {
        hits.push(Hit::new(
            &analysis.commands[found.download],
            Severity::Deny,
            "network-egress.remote-script",
            format!(
                "runs a script fetched from the network in {}, unseen; download it, read it, then run it",
                found.interpreter
            ),
        ));
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
