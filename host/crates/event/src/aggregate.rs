//! Combining the verdicts of several rules into one: deny > ask > allow.

use crate::{Decision, Finding, Verdict};

/// What one rule contributed to a hook call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RuleOutcome {
    pub rule_id: String,
    pub verdict: Verdict,
    /// Set when the rule did not run to a verdict (pin mismatch, trap, fuel,
    /// deadline, …) and `verdict` is the configured fail-mode verdict.
    pub failure: Option<String>,
}

impl RuleOutcome {
    /// One outcome for a rule that judged several views of one event (an
    /// MCP call and what it does): the stronger verdict decides and gives
    /// reason and context, findings of both are kept, and a failure in
    /// either is the outcome's failure.
    pub fn merge(self, other: RuleOutcome) -> RuleOutcome {
        let (mut strong, weak) = if other.verdict.decision > self.verdict.decision {
            (other, self)
        } else {
            (self, other)
        };
        for finding in weak.verdict.findings {
            if !strong.verdict.findings.contains(&finding) {
                strong.verdict.findings.push(finding);
            }
        }
        strong.failure = strong.failure.or(weak.failure);
        strong
    }
}

/// The combined verdict of every rule that ran for one event.
#[derive(Debug, Clone, Default)]
pub struct Aggregate {
    pub outcomes: Vec<RuleOutcome>,
}

impl Aggregate {
    pub fn push(&mut self, outcome: RuleOutcome) {
        self.outcomes.push(outcome);
    }

    /// The strongest decision among all outcomes; allow when no rule ran.
    pub fn decision(&self) -> Decision {
        self.outcomes
            .iter()
            .map(|o| o.verdict.decision)
            .max()
            .unwrap_or(Decision::Allow)
    }

    /// One verdict for the agent. Its reason lists, in rule order, the rules
    /// that reached the winning decision, each as `[rule-id] reason`; the
    /// context joins every rule's context; findings keep every rule's.
    pub fn verdict(&self) -> Verdict {
        let decision = self.decision();
        let reason = self
            .outcomes
            .iter()
            .filter(|o| o.verdict.decision == decision && decision != Decision::Allow)
            .map(|o| {
                let reason = o.verdict.reason.trim();
                let reason = if reason.is_empty() {
                    // A rule that denies without saying why still gets a
                    // non-empty reason: Codex ignores a deny without one.
                    "no reason given"
                } else {
                    reason
                };
                format!("[{}] {}", o.rule_id, reason)
            })
            .collect::<Vec<_>>()
            .join("; ");
        let contexts: Vec<&str> = self
            .outcomes
            .iter()
            .filter_map(|o| o.verdict.context.as_deref())
            .filter(|c| !c.trim().is_empty())
            .collect();
        let findings: Vec<Finding> = self
            .outcomes
            .iter()
            .flat_map(|o| o.verdict.findings.iter().cloned())
            .collect();
        Verdict {
            decision,
            reason,
            context: (!contexts.is_empty()).then(|| contexts.join("\n")),
            findings,
        }
    }

    /// Every finding's id, in rule order (for audit logs).
    pub fn finding_ids(&self) -> Vec<&str> {
        self.outcomes
            .iter()
            .flat_map(|o| o.verdict.findings.iter().map(|f| f.id.as_str()))
            .collect()
    }

    /// Why rules failed, in rule order (for audit logs).
    pub fn failures(&self) -> Vec<&str> {
        self.outcomes
            .iter()
            .filter_map(|o| o.failure.as_deref())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(id: &str, decision: Decision, reason: &str) -> RuleOutcome {
        RuleOutcome {
            rule_id: id.into(),
            verdict: Verdict::new(decision, reason),
            failure: None,
        }
    }

    #[test]
    fn no_rules_allow() {
        let agg = Aggregate::default();
        assert_eq!(agg.verdict().decision, Decision::Allow);
        assert_eq!(agg.verdict().reason, "");
    }

    #[test]
    fn deny_beats_ask_beats_allow_and_only_winners_give_reasons() {
        let mut agg = Aggregate::default();
        agg.push(outcome("a", Decision::Allow, "fine"));
        agg.push(outcome("b", Decision::Ask, "maybe"));
        agg.push(outcome("c", Decision::Deny, "no"));
        agg.push(outcome("d", Decision::Deny, ""));
        let v = agg.verdict();
        assert_eq!(v.decision, Decision::Deny);
        assert_eq!(v.reason, "[c] no; [d] no reason given");

        let mut agg = Aggregate::default();
        agg.push(outcome("a", Decision::Allow, "fine"));
        agg.push(outcome("b", Decision::Ask, "maybe"));
        assert_eq!(agg.verdict().decision, Decision::Ask);
        assert_eq!(agg.verdict().reason, "[b] maybe");
    }

    #[test]
    fn contexts_and_findings_are_kept_from_all_rules() {
        let mut agg = Aggregate::default();
        let mut a = outcome("a", Decision::Allow, "");
        a.verdict.context = Some("ctx a".into());
        a.verdict.findings.push(Finding {
            id: "x".into(),
            message: "m".into(),
        });
        let mut b = outcome("b", Decision::Deny, "no");
        b.verdict.context = Some("ctx b".into());
        b.verdict.findings.push(Finding {
            id: "y".into(),
            message: "m".into(),
        });
        b.failure = Some("trapped".into());
        agg.push(a);
        agg.push(b);
        let v = agg.verdict();
        assert_eq!(v.context.as_deref(), Some("ctx a\nctx b"));
        assert_eq!(v.findings.len(), 2);
        assert_eq!(agg.finding_ids(), ["x", "y"]);
        assert_eq!(agg.failures(), ["trapped"]);
    }
}
