//! Getting an event ready for the rules: everything that reads the machine
//! (path facts, the files granted to rules) happens here, in the process the
//! agent started; what is left for the rules is pure computation, which may
//! run in another process (`hookwarden serve`). No wasm engine here: the
//! engineless `hookwarden-hook` uses this too.

use crate::plan::PlannedRule;
use hookwarden_event::{Decision, Event, Fact, HookEvent};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use tracing::info_span;

/// An event ready for the rules: everything about it that comes from the
/// machine (path facts, the files granted to each rule) already read, by
/// the process the agent started. What is left is pure computation, which
/// may run in another process (`hookwarden serve`).
#[derive(Debug, Serialize, Deserialize)]
pub struct Prepared<'e> {
    pub event: Cow<'e, Event>,
    /// The granted files of each rule that has grants, by rule id.
    pub granted: BTreeMap<String, Vec<Fact>>,
}

/// Resolve `event`'s facts and read the files granted to the rules that
/// may run on it.
pub fn prepare<'e>(rules: &[PlannedRule], event: &'e Event) -> Prepared<'e> {
    let event = hookwarden_facts::resolve(event);
    let action = event.action.kind();
    let mut granted = BTreeMap::new();
    if event.cwd.starts_with('/') {
        for rule in rules
            .iter()
            .filter(|r| !r.grant.is_empty() && r.selects(event.hook, action) != Some(false))
        {
            let _span = info_span!("grant", rule = %rule.id).entered();
            // Grants were validated when the configuration loaded.
            let files = hookwarden_facts::granted_files(
                &rule.grant,
                Path::new(&event.cwd),
                rule.grant_bytes,
            )
            .unwrap_or_default();
            granted.insert(rule.id.clone(), files);
        }
    }
    Prepared { event, granted }
}

/// The fail mode for this kind of event. On `stop` a "deny" would make the
/// agent keep working (it means "don't stop yet"), so failures there never
/// block: they are logged and the agent may stop.
pub fn fail_decision(fail_mode: Decision, hook: HookEvent) -> Decision {
    match hook {
        HookEvent::Stop => Decision::Allow,
        _ => fail_mode,
    }
}

pub fn fail_reason(what: &str, decision: Decision) -> String {
    match decision {
        Decision::Deny => {
            format!("hookwarden could not check this action and fails closed: {what}")
        }
        Decision::Ask => {
            format!("hookwarden could not check this action, approval required: {what}")
        }
        Decision::Allow => {
            format!("hookwarden could not check this action (fail mode allow): {what}")
        }
    }
}
