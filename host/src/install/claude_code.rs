//! Claude Code (`agent-hook-protocols.md` §2.2): the `hooks` key of
//! `settings.json`, grouped by matcher.
//!
//! - managed: `/etc/claude-code/managed-settings.json` (Linux),
//!   `/Library/Application Support/ClaudeCode/managed-settings.json` (macOS);
//! - user: `$CLAUDE_CONFIG_DIR/settings.json` (`~/.claude/settings.json`);
//! - project: `.claude/settings.json`.

use super::doctor::Check;
use super::{AGENT_TIMEOUT_SECS, AgentSpec, Env, Hook, InstallError, Layout, Scope, Target};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

const TOOL: Option<&str> = Some("*");

pub(super) static SPEC: AgentSpec = AgentSpec {
    hooks: &[
        Hook {
            event: "PreToolUse",
            matcher: TOOL,
        },
        Hook {
            event: "PermissionRequest",
            matcher: TOOL,
        },
        Hook {
            event: "PostToolUse",
            matcher: TOOL,
        },
        Hook {
            event: "UserPromptSubmit",
            matcher: None,
        },
        Hook {
            event: "Stop",
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

fn managed_path() -> &'static str {
    if cfg!(target_os = "macos") {
        "/Library/Application Support/ClaudeCode/managed-settings.json"
    } else {
        "/etc/claude-code/managed-settings.json"
    }
}

fn file(scope: Scope, env: &Env) -> Result<PathBuf, InstallError> {
    Ok(match scope {
        Scope::Managed => env.system(managed_path()),
        Scope::User => env
            .dir_var_or_home("CLAUDE_CONFIG_DIR", ".claude")?
            .join("settings.json"),
        Scope::Project => env.project(".claude/settings.json"),
    })
}

fn handler(command: &str) -> Map<String, Value> {
    let Value::Object(map) = json!({
        "type": "command",
        "command": command,
        "timeout": AGENT_TIMEOUT_SECS,
    }) else {
        unreachable!()
    };
    map
}

fn sample(cwd: &Path) -> (&'static str, Value) {
    (
        "PreToolUse",
        json!({
            "session_id": "hookwarden-doctor",
            "transcript_path": "/dev/null",
            "cwd": cwd,
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": "echo hookwarden doctor", "description": "hookwarden doctor"},
            "tool_use_id": "toolu_hookwarden_doctor",
        }),
    )
}

fn notes(target: &Target, _env: &Env) -> Vec<String> {
    let mut notes = Vec::new();
    if target.scope == Scope::Managed {
        notes.push(format!(
            "to run only managed hooks, set \"allowManagedHooksOnly\": true in {}",
            target.file.display()
        ));
    } else {
        notes.push(
            "interactive Claude Code sessions hold settings hooks back until the workspace \
             trust dialog is accepted"
                .to_owned(),
        );
    }
    notes
}

fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool) == Some(true)
}

fn checks(target: &Target, env: &Env, settings: &Value) -> Vec<Check> {
    let mut out = Vec::new();
    if flag(settings, "disableAllHooks") {
        out.push(Check::fail(
            "claude-hooks-enabled",
            format!(
                "{} sets disableAllHooks: no hook runs",
                target.file.display()
            ),
            "remove \"disableAllHooks\"",
        ));
    }
    if target.scope != Scope::Managed {
        let managed = env.system(managed_path());
        if let Some(m) = std::fs::read_to_string(&managed)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        {
            if flag(&m, "allowManagedHooksOnly") {
                out.push(Check::fail(
                    "claude-managed-only",
                    format!(
                        "{} sets allowManagedHooksOnly: Claude Code skips {} hooks",
                        managed.display(),
                        target.scope
                    ),
                    "register it with --scope managed instead",
                ));
            }
            if flag(&m, "disableAllHooks") {
                out.push(Check::fail(
                    "claude-hooks-enabled",
                    format!("{} sets disableAllHooks: no hook runs", managed.display()),
                    "remove \"disableAllHooks\" from the managed settings",
                ));
            }
        }
    }
    out
}
