//! Rule test fixtures: the case files `hookwarden test` runs.
//!
//! A case file is TOML. Each case names its input in one of three ways —
//! `command` (a shell command, as a `pre-tool-use` event), `payload` or
//! `payload_file` (an agent's raw hook payload, run through that agent's
//! adapter), or `event` (a normalized event spelled out) — and what the rule
//! must answer:
//!
//! ```toml
//! [defaults]
//! agent = "codex"                              # adapter for payload cases
//! config = { protected_branches = ["main"] }   # the rule's config
//!
//! [[case]]
//! name = "rm -rf / is denied"
//! command = "rm -rf /"
//! expect = "deny"                     # allow | ask | deny
//! reason_contains = "rm -rf /"        # optional
//! finding = "destructive.rm-root"     # optional: a finding id that must be present
//! ```

use hookwarden_agents::AgentKind;
use hookwarden_event::{
    Action, Agent, Decision, Event, HookEvent, ShellCommand, ShellDialect, Verdict,
};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default, rename = "case")]
    pub cases: Vec<Case>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    pub agent: Option<String>,
    pub config: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: Option<String>,
    pub command: Option<String>,
    /// JSON text, or a TOML table standing for the JSON object.
    pub payload: Option<toml::Value>,
    pub payload_file: Option<PathBuf>,
    pub event: Option<Event>,
    pub agent: Option<String>,
    pub config: Option<toml::Table>,
    pub expect: Decision,
    pub reason_contains: Option<String>,
    pub finding: Option<String>,
}

/// A case ready to run: its event and rule config.
#[derive(Debug)]
pub struct PreparedCase {
    pub name: String,
    pub event: Event,
    pub config_json: String,
}

impl CaseFile {
    pub fn load(path: &Path) -> Result<CaseFile, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

impl Case {
    /// The name shown for the case: its `name`, or its input.
    pub fn display_name(&self, index: usize) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        if let Some(c) = &self.command {
            return c.clone();
        }
        if let Some(p) = &self.payload_file {
            return p.display().to_string();
        }
        format!("case {}", index + 1)
    }

    /// Build the event and config; `dir` resolves `payload_file`.
    pub fn prepare(
        &self,
        index: usize,
        defaults: &Defaults,
        dir: &Path,
    ) -> Result<PreparedCase, String> {
        let name = self.display_name(index);
        let inputs = [
            self.command.is_some(),
            self.payload.is_some(),
            self.payload_file.is_some(),
            self.event.is_some(),
        ];
        if inputs.iter().filter(|x| **x).count() != 1 {
            return Err(format!(
                "case `{name}`: give exactly one of command, payload, payload_file, event"
            ));
        }
        let event = if let Some(command) = &self.command {
            shell_event(command)
        } else if let Some(event) = &self.event {
            event.clone()
        } else {
            let payload = match (&self.payload, &self.payload_file) {
                (Some(toml::Value::String(json)), _) => json.clone().into_bytes(),
                (Some(table), _) => {
                    serde_json::to_vec(table).map_err(|e| format!("case `{name}`: {e}"))?
                }
                (None, Some(file)) => {
                    let file = dir.join(file);
                    std::fs::read(&file).map_err(|e| {
                        format!("case `{name}`: cannot read {}: {e}", file.display())
                    })?
                }
                (None, None) => unreachable!("checked above"),
            };
            let agent = self
                .agent
                .as_deref()
                .or(defaults.agent.as_deref())
                .unwrap_or("codex");
            let kind: AgentKind = agent.parse().map_err(|e| format!("case `{name}`: {e}"))?;
            let parsed = hookwarden_agents::adapter(kind)
                .parse(&payload, None)
                .map_err(|e| {
                    format!("case `{name}`: the {agent} adapter refused the payload: {e}")
                })?;
            parsed.event.ok_or_else(|| {
                format!(
                    "case `{name}`: hookwarden does not judge `{}` events",
                    parsed.hook_name
                )
            })?
        };
        let mut event = event;
        hookwarden_facts::analyze_shell(&mut event);
        let config = self.config.as_ref().or(defaults.config.as_ref());
        let config_json = match config {
            Some(t) => serde_json::to_string(t).map_err(|e| format!("case `{name}`: {e}"))?,
            None => "{}".into(),
        };
        Ok(PreparedCase {
            name,
            event,
            config_json,
        })
    }

    /// `None` when the verdict meets the expectation, else what is wrong.
    pub fn check(&self, verdict: &Verdict) -> Option<String> {
        let mut problems = Vec::new();
        if verdict.decision != self.expect {
            problems.push(format!(
                "expected {}, got {}",
                self.expect, verdict.decision
            ));
        }
        if let Some(s) = &self.reason_contains
            && !verdict.reason.contains(s.as_str())
        {
            problems.push(format!("reason does not contain {s:?}"));
        }
        if let Some(id) = &self.finding
            && !verdict.findings.iter().any(|f| &f.id == id)
        {
            let ids: Vec<&str> = verdict.findings.iter().map(|f| f.id.as_str()).collect();
            problems.push(format!("no finding `{id}` (findings: {ids:?})"));
        }
        if problems.is_empty() {
            None
        } else {
            if !verdict.reason.is_empty() {
                problems.push(format!("reason: {:?}", verdict.reason));
            }
            Some(problems.join("; "))
        }
    }
}

/// A `pre-tool-use` event for a POSIX shell command, as Codex would send it.
pub fn shell_event(command: &str) -> Event {
    Event {
        agent: Agent::Codex,
        hook: HookEvent::PreToolUse,
        cwd: "/work/project".into(),
        session_id: "hookwarden-test".into(),
        tool_name: Some("Bash".into()),
        action: Action::Shell(ShellCommand {
            command: command.into(),
            dialect: ShellDialect::Posix,
            workdir: None,
            analysis: None,
        }),
        tool_input: Some(serde_json::json!({ "command": command }).to_string()),
        tool_response: None,
        prompt: None,
        facts: Vec::new(),
    }
}
