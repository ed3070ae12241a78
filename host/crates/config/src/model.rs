use crate::ConfigError;
use hookwarden_event::{ActionKind, Decision, HookEvent};
use hookwarden_pin::Sha256Digest;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The `[hookwarden]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookwardenConfig {
    /// The verdict for an event when a rule cannot decide (missing or
    /// tampered module, trap, fuel, memory, deadline) or the payload or
    /// configuration cannot be read.
    #[serde(default = "default_fail_mode")]
    pub fail_mode: Decision,
    /// What "ask" becomes where the agent cannot ask (Codex `PreToolUse`,
    /// Cursor's file reads, an unknown event of any agent).
    #[serde(default)]
    pub ask_fallback: AskFallback,
    #[serde(default)]
    pub limits: LimitsConfig,
    /// Run the built-in rule pack as well as `rules`. Default: only when
    /// `rules` is empty.
    #[serde(default)]
    pub builtin_rules: Option<bool>,
    /// The admin's artifact store (precompiled rules), written by
    /// `hookwarden compile` run as root. Default `/var/cache/hookwarden`.
    #[serde(default)]
    pub artifact_dir: Option<PathBuf>,
    /// Also use (and fill, on a miss) the per-user store under the XDG cache
    /// dir, where the installation trusts the user's own state (user scope:
    /// the user can change the binary or this file anyway). In a managed
    /// installation the store is never used, whatever this says: the agent
    /// runs as that user and could write there.
    #[serde(default = "yes")]
    pub user_artifact_store: bool,
    /// How many rules run at once in a hook call. Default: one per CPU the
    /// process may use; 1 runs them one after another.
    #[serde(default)]
    pub rule_threads: Option<usize>,
    /// Whether a `hookwarden serve` of this user runs the rules, with rules
    /// kept loaded between calls (see the `resident` module of the
    /// hookwarden crate). The hook still parses the payload, checks the
    /// configuration and answers the agent itself.
    #[serde(default)]
    pub server: ServerUse,
    /// Where a system server (`hookwarden serve --system`, run by root or a
    /// service account) listens. Default [`crate::DEFAULT_SYSTEM_SOCKET`].
    /// Hook calls of a managed installation ask only this server.
    #[serde(default)]
    pub system_socket: Option<PathBuf>,
    #[serde(default)]
    pub rules: Vec<RuleEntry>,
    /// `[hookwarden.mcp]`: the MCP servers and tools agents may call.
    #[serde(default)]
    pub mcp: crate::McpConfig,
    /// Codex's own MCP allowlist (`[mcp_servers.<name>.identity]` at the
    /// top of the same file), which hookwarden applies to every agent.
    #[serde(skip)]
    pub codex_mcp_servers: std::collections::BTreeMap<String, crate::CodexMcpServer>,
}

fn default_fail_mode() -> Decision {
    Decision::Deny
}

impl Default for HookwardenConfig {
    fn default() -> Self {
        HookwardenConfig {
            fail_mode: default_fail_mode(),
            ask_fallback: AskFallback::default(),
            limits: LimitsConfig::default(),
            builtin_rules: None,
            artifact_dir: None,
            user_artifact_store: true,
            rule_threads: None,
            server: ServerUse::default(),
            system_socket: None,
            rules: Vec::new(),
            mcp: crate::McpConfig::default(),
            codex_mcp_servers: Default::default(),
        }
    }
}

impl HookwardenConfig {
    /// Whether the built-in pack runs.
    pub fn runs_builtin_rules(&self) -> bool {
        self.builtin_rules.unwrap_or(self.rules.is_empty())
    }

    /// The configuration of the built-in `mcp-guard` rule, as JSON text:
    /// `[hookwarden.mcp]` and Codex's `mcp_servers`, with the keys of the
    /// rule entry's own `config` (`entry_config`, JSON text) on top.
    pub fn mcp_guard_config(&self, entry_config: &str) -> String {
        let mut config = crate::mcp::guard_config(&self.mcp, &self.codex_mcp_servers);
        if let Ok(serde_json::Value::Object(own)) = serde_json::from_str(entry_config) {
            config.extend(own);
        }
        serde_json::Value::Object(config).to_string()
    }

    pub(crate) fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        let mut seen = std::collections::HashSet::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let fail = |msg: String| Err(ConfigError::rule(path, i, &rule.id, msg));
            if rule.id.is_empty()
                || !rule
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            {
                return fail("`id` must be lowercase letters, digits, `-` or `_`".into());
            }
            if !seen.insert(rule.id.as_str()) {
                return fail(format!("rule id `{}` is used twice", rule.id));
            }
            if rule.sha256.is_none() && matches!(rule.module, ModuleRef::File(_)) {
                return fail(format!(
                    "module {} has no `sha256` pin; unpinned modules never run \
                     (print one with `hookwarden pin {}`)",
                    rule.module, rule.module
                ));
            }
            if let ModuleRef::Builtin(name) = &rule.module
                && name.is_empty()
            {
                return fail("`module = \"builtin:\"` needs a rule name".into());
            }
            if rule.memory_mib == Some(0) || rule.fuel == Some(0) || rule.timeout_ms == Some(0) {
                return fail("limits must be greater than zero".into());
            }
            if let Some(Err(e)) = rule
                .grant
                .iter()
                .map(|g| hookwarden_facts::check_grant(g))
                .find(Result::is_err)
            {
                return fail(format!("`grant`: {e}"));
            }
        }
        if let Some((key, message)) = crate::mcp::invalid_tool_glob(&self.mcp) {
            return Err(ConfigError::Invalid {
                path: path.to_owned(),
                line: None,
                column: None,
                key: Some(key),
                message,
            });
        }
        if self.rule_threads == Some(0) {
            return Err(ConfigError::Invalid {
                path: path.to_owned(),
                line: None,
                column: None,
                key: Some("hookwarden.rule_threads".into()),
                message: "`rule_threads` must be at least 1".into(),
            });
        }
        let l = &self.limits;
        if l.fuel == 0 || l.memory_mib == 0 || l.rule_timeout_ms == 0 || l.call_timeout_ms == 0 {
            return Err(ConfigError::Invalid {
                path: path.to_owned(),
                line: None,
                column: None,
                key: Some("hookwarden.limits".into()),
                message: "limits must be greater than zero".into(),
            });
        }
        Ok(())
    }
}

/// What a verdict of "ask" becomes where the agent has no way to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AskFallback {
    /// Block, saying that approval is required (never fail open).
    #[default]
    Deny,
    /// Let the call through to the agent's own approval flow.
    Allow,
}

/// `server = …` under `[hookwarden]`: whether hook calls use a resident
/// `hookwarden serve`, and whether they start one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServerUse {
    /// `true` or `"on-demand"`: ask this user's server; a call that finds
    /// none starts one for the calls after it (which exits when idle) and
    /// runs its own rules itself.
    #[default]
    OnDemand,
    /// `"if-running"`: ask a server someone else started (a systemd user
    /// unit, say), never start one.
    IfRunning,
    /// `false` or `"off"`: every call runs its rules itself.
    Off,
}

impl ServerUse {
    /// Whether a call asks a server at all.
    pub fn asks(self) -> bool {
        self != ServerUse::Off
    }
}

impl<'de> Deserialize<'de> for ServerUse {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ServerUse;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(r#"true, false, "on-demand", "if-running" or "off""#)
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<ServerUse, E> {
                Ok(if v {
                    ServerUse::OnDemand
                } else {
                    ServerUse::Off
                })
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ServerUse, E> {
                match v {
                    "on-demand" => Ok(ServerUse::OnDemand),
                    "if-running" => Ok(ServerUse::IfRunning),
                    "off" => Ok(ServerUse::Off),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `[hookwarden.limits]`: defaults for every rule and the whole call.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    pub fuel: u64,
    pub memory_mib: u64,
    pub rule_timeout_ms: u64,
    /// The whole hook call, from reading stdin to answering. Past it the
    /// call answers with the fail-mode verdict, whatever is still running.
    pub call_timeout_ms: u64,
    /// Bytes of a rule's stdout/stderr kept for the log.
    pub output_kib: u64,
    /// Size cap of each file granted to a rule (`grant`); larger files are
    /// cut and marked truncated.
    pub grant_kib: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            fuel: 500_000_000,
            memory_mib: 64,
            rule_timeout_ms: 1_000,
            call_timeout_ms: 5_000,
            output_kib: 16,
            grant_kib: 256,
        }
    }
}

/// One `[[hookwarden.rules]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    pub id: String,
    pub module: ModuleRef,
    #[serde(default)]
    pub sha256: Option<Sha256Digest>,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Hook events to run on; default: what the rule's metadata says.
    #[serde(default)]
    pub events: Option<Vec<HookEvent>>,
    /// Action kinds to run on; default: what the rule's metadata says.
    #[serde(default)]
    pub actions: Option<Vec<ActionKind>>,
    #[serde(default)]
    pub fail_mode: Option<Decision>,
    #[serde(default)]
    pub fuel: Option<u64>,
    #[serde(default)]
    pub memory_mib: Option<u64>,
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Project files (relative to the workspace root the agent reports)
    /// this rule may read, e.g. `["package.json", "Cargo.lock"]`. The host
    /// reads them, capped at `limits.grant_kib`, and passes them in
    /// `event.facts`; the rule itself never touches the file system.
    #[serde(default)]
    pub grant: Vec<String>,
    /// Handed to the rule, converted to JSON.
    #[serde(default)]
    pub config: toml::Table,
}

fn yes() -> bool {
    true
}

impl RuleEntry {
    /// The rule's config as the JSON text the WIT `evaluate` takes.
    pub fn config_json(&self) -> String {
        serde_json::to_string(&self.config).unwrap_or_else(|_| "{}".into())
    }
}

/// Where a rule's module is: a file, or a module of the built-in pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleRef {
    File(PathBuf),
    /// `builtin:<name>`: embedded in the hookwarden binary.
    Builtin(String),
}

impl ModuleRef {
    pub(crate) fn resolve_relative_to(&mut self, base: &Path) {
        if let ModuleRef::File(p) = self
            && p.is_relative()
        {
            *p = base.join(&*p);
        }
    }
}

impl std::fmt::Display for ModuleRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModuleRef::File(p) => write!(f, "{}", p.display()),
            ModuleRef::Builtin(n) => write!(f, "builtin:{n}"),
        }
    }
}

impl<'de> Deserialize<'de> for ModuleRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.is_empty() {
            return Err(serde::de::Error::custom("`module` is empty"));
        }
        Ok(match s.strip_prefix("builtin:") {
            Some(name) => ModuleRef::Builtin(name.to_owned()),
            None => ModuleRef::File(PathBuf::from(s)),
        })
    }
}

impl crate::ConfigSource {
    pub fn describe(&self) -> String {
        match self {
            crate::ConfigSource::File(p) => p.display().to_string(),
            crate::ConfigSource::BuiltinDefault { looked_at } => {
                format!(
                    "built-in defaults (no [hookwarden] in {})",
                    looked_at.display()
                )
            }
        }
    }
}
