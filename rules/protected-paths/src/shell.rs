//! Shell commands: walk the analysed command line, following `cd`, and
//! run the per-command checks on every simple command.

use hookwarden_sdk::{ShellCommand, ShellDialect};

use crate::checks::{self, At};
use crate::judge::{Hit, Scope, Subject, locate};

/// At most this many working directories are kept as candidates.
const MAX_CWDS: usize = 8;

pub fn judge(shell: &ShellCommand, scope: &Scope<'_>) -> Vec<Hit> {
    let start = shell
        .workdir
        .as_deref()
        .and_then(|w| {
            hookwarden_sdk::paths::resolve(w, scope.event_cwd)
                .filter(|p| p.starts_with('/') || p.starts_with('~'))
        })
        .or_else(|| scope.event_cwd.map(hookwarden_sdk::paths::normalize));
    let mut hits = Vec::new();
    if shell.dialect == ShellDialect::Powershell {
        let subject = Subject {
            command: shell.command.clone(),
            via: Vec::new(),
        };
        checks::unreadable::mentions(
            scope,
            &subject,
            &shell.command,
            &[start],
            "is PowerShell, which this rule cannot read, and names",
            &mut hits,
        );
        return hits;
    }
    let analysis = &shell.analysis;
    // Every directory the commands so far may run in: a `cd` inside a
    // subshell or nested shell does not outlive it, which the analysis does
    // not say, so earlier directories stay candidates.
    let mut cwds: Vec<Option<String>> = vec![start];
    for cmd in &analysis.commands {
        let at = At {
            scope,
            cmd,
            cwds: &cwds,
            subject: Subject {
                command: cmd.command_line(),
                via: cmd.via.clone(),
            },
        };
        checks::check_command(&at, &mut hits);
        if matches!(cmd.program.as_str(), "cd" | "pushd") {
            let target = cmd
                .args
                .iter()
                .find(|a| !a.text.starts_with('-') || a.text == "-");
            let current = cwds.last().cloned().flatten();
            let next = match target {
                None => Some("~".to_owned()),
                Some(dir) if dir.text == "-" => None,
                Some(dir) => match locate(&dir.text, dir.literal, current.as_deref()) {
                    Some(crate::guards::Located::Full(p)) => Some(p),
                    _ => None,
                },
            };
            cwds.retain(|c| c != &next);
            cwds.push(next);
            if cwds.len() > MAX_CWDS {
                cwds.remove(0);
            }
        }
    }
    for opaque in &analysis.opaque {
        let subject = Subject {
            command: opaque.snippet.clone(),
            via: opaque.via.clone(),
        };
        checks::unreadable::mentions(
            scope,
            &subject,
            &opaque.snippet,
            &cwds,
            &format!("cannot be read ({}) and names", opaque.reason),
            &mut hits,
        );
    }
    hits
}
