//! `doctor`'s checks of what could switch hookwarden off without anyone
//! noticing: files others can change, a configuration that judges nothing
//! where it is registered, fail modes that let a deny through, and (in a
//! managed installation) rules nobody precompiled or no system server.

use super::doctor::Check;
use crate::plan::PlannedRule;
use hookwarden_agents::AgentKind;
use hookwarden_config::{HookwardenConfig, ModuleRef};
use hookwarden_event::{Decision, HookEvent};
use hookwarden_trust::{Scope, Trust, Writers};
use std::path::{Path, PathBuf};

/// Who can change the registered programs and the requirements file, and
/// so what the installation's hook calls trust. `managed_target`: the
/// registration is a managed one (`--scope managed`).
pub fn installation(
    programs: &[PathBuf],
    requirements: Option<&Path>,
    managed_target: bool,
) -> (Vec<Check>, Trust) {
    let name = "installation";
    let mut out = Vec::new();
    let mut mine = Vec::new();
    let paths: Vec<&Path> = programs
        .iter()
        .map(PathBuf::as_path)
        .chain(requirements)
        .collect();
    for path in &paths {
        match hookwarden_trust::writers(path) {
            Writers::Root => {}
            Writers::RootAndMe => mine.push(path.display().to_string()),
            Writers::Others(w) => out.push(Check::fail(
                name,
                format!("{w}: whoever can change it can switch hookwarden off"),
                "make it and its directories root-owned and not writable by group or others",
            )),
        }
    }
    if !out.is_empty() {
        // Hook calls then trust root alone, and say why in their log.
        return (out, Trust::managed());
    }
    let trust = if mine.is_empty() {
        Trust::managed()
    } else {
        Trust::user()
    };
    if mine.is_empty() {
        out.push(Check::ok(
            name,
            "managed: root alone can change the registered program(s) and the requirements; \
             only root-owned stores and servers are trusted",
        ));
    } else if managed_target {
        out.push(Check::fail(
            name,
            format!(
                "registered as a managed hook, but you (uid {}) can change {}: so could an agent \
                 running as you",
                trust.me(),
                mine.join(", ")
            ),
            "install hookwarden's binaries and requirements owned by root (e.g. under /usr/local/bin and /etc)",
        ));
    } else {
        out.push(Check::warn(
            name,
            format!(
                "user scope: you can change {}, and so can an agent running as you; hookwarden \
                 cannot hold against its own user here (see docs/security.md)",
                mine.join(", ")
            ),
            "for a guarantee, install it as root: sudo hookwarden install --agent …",
        ));
    }
    (out, trust)
}

/// Rule modules others (or, managed, this user) can change: the pin keeps
/// a changed module from running, but every call then fails closed.
pub fn modules(rules: &[PlannedRule], trust: Trust) -> Vec<Check> {
    let mut out = Vec::new();
    for rule in rules {
        let ModuleRef::File(path) = &rule.module else {
            continue;
        };
        let problem = match hookwarden_trust::writers(path) {
            Writers::Root => None,
            Writers::RootAndMe if trust.scope() == Scope::User => None,
            Writers::RootAndMe => Some(format!(
                "you (uid {}) can change {} in a managed installation",
                trust.me(),
                path.display()
            )),
            Writers::Others(w) => Some(w.to_string()),
        };
        if let Some(problem) = problem {
            out.push(Check::fail(
                "module-owner",
                format!(
                    "rule `{}`: {problem}; a changed module never runs (its pin), but then every \
                     call fails closed",
                    rule.id
                ),
                "keep rule modules where only the installation's owner can change them",
            ));
        }
    }
    out
}

/// The hook events a rule may judge: its configured or built-in
/// selectors; `None` where only its own metadata knows (any).
fn judged_events(rule: &PlannedRule) -> Option<&[HookEvent]> {
    rule.events.as_deref().filter(|e| !e.is_empty())
}

/// Registered events no rule judges. A blocking event (before a tool
/// runs, or a permission prompt) that nothing judges lets every action
/// through: that fails. Others are warned about.
pub fn coverage(rules: &[PlannedRule], agent: AgentKind, registered: &[&str]) -> Vec<Check> {
    let name = "coverage";
    if rules.is_empty() {
        return vec![Check::fail(
            name,
            "the configuration enables no rule: every call is allowed unexamined",
            "enable rules, or the built-in pack (`builtin_rules = true`)",
        )];
    }
    let judges = |event: HookEvent| {
        rules
            .iter()
            .any(|r| judged_events(r).is_none_or(|events| events.contains(&event)))
    };
    let mut out = Vec::new();
    let mut unjudged = Vec::new();
    for &agent_event in registered {
        let Some(event) = hookwarden_agents::hook_event(agent, agent_event) else {
            continue;
        };
        if judges(event) {
            continue;
        }
        if matches!(event, HookEvent::PreToolUse | HookEvent::PermissionRequest) {
            out.push(Check::fail(
                name,
                format!("registered for {agent_event}, but no enabled rule judges it: every action is allowed unexamined"),
                "enable a rule for that event (`events` of [[hookwarden.rules]])",
            ));
        } else {
            unjudged.push(agent_event);
        }
    }
    if !unjudged.is_empty() {
        out.push(Check::warn(
            name,
            format!(
                "registered for {}, which no enabled rule judges: those calls are allowed at once",
                unjudged.join(", ")
            ),
            "enable rules for them, or ignore this until you do",
        ));
    }
    if out.is_empty() {
        out.push(Check::ok(
            name,
            "every registered event is judged by a rule",
        ));
    }
    out
}

/// Fail modes that let a deny through: with `allow`, a rule that cannot
/// decide counts as allowing, and so does one that had not finished at the
/// call deadline (a slow rule listed first hides the denies after it).
pub fn fail_modes(config: &HookwardenConfig, rules: &[PlannedRule]) -> Vec<Check> {
    let name = "fail-mode";
    let mut out = Vec::new();
    let threads = config.rule_threads.unwrap_or(0);
    if config.fail_mode == Decision::Allow {
        let serial = if threads == 1 {
            "with rule_threads = 1, a slow rule listed first keeps the rules after it from running \
             before the call deadline, and their denies are lost"
                .to_owned()
        } else {
            "a rule still running at the call deadline counts as allowing, and so do the rules \
             waiting behind it"
                .to_owned()
        };
        out.push(Check::warn(
            name,
            format!(
                "fail_mode = \"allow\": a rule that cannot decide (a trap, its fuel or memory, its \
                 deadline, a module that does not match its pin) lets the call through; {serial}"
            ),
            "use fail_mode = \"deny\" (or \"ask\"), and per-rule fail_mode = \"allow\" only for advisory rules",
        ));
    }
    for rule in rules {
        if rule.fail_mode == Decision::Allow && config.fail_mode != Decision::Allow {
            out.push(Check::warn(
                name,
                format!(
                    "rule `{}` has fail_mode = \"allow\": when it cannot decide, it allows, so a \
                     deny of its never comes",
                    rule.id
                ),
                "keep it for advisory rules only",
            ));
        }
    }
    let budget = config.limits.rule_timeout_ms;
    if config.fail_mode == Decision::Allow
        && threads >= 1
        && budget.saturating_mul(rules.len().div_ceil(threads) as u64)
            > config.limits.call_timeout_ms
    {
        out.push(Check::warn(
            name,
            format!(
                "{} rule(s) on {threads} thread(s) at up to {budget} ms each can outlast the call \
                 deadline of {} ms; with fail_mode = \"allow\" the rules left count as allowing",
                rules.len(),
                config.limits.call_timeout_ms
            ),
            "raise call_timeout_ms or rule_threads, or lower rule timeouts",
        ));
    }
    if out.is_empty() {
        out.push(Check::ok(
            name,
            format!(
                "fail_mode = \"{}\": a rule that cannot decide does not let the call through",
                config.fail_mode
            ),
        ));
    }
    out
}

/// Where a managed installation's hook calls get their rules: file modules
/// precompiled in root's store (built-in rules come compiled in the binary;
/// anything else compiles on every call), and whether a system server
/// keeps them loaded. Only for managed installations: user scope has its
/// own store and server.
pub fn managed_loading(
    config: &HookwardenConfig,
    rules: &[PlannedRule],
    trust: Trust,
) -> Vec<Check> {
    let mut out = Vec::new();
    if trust.scope() != Scope::Managed {
        return out;
    }
    let admin = config
        .artifact_dir
        .clone()
        .unwrap_or_else(|| crate::artifacts::DEFAULT_ADMIN_STORE.into());
    let files: Vec<&PlannedRule> = rules
        .iter()
        .filter(|r| matches!(r.module, ModuleRef::File(_)))
        .collect();
    if !files.is_empty() {
        let fingerprint = hookwarden_runtime::Runtime::new()
            .map(|r| r.fingerprint().to_owned())
            .unwrap_or_default();
        let store = hookwarden_runtime::ArtifactStore::open(&admin, Trust::managed());
        let missing: Vec<&str> = files
            .iter()
            .filter(|r| match (&store, r.pin) {
                (Ok(store), Some(pin)) => store.find(&pin, &fingerprint).is_none(),
                _ => true,
            })
            .map(|r| r.id.as_str())
            .collect();
        if missing.is_empty() {
            out.push(Check::ok(
                "precompiled",
                format!("every file module is precompiled in {}", admin.display()),
            ));
        } else {
            let why = store.err().map(|e| format!(" ({e})")).unwrap_or_default();
            out.push(Check::warn(
                "precompiled",
                format!(
                    "not precompiled in root's store {}{why}: {}; every hook call compiles them \
                     (about a second each, past the call deadline on a busy machine)",
                    admin.display(),
                    missing.join(", ")
                ),
                "run `sudo hookwarden compile`",
            ));
        }
    }
    if config.server.asks() {
        let socket = crate::resident::system_socket_path(config);
        let me = hookwarden_trust::current_uid();
        match std::fs::symlink_metadata(&socket) {
            Err(_) => out.push(Check::warn(
                "system-server",
                format!(
                    "no system server at {}: each hook call loads and runs its rules itself \
                     (a few ms instead of about one)",
                    socket.display()
                ),
                "run `hookwarden serve --system` as a service (examples/systemd/hookwarden.service)",
            )),
            Ok(_) => match hookwarden_trust::socket::check_system_socket(&socket, me) {
                Ok(_) => out.push(Check::ok(
                    "system-server",
                    format!("hook calls ask the system server at {}", socket.display()),
                )),
                Err(e) => out.push(Check::fail(
                    "system-server",
                    format!("hook calls will not ask the server at {}: {e}", socket.display()),
                    "let root own its directory and every directory above it",
                )),
            },
        }
    }
    out
}
