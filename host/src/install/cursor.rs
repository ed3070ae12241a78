//! Cursor (`agent-hook-protocols.md` §4.2): `hooks.json` with
//! `"version": 1` and a flat list of handlers per event, `timeout` in seconds.
//!
//! - managed (enterprise): `/etc/cursor/hooks.json` (Linux),
//!   `/Library/Application Support/Cursor/hooks.json` (macOS);
//! - user: `~/.cursor/hooks.json`; project: `.cursor/hooks.json`.
//!
//! `preToolUse` sees every tool (shell, MCP, reads), so the narrower
//! `beforeShellExecution` & co. are not registered as well: that would judge
//! the same call twice. `beforeMCPExecution` is, though: `preToolUse` names
//! an MCP tool only as `MCP:<tool>`, without its server, and only
//! `beforeMCPExecution` carries the server's URL or command, which the MCP
//! allowlist (mcp-guard) needs to know the server.

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
            event: "beforeMCPExecution",
            matcher: None,
        },
        Hook {
            event: "postToolUse",
            matcher: None,
        },
        Hook {
            event: "beforeSubmitPrompt",
            matcher: None,
        },
        Hook {
            event: "stop",
            matcher: None,
        },
        Hook {
            event: "sessionStart",
            matcher: None,
        },
    ],
    layout: Layout::Flat,
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
        Scope::Managed if cfg!(target_os = "macos") => {
            env.system("/Library/Application Support/Cursor/hooks.json")
        }
        Scope::Managed => env.system("/etc/cursor/hooks.json"),
        Scope::User => env.home_path(".cursor")?.join("hooks.json"),
        Scope::Project => env.project(".cursor/hooks.json"),
    })
}

fn handler(command: &str) -> Map<String, Value> {
    let Value::Object(map) = json!({
        "command": command,
        "timeout": AGENT_TIMEOUT_SECS,
    }) else {
        unreachable!()
    };
    map
}

fn sample(cwd: &Path) -> (&'static str, Value) {
    (
        "preToolUse",
        json!({
            "conversation_id": "hookwarden-doctor",
            "generation_id": "hookwarden-doctor",
            "model": "hookwarden-doctor",
            "cursor_version": "0",
            "workspace_roots": [cwd],
            "hook_event_name": "preToolUse",
            "tool_name": "Shell",
            "tool_input": {"command": "echo hookwarden doctor", "working_directory": cwd},
            "tool_use_id": "hookwarden-doctor",
            "cwd": cwd,
        }),
    )
}

fn notes(target: &Target, _env: &Env) -> Vec<String> {
    if target.scope == Scope::Project {
        vec!["Cursor runs project hooks only in trusted workspaces".to_owned()]
    } else {
        Vec::new()
    }
}

fn checks(target: &Target, _env: &Env, settings: &Value) -> Vec<Check> {
    match settings.get("version") {
        Some(v) if v == &Value::from(1) => Vec::new(),
        other => vec![Check::fail(
            "cursor-version",
            format!(
                "{}: `version` is {}, Cursor expects 1",
                target.file.display(),
                other.map_or("missing".to_owned(), Value::to_string)
            ),
            "set \"version\": 1",
        )],
    }
}
