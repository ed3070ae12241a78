//! One module per route onto a path. Each looks at one resolved
//! [`SimpleCommand`] and judges the paths it writes or reads.

mod archives;
mod copies;
mod deletes;
mod fish_paths;
mod git;
mod listeners;
mod permissions;
mod reads;
mod redirects;
pub mod unreadable;
mod writes;

use hookwarden_sdk::shell::{SimpleCommand, Word};

use crate::judge::{Hit, Op, Scope, Subject, locate};

/// One command and where it runs.
pub struct At<'a> {
    pub scope: &'a Scope<'a>,
    pub cmd: &'a SimpleCommand,
    /// The directories it may run in (`None`: unknown).
    pub cwds: &'a [Option<String>],
    pub subject: Subject,
}

impl At<'_> {
    /// Judge `op` on a path word.
    pub fn word(&self, op: Op, word: &Word, hits: &mut Vec<Hit>) {
        self.text(op, &word.text, word.literal, hits);
    }

    /// Judge `op` on a path given as text, resolved in each working directory.
    pub fn text(&self, op: Op, text: &str, literal: bool, hits: &mut Vec<Hit>) {
        // The latest directory first: it is the likeliest, and the first
        // hit gives the reason.
        for cwd in self.cwds.iter().rev() {
            self.text_in(op, text, literal, cwd.as_deref(), hits);
        }
    }

    /// All sources are secrets files (`cp .env .env.bak`).
    pub fn all_secret(&self, words: &[&Word]) -> bool {
        !words.is_empty()
            && words.iter().all(|w| {
                self.cwds.iter().all(|cwd| {
                    locate(&w.text, w.literal, cwd.as_deref())
                        .is_some_and(|p| self.scope.is_secret_file(&p))
                })
            })
    }

    /// Judge `op` on a path relative to `base` (`None`: unknown).
    pub fn text_in(
        &self,
        op: Op,
        text: &str,
        literal: bool,
        base: Option<&str>,
        hits: &mut Vec<Hit>,
    ) {
        if let Some(path) = locate(text, literal, base) {
            self.scope.judge(&self.subject, op, &path, hits);
        }
    }
}

/// Run every check on one command.
pub fn check_command(at: &At<'_>, hits: &mut Vec<Hit>) {
    redirects::check(at, hits);
    writes::check(at, hits);
    copies::check(at, hits);
    deletes::check(at, hits);
    permissions::check(at, hits);
    archives::check(at, hits);
    reads::check(at, hits);
    git::check(at, hits);
    fish_paths::check(at, hits);
    listeners::check(at, hits);
    unreadable::check(at, hits);
}

/// Operands that name a remote host (`host:path`, `user@host:path`), which
/// the local file system does not hold.
fn is_remote(text: &str) -> bool {
    match text.find(':') {
        Some(i) => !text[..i].contains('/') && i > 0,
        None => false,
    }
}
