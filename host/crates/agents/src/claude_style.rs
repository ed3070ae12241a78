//! The output contract Claude Code defined and Codex copied
//! (`agent-hook-protocols.md` §1.5, §2.4): `hookSpecificOutput` with a
//! `hookEventName`, `permissionDecision` in `PreToolUse`, a
//! `decision.behavior` in `PermissionRequest`, top-level
//! `decision: "block"` + `reason` elsewhere. Only the keys Codex accepts
//! (it rejects unknown ones) are ever written, so both agents get the same
//! answers except where [`Dialect`] says they differ.

use crate::common::{approval_required, context, context_answer, with_context};
use crate::{Answer, AskFallback, RenderOptions, reason_or_default};
use hookwarden_event::{Decision, Verdict};
use serde_json::{Map, json};

/// Where the two agents differ.
pub(crate) struct Dialect {
    /// `PreToolUse` accepts `permissionDecision: "ask"` (Claude Code does;
    /// Codex marks it unsupported, so ask goes through [`AskFallback`]).
    pub pre_tool_use_ask: bool,
    /// Answer an unknown event (unreadable payload) with exit 2 and the
    /// reason on stderr as well as the legacy block JSON. Claude Code blocks
    /// on exit 2 whatever the JSON says; Codex takes exit 2 without stderr as
    /// a failed hook, so it gets the JSON alone.
    pub unknown_exit_2: bool,
}

pub(crate) fn render(
    dialect: &Dialect,
    hook_name: &str,
    verdict: &Verdict,
    options: &RenderOptions,
) -> Answer {
    let reason = || reason_or_default(verdict);
    let fallback_deny = options.ask_fallback == AskFallback::Deny;
    match (hook_name, verdict.decision) {
        ("PreToolUse", Decision::Deny) => pre_tool_use("deny", reason(), verdict),
        ("PreToolUse", Decision::Ask) if dialect.pre_tool_use_ask => {
            pre_tool_use("ask", reason(), verdict)
        }
        ("PreToolUse", Decision::Ask) if fallback_deny => {
            pre_tool_use("deny", approval_required(verdict), verdict)
        }
        // Never "allow": that would skip the agent's own permission prompt
        // (Claude) or is unsupported (Codex).
        ("PreToolUse", _) => context_answer("PreToolUse", with_context(None, verdict)),

        // A security hook never auto-approves: allow and ask leave the
        // agent's own approval prompt in place.
        ("PermissionRequest", Decision::Deny) => Answer::json(json!({
            "hookSpecificOutput": {
                "hookEventName": "PermissionRequest",
                "decision": {"behavior": "deny", "message": reason()}
            }
        })),
        ("PermissionRequest", _) => Answer::none(),

        ("PostToolUse", Decision::Deny) => block(reason()),
        ("PostToolUse", Decision::Ask) => context_answer(
            "PostToolUse",
            with_context(Some(format!("hookwarden warning: {}", reason())), verdict),
        ),
        ("PostToolUse", Decision::Allow) => {
            context_answer("PostToolUse", with_context(None, verdict))
        }

        ("UserPromptSubmit", Decision::Deny | Decision::Ask) => block(reason()),
        ("UserPromptSubmit", Decision::Allow) => {
            context_answer("UserPromptSubmit", with_context(None, verdict))
        }

        // Context on an allowed stop would keep the agent going: none.
        ("Stop" | "SubagentStop", Decision::Deny) => block(reason()),
        ("Stop" | "SubagentStop", Decision::Ask) => {
            Answer::json(json!({"systemMessage": reason()}))
        }
        ("Stop" | "SubagentStop", Decision::Allow) => Answer::none(),

        ("SessionStart", Decision::Deny) => {
            Answer::json(json!({"continue": false, "stopReason": reason()}))
        }
        ("SessionStart", _) => context_answer("SessionStart", with_context(None, verdict)),

        // The event is unknown (the payload was unreadable): the legacy
        // block form, which both honour on PreToolUse, PostToolUse,
        // UserPromptSubmit and Stop.
        ("", Decision::Deny) => unknown_block(dialect, reason()),
        ("", Decision::Ask) if fallback_deny => unknown_block(dialect, approval_required(verdict)),
        _ => Answer::none(),
    }
}

fn unknown_block(dialect: &Dialect, reason: String) -> Answer {
    let answer = block(reason.clone());
    if dialect.unknown_exit_2 {
        answer.exit_2(&reason)
    } else {
        answer
    }
}

fn block(reason: String) -> Answer {
    Answer::json(json!({"decision": "block", "reason": reason}))
}

fn pre_tool_use(decision: &str, reason: String, verdict: &Verdict) -> Answer {
    let mut hso = Map::new();
    hso.insert("hookEventName".into(), "PreToolUse".into());
    hso.insert("permissionDecision".into(), decision.into());
    hso.insert("permissionDecisionReason".into(), reason.into());
    if let Some(c) = context(verdict) {
        hso.insert("additionalContext".into(), c.into());
    }
    Answer::json(json!({ "hookSpecificOutput": hso }))
}
