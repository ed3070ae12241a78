//! GitHub Copilot CLI (`agent-hook-protocols.md` §5.1): a hooks file with
//! `"version": 1` and a flat list of handlers per event; the command is in
//! `bash`, the timeout in `timeoutSec`. hookwarden writes its own file.
//!
//! - user: `$COPILOT_HOME/hooks/hookwarden.json` (`~/.copilot/hooks/`);
//! - project: `.github/hooks/hookwarden.json`.
//!
//! No managed scope: the admin policy directory (`policy.d`) is known only
//! from third-party notes, its file format not at all.
//!
//! Events are registered in camelCase (camelCase payloads); those payloads
//! do not name their event, so the command's `--event` does.

use super::doctor::Check;
use super::{AGENT_TIMEOUT_SECS, AgentSpec, Env, Hook, InstallError, Layout, Scope, Target};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

pub(super) static SPEC: AgentSpec = AgentSpec {
    hooks: &[
        Hook {
            event: "preToolUse",
            matcher: None,
        },
        Hook {
            event: "permissionRequest",
            matcher: None,
        },
        Hook {
            event: "postToolUse",
            matcher: None,
        },
        Hook {
            event: "userPromptSubmitted",
            matcher: None,
        },
        Hook {
            event: "agentStop",
            matcher: None,
        },
        Hook {
            event: "sessionStart",
            matcher: None,
        },
    ],
    layout: Layout::Flat,
    command_key: "bash",
    scopes: &[Scope::User, Scope::Project],
    file,
    handler,
    notes,
    checks,
    sample,
};

fn file(scope: Scope, env: &Env) -> Result<PathBuf, InstallError> {
    Ok(match scope {
        Scope::Project => env.project(".github/hooks/hookwarden.json"),
        _ => env
            .dir_var_or_home("COPILOT_HOME", ".copilot")?
            .join("hooks/hookwarden.json"),
    })
}

fn handler(command: &str) -> Map<String, Value> {
    let Value::Object(map) = json!({
        "type": "command",
        "bash": command,
        "timeoutSec": AGENT_TIMEOUT_SECS,
    }) else {
        unreachable!()
    };
    map
}

fn sample(cwd: &Path) -> (&'static str, Value) {
    (
        "preToolUse",
        json!({
            "sessionId": "hookwarden-doctor",
            "timestamp": 0,
            "cwd": cwd,
            "toolName": "bash",
            "toolArgs": {"command": "echo hookwarden doctor", "description": "hookwarden doctor"},
        }),
    )
}

fn notes(_target: &Target, _env: &Env) -> Vec<String> {
    vec![
        "Copilot CLI denies the tool call when a preToolUse hook crashes: keep the \
         registered binary in place (hookwarden doctor checks it)"
            .to_owned(),
    ]
}

fn checks(target: &Target, _env: &Env, settings: &Value) -> Vec<Check> {
    match settings.get("version") {
        Some(v) if v == &Value::from(1) => Vec::new(),
        other => vec![Check::fail(
            "copilot-version",
            format!(
                "{}: `version` is {}, Copilot CLI expects 1",
                target.file.display(),
                other.map_or("missing".to_owned(), Value::to_string)
            ),
            "set \"version\": 1",
        )],
    }
}
