//! `[hookwarden.mcp]`: which MCP servers, and which of their tools, the
//! agents may call — plus Codex's own allowlist in the same requirements
//! file (`[mcp_servers.<name>.identity]`), so one list governs every agent.
//! The built-in rule `mcp-guard` receives both as its configuration
//! ([`crate::HookwardenConfig::mcp_guard_config`]).

use hookwarden_event::Decision;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The `[hookwarden.mcp]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpConfig {
    /// A server on no list (default ask).
    #[serde(default)]
    pub unlisted: Option<Decision>,
    /// A server whose name imitates a listed one (default deny).
    #[serde(default)]
    pub lookalike: Option<Decision>,
    /// A call whose arguments carry a credential (default deny).
    #[serde(default)]
    pub secrets: Option<Decision>,
    #[serde(default)]
    pub servers: BTreeMap<String, McpServer>,
}

/// `[hookwarden.mcp.servers.<name>]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpServer {
    /// Tool name globs and their decision; the most specific match wins.
    #[serde(default)]
    pub tools: BTreeMap<String, Decision>,
    /// Tools no glob matches (default allow).
    #[serde(default)]
    pub other_tools: Option<Decision>,
    /// The command line the server must run as, where the payload says.
    #[serde(default)]
    pub command: Option<String>,
    /// The endpoint the server must be at, where the payload says.
    #[serde(default)]
    pub url: Option<String>,
    /// The configuration scope it must come from (Claude Code's `source`).
    #[serde(default)]
    pub source: Option<String>,
}

/// One server of Codex's `[mcp_servers.<name>.identity]` requirement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodexMcpServer {
    pub command: Option<String>,
    pub url: Option<String>,
}

/// Codex's `mcp_servers` table, read leniently: an identity given as a
/// plain `command` or `url` string pins that origin; any other shape
/// (Codex's newer matcher tables) lists the server without a pin.
pub fn codex_servers(table: &toml::Table) -> BTreeMap<String, CodexMcpServer> {
    table
        .iter()
        .map(|(name, entry)| {
            let identity = entry.get("identity");
            let string = |key: &str| {
                identity
                    .and_then(|i| i.get(key))
                    .and_then(toml::Value::as_str)
                    .map(str::to_owned)
            };
            let server = CodexMcpServer {
                command: string("command"),
                url: string("url"),
            };
            (name.clone(), server)
        })
        .collect()
}

/// The glob of a tool pattern that does not compile, with why.
pub(crate) fn invalid_tool_glob(mcp: &McpConfig) -> Option<(String, String)> {
    mcp.servers.iter().find_map(|(name, server)| {
        server.tools.keys().find_map(|pattern| {
            glob::Pattern::new(pattern).err().map(|e| {
                (
                    format!("hookwarden.mcp.servers.{name}.tools"),
                    format!("`{pattern}` is not a valid glob: {e}"),
                )
            })
        })
    })
}

/// mcp-guard's configuration: `[hookwarden.mcp]`, with Codex's servers
/// added (an entry in both keeps hookwarden's settings and takes the
/// origin pins it lacks from Codex's identity).
pub(crate) fn guard_config(
    mcp: &McpConfig,
    codex: &BTreeMap<String, CodexMcpServer>,
) -> Map<String, Value> {
    let mut servers = Map::new();
    for (name, identity) in codex {
        servers.insert(
            name.clone(),
            json!({
                "command": identity.command,
                "url": identity.url,
                "listed_in": "mcp_servers (Codex requirements)",
            }),
        );
    }
    for (name, s) in &mcp.servers {
        let from_codex = codex.get(name);
        servers.insert(
            name.clone(),
            json!({
                "tools": s.tools.iter().map(|(k, v)| (k.clone(), json!(v.as_str()))).collect::<Map<_, _>>(),
                "other_tools": s.other_tools.map(Decision::as_str),
                "command": s.command.clone().or_else(|| from_codex.and_then(|c| c.command.clone())),
                "url": s.url.clone().or_else(|| from_codex.and_then(|c| c.url.clone())),
                "source": s.source,
                "listed_in": "[hookwarden.mcp.servers]",
            }),
        );
    }
    let mut config = Map::new();
    for (key, value) in [
        ("unlisted", mcp.unlisted),
        ("lookalike", mcp.lookalike),
        ("secrets", mcp.secrets),
    ] {
        if let Some(v) = value {
            config.insert(key.into(), json!(v.as_str()));
        }
    }
    config.insert("servers".into(), Value::Object(servers));
    config
}
