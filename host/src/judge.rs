//! Judging one event: run every selected rule under its limits and combine
//! the verdicts. A rule that cannot run or fails gets its fail-mode verdict.

use crate::artifacts::{self, Stores};
use crate::parallel;
use crate::plan::{PlannedRule, selects};
use crate::prepare::{Prepared, fail_decision, fail_reason, prepare};
use hookwarden_event::{Aggregate, Event, Fact, HookEvent, RuleOutcome, Verdict};
use hookwarden_pin::Sha256Digest;
use hookwarden_runtime::{LoadedRule, RuleError, Runtime};
use std::borrow::Cow;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tracing::{debug, debug_span, info_span, warn};

/// Runs the rules for the events of one configuration.
pub struct Judge {
    runtime: Arc<Runtime>,
    stores: Stores,
    rules: Vec<PlannedRule>,
    threads: NonZeroUsize,
    /// Rules kept loaded between events (`hookwarden serve`); `None` in a
    /// hook process, which judges one event and exits.
    cache: Option<Arc<RuleCache>>,
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
            runtime: Arc::new(Runtime::one_shot()?),
            stores,
            rules,
            threads,
            cache: None,
        })
    }

    /// A judge for a long-lived process: rules stay loaded in `cache`
    /// (shared by the judges of every configuration the process serves),
    /// and only their pins are checked again for each event.
    pub fn resident(
        rules: Vec<PlannedRule>,
        stores: Stores,
        threads: NonZeroUsize,
        runtime: Arc<Runtime>,
        cache: Arc<RuleCache>,
    ) -> Judge {
        Judge {
            runtime,
            stores,
            rules,
            threads,
            cache: Some(cache),
        }
    }

    pub fn rules(&self) -> &[PlannedRule] {
        &self.rules
    }

    /// [`prepare`] the event, then [`Judge::run`] it.
    pub fn judge(&self, event: &Event, on_outcome: impl Fn(&RuleOutcome) + Sync) -> Aggregate {
        let prepared = info_span!("facts").in_scope(|| prepare(&self.rules, event));
        self.run(&prepared, on_outcome)
    }

    /// Run every rule that selects the event, side by side on the judge's
    /// threads, and aggregate in configuration order. `on_outcome` sees each
    /// outcome as soon as it exists (from any thread), so a caller racing a
    /// deadline still has the rules that finished.
    pub fn run(&self, prepared: &Prepared, on_outcome: impl Fn(&RuleOutcome) + Sync) -> Aggregate {
        let mut aggregate = Aggregate::default();
        for outcome in self.run_planned(prepared, on_outcome).into_iter().flatten() {
            aggregate.push(outcome);
        }
        aggregate
    }

    /// Like [`Judge::run`], without aggregating: one entry per planned rule,
    /// in plan order, `None` where the rule does not select the event. What
    /// a server answers (see `resident::protocol::accept`).
    pub fn run_planned(
        &self,
        prepared: &Prepared,
        on_outcome: impl Fn(&RuleOutcome) + Sync,
    ) -> Vec<Option<RuleOutcome>> {
        let views = prepared.views();
        // Per rule, the views its configured selectors do not rule out.
        let selected: Vec<(usize, &PlannedRule, Vec<&Event>)> = self
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, rule)| {
                let picked: Vec<&Event> = views
                    .iter()
                    .map(Cow::as_ref)
                    .filter(|v| rule.selects(v.hook, v.action.kind()) != Some(false))
                    .collect();
                (!picked.is_empty()).then_some((i, rule, picked))
            })
            .collect();
        let outcomes = parallel::map(&selected, self.threads, |(_, rule, picked)| {
            let granted = prepared.granted.get(&rule.id).map(Vec::as_slice);
            let outcome = self.judge_one(rule, picked, granted)?;
            on_outcome(&outcome);
            Some(outcome)
        });
        let mut planned: Vec<Option<RuleOutcome>> = vec![None; self.rules.len()];
        for ((i, _, _), outcome) in selected.iter().zip(outcomes) {
            planned[*i] = outcome;
        }
        planned
    }

    /// One rule's outcome over the views of an event it may select (one,
    /// except for an MCP call that does something), loaded once; `None`
    /// when its own metadata selects none of them.
    fn judge_one(
        &self,
        rule: &PlannedRule,
        views: &[&Event],
        granted: Option<&[Fact]>,
    ) -> Option<RuleOutcome> {
        let _span = info_span!("rule", id = %rule.id).entered();
        let started = Instant::now();
        let hook = views.first()?.hook;
        let outcome = match self.run_rule(rule, views, granted) {
            Ok(verdicts) => verdicts
                .into_iter()
                .map(|verdict| RuleOutcome {
                    rule_id: rule.id.clone(),
                    verdict,
                    failure: None,
                })
                .reduce(RuleOutcome::merge)?,
            Err(e) => failure_outcome(rule, hook, &e),
        };
        // debug, not info: a resident server would otherwise write five
        // lines per call before answering; the decision's audit record
        // (info) lists every finding and failure.
        debug!(
            rule = %rule.id,
            decision = %outcome.verdict.decision,
            reason = %outcome.verdict.reason,
            failure = outcome.failure.as_deref().unwrap_or(""),
            elapsed_us = started.elapsed().as_micros() as u64,
            "rule verdict"
        );
        Some(outcome)
    }

    /// The rule's verdict on each view its selectors pick.
    fn run_rule(
        &self,
        rule: &PlannedRule,
        views: &[&Event],
        granted: Option<&[Fact]>,
    ) -> Result<Vec<Verdict>, RuleError> {
        let Some(cache) = &self.cache else {
            let loaded = self.load(rule)?;
            let result = self.run_loaded(rule, &loaded, views, granted);
            self.runtime.retire(loaded);
            return result;
        };
        // The pin is checked for every event, as in a hook process: a
        // module changed on disk gets its mismatch verdict even while the
        // pinned build of it is still loaded here.
        let verified = {
            let _span = debug_span!("load", rule = %rule.id).entered();
            let _span = debug_span!("pin_check").entered();
            artifacts::verify(&self.stores, rule)?
        };
        let key = (verified.label().to_owned(), verified.digest());
        let loaded = cache.get_or_load(key, || {
            let _span = debug_span!("load", rule = %rule.id).entered();
            artifacts::load_verified(&self.runtime, &self.stores, rule, verified)
        })?;
        self.run_loaded(rule, &loaded, views, granted)
    }

    fn run_loaded(
        &self,
        rule: &PlannedRule,
        loaded: &LoadedRule,
        views: &[&Event],
        granted: Option<&[Fact]>,
    ) -> Result<Vec<Verdict>, RuleError> {
        let mut meta = None;
        let mut verdicts = Vec::with_capacity(views.len());
        for view in views {
            let (hook, kind) = (view.hook, view.action.kind());
            if rule.selects(hook, kind).is_none() {
                let meta = match &meta {
                    Some(m) => m,
                    None => meta.insert(self.runtime.describe(loaded, &rule.limits)?),
                };
                let events = rule.events.as_deref().unwrap_or(&meta.events);
                let actions = rule.actions.as_deref().unwrap_or(&meta.actions);
                if !selects(events, actions, hook, kind) {
                    continue;
                }
            }
            let view = with_granted_files(view, granted);
            verdicts.push(
                self.runtime
                    .evaluate(loaded, &view, &rule.config_json, &rule.limits)?,
            );
        }
        Ok(verdicts)
    }

    /// Load the rule's module: pin checked, precompiled where possible.
    pub fn load(&self, rule: &PlannedRule) -> Result<LoadedRule, RuleError> {
        artifacts::load(&self.runtime, &self.stores, rule)
    }
}

/// The event with the files granted to one rule.
fn with_granted_files<'e>(event: &'e Event, granted: Option<&[Fact]>) -> Cow<'e, Event> {
    match granted {
        Some(files) if !files.is_empty() => {
            let mut event = event.clone();
            event.facts.extend_from_slice(files);
            Cow::Owned(event)
        }
        _ => Cow::Borrowed(event),
    }
}

/// Rules kept loaded by a long-lived process, keyed by module and digest:
/// a digest names exactly the code that was verified against its pin, so a
/// loaded rule stays valid as long as a pin names that digest.
pub struct RuleCache {
    loaded: Mutex<HashMap<(String, Sha256Digest), Arc<LoadedRule>>>,
}

/// At most this many loaded rules are kept; past it the cache starts over
/// (a client could otherwise grow it without bound with made-up configs).
const RULE_CACHE_CAPACITY: usize = 256;

impl RuleCache {
    pub fn new() -> RuleCache {
        RuleCache {
            loaded: Mutex::new(HashMap::new()),
        }
    }

    /// How many rules are loaded.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, Sha256Digest), Arc<LoadedRule>>> {
        self.loaded.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The loaded rule for a (label, digest) key, loading it with `load` if
    /// needed. Loading runs without the lock held (it may compile); two
    /// threads may then load the same rule once each, and one copy is kept.
    fn get_or_load(
        &self,
        key: (String, Sha256Digest),
        load: impl FnOnce() -> Result<LoadedRule, RuleError>,
    ) -> Result<Arc<LoadedRule>, RuleError> {
        if let Some(loaded) = self.lock().get(&key) {
            return Ok(Arc::clone(loaded));
        }
        let loaded = Arc::new(load()?);
        let mut map = self.lock();
        if map.len() >= RULE_CACHE_CAPACITY {
            map.clear();
        }
        Ok(Arc::clone(map.entry(key).or_insert(loaded)))
    }
}

impl Default for RuleCache {
    fn default() -> Self {
        RuleCache::new()
    }
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
