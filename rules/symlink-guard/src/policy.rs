//! The rule's settings, checked.

use hookwarden_sdk::Config;
use serde::Deserialize;

/// How strongly to react.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Allow,
    Ask,
    Deny,
}

impl Level {
    fn parse(key: &str, value: &str, allowed: &[Level]) -> Result<Level, String> {
        let level = match value {
            "allow" => Level::Allow,
            "ask" => Level::Ask,
            "deny" => Level::Deny,
            _ => {
                None.ok_or_else(|| format!("`{key}` must be allow, ask or deny, not `{value}`"))?
            }
        };
        if allowed.contains(&level) {
            Ok(level)
        } else {
            Err(format!("`{key}` cannot be `{value}`"))
        }
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Settings {
    escape: String,
    link_outside: String,
    protected_targets: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            escape: "deny".into(),
            link_outside: "ask".into(),
            protected_targets: Vec::new(),
        }
    }
}

pub struct Policy {
    pub escape: Level,
    pub link_outside: Level,
    pub protected_targets: Vec<glob::Pattern>,
}

impl Policy {
    pub fn from_config(config: &Config) -> Result<Policy, String> {
        let s: Settings = config.deserialize()?;
        let protected_targets = s
            .protected_targets
            .iter()
            .map(|p| {
                let norm = hookwarden_sdk::paths::normalize(&hookwarden_sdk::paths::expand_home(p));
                if !(norm.starts_with('/') || norm.starts_with('~')) {
                    return Err(format!(
                        "`protected_targets`: `{p}` must be absolute or start with `~`"
                    ));
                }
                glob::Pattern::new(&norm)
                    .map_err(|e| format!("`protected_targets`: `{p}` is not a valid glob: {e}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Policy {
            escape: Level::parse("escape", &s.escape, &[Level::Ask, Level::Deny])?,
            link_outside: Level::parse(
                "link_outside",
                &s.link_outside,
                &[Level::Allow, Level::Ask, Level::Deny],
            )?,
            protected_targets,
        })
    }
}
