//! Merging hookwarden's entries into a JSON settings file, and finding them
//! again. Key order is kept (serde_json `preserve_order`); everything that
//! is not a hookwarden entry is left as it was.

use super::{AgentSpec, InstallError, Layout, Target, files, is_ours};
use hookwarden_agents::AgentKind;
use serde_json::{Map, Value};

/// A registered hookwarden handler.
#[derive(Debug, Clone)]
pub struct Found {
    pub event: String,
    pub command: String,
}

/// The merged text, or `None` when the file already holds exactly our
/// registration (then it is not rewritten, whatever its formatting).
pub fn merge_text(
    target: &Target,
    spec: &AgentSpec,
    old: Option<&str>,
) -> Result<Option<String>, InstallError> {
    let mut root = match old {
        Some(text) => files::parse_json(&target.file, text)?,
        None => Value::Object(Map::new()),
    };
    let before = root.clone();
    merge(&mut root, target, spec).map_err(|e| InstallError::at(&target.file, e))?;
    if old.is_some() && root == before {
        return Ok(None);
    }
    let indent = old.map_or_else(|| "  ".to_owned(), files::json_indent);
    Ok(Some(files::json_text(&root, &indent)))
}

fn merge(root: &mut Value, target: &Target, spec: &AgentSpec) -> Result<(), String> {
    let root = root
        .as_object_mut()
        .ok_or("the top level is not a JSON object; fix the file, then retry")?;
    if spec.layout == Layout::Flat {
        match root.get("version") {
            None => {
                // A new file starts with its version, as the agent documents it.
                let rest = std::mem::take(root);
                root.insert("version".into(), 1.into());
                root.extend(rest);
            }
            Some(v) if v == &Value::from(1) => {}
            Some(v) => {
                return Err(format!(
                    "`version` is {v}, and hookwarden writes version 1 hooks; edit the file by hand"
                ));
            }
        }
    }
    let hooks = root
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or("`hooks` is not an object; fix the file, then retry")?;
    for hook in spec.hooks {
        let command = target.command(hook.event);
        let handler = (spec.handler)(&command);
        let list = hooks
            .entry(hook.event)
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .ok_or_else(|| {
                format!(
                    "`hooks.{}` is not an array; fix the file, then retry",
                    hook.event
                )
            })?;
        match spec.layout {
            Layout::Flat => merge_flat(list, handler, spec, target.agent),
            Layout::Grouped => merge_grouped(list, handler, hook.matcher, spec, target.agent)?,
        }
    }
    Ok(())
}

fn command_of<'a>(handler: &'a Value, spec: &AgentSpec) -> Option<&'a str> {
    handler.get(spec.command_key)?.as_str()
}

/// Set each of our keys, leaving keys an admin added (e.g. a status message).
fn update(handler: &mut Map<String, Value>, ours: Map<String, Value>) {
    for (k, v) in ours {
        if handler.get(&k) != Some(&v) {
            handler.insert(k, v);
        }
    }
}

fn merge_flat(list: &mut Vec<Value>, ours: Map<String, Value>, spec: &AgentSpec, agent: AgentKind) {
    let mut mine = list
        .iter()
        .enumerate()
        .filter(|(_, h)| command_of(h, spec).is_some_and(|c| is_ours(c, agent)))
        .map(|(i, _)| i);
    match mine.next() {
        None => list.push(Value::Object(ours)),
        Some(first) => {
            let dups: Vec<usize> = mine.collect();
            if let Some(h) = list[first].as_object_mut() {
                update(h, ours);
            }
            for i in dups.into_iter().rev() {
                list.remove(i);
            }
        }
    }
}

fn merge_grouped(
    groups: &mut Vec<Value>,
    ours: Map<String, Value>,
    matcher: Option<&str>,
    spec: &AgentSpec,
    agent: AgentKind,
) -> Result<(), String> {
    let mut mine = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        if let Some(handlers) = group.get("hooks").and_then(Value::as_array) {
            for (h, handler) in handlers.iter().enumerate() {
                if command_of(handler, spec).is_some_and(|c| is_ours(c, agent)) {
                    mine.push((g, h));
                }
            }
        }
    }
    let Some(&(g, h)) = mine.first() else {
        let mut group = Map::new();
        if let Some(m) = matcher {
            group.insert("matcher".into(), m.into());
        }
        group.insert("hooks".into(), Value::Array(vec![Value::Object(ours)]));
        groups.push(Value::Object(group));
        return Ok(());
    };
    let group = groups[g]
        .as_object_mut()
        .ok_or("a matcher group is not an object")?;
    let alone = group
        .get("hooks")
        .and_then(Value::as_array)
        .is_some_and(|hs| hs.len() == 1);
    // The matcher is ours to set only in a group of our own.
    if alone {
        match matcher {
            Some(m) if group.get("matcher").and_then(Value::as_str) != Some(m) => {
                group.insert("matcher".into(), m.into());
            }
            None if group.contains_key("matcher") => {
                group.remove("matcher");
            }
            _ => {}
        }
    }
    if let Some(handler) = group
        .get_mut("hooks")
        .and_then(Value::as_array_mut)
        .and_then(|hs| hs.get_mut(h))
        .and_then(Value::as_object_mut)
    {
        update(handler, ours);
    }
    // Duplicates (from hand edits): drop them, and groups they leave empty.
    for &(g, h) in mine[1..].iter().rev() {
        if let Some(handlers) = groups[g].get_mut("hooks").and_then(Value::as_array_mut) {
            handlers.remove(h);
            if handlers.is_empty() {
                groups.remove(g);
            }
        }
    }
    Ok(())
}

/// hookwarden's handlers for `agent` in a settings value, per event.
pub fn find(root: &Value, spec: &AgentSpec, agent: AgentKind) -> Vec<Found> {
    let mut found = Vec::new();
    let Some(hooks) = root.get("hooks").and_then(Value::as_object) else {
        return found;
    };
    for (event, list) in hooks {
        let Some(list) = list.as_array() else {
            continue;
        };
        let handlers: Vec<&Value> = match spec.layout {
            Layout::Flat => list.iter().collect(),
            Layout::Grouped => list
                .iter()
                .filter_map(|g| g.get("hooks").and_then(Value::as_array))
                .flatten()
                .collect(),
        };
        for handler in handlers {
            if let Some(command) = command_of(handler, spec)
                && is_ours(command, agent)
            {
                found.push(Found {
                    event: event.clone(),
                    command: command.to_owned(),
                });
            }
        }
    }
    found
}
