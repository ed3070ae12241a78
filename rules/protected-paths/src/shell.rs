//! Shell commands: walk the analysed command line, following `cd`, and
//! run the per-command checks on every simple command.

use hookwarden_sdk::shell::SimpleCommand;
use hookwarden_sdk::{ShellCommand, ShellDialect};

use crate::checks::{self, At};
use crate::guards::Located;
use crate::judge::{Hit, PathDirs, Scope, Subject, locate};

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
            written: None,
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
    // Every directory the line may run in, for the directories it puts on
    // PATH: `cd tools && export PATH=$PWD/bin:$PATH`.
    let mut every_cwd: Vec<Option<String>> = vec![start.clone()];
    {
        let mut cwds = vec![start.clone()];
        for cmd in &analysis.commands {
            follow_cd(cmd, &mut cwds);
            if let Some(last) = cwds.last()
                && !every_cwd.contains(last)
            {
                every_cwd.push(last.clone());
            }
        }
    }
    let scope = &Scope {
        policy: scope.policy,
        facts: scope.facts.clone(),
        event_cwd: scope.event_cwd,
        workspace: scope.workspace.clone(),
        path_dirs: path_dirs(&shell.command, &every_cwd),
    };
    // Every directory the commands so far may run in: a `cd` inside a
    // subshell or nested shell does not outlive it, which the analysis does
    // not say, so earlier directories stay candidates.
    let mut cwds: Vec<Option<String>> = vec![start];
    for (i, cmd) in analysis.commands.iter().enumerate() {
        let at = At {
            scope,
            cmd,
            cwds: &cwds,
            subject: Subject {
                command: cmd.command_line(),
                via: cmd.via.clone(),
                written: Some(written(&analysis.commands[..i], cmd)),
            },
        };
        checks::check_command(&at, &mut hits);
        follow_cd(cmd, &mut cwds);
    }
    for opaque in &analysis.opaque {
        let subject = Subject {
            command: opaque.snippet.clone(),
            via: opaque.via.clone(),
            written: None,
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

/// After a `cd` or `pushd`, its directory is the latest candidate.
fn follow_cd(cmd: &SimpleCommand, cwds: &mut Vec<Option<String>>) {
    if !matches!(cmd.program.as_str(), "cd" | "pushd") {
        return;
    }
    let target = cmd
        .args
        .iter()
        .find(|a| !a.text.starts_with('-') || a.text == "-");
    let current = cwds.last().cloned().flatten();
    let next = match target {
        None => Some("~".to_owned()),
        Some(dir) if dir.text == "-" => None,
        Some(dir) => match locate(&dir.text, dir.literal, current.as_deref()) {
            Some(Located::Full(p)) => Some(p),
            _ => None,
        },
    };
    cwds.retain(|c| c != &next);
    cwds.push(next);
    if cwds.len() > MAX_CWDS {
        cwds.remove(0);
    }
}

/// The directories the command line puts first on `PATH`, placed in each
/// directory it may run in. Not `node_modules/.bin` (package managers write
/// there), nor a directory under another variable (`$GOPATH/bin`): unknown.
fn path_dirs(command: &str, cwds: &[Option<String>]) -> PathDirs {
    let mut out = PathDirs::default();
    for entry in crate::hijack::prepended(command) {
        let text = hookwarden_sdk::paths::expand_home(&crate::hijack::entry_path(&entry));
        let text = if text.is_empty() {
            ".".to_owned()
        } else {
            text
        };
        if text.contains("node_modules/") || text.contains(['$', '`']) {
            continue;
        }
        for cwd in cwds {
            if let Some(dir) = locate(&text, true, cwd.as_deref()) {
                out.insert(dir);
            }
        }
    }
    out
}

/// The text a command may write: its arguments (`echo …`, `sed -i '1i …'`),
/// its here-documents and here-strings, and those of the command piped
/// into it (`printf … | tee -a ~/.bashrc`).
fn written(before: &[SimpleCommand], cmd: &SimpleCommand) -> String {
    fn text_of(cmd: &SimpleCommand, out: &mut String) {
        for a in &cmd.args {
            out.push_str(&a.text);
            out.push(' ');
        }
        for r in &cmd.redirects {
            if matches!(r.op.as_str(), "<<" | "<<-" | "<<<") {
                out.push('\n');
                out.push_str(&r.target.text);
                out.push('\n');
            }
        }
    }
    let mut out = String::new();
    text_of(cmd, &mut out);
    if cmd.piped_from.is_some()
        && let Some(left) = before
            .iter()
            .rev()
            .find(|c| c.piped_into.as_deref() == Some(cmd.program.as_str()))
    {
        out.push('\n');
        text_of(left, &mut out);
    }
    out
}
