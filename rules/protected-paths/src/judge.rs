//! Judging one path an action touches: place it, match it against the
//! guards (and, through a host fact, its real path), and turn a match into
//! a [`Hit`] with the severity the policy gives the category.

use hookwarden_sdk::PathFact;
use hookwarden_sdk::paths::{expand_home, has_glob, home_relative, normalize, parent, resolve};

use crate::Policy;
use crate::guards::{Category, Located, Relation, in_temp_dir};

/// How sure the rule is that the action must not run unseen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Ask,
    Deny,
}

/// What one action does to one protected path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub severity: Severity,
    /// `protected-paths.<category>`, `protected-paths.secret-read` or
    /// `protected-paths.unreadable`.
    pub id: &'static str,
    /// e.g. "writes /w/p/.env, a secrets file (category `secrets`, …)".
    pub message: String,
    /// The command or tool call, as it resolves.
    pub command: String,
    /// Wrappers and nested shells it was found through.
    pub via: Vec<String>,
}

/// What an operation does with a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Creates, changes, deletes, moves, re-permissions or links it.
    Write,
    /// Reads its content (only secrets count).
    Read,
    /// Unpacks an archive into it: a directory holding protected paths is
    /// asked, since the archive's content is unknown.
    Extract,
    /// Names it in code the rule cannot follow (an opaque command, an
    /// interpreter's inline script): asked.
    Mention,
}

/// One operation on a path, as a reason phrases it.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    /// "writes", "deletes", "moves away", "reads"…
    pub verb: &'static str,
    pub access: Access,
    /// It reaches everything under the path (`rm -r`, `mv`, `chmod -R`):
    /// a directory holding protected paths counts.
    pub tree: bool,
    /// A write that makes the file new, if it does not exist yet (a copy
    /// onto it, a redirection, a file tool): creating a `.env` from its
    /// template is everyday work, overwriting one loses secrets.
    pub creates: bool,
    /// The operation refuses to overwrite (`cp -n`): creating only.
    pub no_clobber: bool,
    /// It copies a secret onto a secrets file (`cp .env .env.bak`): judged
    /// as the read of the source, not as a write.
    pub secret_copy: bool,
    /// A write that leaves a program at the path (content, a link, an
    /// executable bit): what a PATH hijack needs. Deleting, moving away,
    /// touching, truncating or re-owning does not.
    pub places: bool,
}

impl Op {
    pub const fn write(verb: &'static str) -> Op {
        Op {
            verb,
            access: Access::Write,
            tree: false,
            creates: false,
            no_clobber: false,
            secret_copy: false,
            places: true,
        }
    }

    pub const fn read(verb: &'static str) -> Op {
        Op {
            access: Access::Read,
            ..Op::write(verb)
        }
    }

    pub const fn tree(mut self, tree: bool) -> Op {
        self.tree = tree;
        self
    }

    pub const fn creating(mut self) -> Op {
        self.creates = true;
        self
    }

    pub const fn no_clobber(mut self, yes: bool) -> Op {
        self.no_clobber = yes;
        self
    }

    pub const fn secret_copy(mut self, yes: bool) -> Op {
        self.secret_copy = yes;
        self
    }

    pub const fn places(mut self, yes: bool) -> Op {
        self.places = yes;
        self
    }

    pub const fn access(mut self, access: Access) -> Op {
        self.access = access;
        self
    }
}

/// Who does it, for reasons: the command line or tool call.
#[derive(Debug, Clone)]
pub struct Subject {
    pub command: String,
    pub via: Vec<String>,
    /// The text it writes, as far as the rule sees it (a file tool's
    /// content, a command's arguments and here-documents and what is piped
    /// into it): a start-up file line putting a directory on `PATH`.
    pub written: Option<String>,
}

/// Place a path word: `$HOME` is `~`; a relative path is joined to `base`
/// when known, else kept as a tail; an expansion in the middle
/// (`"$DIR"/.env`) keeps the literal tail after it. `None` when nothing
/// literal is left.
pub fn locate(text: &str, literal: bool, base: Option<&str>) -> Option<Located> {
    let text = expand_home(text);
    if text.is_empty() {
        return None;
    }
    let dynamic = |c: &str| c.contains('$') || c.contains('`');
    if !literal && dynamic(&text) {
        let parts: Vec<&str> = text.split('/').collect();
        let last_dynamic = parts.iter().rposition(|c| dynamic(c))?;
        let tail = parts[last_dynamic + 1..].join("/");
        return tail_of(&tail);
    }
    match resolve(&text, base) {
        Some(full) => Some(Located::Full(full)),
        None => tail_of(&text),
    }
}

fn tail_of(text: &str) -> Option<Located> {
    let n = normalize(text);
    let kept: Vec<&str> = n.split('/').skip_while(|c| *c == "..").collect();
    let tail = kept.join("/");
    (!tail.is_empty() && tail != ".").then_some(Located::Tail(tail))
}

/// The event-wide facts the judgment needs.
pub struct Scope<'a> {
    pub policy: &'a Policy,
    /// Host-resolved facts about the paths the action touches.
    pub facts: Vec<&'a PathFact>,
    /// The event's working directory (facts' relative paths resolve there).
    pub event_cwd: Option<&'a str>,
    /// The workspace: the event's working directory, normalized.
    pub workspace: Option<String>,
    /// Directories the command line puts first on `PATH` (`export
    /// PATH=./bin:$PATH`): a common tool's name written there is a hijack.
    pub path_dirs: PathDirs,
}

/// Directories put first on `PATH`, placed: full paths in a set (a line
/// may list thousands), tails (the working directory unknown) apart.
#[derive(Debug, Default)]
pub struct PathDirs {
    full: std::collections::BTreeSet<String>,
    tails: std::collections::BTreeSet<String>,
}

impl PathDirs {
    pub fn insert(&mut self, dir: Located) {
        match dir {
            Located::Full(p) => self.full.insert(p),
            Located::Tail(t) => self.tails.insert(t),
        };
    }

    /// `dir` is one of them; a tail matches the end of a full path.
    fn holds(&self, dir: &Located) -> bool {
        let ends = |o: &str, t: &str| o == t || o.ends_with(&format!("/{t}"));
        match dir {
            Located::Full(p) => self.full.contains(p) || self.tails.iter().any(|t| ends(p, t)),
            Located::Tail(t) => self.tails.contains(t) || self.full.iter().any(|p| ends(p, t)),
        }
    }
}

/// `/private/tmp/x` is `/tmp/x` (macOS), for comparing temp paths.
fn untemp(path: &str) -> &str {
    path.strip_prefix("/private")
        .filter(|rest| rest.starts_with("/tmp/") || rest.starts_with("/var/"))
        .unwrap_or(path)
}

impl Scope<'_> {
    /// A throwaway copy: a path in a temporary directory outside the
    /// workspace. A workspace under `/tmp` keeps its `.env`, `.git` and
    /// agent files protected like any other; a fact saying the real path
    /// lies in the workspace settles it.
    fn is_scratch(&self, path: &Located, fact_inside: bool) -> bool {
        let Located::Full(p) = path else { return false };
        if !in_temp_dir(p) || fact_inside {
            return false;
        }
        let p = untemp(p);
        !self.workspace.as_deref().map(untemp).is_some_and(|w| {
            p == w || p.strip_prefix(w).is_some_and(|rest| rest.starts_with('/')) || w == "/"
        })
    }

    /// `path` is a secrets file (for copies of one secret onto another).
    pub fn is_secret_file(&self, path: &Located) -> bool {
        self.policy
            .guards()
            .classify(path, self.is_scratch(path, false))
            .iter()
            .any(|m| m.category == Category::Secrets && m.relation == Relation::Exact)
    }

    /// The fact about `path`, if the host sent one.
    fn fact(&self, path: &Located) -> Option<&PathFact> {
        let Located::Full(p) = path else { return None };
        let home = home_relative(p);
        self.facts.iter().copied().find(|f| {
            resolve(&f.path, self.event_cwd)
                .is_some_and(|fp| &fp == p || (home.is_some() && home_relative(&fp) == home))
        })
    }

    /// Judge `op` on `path`; push at most one hit for the path itself and
    /// one for where a symlink makes it land, and the PATH hijacks of each.
    pub fn judge(&self, subject: &Subject, op: Op, path: &Located, hits: &mut Vec<Hit>) {
        let fact = self.fact(path);
        if let Some(hit) = self.hit(subject, op, path, None, fact) {
            hits.push(hit);
        }
        self.hijack(subject, op, path, None, hits);
        if let Some(real) = fact.and_then(|f| f.real_path.as_deref()) {
            let real = Located::Full(normalize(&expand_home(real)));
            if &real != path {
                if let Some(hit) = self.hit(subject, op, &real, Some(path), fact) {
                    hits.push(hit);
                }
                self.hijack(subject, op, &real, Some(path), hits);
            }
        }
    }

    /// Only the PATH hijacks of `op` on `path` (`chmod u+x`, which the
    /// other categories leave alone).
    pub fn judge_hijack(&self, subject: &Subject, op: Op, path: &Located, hits: &mut Vec<Hit>) {
        self.hijack(subject, op, path, None, hits);
    }

    /// `dir` is on `PATH`: a usual `PATH` directory, or one the command
    /// line puts first. Its description, for a reason.
    fn on_path(&self, dir: &Located) -> Option<String> {
        if let Some(d) = self.policy.guards().path_dir(dir) {
            return Some(format!("`{d}`, a directory on PATH"));
        }
        self.path_dirs
            .holds(dir)
            .then(|| format!("{dir}, which the command line puts first on PATH"))
    }

    /// PATH hijacks: a program named like a common tool placed in a
    /// directory on `PATH`; an archive or a directory's content unpacked
    /// into one (asked: it may hold such a program); a start-up file line
    /// that puts a relative, scratch or workspace directory first on
    /// `PATH`, judged whatever `shell-startup` says.
    fn hijack(
        &self,
        subject: &Subject,
        op: Op,
        path: &Located,
        link: Option<&Located>,
        hits: &mut Vec<Hit>,
    ) {
        let guards = self.policy.guards();
        let Some(write) = self.policy.write_severity(Category::PathHijack) else {
            return;
        };
        if guards.allowed(path) {
            return;
        }
        let shown = || match link {
            Some(named) => format!("{named}, which resolves through a symlink to {path},"),
            None => path.to_string(),
        };
        let mut push = |severity: Severity, message: String| {
            hits.push(Hit {
                severity,
                id: Category::PathHijack.finding_id(),
                message: format!("{message} (category `path-hijack`)"),
                command: subject.command.clone(),
                via: subject.via.clone(),
            });
        };
        match op.access {
            Access::Write if op.places => {}
            Access::Extract => {
                if let Some(dir) = self.on_path(path) {
                    push(
                        write.min(Severity::Ask),
                        format!(
                            "{} {}: {dir}, where what it holds (a `git`, a `node`…) would run \
                             in place of the real tool",
                            op.verb,
                            shown()
                        ),
                    );
                }
                return;
            }
            _ => return,
        }
        if let Some(tool) = crate::hijack::tool_name(path) {
            let dir = match path {
                Located::Full(p) => Located::Full(parent(p).to_owned()),
                Located::Tail(t) => Located::Tail(parent(t).to_owned()),
            };
            if let Some(dir) = self.on_path(&dir) {
                push(
                    write,
                    format!(
                        "{} {}: a program named `{tool}` in {dir}, where it runs in place of \
                         the real `{tool}`",
                        op.verb,
                        shown()
                    ),
                );
            }
        }
        let Some(text) = subject.written.as_deref() else {
            return;
        };
        let names_path = |t: &str| t.contains("PATH") || t.contains("path");
        if !names_path(text) || !guards.is_startup_file(path) {
            return;
        }
        let risky: Vec<String> = crate::hijack::prepended(text)
            .iter()
            .filter_map(|e| {
                crate::hijack::risky_entry(e, self.workspace.as_deref())
                    .map(|why| format!("`{e}` ({why})"))
            })
            .collect();
        if !risky.is_empty() {
            let mut listed = risky[..risky.len().min(3)].join(", ");
            if risky.len() > 3 {
                listed.push_str(&format!(" and {} more", risky.len() - 3));
            }
            push(
                write,
                format!(
                    "{} {}, a shell start-up file, a line that puts {listed} first on PATH: \
                     every new shell would run programs from there in place of the real tools",
                    op.verb,
                    shown()
                ),
            );
        }
    }

    fn hit(
        &self,
        subject: &Subject,
        op: Op,
        path: &Located,
        link: Option<&Located>,
        fact: Option<&PathFact>,
    ) -> Option<Hit> {
        let policy = self.policy;
        let inside = link.is_some() && fact.is_some_and(|f| f.inside_workspace);
        for m in policy
            .guards()
            .classify(path, self.is_scratch(path, inside))
        {
            let counts = match m.relation {
                Relation::Exact | Relation::DirRoot => true,
                // Deleting a directory that holds hookwarden's binaries
                // (`rm -rf ~/.local/bin`) stops it; sweeping one that holds
                // its cache, socket or logs (`rm -rf ~/.cache`) is something
                // it recovers from (it recompiles, restarts its server).
                // Unpacking there may plant files in them.
                Relation::Ancestor if m.category == Category::Hookwarden => {
                    let binary = !has_glob(m.pattern.rsplit('/').next().unwrap_or(""));
                    op.access == Access::Extract || (op.tree && binary)
                }
                Relation::Ancestor => op.tree || op.access == Access::Extract,
            };
            if !counts {
                continue;
            }
            let write = policy.write_severity(m.category);
            let (severity, id) = match op.access {
                Access::Write => {
                    let creates_secret = m.category == Category::Secrets
                        && m.relation == Relation::Exact
                        && link.is_none()
                        && (op.no_clobber
                            || op.secret_copy
                            || (op.creates && fact.is_some_and(|f| !f.exists)));
                    if creates_secret {
                        continue;
                    }
                    (write, m.category.finding_id())
                }
                Access::Read => {
                    if !m.category.is_secret() || m.read_exempt {
                        continue;
                    }
                    (policy.read_secrets, "protected-paths.secret-read")
                }
                Access::Extract if m.relation == Relation::Ancestor => {
                    (write.map(|_| Severity::Ask), m.category.finding_id())
                }
                Access::Extract => (write, m.category.finding_id()),
                Access::Mention => (write.map(|_| Severity::Ask), "protected-paths.unreadable"),
            };
            let Some(mut severity) = severity else {
                continue;
            };
            if m.maybe.is_some() {
                severity = severity.min(Severity::Ask);
            }
            let shown = match link {
                Some(named) => format!("{named}, which resolves through a symlink to {path},"),
                None => path.to_string(),
            };
            let what = match (&m.maybe, m.relation) {
                (Some(sample), _) => format!("{shown} (which can expand to {sample})"),
                (None, Relation::Ancestor) => format!("{shown}, which holds"),
                (None, _) => shown,
            };
            let message = match (m.relation, &m.maybe) {
                (Relation::Ancestor, None) => format!(
                    "{} {what} {} (category `{}`, pattern `{}`)",
                    op.verb,
                    m.category_plural(),
                    m.category,
                    m.pattern
                ),
                _ => format!("{} {what}: {}", op.verb, m.describe()),
            };
            return Some(Hit {
                severity,
                id,
                message,
                command: subject.command.clone(),
                via: subject.via.clone(),
            });
        }
        None
    }
}

impl crate::guards::Match<'_> {
    /// "secrets files", for "holds …".
    fn category_plural(&self) -> &'static str {
        match self.category {
            Category::Secrets => "secrets files",
            Category::Credentials => "credentials",
            Category::GitInternals => "git internals",
            Category::Ci => "CI definitions",
            Category::AgentConfig => "agent configuration",
            Category::ShellStartup => "shell start-up files",
            Category::PathHijack => "programs on PATH",
            Category::GitHooks => "git hook managers' files",
            Category::Hookwarden => "hookwarden's own files",
            Category::Custom => "paths the admin protected",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_words() {
        let base = Some("/w/p");
        assert_eq!(
            locate(".env", true, base),
            Some(Located::Full("/w/p/.env".into()))
        );
        assert_eq!(
            locate("$HOME/.ssh/id_rsa", false, base),
            Some(Located::Full("~/.ssh/id_rsa".into()))
        );
        assert_eq!(
            locate("$DIR/.github/workflows/ci.yml", false, base),
            Some(Located::Tail(".github/workflows/ci.yml".into()))
        );
        assert_eq!(locate("$X", false, base), None);
        assert_eq!(
            locate("../../.env", true, None),
            Some(Located::Tail(".env".into()))
        );
        assert_eq!(locate(".", true, None), None);
    }
}
