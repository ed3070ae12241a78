//! A rule for the host's tests: it answers what its config tells it to, or
//! misbehaves the way its config tells it to, so that every failure path of
//! the host can be driven by a real component.
//!
//! Config keys: `decision` (allow | ask | deny), `reason`, `context`,
//! `finding`, and `behaviour`:
//! - `spin`: loop forever (fuel or the deadline must stop it);
//! - `memory-bomb`: allocate until the memory cap stops it;
//! - `trap`: hit `unreachable`;
//! - `flood-stdout`: print 8 MiB to stdout, then answer;
//! - `sleep`: block in a host call for an hour (only the deadline stops it);
//! - `error`: return an error from `evaluate`.

use hookwarden_sdk::{Config, Event, Fact, Metadata, Rule, Verdict, export_rule};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct Script {
    decision: Option<String>,
    reason: String,
    context: Option<String>,
    finding: Option<String>,
    behaviour: Option<String>,
}

pub struct Scripted;

impl Rule for Scripted {
    fn metadata() -> Metadata {
        Metadata::new(
            "scripted",
            env!("CARGO_PKG_VERSION"),
            "Answers or misbehaves as configured (hookwarden's own tests).",
        )
    }

    fn evaluate(event: &Event, config: &Config) -> Result<Verdict, String> {
        let script: Script = config.deserialize()?;
        match script.behaviour.as_deref() {
            None => {}
            Some("report-facts") => return Ok(Verdict::deny(report_facts(event))),
            Some("spin") => spin(),
            Some("memory-bomb") => memory_bomb(),
            Some("trap") => trap(),
            Some("flood-stdout") => flood_stdout(),
            Some("sleep") => std::thread::sleep(std::time::Duration::from_secs(3600)),
            Some("error") => return Err("scripted failure".into()),
            Some(other) => return Err(format!("unknown behaviour `{other}`")),
        }
        let mut verdict = match script.decision.as_deref().unwrap_or("allow") {
            "allow" => Verdict::allow(),
            "ask" => Verdict::ask(script.reason),
            "deny" => Verdict::deny(script.reason),
            other => return Err(format!("unknown decision `{other}`")),
        };
        if let Some(context) = script.context {
            verdict = verdict.with_context(context);
        }
        if let Some(id) = script.finding {
            verdict = verdict.with_finding(id, "scripted finding");
        }
        Ok(verdict)
    }
}

/// The event's facts, one per line, for the host's tests to check.
fn report_facts(event: &Event) -> String {
    let mut out = String::from("facts:");
    for fact in &event.facts {
        match fact {
            Fact::Path(p) => out.push_str(&format!(
                "\npath {} real={} exists={} via_symlink={} target={} inside={}",
                p.path,
                p.real_path.as_deref().unwrap_or("-"),
                p.exists,
                p.via_symlink,
                p.symlink_target.as_deref().unwrap_or("-"),
                p.inside_workspace
            )),
            Fact::File(f) => out.push_str(&format!(
                "\nfile {} truncated={} content={}",
                f.path, f.truncated, f.content
            )),
        }
    }
    out
}

fn spin() -> ! {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

fn memory_bomb() -> ! {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        // Touch every page so the memory is really committed.
        hoard.push(vec![0xA5; 1 << 20]);
        std::hint::black_box(&hoard);
    }
}

fn trap() -> ! {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    panic!("trap");
}

fn flood_stdout() {
    let line = "x".repeat(1023);
    for _ in 0..8192 {
        println!("{line}");
    }
}

export_rule!(Scripted);
