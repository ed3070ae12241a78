//! Irreversible operations on what lives outside the machine: databases,
//! containers and clusters, infrastructure as code, cloud resources and
//! buckets, secret managers, queues, backups, code hosting and CI, and
//! services reached over HTTP (search indices and the like).
//!
//! Each such operation belongs to a [`Family`]; the admin chooses per family
//! whether it is denied, asked or allowed (`infrastructure = { … }`), and may
//! name production resources (`protected_resources`, globs) whose
//! destruction is denied whatever the family says.
//!
//! The checks know each tool's destructive subcommands and options
//! ([`clis`]), read the SQL, Mongo and Redis commands given to database
//! clients ([`databases`]), and look at HTTP methods and endpoints
//! ([`http`]). Reading, listing, creating and dry runs pass.

mod clis;
mod databases;
mod http;

use hookwarden_sdk::shell::{Analysis, SimpleCommand};

use super::{Hit, Severity};

/// A kind of outside resource, as the admin configures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    Databases,
    Containers,
    Clusters,
    Iac,
    Cloud,
    Storage,
    Secrets,
    Queues,
    Backups,
    Hosting,
    Http,
}

impl Family {
    pub const ALL: [Family; 11] = [
        Family::Databases,
        Family::Containers,
        Family::Clusters,
        Family::Iac,
        Family::Cloud,
        Family::Storage,
        Family::Secrets,
        Family::Queues,
        Family::Backups,
        Family::Hosting,
        Family::Http,
    ];

    /// The key in `infrastructure = { … }`.
    pub fn key(self) -> &'static str {
        match self {
            Family::Databases => "databases",
            Family::Containers => "containers",
            Family::Clusters => "clusters",
            Family::Iac => "iac",
            Family::Cloud => "cloud",
            Family::Storage => "storage",
            Family::Secrets => "secrets",
            Family::Queues => "queues",
            Family::Backups => "backups",
            Family::Hosting => "hosting",
            Family::Http => "http",
        }
    }

    /// The finding id.
    fn id(self) -> &'static str {
        match self {
            Family::Databases => "destructive.infra.databases",
            Family::Containers => "destructive.infra.containers",
            Family::Clusters => "destructive.infra.clusters",
            Family::Iac => "destructive.infra.iac",
            Family::Cloud => "destructive.infra.cloud",
            Family::Storage => "destructive.infra.storage",
            Family::Secrets => "destructive.infra.secrets",
            Family::Queues => "destructive.infra.queues",
            Family::Backups => "destructive.infra.backups",
            Family::Hosting => "destructive.infra.hosting",
            Family::Http => "destructive.infra.http",
        }
    }
}

/// What the admin chose for one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Allow,
    Ask,
    Deny,
}

impl Choice {
    pub fn parse(s: &str) -> Option<Choice> {
        match s {
            "allow" => Some(Choice::Allow),
            "ask" => Some(Choice::Ask),
            "deny" => Some(Choice::Deny),
            _ => None,
        }
    }
}

/// The infrastructure settings, checked.
pub struct Policy {
    choices: [Choice; Family::ALL.len()],
    protected_resources: Vec<glob::Pattern>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            choices: [Choice::Deny; Family::ALL.len()],
            protected_resources: Vec::new(),
        }
    }
}

impl Policy {
    /// `choices` maps family keys to `deny`/`ask`/`allow`; families not
    /// named keep `deny` (each operation's own severity).
    pub fn new<'a>(
        choices: impl IntoIterator<Item = (&'a str, &'a str)>,
        protected_resources: &[String],
    ) -> Result<Policy, String> {
        let mut policy = Policy::default();
        for (key, value) in choices {
            let Some(i) = Family::ALL.iter().position(|f| f.key() == key) else {
                let known: Vec<_> = Family::ALL.iter().map(|f| f.key()).collect();
                return Err(format!(
                    "`infrastructure`: unknown family `{key}` (families: {})",
                    known.join(", ")
                ));
            };
            policy.choices[i] = Choice::parse(value).ok_or_else(|| {
                format!(
                    "`infrastructure.{key}` must be \"deny\", \"ask\" or \"allow\", not \"{value}\""
                )
            })?;
        }
        policy.protected_resources = protected_resources
            .iter()
            .map(|p| {
                glob::Pattern::new(p)
                    .map_err(|e| format!("`protected_resources`: `{p}` is not a valid glob: {e}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(policy)
    }

    fn choice(&self, family: Family) -> Choice {
        self.choices[family as usize]
    }

    /// The first word of `cmd` naming a protected resource: a whole word, or
    /// a part of it between `/`, `:`, `=`, `@`, `.` and `,` (`s3://prod-x/`,
    /// `--db-instance-identifier=production`).
    fn protected_resource<'c>(&self, cmd: &'c SimpleCommand) -> Option<&'c str> {
        if self.protected_resources.is_empty() {
            return None;
        }
        let matches = |s: &str| self.protected_resources.iter().any(|p| p.matches(s));
        cmd.args.iter().map(|w| w.text.as_str()).find(|text| {
            matches(text)
                || text
                    .split(['/', ':', '=', '@', '.', ','])
                    .filter(|part| !part.is_empty())
                    .any(matches)
        })
    }
}

/// One destructive operation a check recognised.
struct Finding {
    family: Family,
    /// How sure the check is that it destroys something.
    severity: Severity,
    /// What it destroys, e.g. "deletes the S3 bucket and everything in it".
    what: String,
}

/// Check every command of the line.
pub fn check(analysis: &Analysis, policy: &Policy, hits: &mut Vec<Hit>) {
    for (i, cmd) in analysis.commands.iter().enumerate() {
        let mut found = Vec::new();
        clis::check(cmd, &mut found);
        databases::check(cmd, &analysis.commands[..i], &mut found);
        http::check(cmd, &mut found);
        for f in found {
            let protected = policy.protected_resource(cmd);
            let severity = match (protected, policy.choice(f.family)) {
                (Some(_), _) => Some(Severity::Deny),
                (None, Choice::Allow) => None,
                (None, Choice::Ask) => Some(Severity::Ask),
                (None, Choice::Deny) => Some(f.severity),
            };
            let Some(severity) = severity else { continue };
            let mut message = format!("{}, which cannot be undone", f.what);
            if let Some(resource) = protected {
                message.push_str(&format!(" (`{resource}` is a protected resource)"));
            }
            hits.push(Hit::new(cmd, severity, f.family.id(), message));
        }
    }
}

/// The words that name a subcommand: the arguments before the first `--`,
/// leaving out options and the values of the `with_value` options.
fn subcommand_words<'a>(cmd: &'a SimpleCommand, with_value: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut args = cmd.args.iter().map(|w| w.text.as_str());
    while let Some(a) = args.next() {
        if a == "--" {
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            if !a.contains('=') && with_value.contains(&a) {
                args.next();
            }
            continue;
        }
        out.push(a);
    }
    out
}

/// `pattern` occurs in `words` in order, not necessarily adjacent, within
/// the first `window` words. A pattern word ending in `*` matches by prefix.
fn has_path(words: &[&str], pattern: &[&str], window: usize) -> bool {
    let mut want = pattern.iter().peekable();
    for w in words.iter().take(window) {
        let Some(p) = want.peek() else { break };
        let hit = match p.strip_suffix('*') {
            Some(prefix) => w.starts_with(prefix),
            None => w.eq_ignore_ascii_case(p),
        };
        if hit {
            want.next();
        }
    }
    want.peek().is_none()
}

/// The command only shows what it would do, or only prints help.
fn is_dry_run(cmd: &SimpleCommand) -> bool {
    cmd.args.iter().any(|w| {
        let t = w.text.as_str();
        matches!(
            t,
            "--dry-run" | "--dryrun" | "--help" | "--what-if" | "--preview"
        ) || (t.starts_with("--dry-run=") && t != "--dry-run=none")
    })
}

/// Any of `names` (`-r`, `--recursive`) was given; short ones also bundled
/// (`-rf`), long ones also as `--name=value`.
fn has_option(cmd: &SimpleCommand, names: &[&str]) -> bool {
    cmd.args.iter().any(|w| {
        let t = w.text.as_str();
        names.iter().any(|n| {
            if let Some(long) = n.strip_prefix("--") {
                t.strip_prefix("--").is_some_and(|rest| {
                    rest == long || rest.strip_prefix(long).is_some_and(|r| r.starts_with('='))
                })
            } else if let Some(short) = n.strip_prefix('-') {
                // A bundle of short options: `-rf`, not `--x` or a word.
                t.len() > 1
                    && t.starts_with('-')
                    && !t.starts_with("--")
                    && t[1..].chars().all(|c| c.is_ascii_alphanumeric())
                    && t[1..].contains(short)
            } else {
                t == *n
            }
        })
    })
}
