//! Getting an event ready for the rules: everything that reads the machine
//! (path facts, the files granted to rules) happens here, in the process the
//! agent started; what is left for the rules is pure computation, which may
//! run in another process (`hookwarden serve`). No wasm engine here: the
//! engineless `hookwarden-hook` uses this too.

use crate::plan::PlannedRule;
use hookwarden_event::{Action, ActionKind, Decision, Event, Fact, HookEvent};
use hookwarden_mcp_effects::Effect;
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
    /// What the event's MCP call does as built-in actions (a shell command,
    /// a file write…; see `hookwarden_mcp_effects`), shell commands
    /// analysed. Rules judge a view of the event per effect as well as the
    /// event itself, so `mcp__shell__exec` meets the same rules as `Bash`.
    #[serde(default)]
    pub effects: Vec<Effect>,
}

impl Prepared<'_> {
    /// The event, then a view of it per effect: the same event with the
    /// effect as its action (and tool input); tool name, agent and facts
    /// stay the call's.
    pub fn views(&self) -> Vec<Cow<'_, Event>> {
        let mut views = Vec::with_capacity(1 + self.effects.len());
        views.push(Cow::Borrowed(self.event.as_ref()));
        views.extend(
            self.effects
                .iter()
                .map(|e| Cow::Owned(view(&self.event, e))),
        );
        views
    }

    /// The action kinds of [`Prepared::views`].
    pub fn kinds(&self) -> Vec<ActionKind> {
        std::iter::once(self.event.action.kind())
            .chain(self.effects.iter().map(|e| e.action.kind()))
            .collect()
    }
}

fn view(event: &Event, effect: &Effect) -> Event {
    Event {
        action: effect.action.clone(),
        tool_input: effect.tool_input.clone(),
        ..event.clone()
    }
}

/// The views of `event` per effect of its MCP call, shell commands
/// analysed, without reading the machine (no path facts): what
/// `hookwarden test` judges, so case files stay independent of the file
/// system they run on.
pub fn effect_views(event: &Event) -> Vec<Event> {
    let Action::McpCall(call) = &event.action else {
        return Vec::new();
    };
    hookwarden_mcp_effects::effects(call)
        .iter()
        .map(|effect| {
            let mut view = view(event, effect);
            hookwarden_facts::analyze_shell(&mut view);
            view
        })
        .collect()
}

/// The effects of `event`'s MCP call, shell commands analysed, with the
/// path facts of what they write added to the event's facts.
fn effects(event: &mut Cow<'_, Event>) -> Vec<Effect> {
    let Action::McpCall(call) = &event.action else {
        return Vec::new();
    };
    let mut effects = hookwarden_mcp_effects::effects(call);
    let mut facts = Vec::new();
    for effect in &mut effects {
        let mut view = view(event, effect);
        hookwarden_facts::analyze_shell(&mut view);
        facts.extend(hookwarden_facts::for_event(&view));
        effect.action = view.action;
    }
    facts.retain(|f| !event.facts.contains(f));
    if !facts.is_empty() {
        event.to_mut().facts.extend(facts);
    }
    effects
}
/// Resolve `event`'s facts and read the files granted to the rules that
/// may run on it.
pub fn prepare<'e>(rules: &[PlannedRule], event: &'e Event) -> Prepared<'e> {
    let mut event = hookwarden_facts::resolve(event);
    let effects = effects(&mut event);
    let kinds: Vec<ActionKind> = std::iter::once(event.action.kind())
        .chain(effects.iter().map(|e| e.action.kind()))
        .collect();
    let mut granted = BTreeMap::new();
    if event.cwd.starts_with('/') {
        for rule in rules
            .iter()
            .filter(|r| !r.grant.is_empty() && r.selects_any(event.hook, &kinds) != Some(false))
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
    Prepared {
        event,
        granted,
        effects,
    }
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
