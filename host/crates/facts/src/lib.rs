//! Facts the host resolves so that rules never touch the machine.
//!
//! Rules run without capabilities: they cannot `stat` a path or read a
//! lockfile. What they need to know about the file system arrives in
//! `event.facts`, resolved here, once per hook call ([`resolve`]):
//!
//! - the analysis of a shell command (`hookwarden_sdk::shell::analyze`),
//!   parsed once natively for every rule rather than once per rule inside
//!   each sandbox — which also keeps the parser out of every component;
//! - [`path_facts`]: for every path the action writes (file tools, each file
//!   of a patch and its move target, and shell write targets supplied by the
//!   caller), its real path, whether it or a parent is a symbolic link and
//!   where the first link points, whether it exists, and whether its real
//!   path lies inside the workspace root;
//! - [`granted_files`]: project files an admin granted a rule to read
//!   (`package.json`, `Cargo.lock`…), as size-capped text. Only files whose
//!   real path stays inside the workspace are read, so an agent cannot plant
//!   `package.json -> ~/.ssh/id_rsa` to feed a rule a secret.
//!
//! Everything is lexical plus `lstat`/`readlink`/`canonicalize`; nothing
//! follows a path outside what the action itself names.

mod granted;
mod path;

pub use granted::{GrantError, check_grant, granted_files};
pub use path::{path_fact, path_facts, written_paths};

use hookwarden_event::{Action, Event, Fact};
use std::borrow::Cow;
use std::path::Path;

/// The event as rules see it: a shell command analysed, and path facts for
/// everything the action writes. Borrowed when there is nothing to add.
pub fn resolve(event: &Event) -> Cow<'_, Event> {
    let mut event = Cow::Borrowed(event);
    if matches!(&event.action, Action::Shell(s) if s.analysis.is_none()) {
        analyze_shell(event.to_mut());
    }
    let facts = for_event(&event);
    if !facts.is_empty() {
        event.to_mut().facts.extend(facts);
    }
    event
}

/// Fill in the analysis of a shell action, if missing: the part of
/// [`resolve`] that does not look at the machine (`hookwarden test` uses it,
/// so case files stay independent of the file system they run on).
pub fn analyze_shell(event: &mut Event) {
    if let Action::Shell(shell) = &mut event.action
        && shell.analysis.is_none()
    {
        shell.analysis = Some(hookwarden_sdk::shell::analyze(&shell.command));
    }
}

/// The path facts for everything `event`'s action writes, resolved against
/// the shell's working directory or the event's cwd.
pub fn for_event(event: &Event) -> Vec<Fact> {
    let mut base = event.cwd.as_str();
    let mut shell_targets = Vec::new();
    if let Action::Shell(shell) = &event.action {
        if let Some(dir) = shell.workdir.as_deref().filter(|d| d.starts_with('/')) {
            base = dir;
        }
        let parsed;
        let analysis = match &shell.analysis {
            Some(a) => a,
            None => {
                parsed = hookwarden_sdk::shell::analyze(&shell.command);
                &parsed
            }
        };
        for cmd in &analysis.commands {
            shell_targets.extend(
                cmd.write_targets()
                    .into_iter()
                    .filter(|w| w.literal)
                    .map(|w| w.text),
            );
        }
    }
    let paths = written_paths(event, &shell_targets);
    if paths.is_empty() || !base.starts_with('/') {
        return Vec::new();
    }
    path_facts(&paths, Path::new(base))
}
