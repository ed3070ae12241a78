//! Constructors for verdicts and metadata, so rules read as sentences.

use crate::{Action, ActionKind, Decision, Event, Finding, HookEvent, Metadata, Verdict};

impl Verdict {
    /// Nothing to object to.
    pub fn allow() -> Verdict {
        Verdict {
            decision: Decision::Allow,
            reason: String::new(),
            context: None,
            findings: Vec::new(),
        }
    }

    /// Ask the user to confirm, saying why.
    pub fn ask(reason: impl Into<String>) -> Verdict {
        Verdict {
            decision: Decision::Ask,
            ..Verdict::deny(reason)
        }
    }

    /// Refuse, saying why. The reason reaches the user and the model.
    pub fn deny(reason: impl Into<String>) -> Verdict {
        Verdict {
            decision: Decision::Deny,
            reason: reason.into(),
            context: None,
            findings: Vec::new(),
        }
    }

    /// Record a finding for the audit trail.
    pub fn with_finding(mut self, id: impl Into<String>, message: impl Into<String>) -> Verdict {
        self.findings.push(Finding {
            id: id.into(),
            message: message.into(),
        });
        self
    }

    /// Add context for the model, where the agent supports it.
    pub fn with_context(mut self, context: impl Into<String>) -> Verdict {
        self.context = Some(context.into());
        self
    }

    /// The verdict for what a rule found, each `(decision, finding id,
    /// message)`: the strongest decides and gives the reason (the first
    /// of equals), with `deny_context` for the model on a deny; every
    /// finding that is not an allow is kept.
    pub fn from_findings<Id: Into<String>>(
        found: impl IntoIterator<Item = (Decision, Id, String)>,
        deny_context: &str,
    ) -> Verdict {
        let rank = |d: &Decision| match d {
            Decision::Allow => 0,
            Decision::Ask => 1,
            Decision::Deny => 2,
        };
        let mut found: Vec<(Decision, Id, String)> = found
            .into_iter()
            .filter(|(d, _, _)| *d != Decision::Allow)
            .collect();
        found.sort_by_key(|(d, _, _)| std::cmp::Reverse(rank(d)));
        let Some((decision, _, reason)) = found.first() else {
            return Verdict::allow();
        };
        let mut v = match decision {
            Decision::Deny => Verdict::deny(reason.clone()).with_context(deny_context),
            _ => Verdict::ask(reason.clone()),
        };
        for (_, id, message) in found {
            v = v.with_finding(id, message);
        }
        v
    }

    /// The stronger of two verdicts (deny > ask > allow); on a tie the
    /// reasons are joined and findings of both kept.
    pub fn merge(self, other: Verdict) -> Verdict {
        let rank = |d: Decision| match d {
            Decision::Allow => 0,
            Decision::Ask => 1,
            Decision::Deny => 2,
        };
        let (mut strong, weak) = if rank(other.decision) > rank(self.decision) {
            (other, self)
        } else {
            (self, other)
        };
        if strong.decision == weak.decision && !weak.reason.is_empty() {
            if strong.reason.is_empty() {
                strong.reason = weak.reason;
            } else if !strong.reason.contains(&weak.reason) {
                strong.reason = format!("{}; {}", strong.reason, weak.reason);
            }
        }
        strong.findings.extend(weak.findings);
        if strong.context.is_none() {
            strong.context = weak.context;
        }
        strong
    }
}

impl Metadata {
    /// A rule that handles every event and action until narrowed.
    pub fn new(id: &str, version: &str, description: &str) -> Metadata {
        Metadata {
            id: id.into(),
            version: version.into(),
            description: description.into(),
            events: Vec::new(),
            actions: Vec::new(),
        }
    }

    pub fn events(mut self, events: impl IntoIterator<Item = HookEvent>) -> Metadata {
        self.events = events.into_iter().collect();
        self
    }

    pub fn actions(mut self, actions: impl IntoIterator<Item = ActionKind>) -> Metadata {
        self.actions = actions.into_iter().collect();
        self
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::None => ActionKind::None,
            Action::Shell(_) => ActionKind::Shell,
            Action::FileWrite(_) => ActionKind::FileWrite,
            Action::FileEdit(_) => ActionKind::FileEdit,
            Action::Patch(_) => ActionKind::Patch,
            Action::McpCall(_) => ActionKind::McpCall,
            Action::WebFetch(_) => ActionKind::WebFetch,
            Action::OtherTool(_) => ActionKind::OtherTool,
        }
    }
}

impl Event {
    /// The shell command line, when the action is a shell command.
    pub fn shell_command(&self) -> Option<&str> {
        match &self.action {
            Action::Shell(cmd) => Some(&cmd.command),
            _ => None,
        }
    }

    /// The host's analysis of the shell command (see [`crate::shell`]), when
    /// the action is a shell command.
    pub fn shell_analysis(&self) -> Option<&crate::shell::Analysis> {
        match &self.action {
            Action::Shell(cmd) => Some(&cmd.analysis),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_the_strongest() {
        let v = Verdict::allow()
            .merge(Verdict::ask("a").with_finding("x", "1"))
            .merge(Verdict::deny("d"));
        assert_eq!(v.decision, Decision::Deny);
        assert_eq!(v.reason, "d");
        assert_eq!(v.findings.len(), 1);
        let v = Verdict::deny("a").merge(Verdict::deny("b"));
        assert_eq!(v.reason, "a; b");
    }
}
