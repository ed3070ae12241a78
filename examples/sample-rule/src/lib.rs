//! A sample hookwarden rule, small enough to read in one go.
//!
//! It stops a user prompt, or a file the agent is about to write, when the
//! text carries something that looks like a credential: a private key block,
//! an AWS access key id, a GitHub or Slack token. Credentials pasted into a
//! prompt go to the model provider; written into the tree they get committed.
//!
//! Build: `cargo build -p prompt-secrets --target wasm32-wasip2 --release`
//! Test the logic: `cargo test -p prompt-secrets`
//! Test the component: `hookwarden test target/wasm32-wasip2/release/prompt_secrets.wasm examples/sample-rule/cases.toml`

use hookwarden_sdk::{
    Action, ActionKind, Config, Event, HookEvent, Metadata, Rule, Verdict, export_rule,
};
use serde::Deserialize;

/// `[hookwarden.rules.config]` of this rule.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Settings {
    /// `deny` (default) or `ask`.
    decision: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            decision: "deny".into(),
        }
    }
}

pub struct PromptSecrets;

impl Rule for PromptSecrets {
    fn metadata() -> Metadata {
        Metadata::new(
            "prompt-secrets",
            env!("CARGO_PKG_VERSION"),
            "Stops prompts and file writes that carry credentials.",
        )
        .events([HookEvent::UserPromptSubmit, HookEvent::PreToolUse])
        .actions([
            ActionKind::None,
            ActionKind::FileWrite,
            ActionKind::FileEdit,
        ])
    }

    fn evaluate(event: &Event, config: &Config) -> Result<Verdict, String> {
        let settings: Settings = config.deserialize()?;
        let (text, place) = match (&event.action, &event.prompt) {
            (Action::FileWrite(w), _) => (
                w.content.as_deref().unwrap_or(""),
                format!("the write to {}", w.path),
            ),
            (Action::FileEdit(e), _) => (
                e.new_text.as_deref().unwrap_or(""),
                format!("the edit of {}", e.path),
            ),
            (Action::None, Some(prompt)) => (prompt.as_str(), "the prompt".to_owned()),
            _ => return Ok(Verdict::allow()),
        };
        let Some((id, what)) = find_secret(text) else {
            return Ok(Verdict::allow());
        };
        let reason =
            format!("{place} contains what looks like {what}; remove it and use a secret store");
        let verdict = match settings.decision.as_str() {
            "deny" => Verdict::deny(reason),
            "ask" => Verdict::ask(reason),
            other => return Err(format!("`decision` must be deny or ask, not `{other}`")),
        };
        Ok(verdict.with_finding(id, what))
    }
}

/// The first credential-shaped token in `text`: (finding id, description).
fn find_secret(text: &str) -> Option<(&'static str, &'static str)> {
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----") {
        return Some(("secrets.private-key", "a private key"));
    }
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
        let upper_alnum = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        };
        if word.len() == 20
            && (word.starts_with("AKIA") || word.starts_with("ASIA"))
            && upper_alnum(word)
        {
            return Some(("secrets.aws-access-key", "an AWS access key id"));
        }
        if word.len() >= 40
            && ["ghp_", "gho_", "ghs_", "github_pat_"]
                .iter()
                .any(|p| word.starts_with(p))
        {
            return Some(("secrets.github-token", "a GitHub token"));
        }
        if word.len() >= 24 && ["xoxb-", "xoxp-"].iter().any(|p| word.starts_with(p)) {
            return Some(("secrets.slack-token", "a Slack token"));
        }
    }
    None
}

export_rule!(PromptSecrets);

#[cfg(test)]
mod tests {
    use super::*;
    use hookwarden_sdk::{Decision, FileWrite, testing};

    fn prompt(text: &str) -> Event {
        let mut e = testing::event(HookEvent::UserPromptSubmit, Action::None);
        e.prompt = Some(text.into());
        e
    }

    #[test]
    fn secrets_in_prompts_are_denied() {
        let v = PromptSecrets::evaluate(
            &prompt("use key AKIAIOSFODNN7EXAMPLE please"),
            &Config::default(),
        )
        .unwrap();
        assert_eq!(v.decision, Decision::Deny);
        assert_eq!(v.findings[0].id, "secrets.aws-access-key");
    }

    #[test]
    fn ordinary_prompts_pass() {
        let v = PromptSecrets::evaluate(&prompt("refactor the AKIA parser"), &Config::default())
            .unwrap();
        assert_eq!(v.decision, Decision::Allow);
    }

    #[test]
    fn file_writes_are_checked_and_config_can_soften_to_ask() {
        let e = testing::event(
            HookEvent::PreToolUse,
            Action::FileWrite(FileWrite {
                path: "deploy/key.pem".into(),
                content: Some("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n".into()),
            }),
        );
        let config = Config::parse(r#"{"decision":"ask"}"#).unwrap();
        let v = PromptSecrets::evaluate(&e, &config).unwrap();
        assert_eq!(v.decision, Decision::Ask);
        assert!(v.reason.contains("deploy/key.pem"));
    }

    #[test]
    fn bad_config_is_an_error() {
        let config = Config::parse(r#"{"decision":"maybe"}"#).unwrap();
        assert!(PromptSecrets::evaluate(&prompt("AKIAIOSFODNN7EXAMPLE"), &config).is_err());
    }
}
