//! Per-phase timing of one process, from its `tracing` spans, for
//! `hookwarden bench`. Enabled by `HOOKWARDEN_PHASES=1`: at exit the hook
//! prints one line `hookwarden-phases {json}` to stderr with the total
//! microseconds spent in each span name (nested spans count in both).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;
use tracing::span;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

static TOTALS: Mutex<BTreeMap<&'static str, u128>> = Mutex::new(BTreeMap::new());

pub const ENV: &str = "HOOKWARDEN_PHASES";

pub fn enabled() -> bool {
    std::env::var_os(ENV).is_some_and(|v| v == "1")
}

/// Records how long each span was open.
pub struct PhaseTimer;

struct Opened(Instant);

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for PhaseTimer {
    fn on_new_span(&self, _attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Opened(Instant::now()));
        }
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id)
            && let Some(opened) = span.extensions().get::<Opened>()
        {
            let mut totals = TOTALS.lock().unwrap_or_else(|e| e.into_inner());
            *totals.entry(span.name()).or_default() += opened.0.elapsed().as_micros();
        }
    }
}

/// Record a point in time (µs since `started`) as a phase of its own.
pub fn mark(name: &'static str, started: Instant) {
    TOTALS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(name, started.elapsed().as_micros());
}

/// Record a duration measured before tracing was set up.
pub fn mark_duration(name: &'static str, d: std::time::Duration) {
    TOTALS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(name, d.as_micros());
}

/// This process's peak RSS (`VmHWM`). The parent cannot measure it: with
/// `posix_spawn` the child borrows the parent's address space until exec,
/// and the kernel carries that high-water mark into the child's rusage.
fn peak_rss_kib() -> Option<u128> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Print the totals, plus `total` (process start to now).
pub fn report(started: Instant) {
    let mut totals = TOTALS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    totals.insert("total", started.elapsed().as_micros());
    if let Some(kib) = peak_rss_kib() {
        totals.insert("peak_rss_kib", kib);
    }
    let json: serde_json::Map<String, serde_json::Value> = totals
        .into_iter()
        .map(|(k, v)| (k.to_owned(), (v as u64).into()))
        .collect();
    eprintln!("hookwarden-phases {}", serde_json::Value::Object(json));
}
