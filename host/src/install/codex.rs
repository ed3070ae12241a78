//! Codex CLI (`agent-hook-protocols.md` §1.2).
//!
//! - managed: inline `[[hooks.<Event>]]` tables in `requirements.toml`
//!   (`/etc/codex/requirements.toml`), the file that also holds hookwarden's
//!   own `[hookwarden]` table. Managed hooks need no trust review.
//! - user: `$CODEX_HOME/hooks.json` (`~/.codex/hooks.json`); project:
//!   `.codex/hooks.json`. Codex skips these silently until they are trusted
//!   (`/hooks`), and entirely under `allow_managed_hooks_only = true`.
//!
//! `hooks.json` is `deny_unknown_fields` at the top level: only
//! `description` and `hooks` may be there.

use super::doctor::Check;
use super::{AGENT_TIMEOUT_SECS, AgentSpec, Env, Hook, InstallError, Layout, Scope, Target};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

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
        // Codex ignores matchers on these two; SessionStart's would filter the source.
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

fn file(scope: Scope, env: &Env) -> Result<PathBuf, InstallError> {
    Ok(match scope {
        Scope::Managed => env.system(hookwarden_config::DEFAULT_REQUIREMENTS_PATH),
        Scope::User => env
            .dir_var_or_home("CODEX_HOME", ".codex")?
            .join("hooks.json"),
        Scope::Project => env.project(".codex/hooks.json"),
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
            "turn_id": "hookwarden-doctor",
            "transcript_path": null,
            "cwd": cwd,
            "hook_event_name": "PreToolUse",
            "model": "hookwarden-doctor",
            "permission_mode": "default",
            "tool_name": "Bash",
            "tool_input": {"command": "echo hookwarden doctor"},
            "tool_use_id": "call_hookwarden_doctor",
        }),
    )
}

/// The requirements file Codex reads (for `allow_managed_hooks_only`).
fn requirements_file(target: &Target, env: &Env) -> PathBuf {
    if target.scope == Scope::Managed {
        return target.file.clone();
    }
    target
        .requirements
        .clone()
        .unwrap_or_else(|| env.system(hookwarden_config::DEFAULT_REQUIREMENTS_PATH))
}

fn notes(target: &Target, env: &Env) -> Vec<String> {
    let mut notes = Vec::new();
    let compile = match &target.requirements {
        Some(r) => format!(
            "hookwarden compile --requirements {}",
            super::shell_quote(&r.display().to_string())
        ),
        None => "hookwarden compile".to_owned(),
    };
    match target.scope {
        Scope::Managed if managed_only(&target.file) == Some(true) => {
            notes.push(format!(
                "precompile the rules for fast hook calls: sudo {compile}"
            ));
        }
        Scope::Managed => {
            notes.push(format!(
                "to run only managed hooks (no user, project or plugin hooks), add \
                 `allow_managed_hooks_only = true` at the top of {}, before any [table]",
                target.file.display()
            ));
            notes.push(format!(
                "precompile the rules for fast hook calls: sudo {compile}"
            ));
        }
        Scope::User | Scope::Project => {
            notes.push(
                "Codex skips user and project hooks silently until they are trusted: start \
                 codex, run /hooks and trust the hookwarden hooks (again after each change)"
                    .to_owned(),
            );
            if target.scope == Scope::Project {
                notes.push("Codex loads .codex/ only in trusted projects".to_owned());
            }
            if managed_only(&requirements_file(target, env)) == Some(true) {
                notes.push(format!(
                    "warning: {} sets allow_managed_hooks_only = true, so Codex will not run \
                     this hook; use --scope managed",
                    requirements_file(target, env).display()
                ));
            }
            notes.push(format!(
                "precompile the rules for fast hook calls: {compile}"
            ));
        }
    }
    notes
}

fn read_toml(path: &Path) -> Option<toml::Table> {
    toml::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

fn managed_only(requirements: &Path) -> Option<bool> {
    read_toml(requirements)?
        .get("allow_managed_hooks_only")?
        .as_bool()
}

fn checks(target: &Target, env: &Env, settings: &Value) -> Vec<Check> {
    let mut out = Vec::new();
    let req = requirements_file(target, env);
    let req_table = read_toml(&req);
    let hooks_off = req_table
        .as_ref()
        .and_then(|t| t.get("features")?.get("hooks")?.as_bool())
        == Some(false);
    if hooks_off {
        out.push(Check::fail(
            "codex-hooks-enabled",
            format!(
                "{} sets [features] hooks = false: Codex runs no hooks",
                req.display()
            ),
            "remove `hooks = false` from [features]",
        ));
    }
    let managed_only = req_table
        .as_ref()
        .and_then(|t| t.get("allow_managed_hooks_only")?.as_bool())
        .unwrap_or(false);
    match target.scope {
        Scope::Managed => {
            if managed_only {
                out.push(Check::ok(
                    "codex-managed-only",
                    "allow_managed_hooks_only = true: only managed hooks run",
                ));
            } else {
                out.push(Check::warn(
                    "codex-managed-only",
                    "allow_managed_hooks_only is not set: user, project and plugin hooks run too",
                    format!(
                        "add `allow_managed_hooks_only = true` at the top of {}",
                        target.file.display()
                    ),
                ));
            }
        }
        Scope::User | Scope::Project => {
            if managed_only {
                out.push(Check::fail(
                    "codex-managed-only",
                    format!(
                        "{} sets allow_managed_hooks_only = true: Codex skips this {} hook",
                        req.display(),
                        target.scope
                    ),
                    "register it with --scope managed instead",
                ));
            }
            let extra: Vec<&String> = settings
                .as_object()
                .map(|o| {
                    o.keys()
                        .filter(|k| *k != "hooks" && *k != "description")
                        .collect()
                })
                .unwrap_or_default();
            if !extra.is_empty() {
                out.push(Check::fail(
                    "codex-hooks-json",
                    format!(
                        "top-level keys other than `description` and `hooks` ({}) make Codex skip {}",
                        extra.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "),
                        target.file.display()
                    ),
                    "remove them",
                ));
            }
            out.push(Check::warn(
                "codex-trust",
                "Codex runs user and project hooks only once trusted, and skips them silently \
                 otherwise; hookwarden cannot see Codex's trust hashes",
                "start codex, run /hooks and trust the hookwarden hooks (or use --scope managed)",
            ));
        }
    }
    out
}

/// Merge hookwarden's `[[hooks.<Event>]]` tables into a `requirements.toml`
/// text, keeping comments, order and every other key. `None`: unchanged.
pub(super) fn merge_requirements(
    target: &Target,
    old: &str,
) -> Result<Option<String>, InstallError> {
    let mut doc: DocumentMut = old
        .parse()
        .map_err(|e: toml_edit::TomlError| InstallError::new(located(&target.file, old, &e)))?;
    // Our own table must load before and after: refuse to touch a broken one.
    hookwarden_config::parse(old, &target.file).map_err(|e| {
        InstallError::new(format!(
            "{e}\nthe [hookwarden] table does not load; fix it first (nothing was written)"
        ))
    })?;
    let err = |m: String| InstallError::at(&target.file, m);

    let anchor = insertion_point(&doc);
    let mut next = anchor;
    let mut added = Vec::new();
    {
        let root = doc.as_table_mut();
        if !root.contains_key("hooks") {
            let mut t = Table::new();
            t.set_implicit(true);
            root.insert("hooks", Item::Table(t));
        }
        let hooks = root["hooks"]
            .as_table_mut()
            .ok_or_else(|| err("`hooks` is not a table; fix the file, then retry".into()))?;
        for hook in SPEC.hooks {
            let command = target.command(hook.event);
            if !hooks.contains_key(hook.event) {
                hooks.insert(hook.event, Item::ArrayOfTables(ArrayOfTables::new()));
            }
            let groups = hooks[hook.event].as_array_of_tables_mut().ok_or_else(|| {
                err(format!(
                    "`hooks.{}` is not an array of tables ([[hooks.{}]]); edit it by hand",
                    hook.event, hook.event
                ))
            })?;
            if merge_groups(groups, hook, &command, target) {
                // A new group: its header and its handler's header.
                let group = groups.iter_mut().last().expect("just pushed");
                group.set_position(next);
                let handlers = group["hooks"].as_array_of_tables_mut().expect("just built");
                handlers
                    .iter_mut()
                    .last()
                    .expect("just pushed")
                    .set_position(next + 1);
                next += 2;
                added.push(hook.event);
            }
        }
    }
    if !added.is_empty() {
        shift_positions(doc.as_table_mut(), anchor, next - anchor, &added);
    }
    let new = doc.to_string();
    Ok((new != old).then_some(new))
}

/// Update our handler in place, or add a group for it; `true` when added.
fn merge_groups(groups: &mut ArrayOfTables, hook: &Hook, command: &str, target: &Target) -> bool {
    let mut mine = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        if let Some(handlers) = group.get("hooks").and_then(Item::as_array_of_tables) {
            for (h, handler) in handlers.iter().enumerate() {
                if handler
                    .get("command")
                    .and_then(Item::as_str)
                    .is_some_and(|c| super::is_ours(c, target.agent))
                {
                    mine.push((g, h));
                }
            }
        }
    }
    let Some(&(g, h)) = mine.first() else {
        let mut group = Table::new();
        if let Some(m) = hook.matcher {
            group["matcher"] = toml_edit::value(m);
        }
        let mut handler = Table::new();
        handler["type"] = toml_edit::value("command");
        handler["command"] = toml_edit::value(command);
        handler["timeout"] = toml_edit::value(AGENT_TIMEOUT_SECS as i64);
        let mut handlers = ArrayOfTables::new();
        handlers.push(handler);
        group.insert("hooks", Item::ArrayOfTables(handlers));
        groups.push(group);
        return true;
    };
    let group = groups.get_mut(g).expect("found above");
    let alone = group
        .get("hooks")
        .and_then(Item::as_array_of_tables)
        .is_some_and(|hs| hs.len() == 1);
    if alone {
        match hook.matcher {
            Some(m) => set_str(group, "matcher", m),
            None => {
                group.remove("matcher");
            }
        }
    }
    if let Some(handler) = group
        .get_mut("hooks")
        .and_then(Item::as_array_of_tables_mut)
        .and_then(|hs| hs.get_mut(h))
    {
        set_str(handler, "type", "command");
        set_str(handler, "command", command);
        if handler.get("timeout").and_then(Item::as_integer) != Some(AGENT_TIMEOUT_SECS as i64) {
            set_keep_decor(handler, "timeout", (AGENT_TIMEOUT_SECS as i64).into());
        }
    }
    for &(g, h) in mine[1..].iter().rev() {
        if let Some(handlers) = groups
            .get_mut(g)
            .and_then(|t| t.get_mut("hooks"))
            .and_then(Item::as_array_of_tables_mut)
        {
            handlers.remove(h);
            if handlers.is_empty() {
                groups.remove(g);
            }
        }
    }
    false
}

fn set_str(table: &mut Table, key: &str, value: &str) {
    if table.get(key).and_then(Item::as_str) != Some(value) {
        set_keep_decor(table, key, value.into());
    }
}

/// Replace a value, keeping the comment and spacing around it.
fn set_keep_decor(table: &mut Table, key: &str, mut value: toml_edit::Value) {
    match table.get_mut(key) {
        Some(item) => {
            if let Some(old) = item.as_value() {
                *value.decor_mut() = old.decor().clone();
            }
            *item = Item::Value(value);
        }
        None => {
            table.insert(key, Item::Value(value));
        }
    }
}

/// Where new hook tables go: after the last `hooks` table, else before
/// `[hookwarden]`, else at the end.
fn insertion_point(doc: &DocumentMut) -> isize {
    let mut last_hooks = None;
    let mut hookwarden = None;
    let mut max = -1;
    visit(doc.as_table(), &mut Vec::new(), &mut |path, t| {
        let Some(pos) = t.position() else { return };
        max = max.max(pos);
        match path.first().map(String::as_str) {
            Some("hooks") => last_hooks = Some(last_hooks.map_or(pos, |p: isize| p.max(pos))),
            Some("hookwarden") => hookwarden = Some(hookwarden.map_or(pos, |p: isize| p.min(pos))),
            _ => {}
        }
    });
    match (last_hooks, hookwarden) {
        (Some(p), _) => p + 1,
        (None, Some(p)) => p,
        (None, None) => max + 1,
    }
}

fn visit<'a>(table: &'a Table, path: &mut Vec<String>, f: &mut impl FnMut(&[String], &'a Table)) {
    f(path, table);
    for (key, item) in table.iter() {
        path.push(key.to_owned());
        match item {
            Item::Table(t) => visit(t, path, f),
            Item::ArrayOfTables(a) => {
                for t in a.iter() {
                    visit(t, path, f);
                }
            }
            _ => {}
        }
        path.pop();
    }
}

/// Make room for `by` new tables at `from`: move every parsed table at or
/// after it, except the new ones (under `hooks.<added>`, already placed).
fn shift_positions(root: &mut Table, from: isize, by: isize, added: &[&str]) {
    fn walk(table: &mut Table, path: &mut Vec<String>, from: isize, by: isize, added: &[&str]) {
        let is_new = path.len() >= 2 && path[0] == "hooks" && added.contains(&path[1].as_str());
        if !is_new
            && let Some(pos) = table.position()
            && pos >= from
        {
            table.set_position(pos + by);
        }
        for (key, item) in table.iter_mut() {
            path.push(key.get().to_owned());
            match item {
                Item::Table(t) => walk(t, path, from, by, added),
                Item::ArrayOfTables(a) => {
                    for t in a.iter_mut() {
                        walk(t, path, from, by, added);
                    }
                }
                _ => {}
            }
            path.pop();
        }
    }
    walk(root, &mut Vec::new(), from, by, added);
}

/// A TOML parse error as `file:line:column: message`.
fn located(path: &Path, text: &str, e: &toml_edit::TomlError) -> String {
    let (line, col) = match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            (
                before.matches('\n').count() + 1,
                before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
            )
        }
        None => (1, 1),
    };
    format!(
        "{}:{line}:{col}: not valid TOML: {}; fix the file, then retry (nothing was written)",
        path.display(),
        e.message().trim()
    )
}
