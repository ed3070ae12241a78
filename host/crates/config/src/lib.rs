//! hookwarden's configuration.
//!
//! It lives in the admin's Codex `requirements.toml` (default
//! `/etc/codex/requirements.toml`), under a top-level `[hookwarden]` table:
//! Codex ignores unknown top-level keys, and `rules` is already Codex's own.
//!
//! ```toml
//! [hookwarden]
//! fail_mode = "deny"          # verdict when a rule cannot decide: deny | ask | allow
//! ask_fallback = "deny"       # where the agent cannot ask (Codex PreToolUse): deny | allow
//!
//! [hookwarden.limits]         # defaults for every rule
//! fuel = 500_000_000
//! memory_mib = 64
//! rule_timeout_ms = 1000
//! call_timeout_ms = 5000
//!
//! [[hookwarden.rules]]
//! id = "destructive-commands"
//! module = "/etc/codex/hookwarden/destructive_commands.wasm"
//! sha256 = "…64 hex digits…"
//! events = ["pre-tool-use", "permission-request"]
//! actions = ["shell"]
//! fuel = 100_000_000          # per-rule overrides: fuel, memory_mib, timeout_ms, fail_mode
//! [hookwarden.rules.config]   # handed to the rule as JSON
//! protected_branches = ["main", "release/*"]
//! ```
//!
//! Parsing is strict inside `[hookwarden]` (unknown keys are errors that name
//! the file, line and key) and ignores everything outside it.

mod error;
mod limits;
mod mcp;
mod model;

pub use error::ConfigError;
pub use limits::Limits;
pub use mcp::{CodexMcpServer, McpConfig, McpServer};
pub use model::{AskFallback, HookwardenConfig, LimitsConfig, ModuleRef, RuleEntry, ServerUse};

use std::path::{Path, PathBuf};

/// Where Codex reads managed requirements on Linux and macOS.
pub const DEFAULT_REQUIREMENTS_PATH: &str = "/etc/codex/requirements.toml";

/// Where a system server listens unless `system_socket` says otherwise.
pub const DEFAULT_SYSTEM_SOCKET: &str = "/run/hookwarden/serve.sock";

/// Where the configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The `[hookwarden]` table of this file.
    File(PathBuf),
    /// No requirements file (or none with a `[hookwarden]` table): built-in defaults.
    BuiltinDefault { looked_at: PathBuf },
}

/// A loaded configuration and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub source: ConfigSource,
    pub config: HookwardenConfig,
    /// The text `config` was parsed from (`None` for the built-in
    /// defaults), so another process can parse exactly the same file.
    pub text: Option<String>,
}

/// Load the configuration.
///
/// With `explicit` set (the `--requirements` flag), the file must exist.
/// Otherwise the default path is used, and a missing file means the built-in
/// defaults. A file without a `[hookwarden]` table also means the defaults.
pub fn load(explicit: Option<&Path>) -> Result<Loaded, ConfigError> {
    let path = explicit.unwrap_or(Path::new(DEFAULT_REQUIREMENTS_PATH));
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {
            return Ok(Loaded {
                source: ConfigSource::BuiltinDefault {
                    looked_at: path.to_owned(),
                },
                config: HookwardenConfig::default(),
                text: None,
            });
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    match parse(&text, path)? {
        Some(config) => Ok(Loaded {
            source: ConfigSource::File(path.to_owned()),
            config,
            text: Some(text),
        }),
        None => Ok(Loaded {
            source: ConfigSource::BuiltinDefault {
                looked_at: path.to_owned(),
            },
            config: HookwardenConfig::default(),
            text: None,
        }),
    }
}

/// Parse the text of a requirements file. `path` is used for messages and to
/// resolve relative module paths. `Ok(None)`: the file has no `[hookwarden]`.
pub fn parse(text: &str, path: &Path) -> Result<Option<HookwardenConfig>, ConfigError> {
    #[derive(serde::Deserialize)]
    struct File {
        hookwarden: Option<HookwardenConfig>,
        /// Codex's MCP allowlist, applied to every agent.
        mcp_servers: Option<toml::Table>,
    }
    let de = toml::Deserializer::parse(text).map_err(|e| ConfigError::toml(path, text, e, None))?;
    let file: File = serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        ConfigError::toml(path, text, e.into_inner(), Some(key))
    })?;
    let mut config = match (file.hookwarden, &file.mcp_servers) {
        (Some(config), _) => config,
        // Codex's allowlist alone: the built-in defaults, with those servers.
        (None, Some(_)) => HookwardenConfig::default(),
        (None, None) => return Ok(None),
    };
    if let Some(table) = &file.mcp_servers {
        config.codex_mcp_servers = mcp::codex_servers(table);
    }
    config.validate(path)?;
    let base = path.parent().unwrap_or(Path::new("."));
    for rule in &mut config.rules {
        rule.module.resolve_relative_to(base);
    }
    Ok(Some(config))
}
