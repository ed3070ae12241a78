//! What the rule cannot follow: an opaque part of a command line, a
//! PowerShell command, a script given inline to an interpreter
//! (`python -c`, `node -e`, a here-document fed to `python3`). It is left
//! alone — destructive-commands asks for opaque commands already — unless
//! it names a protected path, which is asked.

use hookwarden_sdk::shell::{SimpleCommand, is_interpreter, is_shell};

use super::At;
use crate::judge::{Access, Hit, Op, Scope, Subject, locate};

/// Options that give an interpreter its script inline.
const CODE_OPTIONS: &[&str] = &[
    "-c",
    "-e",
    "-E",
    "-r",
    "--eval",
    "-p",
    "--print",
    "--command",
];

pub fn check(at: &At<'_>, hits: &mut Vec<Hit>) {
    let program = at.cmd.program.as_str();
    let what = format!("runs a {program} script the rule cannot follow, which names");
    for c in inline_code(at.cmd) {
        mentions(at.scope, &at.subject, c, at.cwds, &what, hits);
    }
}

/// The script an interpreter (not a shell) is given inline: `-c CODE`,
/// `-e CODE`…, a here-document or here-string.
pub fn inline_code(cmd: &SimpleCommand) -> Vec<&str> {
    let program = cmd.program.as_str();
    if !is_interpreter(program) || is_shell(program) || matches!(program, "source" | "." | "eval") {
        return Vec::new();
    }
    let mut code: Vec<&str> = Vec::new();
    let mut it = cmd.args.iter();
    while let Some(w) = it.next() {
        if CODE_OPTIONS.contains(&w.text.as_str())
            && let Some(c) = it.next()
        {
            code.push(&c.text);
        }
    }
    for r in &cmd.redirects {
        if matches!(r.op.as_str(), "<<" | "<<-" | "<<<") {
            code.push(&r.target.text);
        }
    }
    code
}

/// Ask when `text` names a protected path: every word of it that could be
/// a path is placed in each working directory and judged as a mention.
pub fn mentions(
    scope: &Scope<'_>,
    subject: &Subject,
    text: &str,
    cwds: &[Option<String>],
    what: &str,
    hits: &mut Vec<Hit>,
) {
    // A static verb: the message is built from it below.
    let op = Op::write("names").access(Access::Mention);
    let mut found: Vec<Hit> = Vec::new();
    for token in tokens(text) {
        for cwd in cwds {
            if let Some(path) = locate(token, true, cwd.as_deref()) {
                scope.judge(subject, op, &path, &mut found);
            }
        }
    }
    for mut h in found {
        h.message = h.message.replacen("names", what, 1);
        hits.push(h);
    }
}

/// The words of `text` that could be paths: split at quotes, spaces and
/// shell or code punctuation; `of=.env` and `--file=.env` give `.env`.
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || "'\"`;|&()<>,=[]{}!*?#".contains(c) && c != '~')
        .map(|t| t.trim_matches(|c: char| c == ':' || c == '\\'))
        .filter(|t| !t.is_empty() && !t.starts_with('-') && !t.contains("://"))
}
