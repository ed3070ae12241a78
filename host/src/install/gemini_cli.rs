//! Gemini CLI (`agent-hook-protocols.md` §3.2): the `hooks` key of
//! `settings.json`, grouped by matcher, `timeout` in milliseconds.
//!
//! - managed (system): `$GEMINI_CLI_SYSTEM_SETTINGS_PATH`, else
//!   `/etc/gemini-cli/settings.json` (Linux) or
//!   `/Library/Application Support/GeminiCli/settings.json` (macOS);
//! - user: `~/.gemini/settings.json`; project: `.gemini/settings.json`.
//!
//! Hooks have a `name`, so `hooksConfig.disabled` can name them.

use super::doctor::Check;
use super::{AGENT_TIMEOUT_SECS, AgentSpec, Env, Hook, InstallError, Layout, Scope, Target};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

const TOOL: Option<&str> = Some("*");
const NAME: &str = "hookwarden";

pub(super) static SPEC: AgentSpec = AgentSpec {
    hooks: &[
        Hook {
            event: "BeforeTool",
            matcher: TOOL,
        },
        Hook {
            event: "AfterTool",
            matcher: TOOL,
        },
        Hook {
            event: "BeforeAgent",
            matcher: None,
        },
        Hook {
            event: "AfterAgent",
            matcher: None,
        },
        Hook {
            event: "SessionStart",
            matcher: None,
        },
    ],
    layout: Layout::Grouped,
    command_key: "command",
    scopes: &[Scope::Managed, Scope::User, Scope::Project],
    file,
    handler,
    notes,
    checks,
    sample,
};

fn file(scope: Scope, env: &Env) -> Result<PathBuf, InstallError> {
    Ok(match scope {
        Scope::Managed => match std::env::var_os("GEMINI_CLI_SYSTEM_SETTINGS_PATH") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ if cfg!(target_os = "macos") => {
                env.system("/Library/Application Support/GeminiCli/settings.json")
            }
            _ => env.system("/etc/gemini-cli/settings.json"),
        },
        Scope::User => env.home_path(".gemini")?.join("settings.json"),
        Scope::Project => env.project(".gemini/settings.json"),
    })
}

fn handler(command: &str) -> Map<String, Value> {
    let Value::Object(map) = json!({
        "name": NAME,
        "type": "command",
        "command": command,
        "timeout": AGENT_TIMEOUT_SECS * 1000,
    }) else {
        unreachable!()
    };
    map
}

fn sample(cwd: &Path) -> (&'static str, Value) {
    (
        "BeforeTool",
        json!({
            "session_id": "hookwarden-doctor",
            "transcript_path": "/dev/null",
            "cwd": cwd,
            "timestamp": "2026-01-01T00:00:00.000Z",
            "hook_event_name": "BeforeTool",
            "tool_name": "run_shell_command",
            "tool_input": {"command": "echo hookwarden doctor", "description": "hookwarden doctor"},
        }),
    )
}

fn notes(_target: &Target, _env: &Env) -> Vec<String> {
    vec!["Gemini CLI runs no settings hooks in folders that are not trusted".to_owned()]
}

fn checks(target: &Target, _env: &Env, settings: &Value) -> Vec<Check> {
    let mut out = Vec::new();
    let config = settings.get("hooksConfig");
    if config
        .and_then(|c| c.get("enabled"))
        .and_then(Value::as_bool)
        == Some(false)
    {
        out.push(Check::fail(
            "gemini-hooks-enabled",
            format!(
                "{} sets hooksConfig.enabled = false: no hook runs",
                target.file.display()
            ),
            "remove it, or set it to true",
        ));
    }
    let disabled = config
        .and_then(|c| c.get("disabled"))
        .and_then(Value::as_array)
        .is_some_and(|names| names.iter().any(|n| n.as_str() == Some(NAME)));
    if disabled {
        out.push(Check::fail(
            "gemini-hooks-enabled",
            format!(
                "{} lists \"{NAME}\" in hooksConfig.disabled",
                target.file.display()
            ),
            "remove it from the list",
        ));
    }
    out
}
