//! # network-egress
//!
//! A hookwarden rule that watches what leaves the machine:
//!
//! - **uploads** of local files — `curl -d @f`, `--data-binary @f`,
//!   `-F x=@f`, `-T f`, `wget --post-file`, `scp f host:`, `rsync f host:`,
//!   `nc host < f`, `cat f | ssh host …`, `git push URL`, `gh gist create f`
//!   — to hosts outside the allowlist are denied (`uploads`);
//! - **secrets** (`.env*`, `id_*` keys, `*.pem`, `~/.aws`, `~/.ssh`,
//!   credentials files, the whole environment, `$…TOKEN` variables sent
//!   off-list) are denied wherever they go, allowed hosts included;
//! - **remote scripts** piped or substituted into an interpreter
//!   (`curl … | sh`, `bash <(curl …)`) are denied;
//! - **shells handed to the network** (`nc -e /bin/sh`, `socat … EXEC:`,
//!   `bash -i >& /dev/tcp/h/p`) are denied;
//! - **connections** (`curl`, `wget`, `httpie`, `nc`, `socat`, `ssh`, `sftp`,
//!   `scp`, `rsync`, `telnet`, `ftp`, `git clone/fetch/pull/push/remote add`)
//!   to hosts outside the allowlist are asked (`unlisted_hosts`); hosts
//!   written as IPs: loopback is fine, private ranges follow
//!   `private_networks`, link-local (cloud metadata) is asked, others follow
//!   `unlisted_hosts`;
//! - **servers** that publish the work tree (`python3 -m http.server`
//!   without `--bind 127.0.0.1`, `php -S 0.0.0.0:…`) are asked;
//! - **web fetches** and **MCP calls** whose arguments carry a URL to a host
//!   outside the allowlist are asked (`web_fetch`, `mcp_urls`).
//!
//! Remote names (`git push origin feature`) are not hosts and pass. A
//! command the shell analyser cannot read passes unless a URL to a host
//! outside the allowlist appears in the unreadable text (then: ask);
//! `destructive-commands` already asks for every unreadable command.
//!
//! Configuration (`[hookwarden.rules.config]`):
//!
//! ```toml
//! allowed_domains = ["github.com", "*.github.com", "crates.io"]  # replaces the defaults
//! extra_allowed_domains = ["*.corp.example"]    # added to them
//! unlisted_hosts = "ask"        # ask | deny
//! private_networks = "ask"      # allow | ask | deny
//! uploads = "deny"              # ask | deny (secrets are always denied)
//! web_fetch = "ask"             # allow | ask | deny
//! mcp_urls = "ask"              # allow | ask | deny
//! local_servers = "ask"         # allow | ask | deny
//! secret_files = ["*.sqlite"]   # extra globs, matched on path and file name
//! ```
//!
//! Patterns: `example.com` matches only that host; `*.example.com` matches
//! its subdomains (not `example.com` itself). The defaults, [`DEFAULT_DOMAINS`],
//! cover the big code hosts, the package registries and language docs.

mod checks;
mod hosts;
mod secrets;

use checks::{Hit, Severity, describe_via};
use hookwarden_sdk::ShellCommand;
use hookwarden_sdk::{
    Action, ActionKind, Config, Event, HookEvent, Metadata, Rule, ShellDialect, Verdict,
    export_rule,
};
use hosts::{Allowlist, Class, urls_in_text};
use serde::Deserialize;

/// The allowlist when the admin sets none: code hosts, package registries,
/// toolchain downloads and language documentation.
pub const DEFAULT_DOMAINS: &[&str] = &[
    // Code hosts.
    "github.com",
    "*.github.com",
    "githubusercontent.com",
    "*.githubusercontent.com",
    "ghcr.io",
    "gitlab.com",
    "*.gitlab.com",
    "bitbucket.org",
    "*.bitbucket.org",
    "codeberg.org",
    "sr.ht",
    "*.sr.ht",
    // Rust.
    "crates.io",
    "*.crates.io",
    "rust-lang.org",
    "*.rust-lang.org",
    "docs.rs",
    // JavaScript.
    "npmjs.org",
    "*.npmjs.org",
    "npmjs.com",
    "*.npmjs.com",
    "yarnpkg.com",
    "*.yarnpkg.com",
    "nodejs.org",
    "*.nodejs.org",
    "jsr.io",
    "deno.land",
    "*.deno.land",
    // Python.
    "pypi.org",
    "*.pypi.org",
    "pythonhosted.org",
    "*.pythonhosted.org",
    "python.org",
    "*.python.org",
    // Go.
    "golang.org",
    "*.golang.org",
    "go.dev",
    "*.go.dev",
    // Ruby, PHP, JVM, .NET.
    "rubygems.org",
    "*.rubygems.org",
    "packagist.org",
    "*.packagist.org",
    "repo.maven.apache.org",
    "repo1.maven.org",
    "*.maven.org",
    "plugins.gradle.org",
    "services.gradle.org",
    "nuget.org",
    "*.nuget.org",
    // Containers and distributions.
    "docker.io",
    "*.docker.io",
    "docker.com",
    "*.docker.com",
    "deb.debian.org",
    "security.debian.org",
    "archive.ubuntu.com",
    "security.ubuntu.com",
    "dl-cdn.alpinelinux.org",
    // Documentation.
    "developer.mozilla.org",
    "stackoverflow.com",
];

/// `[hookwarden.rules.config]` of this rule.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Settings {
    /// `None`: [`DEFAULT_DOMAINS`].
    allowed_domains: Option<Vec<String>>,
    extra_allowed_domains: Vec<String>,
    unlisted_hosts: String,
    private_networks: String,
    uploads: String,
    web_fetch: String,
    mcp_urls: String,
    local_servers: String,
    secret_files: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            allowed_domains: None,
            extra_allowed_domains: Vec::new(),
            unlisted_hosts: "ask".into(),
            private_networks: "ask".into(),
            uploads: "deny".into(),
            web_fetch: "ask".into(),
            mcp_urls: "ask".into(),
            local_servers: "ask".into(),
            secret_files: Vec::new(),
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

impl Answer {
    fn parse(key: &str, value: &str, allowed: &[Answer]) -> Result<Answer, String> {
        let answer = match value {
            "allow" => Answer::Allow,
            "ask" => Answer::Ask,
            "deny" => Answer::Deny,
            _ => Answer::Allow,
        };
        if !allowed.contains(&answer) || !matches!(value, "allow" | "ask" | "deny") {
            let names: Vec<String> = allowed
                .iter()
                .map(|a| format!("\"{}\"", format!("{a:?}").to_lowercase()))
                .collect();
            return Err(format!(
                "`{key}` must be {}, not \"{value}\"",
                names.join(" or ")
            ));
        }
        Ok(answer)
    }
}

/// Settings checked and compiled.
pub struct Policy {
    pub allowlist: Allowlist,
    pub unlisted_hosts: Answer,
    pub private_networks: Answer,
    pub uploads: Answer,
    pub web_fetch: Answer,
    pub mcp_urls: Answer,
    pub local_servers: Answer,
    pub secret_files: Vec<glob::Pattern>,
}

impl Policy {
    fn from_config(config: &Config) -> Result<Policy, String> {
        // Each key on its own first, so a wrong type names its key; then
        // the whole table, so an unknown key is an error.
        for key in ["allowed_domains", "extra_allowed_domains", "secret_files"] {
            config.get::<Vec<String>>(key)?;
        }
        for key in [
            "unlisted_hosts",
            "private_networks",
            "uploads",
            "web_fetch",
            "mcp_urls",
            "local_servers",
        ] {
            config.get::<String>(key)?;
        }
        let s: Settings = config.deserialize()?;
        let all = [Answer::Allow, Answer::Ask, Answer::Deny];
        let strict = [Answer::Ask, Answer::Deny];
        let allowlist = Allowlist::new(
            s.allowed_domains.is_none(),
            s.allowed_domains
                .iter()
                .flatten()
                .map(|d| ("allowed_domains", d.as_str()))
                .chain(
                    s.extra_allowed_domains
                        .iter()
                        .map(|d| ("extra_allowed_domains", d.as_str())),
                ),
        )?;
        let secret_files = s
            .secret_files
            .iter()
            .map(|p| {
                glob::Pattern::new(p)
                    .map_err(|e| format!("`secret_files`: `{p}` is not a valid glob: {e}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Policy {
            allowlist,
            unlisted_hosts: Answer::parse("unlisted_hosts", &s.unlisted_hosts, &strict)?,
            private_networks: Answer::parse("private_networks", &s.private_networks, &all)?,
            uploads: Answer::parse("uploads", &s.uploads, &strict)?,
            web_fetch: Answer::parse("web_fetch", &s.web_fetch, &all)?,
            mcp_urls: Answer::parse("mcp_urls", &s.mcp_urls, &all)?,
            local_servers: Answer::parse("local_servers", &s.local_servers, &all)?,
            secret_files,
        })
    }

    /// A destination of this class needs no question.
    pub fn is_fine(&self, class: Class) -> bool {
        match class {
            Class::Loopback | Class::Allowed => true,
            Class::Private => self.private_networks == Answer::Allow,
            _ => false,
        }
    }
}

pub struct NetworkEgress;

impl Rule for NetworkEgress {
    fn metadata() -> Metadata {
        Metadata::new(
            "network-egress",
            env!("CARGO_PKG_VERSION"),
            "Watches what leaves the machine: denies uploads of local files to hosts outside \
             a domain allowlist, secrets sent anywhere, remote scripts piped into interpreters \
             and shells handed to the network; asks before connections, web fetches and MCP \
             calls to hosts outside the allowlist.",
        )
        .events([HookEvent::PreToolUse, HookEvent::PermissionRequest])
        .actions([ActionKind::Shell, ActionKind::WebFetch, ActionKind::McpCall])
    }

    fn evaluate(event: &Event, config: &Config) -> Result<Verdict, String> {
        let policy = Policy::from_config(config)?;
        let mut hits = Vec::new();
        match &event.action {
            Action::Shell(shell) => {
                if shell.dialect == ShellDialect::Powershell {
                    unreadable_urls(
                        &shell.command,
                        "is PowerShell, which this rule cannot read",
                        &policy,
                        &mut hits,
                    );
                } else {
                    judge_shell(shell, &policy, &mut hits);
                }
            }
            Action::WebFetch(fetch) => checks::tools::web_fetch(fetch, &policy, &mut hits),
            Action::McpCall(call) => checks::tools::mcp_call(call, &policy, &mut hits),
            _ => {}
        }
        hits.sort_by_key(|h| std::cmp::Reverse(h.severity));
        Ok(verdict(hits))
    }
}

export_rule!(NetworkEgress);

fn judge_shell(shell: &ShellCommand, policy: &Policy, hits: &mut Vec<Hit>) {
    let (command, analysis) = (&shell.command, &shell.analysis);
    checks::remote_script(analysis, hits);
    checks::connect::check(analysis, policy, hits);
    for cmd in &analysis.commands {
        checks::serve::check(cmd, policy, hits);
    }
    for opaque in &analysis.opaque {
        let text = if opaque.snippet.ends_with('…') {
            command
        } else {
            &opaque.snippet
        };
        unreadable_urls(
            text,
            &format!("cannot be read ({})", opaque.reason),
            policy,
            hits,
        );
    }
}

/// Text the rule cannot analyse passes unless it holds a URL to a host
/// outside the allowlist.
fn unreadable_urls(text: &str, why: &str, policy: &Policy, hits: &mut Vec<Hit>) {
    let outside: Vec<String> = urls_in_text(text)
        .into_iter()
        .filter(|(_, d)| !policy.is_fine(policy.allowlist.classify(d)))
        .map(|(_, d)| d.describe())
        .collect();
    if outside.is_empty() {
        return;
    }
    hits.push(Hit {
        severity: Severity::Ask,
        id: "network-egress.unreadable",
        message: format!(
            "{why} and names {}, which is not on the domain allowlist",
            outside.join(", ")
        ),
        subject: text.chars().take(160).collect(),
        via: Vec::new(),
    });
}

/// The strongest hit decides and gives the reason; every hit is a finding.
fn verdict(hits: Vec<Hit>) -> Verdict {
    let Some(first) = hits.first() else {
        return Verdict::allow();
    };
    let mut reason = format!(
        "`{}`{} {}",
        first.subject,
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
            "hookwarden blocked this as data leaving the machine. Do not retry it or work around \
             the block; if it is really needed, ask the user to run it themselves.",
        ),
        Severity::Ask => Verdict::ask(reason),
    };
    for h in &hits {
        v = v.with_finding(
            h.id,
            format!("`{}`{} {}", h.subject, describe_via(&h.via), h.message),
        );
    }
    v
}

#[cfg(test)]
mod tests;
