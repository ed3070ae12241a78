//! Which rules run, with which module, pin, selectors, limits and fail mode.

use crate::builtin;
use hookwarden_config::Limits;
use hookwarden_config::{HookwardenConfig, ModuleRef};
use hookwarden_event::{ActionKind, Decision, HookEvent};
use hookwarden_pin::Sha256Digest;
use std::time::Duration;

/// One rule as it will run: everything resolved from the configuration.
#[derive(Debug, Clone)]
pub struct PlannedRule {
    pub id: String,
    pub module: ModuleRef,
    /// The digest the module must have. Always set for file modules (the
    /// config refuses unpinned ones) and for built-in ones (their embedded digest).
    pub pin: Option<Sha256Digest>,
    /// `None`: ask the rule's own metadata.
    pub events: Option<Vec<HookEvent>>,
    pub actions: Option<Vec<ActionKind>>,
    pub limits: Limits,
    pub fail_mode: Decision,
    pub config_json: String,
    /// Project files the rule may read (`grant`), relative to the workspace.
    pub grant: Vec<String>,
    /// Size cap of each granted file.
    pub grant_bytes: usize,
}

impl PlannedRule {
    /// Whether the configured selectors (where set) let this event through.
    /// `None` when a selector is left to the rule's metadata.
    pub fn selects(&self, hook: HookEvent, action: ActionKind) -> Option<bool> {
        let events = self.events.as_ref()?;
        let actions = self.actions.as_ref()?;
        Some(selects(events, actions, hook, action))
    }

    /// [`PlannedRule::selects`] for an event judged as several actions
    /// (an MCP call and what it does): `Some(true)` if the selectors pick
    /// any of them, `Some(false)` if they rule out all.
    pub fn selects_any(&self, hook: HookEvent, kinds: &[ActionKind]) -> Option<bool> {
        let mut unknown = false;
        for kind in kinds {
            match self.selects(hook, *kind) {
                Some(true) => return Some(true),
                None => unknown = true,
                Some(false) => {}
            }
        }
        if unknown { None } else { Some(false) }
    }
}

/// An empty selector list matches everything.
pub fn selects(
    events: &[HookEvent],
    actions: &[ActionKind],
    hook: HookEvent,
    action: ActionKind,
) -> bool {
    (events.is_empty() || events.contains(&hook))
        && (actions.is_empty() || actions.contains(&action))
}

/// The rules to run, in order: the built-in pack first (when it runs), then
/// the configured entries. A configured entry with a built-in rule's id
/// replaces that built-in rule.
pub fn plan(config: &HookwardenConfig) -> Vec<PlannedRule> {
    let defaults = default_limits(config);
    let mut rules = Vec::new();
    if config.runs_builtin_rules() {
        for m in builtin::modules() {
            if config.rules.iter().any(|r| r.id == m.name) {
                continue;
            }
            let (events, actions) = builtin::selectors(m.name).unzip();
            rules.push(PlannedRule {
                id: m.name.to_owned(),
                module: ModuleRef::Builtin(m.name.to_owned()),
                pin: m.sha256.parse().ok(),
                events: events.map(<[_]>::to_vec),
                actions: actions.map(<[_]>::to_vec),
                limits: defaults,
                fail_mode: config.fail_mode,
                config_json: builtin_config(config, m.name, "{}"),
                grant: builtin::default_grant(m.name)
                    .iter()
                    .map(|g| g.to_string())
                    .collect(),
                grant_bytes: grant_bytes(config),
            });
        }
    }
    for entry in config.rules.iter().filter(|r| r.enabled) {
        let mut limits = defaults;
        if let Some(fuel) = entry.fuel {
            limits.fuel = fuel;
        }
        if let Some(mib) = entry.memory_mib {
            limits.memory_bytes = mib_to_bytes(mib);
        }
        if let Some(ms) = entry.timeout_ms {
            limits.deadline = Duration::from_millis(ms);
        }
        let pin = entry.sha256.or_else(|| match &entry.module {
            ModuleRef::Builtin(name) => builtin::module(name).and_then(|m| m.sha256.parse().ok()),
            ModuleRef::File(_) => None,
        });
        let builtin_selectors = match &entry.module {
            ModuleRef::Builtin(name) => builtin::selectors(name),
            ModuleRef::File(_) => None,
        };
        rules.push(PlannedRule {
            id: entry.id.clone(),
            module: entry.module.clone(),
            pin,
            events: entry
                .events
                .clone()
                .or_else(|| builtin_selectors.map(|(e, _)| e.to_vec())),
            actions: entry
                .actions
                .clone()
                .or_else(|| builtin_selectors.map(|(_, a)| a.to_vec())),
            limits,
            fail_mode: entry.fail_mode.unwrap_or(config.fail_mode),
            config_json: match &entry.module {
                ModuleRef::Builtin(name) => builtin_config(config, name, &entry.config_json()),
                ModuleRef::File(_) => entry.config_json(),
            },
            grant: match (&entry.module, entry.grant.is_empty()) {
                (ModuleRef::Builtin(name), true) => builtin::default_grant(name)
                    .iter()
                    .map(|g| g.to_string())
                    .collect(),
                _ => entry.grant.clone(),
            },
            grant_bytes: grant_bytes(config),
        });
    }
    rules
}

/// A built-in rule's configuration: its entry's `config`, and for
/// `mcp-guard` the MCP allowlists under it.
fn builtin_config(config: &HookwardenConfig, name: &str, own: &str) -> String {
    match name {
        "mcp-guard" => config.mcp_guard_config(own),
        _ => own.to_owned(),
    }
}

fn grant_bytes(config: &HookwardenConfig) -> usize {
    usize::try_from(config.limits.grant_kib.saturating_mul(1024)).unwrap_or(usize::MAX)
}

fn default_limits(config: &HookwardenConfig) -> Limits {
    let l = &config.limits;
    Limits {
        fuel: l.fuel,
        memory_bytes: mib_to_bytes(l.memory_mib),
        deadline: Duration::from_millis(l.rule_timeout_ms),
        output_bytes: usize::try_from(l.output_kib.saturating_mul(1024)).unwrap_or(usize::MAX),
    }
}

fn mib_to_bytes(mib: u64) -> usize {
    usize::try_from(mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX)
}
