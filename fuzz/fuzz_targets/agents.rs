//! The agent payload adapters (`hookwarden-agents`): every agent's `parse`,
//! `sniff_hook_name` and `render`, on arbitrary bytes.
//!
//! The input is the payload itself (the seeds are the adapters' fixtures of
//! real payloads); every input goes through all five adapters. For each:
//!
//! - `parse` with no `--event`, with a known event name and with the name
//!   the first parse found never panics; a payload that parses without
//!   `--event` parses the same with `--event` set to its own event name;
//! - a parsed event survives the JSON round trip to `hookwarden serve`;
//! - every verdict (allow, ask, deny; empty, blank or arbitrary reason and
//!   context; both ask fallbacks) rendered for every name the hook could
//!   render for (the parsed name, the one a refused payload names, the
//!   sniffed one, `--event`, and "" for an unreadable payload) gives one
//!   line of compact JSON — an object — or nothing, and exit 0 with no
//!   stderr or exit 2 with a reason on stderr.

#![no_main]

use hookwarden_agents::{AgentKind, Answer, AskFallback, RenderOptions, adapter};
use hookwarden_event::{Decision, Event, Verdict};
use libfuzzer_sys::fuzz_target;

/// Every event name any adapter knows (and some it does not): the `--event`
/// values tried.
#[rustfmt::skip]
const EVENT_NAMES: &[&str] = &[
    "PreToolUse", "PermissionRequest", "PostToolUse", "UserPromptSubmit", "Stop",
    "SubagentStop", "SessionStart", "SessionEnd", "PreCompact", "PostCompact",
    "SubagentStart", "Interrupt", "Notification", "PostToolUseFailure", "Setup",
    "BeforeTool", "AfterTool", "BeforeAgent", "AfterAgent", "BeforeModel", "PreCompress",
    "preToolUse", "beforeShellExecution", "beforeMCPExecution", "beforeReadFile",
    "postToolUse", "afterFileEdit", "beforeSubmitPrompt", "stop", "subagentStop",
    "sessionStart", "sessionEnd", "afterShellExecution", "permissionRequest",
    "userPromptSubmitted", "UserPromptSubmitted", "agentStop", "AgentStop", "errorOccurred",
    "", "x", "preToolUse\u{0}", "PréToolUse",
];

fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// What `hookwarden-agents`' own golden tests require of every answer.
fn check_answer(agent: AgentKind, hook: &str, verdict: &Verdict, answer: &Answer) {
    let ctx = || format!("{agent} {hook:?} {:?}", verdict.decision);
    let out = answer.stdout.strip_suffix('\n').unwrap_or(&answer.stdout);
    if !out.is_empty() {
        assert!(
            !out.contains('\n'),
            "{}: stdout is not one line: {out:?}",
            ctx()
        );
        let value: serde_json::Value = serde_json::from_str(out)
            .unwrap_or_else(|e| panic!("{}: stdout is not JSON ({e}): {out:?}", ctx()));
        assert!(
            value.is_object(),
            "{}: stdout is not an object: {out}",
            ctx()
        );
        assert_eq!(
            value.to_string(),
            out,
            "{}: stdout is not compact JSON",
            ctx()
        );
    }
    match answer.exit_code {
        0 => assert!(answer.stderr.is_empty(), "{}: stderr with exit 0", ctx()),
        2 => assert!(
            !answer.stderr.trim().is_empty(),
            "{}: exit 2 without a reason on stderr",
            ctx()
        ),
        other => panic!("{}: exit code {other}", ctx()),
    }
}

fn check_round_trip(event: &Event) {
    let wire = serde_json::to_vec(event).expect("an event serializes");
    let back: Event = serde_json::from_slice(&wire).unwrap_or_else(|e| {
        panic!(
            "an event does not read back ({e}): {}",
            String::from_utf8_lossy(&wire)
        )
    });
    assert_eq!(&back, event, "an event changed on the JSON round trip");
}

fuzz_target!(|data: &[u8]| {
    hookwarden_fuzz::stack::report_overflows();
    let h = fnv(data);
    let text = String::from_utf8_lossy(data);
    // Arbitrary reason and context text: the payload's own, cut at a char
    // boundary chosen by the hash, and blank ones.
    let cut = text
        .char_indices()
        .map(|(i, _)| i)
        .nth((h % 97) as usize)
        .unwrap_or(text.len());
    let reasons = ["", " \n ", &text[..cut], &text[cut..]];
    let reason = reasons[(h >> 8) as usize % reasons.len()];
    let context = match (h >> 12) % 4 {
        0 => None,
        1 => Some(String::new()),
        2 => Some(text[cut..].to_string()),
        _ => Some("line 1\nline \"2\"\u{0}\u{2028}".to_string()),
    };
    let hint = EVENT_NAMES[(h >> 16) as usize % EVENT_NAMES.len()];

    for kind in AgentKind::ALL {
        let a = adapter(kind);
        let mut names: Vec<String> = vec![String::new(), hint.to_string()];
        if let Some(name) = a.sniff_hook_name(data) {
            names.push(name);
        }
        for event_hint in [None, Some(hint)] {
            match a.parse(data, event_hint) {
                Ok(parsed) => {
                    if event_hint.is_none() {
                        // `--event` naming the payload's own event changes nothing.
                        let again = a.parse(data, Some(&parsed.hook_name)).unwrap_or_else(|e| {
                            panic!(
                                "{kind}: parses without --event as {:?} but not with it: {e}",
                                parsed.hook_name
                            )
                        });
                        assert_eq!(
                            again, parsed,
                            "{kind}: --event {:?} changed the parse",
                            parsed.hook_name
                        );
                    }
                    if let Some(event) = &parsed.event {
                        check_round_trip(event);
                    }
                    names.push(parsed.hook_name);
                }
                Err(e) => {
                    let _ = e.to_string();
                    if let Some(name) = e.payload_hook_name() {
                        names.push(name.to_owned());
                    }
                }
            }
        }
        names.sort();
        names.dedup();
        for name in &names {
            for decision in [Decision::Allow, Decision::Ask, Decision::Deny] {
                let verdict = Verdict {
                    decision,
                    reason: reason.to_string(),
                    context: context.clone(),
                    findings: Vec::new(),
                };
                for ask_fallback in [AskFallback::Deny, AskFallback::Allow] {
                    if decision != Decision::Ask && ask_fallback == AskFallback::Allow {
                        continue;
                    }
                    let answer = a.render(name, &verdict, &RenderOptions { ask_fallback });
                    check_answer(kind, name, &verdict, &answer);
                }
            }
        }
    }
});
