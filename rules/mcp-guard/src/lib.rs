//! # mcp-guard
//!
//! A hookwarden rule for every MCP tool call of every agent:
//!
//! - **servers**: only the admin's servers are called freely. A server on
//!   no list gets the `unlisted` decision (default ask; where the agent
//!   cannot ask, the admin's `ask_fallback`, deny by default). A name that
//!   imitates a listed one — within a small edit distance (`filesytem`),
//!   with an affix (`github-mcp`), in look-alike letters (Cyrillic `а`,
//!   `rn` for `m`) — is denied as a look-alike (`lookalike`).
//! - **tools**: per listed server, `tools` maps globs to allow / ask /
//!   deny (`delete_*` = deny); the most specific match wins, and tools no
//!   glob matches get `other_tools` (default allow).
//! - **origin**: where the payload says where the server runs (Claude
//!   Code's `mcp_server.source`, Cursor's `url`/`command`, Gemini's
//!   `mcp_context`), a listed server pinned to a `command`, `url` or
//!   `source` must run there; a server answering to a listed name from
//!   elsewhere is denied (`mcp-guard.origin`).
//! - **credentials in arguments**: a call whose arguments carry a
//!   credential (a token, a private key, a `.env` dump — a gist body, an
//!   issue comment, a URL query) is denied as exfiltration, whatever the
//!   server (`secrets`).
//!
//! What a call *does* is judged by the other rules: the host hands every
//! rule that judges shell commands or file tools a view of an MCP call as
//! the command it runs or the file it writes (`hookwarden-mcp-effects`),
//! and network-egress reads the URLs in every call.
//!
//! The host builds this rule's configuration from `[hookwarden.mcp]` and,
//! for Codex's own allowlist, the requirements file's
//! `[mcp_servers.<name>.identity]` tables:
//!
//! ```json
//! { "unlisted": "ask", "lookalike": "deny", "secrets": "deny",
//!   "servers": { "github": { "tools": { "delete_*": "deny" }, "other_tools": "allow",
//!                            "url": "https://api.githubcopilot.com/mcp/" } } }
//! ```

mod arguments;
mod lookalike;
mod policy;

use hookwarden_sdk::{
    Action, ActionKind, Config, Event, HookEvent, McpCall, Metadata, Rule, Verdict, export_rule,
};
use policy::{Level, Policy};

pub struct McpGuard;

impl Rule for McpGuard {
    fn metadata() -> Metadata {
        Metadata::new(
            "mcp-guard",
            env!("CARGO_PKG_VERSION"),
            "MCP tool calls only to the admin's servers and tools: unlisted servers asked, \
             look-alike names and servers from another origin denied, per-tool allow/ask/deny, \
             and no credentials in a call's arguments.",
        )
        .events([HookEvent::PreToolUse, HookEvent::PermissionRequest])
        .actions([ActionKind::McpCall])
    }

    fn evaluate(event: &Event, config: &Config) -> Result<Verdict, String> {
        let Action::McpCall(call) = &event.action else {
            return Ok(Verdict::allow());
        };
        let policy = Policy::from_config(config)?;
        Ok(judge(call, &policy))
    }
}

export_rule!(McpGuard);

/// What a check found: how strongly it objects, why, and its finding id.
struct Hit {
    level: Level,
    id: &'static str,
    message: String,
}

/// The verdict for one call: the server and tool checks, then the
/// arguments. The strongest hit decides and gives the reason.
pub fn judge(call: &McpCall, policy: &Policy) -> Verdict {
    let mut hits = Vec::new();
    server_hits(call, policy, &mut hits);
    for found in arguments::secrets(&call.arguments) {
        hits.push(Hit {
            level: policy.secrets,
            id: "mcp-guard.secret-in-arguments",
            message: format!(
                "the arguments of `{}` carry {} (in `{}`): calling the tool would hand it to \
                 the MCP server",
                display_name(call),
                found.label,
                found.at
            ),
        });
    }
    verdict(hits)
}

fn display_name(call: &McpCall) -> String {
    if call.server.is_empty() {
        call.tool.clone()
    } else {
        format!("{}/{}", call.server, call.tool)
    }
}

fn server_hits(call: &McpCall, policy: &Policy, hits: &mut Vec<Hit>) {
    // Cursor's `MCP:<tool>` names no server at all; its
    // `beforeMCPExecution` call for the same tool does (by origin).
    if call.server.is_empty() && call.origin.is_none() {
        return;
    }
    let Some((name, server)) = policy.find(call) else {
        if let Some(original) = lookalike::imitated(&call.server, policy.servers.keys()) {
            hits.push(Hit {
                level: policy.lookalike,
                id: "mcp-guard.lookalike",
                message: format!(
                    "MCP server `{}` imitates the allowed server `{original}`: a look-alike \
                     name is how a hijacked or poisoned server passes for a trusted one",
                    call.server
                ),
            });
        } else {
            hits.push(Hit {
                level: policy.unlisted,
                id: "mcp-guard.unlisted",
                message: format!(
                    "MCP server `{}` is not on the admin's allowlist ([hookwarden.mcp.servers]{})",
                    call.server,
                    if policy.servers.is_empty() {
                        ", which lists no server"
                    } else {
                        ""
                    }
                ),
            });
        }
        return;
    };
    if let Some(mismatch) = server.origin_mismatch(call.origin.as_ref()) {
        hits.push(Hit {
            level: Level::Deny,
            id: "mcp-guard.origin",
            message: format!("MCP server `{name}` {mismatch}"),
        });
    }
    let (level, pattern) = server.tool_level(&call.tool);
    if level != Level::Allow {
        let by = match pattern {
            Some(p) => format!("`{p}` in its `tools`"),
            None => "its `other_tools`".to_owned(),
        };
        hits.push(Hit {
            level,
            id: "mcp-guard.tool",
            message: format!(
                "tool `{}` of MCP server `{name}` is {} by the admin's allowlist ({by})",
                call.tool,
                match level {
                    Level::Deny => "denied",
                    _ => "to be approved",
                }
            ),
        });
    }
}

fn verdict(hits: Vec<Hit>) -> Verdict {
    Verdict::from_findings(
        hits.into_iter()
            .map(|h| (h.level.decision(), h.id, h.message)),
        "hookwarden blocked this MCP tool call. Do not retry it through another server, tool or \
         command; if it is really needed, ask the user.",
    )
}

#[cfg(test)]
mod tests;
