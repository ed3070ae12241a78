//! # package-guard
//!
//! A hookwarden rule that asks before the agent brings new code into the
//! project:
//!
//! - **new packages**: `npm|pnpm|yarn|bun add/install X`, `npx X`,
//!   `pip|pip3|python -m pip|uv pip install X`, `uv add`, `poetry add`,
//!   `pipx install|run`, `uvx`, `cargo add|install X`, `go get|install X@v`,
//!   `gem install`, `bundle add`, `composer require` of packages that the
//!   project's manifest or lockfile does not already declare (asked, or
//!   denied with `new_packages = "deny"`), with a hint when the name is one
//!   letter away from a popular package (typosquatting);
//! - **no manifest**: the manifests arrive as files the admin granted the
//!   rule (`package.json`, `package-lock.json`, `yarn.lock`,
//!   `pnpm-lock.yaml`, `Cargo.toml`, `Cargo.lock`, `requirements*.txt`,
//!   `pyproject.toml`, `poetry.lock`, `uv.lock`, `Pipfile(.lock)`, `go.mod`,
//!   `go.sum`, `Gemfile(.lock)`, `composer.json/lock`); when none of an
//!   ecosystem's was granted, installs are asked with that reason
//!   (`no_manifest = "allow"` turns this off);
//! - **unchecked sources**: installs from URLs, git, tarballs or paths
//!   outside the workspace, other indexes (`--index-url`, `--registry`,
//!   `npm config set registry`), extra indexes (`--extra-index-url`:
//!   dependency confusion), and TLS or integrity checks turned off
//!   (`--trusted-host`, `strict-ssl false`, `NODE_TLS_REJECT_UNAUTHORIZED=0`,
//!   `GOSUMDB=off`, `GOINSECURE`) are asked (`unsafe_sources`).
//!
//! Installing what the manifest already pins passes: `npm install`,
//! `npm ci`, `yarn`, `cargo build`, `pip install -r requirements.txt`,
//! `pip install -e .`, `go mod download`. So do package-manager self
//! updates listed in `allowed_packages`.
//!
//! Configuration (`[hookwarden.rules.config]`):
//!
//! ```toml
//! new_packages = "ask"      # ask | deny
//! no_manifest = "ask"       # allow | ask | deny
//! unsafe_sources = "ask"    # ask | deny
//! allowed_packages = ["pip", "setuptools", "wheel", "npm", "pnpm", "yarn", "corepack", "bundler"]
//! ```

mod checks;
mod manifests;
mod typosquat;

use checks::{Hit, Severity, describe_via};
use hookwarden_sdk::{
    Action, ActionKind, Config, Event, HookEvent, Metadata, Rule, ShellDialect, Verdict,
    export_rule,
};
use manifests::Declared;
use serde::Deserialize;

/// `[hookwarden.rules.config]` of this rule.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Settings {
    new_packages: String,
    no_manifest: String,
    unsafe_sources: String,
    allowed_packages: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            new_packages: "ask".into(),
            no_manifest: "ask".into(),
            unsafe_sources: "ask".into(),
            allowed_packages: [
                "pip",
                "setuptools",
                "wheel",
                "npm",
                "pnpm",
                "yarn",
                "corepack",
                "bundler",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// An admin's answer for a kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Allow,
    Ask,
    Deny,
}

fn answer(key: &str, value: &str, allow_ok: bool) -> Result<Answer, String> {
    match value {
        "allow" if allow_ok => Ok(Answer::Allow),
        "ask" => Ok(Answer::Ask),
        "deny" => Ok(Answer::Deny),
        other => Err(format!(
            "`{key}` must be {}\"ask\" or \"deny\", not \"{other}\"",
            if allow_ok { "\"allow\", " } else { "" }
        )),
    }
}

/// Settings checked.
pub struct Policy {
    pub new_packages: Answer,
    pub no_manifest: Answer,
    pub unsafe_sources: Severity,
    pub allowed_packages: Vec<String>,
}

impl Policy {
    fn from_config(config: &Config) -> Result<Policy, String> {
        // Each key on its own first, so a wrong type names its key; then
        // the whole table, so an unknown key is an error.
        config.get::<String>("new_packages")?;
        config.get::<String>("no_manifest")?;
        config.get::<String>("unsafe_sources")?;
        config.get::<Vec<String>>("allowed_packages")?;
        let s: Settings = config.deserialize()?;
        Ok(Policy {
            new_packages: answer("new_packages", &s.new_packages, false)?,
            no_manifest: answer("no_manifest", &s.no_manifest, true)?,
            unsafe_sources: match answer("unsafe_sources", &s.unsafe_sources, false)? {
                Answer::Deny => Severity::Deny,
                _ => Severity::Ask,
            },
            allowed_packages: s.allowed_packages,
        })
    }
}

pub struct PackageGuard;

impl Rule for PackageGuard {
    fn metadata() -> Metadata {
        Metadata::new(
            "package-guard",
            env!("CARGO_PKG_VERSION"),
            "Asks before installing packages the project's manifest or lockfile does not \
             declare (with typosquat hints), and before installs from URLs, git, paths outside \
             the workspace, other or extra indexes, or with TLS checks off.",
        )
        .events([HookEvent::PreToolUse, HookEvent::PermissionRequest])
        .actions([ActionKind::Shell])
    }

    fn evaluate(event: &Event, config: &Config) -> Result<Verdict, String> {
        let policy = Policy::from_config(config)?;
        let Action::Shell(shell) = &event.action else {
            return Ok(Verdict::allow());
        };
        if shell.dialect == ShellDialect::Powershell {
            // Not readable here; destructive-commands asks for it.
            return Ok(Verdict::allow());
        }
        let workspace = shell
            .workdir
            .as_deref()
            .filter(|w| w.starts_with('/'))
            .unwrap_or(&event.cwd);
        let declared = Declared::from_event(event);
        let analysis = &shell.analysis;
        let mut hits = Vec::new();
        for cmd in &analysis.commands {
            let Some(inst) = checks::install::read(cmd) else {
                continue;
            };
            checks::sources::check(cmd, &inst, workspace, policy.unsafe_sources, &mut hits);
            checks::packages::check(cmd, &inst, &declared, &policy, &mut hits);
        }
        hits.sort_by_key(|h| std::cmp::Reverse(h.severity));
        let mut v = verdict(hits);
        for (path, err) in &declared.unreadable {
            v = v.with_finding(
                "package-guard.unreadable-manifest",
                format!("the granted {path} does not parse: {err}"),
            );
        }
        Ok(v)
    }
}

export_rule!(PackageGuard);

/// The strongest hit decides and gives the reason; every hit is a finding.
fn verdict(hits: Vec<Hit>) -> Verdict {
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
            "hookwarden blocked this install. Do not retry it or work around the block; if the \
             package is really needed, ask the user to add it.",
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
