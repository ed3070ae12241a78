//! Judging one event: run every selected rule under its limits and combine
//! the verdicts. A rule that cannot run or fails gets its fail-mode verdict.

use crate::artifacts::{self, Stores};
use crate::parallel;
use crate::plan::{PlannedRule, selects};
use hookwarden_event::{Aggregate, Decision, Event, HookEvent, RuleOutcome, Verdict};
use hookwarden_runtime::{LoadedRule, RuleError, Runtime};
use std::borrow::Cow;
use std::num::NonZeroUsize;
use std::path::Path;
use std::time::Instant;
use tracing::{info, info_span, warn};

/// Runs the rules for the one event a hook call judges.
pub struct Judge {
    runtime: Runtime,
    stores: Stores,
    rules: Vec<PlannedRule>,
    threads: NonZeroUsize,
}

impl Judge {
    /// A judge for a process that judges one event and then exits: its
    /// runtime leaves instances for the process exit to reclaim (see
    /// [`Runtime::one_shot`]). Rules run on up to `threads` threads.
    pub fn new(
        rules: Vec<PlannedRule>,
        stores: Stores,
        threads: NonZeroUsize,
    ) -> anyhow::Result<Judge> {
        Ok(Judge {
            runtime: Runtime::one_shot()?,
            stores,
            rules,
            threads,
        })
    }

    pub fn rules(&self) -> &[PlannedRule] {
        &self.rules
    }

    /// Run every rule that selects `event`, side by side on the judge's
    /// threads, and aggregate in configuration order. `on_outcome` sees each
    /// outcome as soon as it exists (from any thread), so a caller racing a
    /// deadline still has the rules that finished.
    pub fn judge(&self, event: &Event, on_outcome: impl Fn(&RuleOutcome) + Sync) -> Aggregate {
        let action = event.action.kind();
        // The event as rules see it: shell command analysed, path facts resolved.
        let event = &info_span!("facts").in_scope(|| hookwarden_facts::resolve(event));
        let selected: Vec<&PlannedRule> = self
            .rules
            .iter()
            .filter(|rule| rule.selects(event.hook, action) != Some(false))
            .collect();
        let outcomes = parallel::map(&selected, self.threads, |rule| {
            let outcome = self.judge_one(rule, event)?;
            on_outcome(&outcome);
            Some(outcome)
        });
        let mut aggregate = Aggregate::default();
        for outcome in outcomes.into_iter().flatten() {
            aggregate.push(outcome);
        }
        aggregate
    }

    /// One rule's outcome; `None` when its own metadata does not select
    /// the event.
    fn judge_one(&self, rule: &PlannedRule, event: &Event) -> Option<RuleOutcome> {
        let _span = info_span!("rule", id = %rule.id).entered();
        let started = Instant::now();
        let outcome = match self.run(rule, event) {
            Ok(Some(verdict)) => RuleOutcome {
                rule_id: rule.id.clone(),
                verdict,
                failure: None,
            },
            Ok(None) => return None,
            Err(e) => failure_outcome(rule, event.hook, &e),
        };
        info!(
            rule = %rule.id,
            decision = %outcome.verdict.decision,
            reason = %outcome.verdict.reason,
            failure = outcome.failure.as_deref().unwrap_or(""),
            elapsed_us = started.elapsed().as_micros() as u64,
            "rule verdict"
        );
        Some(outcome)
    }

    fn run(&self, rule: &PlannedRule, event: &Event) -> Result<Option<Verdict>, RuleError> {
        let loaded = self.load(rule)?;
        let result = self.run_loaded(rule, &loaded, event);
        self.runtime.retire(loaded);
        result
    }

    fn run_loaded(
        &self,
        rule: &PlannedRule,
        loaded: &LoadedRule,
        event: &Event,
    ) -> Result<Option<Verdict>, RuleError> {
        let event = &with_granted_files(event, rule);
        if rule.selects(event.hook, event.action.kind()).is_none() {
            let meta = self.runtime.describe(loaded, &rule.limits)?;
            let events = rule.events.as_deref().unwrap_or(&meta.events);
            let actions = rule.actions.as_deref().unwrap_or(&meta.actions);
            if !selects(events, actions, event.hook, event.action.kind()) {
                return Ok(None);
            }
        }
        self.runtime
            .evaluate(loaded, event, &rule.config_json, &rule.limits)
            .map(Some)
    }

    /// Load the rule's module: pin checked, precompiled where possible.
    pub fn load(&self, rule: &PlannedRule) -> Result<LoadedRule, RuleError> {
        artifacts::load(&self.runtime, &self.stores, rule)
    }
}

/// The event with the files this rule was granted, read from the workspace.
fn with_granted_files<'e>(event: &'e Event, rule: &PlannedRule) -> Cow<'e, Event> {
    if rule.grant.is_empty() || !event.cwd.starts_with('/') {
        return Cow::Borrowed(event);
    }
    let _span = info_span!("grant").entered();
    // Grants were validated when the configuration loaded.
    let files =
        hookwarden_facts::granted_files(&rule.grant, Path::new(&event.cwd), rule.grant_bytes)
            .unwrap_or_default();
    let mut event = event.clone();
    event.facts.extend(files);
    Cow::Owned(event)
}

/// The verdict a rule gets when it could not decide.
pub fn failure_outcome(rule: &PlannedRule, hook: HookEvent, error: &RuleError) -> RuleOutcome {
    warn!(rule = %rule.id, kind = error.kind(), "rule failed: {error}");
    let decision = fail_decision(rule.fail_mode, hook);
    RuleOutcome {
        rule_id: rule.id.clone(),
        verdict: Verdict::new(decision, fail_reason(&error.to_string(), decision)),
        failure: Some(format!("{}: {error}", error.kind())),
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
