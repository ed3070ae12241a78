//! The admin's MCP allowlist, as the host hands it over.

use std::collections::BTreeMap;

use hookwarden_sdk::{Config, McpCall, McpOrigin};
use serde::Deserialize;

/// A decision, ordered by strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Allow,
    Ask,
    Deny,
}

impl Level {
    pub fn decision(self) -> hookwarden_sdk::Decision {
        match self {
            Level::Allow => hookwarden_sdk::Decision::Allow,
            Level::Ask => hookwarden_sdk::Decision::Ask,
            Level::Deny => hookwarden_sdk::Decision::Deny,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct Settings {
    unlisted: Option<Level>,
    lookalike: Option<Level>,
    secrets: Option<Level>,
    servers: BTreeMap<String, ServerSettings>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ServerSettings {
    tools: BTreeMap<String, Level>,
    other_tools: Option<Level>,
    command: Option<String>,
    url: Option<String>,
    source: Option<String>,
    /// Where the host found the entry (for messages).
    listed_in: Option<String>,
}

/// The configuration, checked.
pub struct Policy {
    pub unlisted: Level,
    pub lookalike: Level,
    pub secrets: Level,
    pub servers: BTreeMap<String, Server>,
}

/// One listed server.
pub struct Server {
    /// `(glob as written, compiled)`, most specific first.
    tools: Vec<(String, glob::Pattern, Level)>,
    other_tools: Level,
    command: Option<String>,
    url: Option<String>,
    source: Option<String>,
}

impl Policy {
    pub fn from_config(config: &Config) -> Result<Policy, String> {
        let s: Settings = config.deserialize()?;
        let mut servers = BTreeMap::new();
        for (name, entry) in s.servers {
            let mut tools = Vec::new();
            for (pattern, level) in entry.tools {
                let compiled = glob::Pattern::new(&pattern).map_err(|e| {
                    format!("servers.{name}.tools: `{pattern}` is not a valid glob: {e}")
                })?;
                tools.push((pattern, compiled, level));
            }
            // Most specific first: an exact name, then longer globs; on a
            // tie, the stronger decision.
            tools.sort_by(|a, b| {
                let exact = |p: &str| !p.contains(['*', '?', '[']);
                exact(&b.0)
                    .cmp(&exact(&a.0))
                    .then(b.0.len().cmp(&a.0.len()))
                    .then(b.2.cmp(&a.2))
            });
            let _ = entry.listed_in;
            servers.insert(
                name,
                Server {
                    tools,
                    other_tools: entry.other_tools.unwrap_or(Level::Allow),
                    command: entry.command.filter(|c| !c.trim().is_empty()),
                    url: entry.url.filter(|u| !u.trim().is_empty()),
                    source: entry.source.filter(|s| !s.trim().is_empty()),
                },
            );
        }
        Ok(Policy {
            unlisted: s.unlisted.unwrap_or(Level::Ask),
            lookalike: s.lookalike.unwrap_or(Level::Deny),
            secrets: s.secrets.unwrap_or(Level::Deny),
            servers,
        })
    }

    /// The listed server this call goes to: by name, or — where the agent
    /// names the server only by where it runs (Cursor: no name, or the URL
    /// or command as the name) — by a pinned URL or command equal to it.
    pub fn find(&self, call: &McpCall) -> Option<(&str, &Server)> {
        if let Some((name, server)) = self.servers.get_key_value(&call.server) {
            return Some((name, server));
        }
        let origin = call.origin.as_ref()?;
        let named_by_origin = call.server.is_empty()
            || origin.url.as_deref() == Some(call.server.as_str())
            || origin.command.as_deref() == Some(call.server.as_str());
        if !named_by_origin {
            return None;
        }
        self.servers
            .iter()
            .find(|(_, s)| s.runs_at(origin))
            .map(|(n, s)| (n.as_str(), s))
    }
}

impl Server {
    /// The decision for `tool` and the glob that gave it (`None`:
    /// `other_tools`).
    pub fn tool_level(&self, tool: &str) -> (Level, Option<&str>) {
        self.tools
            .iter()
            .find(|(_, p, _)| p.matches(tool))
            .map_or((self.other_tools, None), |(raw, _, level)| {
                (*level, Some(raw.as_str()))
            })
    }

    /// The origin shows this server's pinned URL or command (a pin the
    /// origin says nothing about does not count).
    fn runs_at(&self, origin: &McpOrigin) -> bool {
        let url = matches!((&self.url, &origin.url), (Some(pin), Some(url)) if same_url(url, pin));
        let command = matches!(
            (&self.command, &origin.command),
            (Some(pin), Some(command)) if same_command(command, pin)
        );
        url || command
    }

    /// Why the payload's origin is not the pinned one, if it is not. A
    /// payload that says nothing about the origin cannot be checked.
    pub fn origin_mismatch(&self, origin: Option<&McpOrigin>) -> Option<String> {
        let origin = origin?;
        if let Some(pin) = &self.url {
            match (&origin.url, &origin.command) {
                (Some(url), _) if same_url(url, pin) => {}
                (Some(url), _) => {
                    return Some(format!(
                        "is pinned to `{pin}` but this call's server is at `{url}`"
                    ));
                }
                (None, Some(command)) => {
                    return Some(format!(
                        "is pinned to the remote `{pin}` but this call's server runs `{command}`"
                    ));
                }
                (None, None) => {}
            }
        }
        if let Some(pin) = &self.command {
            match (&origin.command, &origin.url) {
                (Some(command), _) if same_command(command, pin) => {}
                (Some(command), _) => {
                    return Some(format!(
                        "is pinned to run `{pin}` but this call's server runs `{command}`"
                    ));
                }
                (None, Some(url)) => {
                    return Some(format!(
                        "is pinned to run `{pin}` but this call's server is at `{url}`"
                    ));
                }
                (None, None) => {}
            }
        }
        if let (Some(pin), Some(source)) = (&self.source, &origin.source)
            && pin != source
        {
            return Some(format!(
                "is pinned to the `{pin}` configuration but this call's server comes from `{source}`"
            ));
        }
        None
    }
}

/// URLs equal up to the case of scheme and host and a trailing `/`.
fn same_url(a: &str, b: &str) -> bool {
    fn norm(u: &str) -> String {
        let u = u.trim().trim_end_matches('/');
        match u.split_once("://") {
            Some((scheme, rest)) => {
                let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
                format!(
                    "{}://{}{path}",
                    scheme.to_ascii_lowercase(),
                    host.to_ascii_lowercase()
                )
            }
            None => u.to_owned(),
        }
    }
    norm(a) == norm(b)
}

/// The command is the pinned one, or the pinned one with more arguments
/// (`npx -y @scope/server` pinned, `npx -y @scope/server --read-only` run).
fn same_command(command: &str, pin: &str) -> bool {
    let words = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    let (command, pin) = (words(command), words(pin));
    !pin.is_empty() && command.len() >= pin.len() && command[..pin.len()] == pin[..]
}
