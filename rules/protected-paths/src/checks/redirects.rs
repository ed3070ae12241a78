//! Redirections: `>`, `>>`, `>|`, `&>`, `&>>`, `<>` write their target
//! (whatever the program), `<` reads it.

use super::At;
use crate::judge::{Hit, Op};

/// Devices and descriptors that are no file anyone protects.
fn is_device(target: &str) -> bool {
    matches!(
        target,
        "/dev/null" | "/dev/stdout" | "/dev/stderr" | "/dev/tty" | "-"
    ) || target.starts_with("/dev/fd/")
}

pub fn check(at: &At<'_>, hits: &mut Vec<Hit>) {
    if at.cmd.redirects.is_empty() {
        return;
    }
    // The reason shows the command as written, redirections included.
    let mut subject = at.subject.clone();
    if !at.cmd.snippet.is_empty() {
        subject.command = at.cmd.snippet.clone();
    }
    let at = &At {
        scope: at.scope,
        cmd: at.cmd,
        cwds: at.cwds,
        subject,
    };
    for r in &at.cmd.redirects {
        if is_device(&r.target.text) {
            continue;
        }
        if r.is_write() {
            let verb = if r.op.contains(">>") {
                "appends to"
            } else {
                "writes"
            };
            at.word(Op::write(verb).creating(), &r.target, hits);
        } else if r.op == "<" {
            at.word(Op::read("reads"), &r.target, hits);
        }
    }
}
