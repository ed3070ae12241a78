//! # protected-paths
//!
//! A hookwarden rule that stops an agent from writing, deleting, moving,
//! re-permissioning or re-linking protected paths by any route, and asks
//! before it reads secrets:
//!
//! - **secrets**: `.env`, `.env.*` (not `.env.example`, `.sample`,
//!   `.template`, `.dist`, `.defaults`);
//! - **credentials**: `~/.ssh`, `~/.aws`, `~/.gnupg`, `~/.kube/config`,
//!   `~/.docker/config.json`, `~/.config/gh/hosts.yml`, gcloud, Azure,
//!   cargo and agent login files, `.npmrc`, `.pypirc`, `.netrc`,
//!   `.git-credentials`, private keys named `id_rsa`…;
//! - **git-internals**: `.git/**`, hooks included (not `.git/info/exclude`);
//!   `git config` of keys that run code (`alias.*`, `core.fsmonitor`…) is asked;
//! - **ci**: `.github/workflows`, `.github/actions`, `.gitlab-ci.yml`,
//!   `.circleci`, `Jenkinsfile`, `.buildkite`, Azure, Bitbucket, Travis;
//! - **agent-config**: `.codex`, `.claude`, `.gemini`, `.cursor` (in the
//!   project and in the home: settings, hooks, skills, plugins, rules),
//!   `~/.agents` and `.agents/skills`, `~/.copilot`, `AGENTS.md`,
//!   `CLAUDE.md`, `GEMINI.md`, Copilot's instructions, prompts, agents,
//!   skills and hooks under `.github/`, Windsurf, Cline, Continue, Roo, Kiro
//!   and opencode rules and configuration, `.mcp.json`, `.vscode/mcp.json`,
//!   `hooks.json`, `requirements.toml`, managed settings, `/etc/codex`,
//!   `/etc/claude-code`; skills cloned in (`git clone URL ~/.claude/skills/x`,
//!   or `git clone URL` run inside a skills directory) included;
//! - **shell-startup**: what every new shell runs — `~/.bashrc`,
//!   `~/.bash_profile`, `~/.bash_login`, `~/.profile`, `~/.bash_logout`,
//!   `~/.bash_aliases`, zsh's `~/.zshrc`, `~/.zshenv`, `~/.zprofile`,
//!   `~/.zlogin`, `~/.zlogout`, `~/.config/zsh`, oh-my-zsh's `custom/`, ksh
//!   and csh files, all of `~/.config/fish` (config, `conf.d`, functions,
//!   completions, universal variables), nushell and PowerShell profiles,
//!   `~/.inputrc` (a readline macro can type a command), the session
//!   environment (`~/.config/environment.d`, `~/.pam_environment`), and the
//!   system's `/etc/profile`, `/etc/profile.d`, `/etc/bash.bashrc`,
//!   `/etc/zsh`, `/etc/fish`, `/etc/environment`, `/etc/paths`… Reading
//!   them stays allowed;
//! - **path-hijack**: a program named like a common tool (`git`, `node`,
//!   `python3`, `sudo`, `ssh`, `curl`, `claude`…: `COMMON_TOOLS` in
//!   `guards.rs`) written, copied, moved, installed, linked, downloaded,
//!   unpacked or `chmod +x`-ed into a directory on PATH (`~/.local/bin`,
//!   `~/bin`, `/usr/local/bin`, `/usr/bin`, `~/.cargo/bin`, `~/go/bin`,
//!   `/opt/homebrew/bin`, version managers' shims…: `PATH_DIRS` there) or
//!   into one the same command line puts first on PATH (`export
//!   PATH=$PWD/bin:$PATH`; not `node_modules/.bin`); an archive unpacked
//!   into a PATH directory is asked. A link or copy of a system program under
//!   its own family's name (`ln -s /usr/bin/python3 ~/.local/bin/python`) is
//!   an alias, not a hijack. Also a start-up file line that puts a relative
//!   directory, `$PWD`, a scratch directory or the workspace first on PATH
//!   (`PATH=…`, `fish_add_path`, `set -gx PATH`, zsh's `path=(…)`): judged
//!   even when `shell-startup` is allowed; the same put in fish's universal
//!   `fish_user_paths` (`fish_add_path DIR`, `set -U`), which persists it. Package managers installing
//!   tools (`cargo install`, `pip install --user`, `npm i -g`) are not
//!   this rule's business;
//! - **git-hooks**: what git runs on commit through hook managers —
//!   `.husky/**` (its `_/` shims too), lefthook's configuration and
//!   scripts, `.pre-commit-config.yaml`, `.overcommit.yml`, `.githooks/**`,
//!   simple-git-hooks' configuration — and where git finds hooks: setting
//!   (or unsetting) `core.hooksPath` or `init.templateDir` in any scope or
//!   into a clone (`git clone -c`), `git clone`/`git init --template`. A
//!   one-shot `git -c core.hooksPath=…` (also `GIT_CONFIG_KEY_<n>`) is
//!   asked: it runs, or skips, hooks for that command only;
//! - **hookwarden**: hookwarden's own files, so that one allowed command
//!   cannot switch it off — its artifact stores (compiled rules load as
//!   native code), its server's socket directory (a listener there answers
//!   the hook calls), its configuration, state and logs, its binaries.
//!
//! The relative patterns (`.env`, `.git/**`…) skip temporary directories,
//! which hold scratch copies, except inside the workspace (the event's
//! cwd): a workspace in `/tmp` is guarded like any other.
//!
//! Routes: the file tools (write, edit, every file of a patch, both ends of
//! a move), other tools that read or write a `file_path`, and shell commands
//! read with a real bash parser ([`hookwarden_sdk::shell`]): redirections,
//! `tee`, `cp`, `mv`, `install`, `rsync`, `scp`, `ln` (the link, and a link
//! pointing at a protected target), `dd of=`, `sed -i`, `perl -i`, `rm`,
//! `find -delete`, `truncate`, `touch`, `chmod`/`chown`, editors,
//! `curl -o`, `wget -O`, archives unpacked into a protected directory,
//! `git rm`/`mv`, `git clone`/`git submodule add` (the directory it
//! creates), `git config`, a Unix socket bound there (`socat
//! UNIX-LISTEN:`, `nc -lU`, an inline script that binds one); reads with `cat`, `less`, `base64`,
//! `grep`, `cp` from a secret, `curl -d @.env`… Paths resolve against the
//! working directory and follow `cd`; `~` and `$HOME` are the home. Host facts
//! ([`hookwarden_sdk::PathFact`]) add where a symlink really lands.
//!
//! What the rule cannot read (an opaque command, PowerShell, a
//! `python -c` script) is allowed unless it names a protected path, which is
//! asked: destructive-commands already asks for opaque commands.
//!
//! Configuration (`[hookwarden.rules.config]`):
//!
//! ```toml
//! extra = ["deploy/prod/**", "/srv/keys/**"]   # more protected paths (category `custom`)
//! extra_secrets = ["config/master.key"]        # more secrets: writes denied, reads asked
//! allow = [".claude/commands/**"]              # never flagged
//! write = "deny"                               # or "ask": every category's default
//! read_secrets = "ask"                         # or "deny", "allow"
//! categories = { ci = "ask", agent-config = "ask" }   # per category: deny | ask | allow
//! ```
//!
//! Categories: `secrets`, `credentials`, `git-internals`, `ci`,
//! `agent-config`, `shell-startup`, `path-hijack`, `git-hooks`,
//! `hookwarden`, `custom`. For example:
//!
//! ```toml
//! # The team's agents keep AGENTS.md and the Copilot prompts current.
//! allow = ["AGENTS.md", ".github/prompts/**"]
//! # Dotfiles managed by the agent: start-up files writable (a line putting
//! # ./bin or /tmp first on PATH is still denied, as `path-hijack`); tools
//! # installed by hand into /usr/local/bin and edits of .husky or
//! # lefthook.yml asked.
//! categories = { shell-startup = "allow", path-hijack = "ask", git-hooks = "ask" }
//! ```
//!
//! An `allow` entry covers every category for that path (a start-up file
//! allowed by name is not looked into for PATH lines either).

mod checks;
mod guards;
mod hijack;
mod judge;
mod shell;
mod tools;

use std::collections::BTreeMap;

use guards::{Category, Guards, PathPattern};
use hookwarden_sdk::{
    Action, ActionKind, Config, Event, Fact, HookEvent, Metadata, Rule, Verdict, export_rule,
};
use judge::{Hit, Scope, Severity};
use serde::Deserialize;

/// `[hookwarden.rules.config]` of this rule.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct Settings {
    /// More protected paths (globs; `/…`, `~/…` or relative), category `custom`.
    extra: Vec<String>,
    /// More secret files: protected like `extra`, and reading them is flagged.
    extra_secrets: Vec<String>,
    /// Paths never flagged, even if a protected pattern matches.
    allow: Vec<String>,
    /// The decision for a write to a protected path: `deny` (default) or `ask`.
    write: Option<String>,
    /// The decision for a read of a secret: `ask` (default), `deny` or `allow`.
    read_secrets: Option<String>,
    /// Per-category write decision: `deny`, `ask` or `allow` (off).
    categories: BTreeMap<String, String>,
}

/// Settings checked and compiled.
pub struct Policy {
    /// Compiled on first use: most commands touch no path at all, and the
    /// defaults are well over a hundred globs to compile.
    guards: std::cell::OnceCell<Guards>,
    extra: Vec<PathPattern>,
    extra_secrets: Vec<PathPattern>,
    allow: Vec<PathPattern>,
    write: BTreeMap<Category, Option<Severity>>,
    read_secrets: Option<Severity>,
}

fn decision(key: &str, value: &str, allowed: &[&str]) -> Result<Option<Severity>, String> {
    if !allowed.contains(&value) {
        let list = allowed
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(format!("`{key}` must be one of {list}, not \"{value}\""));
    }
    Ok(match value {
        "deny" => Some(Severity::Deny),
        "ask" => Some(Severity::Ask),
        _ => None,
    })
}

impl Policy {
    fn from_config(config: &Config) -> Result<Policy, String> {
        let s: Settings = config.deserialize()?;
        let patterns = |key: &str, list: &[String]| {
            list.iter()
                .map(|p| PathPattern::new(p).map_err(|e| format!("`{key}`: {e}")))
                .collect::<Result<Vec<_>, _>>()
        };
        let extra = patterns("extra", &s.extra)?;
        let extra_secrets = patterns("extra_secrets", &s.extra_secrets)?;
        let allow = patterns("allow", &s.allow)?;
        let default_write = decision(
            "write",
            s.write.as_deref().unwrap_or("deny"),
            &["deny", "ask"],
        )?;
        let mut write: BTreeMap<Category, Option<Severity>> =
            Category::ALL.iter().map(|c| (*c, default_write)).collect();
        for (name, value) in &s.categories {
            let category = Category::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
                format!(
                    "`categories.{name}`: unknown category (known: {})",
                    known.join(", ")
                )
            })?;
            write.insert(
                category,
                decision(
                    &format!("categories.{name}"),
                    value,
                    &["deny", "ask", "allow"],
                )?,
            );
        }
        Ok(Policy {
            guards: std::cell::OnceCell::new(),
            extra,
            extra_secrets,
            allow,
            write,
            read_secrets: decision(
                "read_secrets",
                s.read_secrets.as_deref().unwrap_or("ask"),
                &["ask", "deny", "allow"],
            )?,
        })
    }

    /// Every protected pattern, compiled when first needed.
    fn guards(&self) -> &Guards {
        self.guards
            .get_or_init(|| Guards::new(&self.extra, &self.extra_secrets, self.allow.clone()))
    }

    /// The decision for a write into `category`; `None` when allowed.
    fn write_severity(&self, category: Category) -> Option<Severity> {
        self.write.get(&category).copied().flatten()
    }
}

pub struct ProtectedPaths;

impl Rule for ProtectedPaths {
    fn metadata() -> Metadata {
        Metadata::new(
            "protected-paths",
            env!("CARGO_PKG_VERSION"),
            "Stops writes, deletes, moves, chmods and symlinks onto protected paths — .env \
             secrets, credential stores, .git internals and hooks, CI definitions, agents' own \
             configuration, skills and instructions, shell start-up files, git hook managers, \
             programs on PATH named like common tools — by file tools or any shell route, and \
             asks before secrets are read.",
        )
        .events([HookEvent::PreToolUse, HookEvent::PermissionRequest])
        .actions([
            ActionKind::Shell,
            ActionKind::FileWrite,
            ActionKind::FileEdit,
            ActionKind::Patch,
            ActionKind::OtherTool,
        ])
    }

    fn evaluate(event: &Event, config: &Config) -> Result<Verdict, String> {
        let policy = Policy::from_config(config)?;
        let event_cwd =
            Some(event.cwd.as_str()).filter(|c| c.starts_with('/') || c.starts_with('~'));
        let scope = Scope {
            policy: &policy,
            facts: event
                .facts
                .iter()
                .filter_map(|f| match f {
                    Fact::Path(p) => Some(p),
                    Fact::File(_) => None,
                })
                .collect(),
            event_cwd,
            workspace: event_cwd.map(hookwarden_sdk::paths::normalize),
            path_dirs: Default::default(),
        };
        let hits = match &event.action {
            Action::Shell(cmd) => shell::judge(cmd, &scope),
            Action::FileWrite(_) | Action::FileEdit(_) | Action::Patch(_) => {
                tools::file_tool(event, &scope)
            }
            Action::OtherTool(name) => tools::other_tool(name, event, &scope),
            _ => Vec::new(),
        };
        Ok(verdict(hits))
    }
}

export_rule!(ProtectedPaths);

/// `via` as shown in a reason: ` (through sudo, bash -c)`.
fn describe_via(via: &[String]) -> String {
    if via.is_empty() {
        String::new()
    } else {
        format!(" (through {})", via.join(", "))
    }
}

/// The verdict for the hits: the strongest decides, the first of those
/// gives the reason, every distinct hit is a finding.
fn verdict(mut hits: Vec<Hit>) -> Verdict {
    let mut seen = std::collections::BTreeSet::new();
    hits.retain(|h| seen.insert((h.id, h.message.clone(), h.command.clone())));
    hits.sort_by_key(|h| std::cmp::Reverse(h.severity));
    let Some(first) = hits.first() else {
        return Verdict::allow();
    };
    let mut reason = format!(
        "`{}`{} {}",
        first.command,
        describe_via(&first.via),
        first.message
    );
    let more = hits.iter().filter(|h| h.severity == first.severity).count() - 1;
    if more > 0 {
        reason.push_str(&format!(
            " (and {more} more finding{})",
            if more == 1 { "" } else { "s" }
        ));
    }
    let mut v = match first.severity {
        Severity::Deny => Verdict::deny(reason).with_context(
            "hookwarden blocked this because it changes a protected path. Do not retry it or \
             reach the same file another way (another command, tool, copy or symlink); if the \
             change is really needed, ask the user to make it themselves.",
        ),
        Severity::Ask => Verdict::ask(reason),
    };
    for h in &hits {
        v = v.with_finding(
            h.id,
            format!("`{}`{} {}", h.command, describe_via(&h.via), h.message),
        );
    }
    v
}

#[cfg(test)]
mod tests;
