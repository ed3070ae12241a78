//! The agent's file tools: writes, edits and patches (every file, both
//! ends of a move), and other tools by name — read tools (`Read`,
//! `read_file`, `view`…) read their `file_path`, write tools (`Write`,
//! `Edit`, `NotebookEdit`, `write_file`, `replace`…) write it.

use hookwarden_sdk::{Action, Event, PatchOperation};
use serde_json::Value;

use crate::judge::{Hit, Op, Scope, Subject, locate};

const READ_TOOLS: &[&str] = &[
    "read",
    "read_file",
    "readfile",
    "read_many_files",
    "view",
    "view_file",
    "open_file",
    "notebookread",
    "grep",
    "search_file_content",
    "cat",
];

const WRITE_TOOLS: &[&str] = &[
    "write",
    "edit",
    "multiedit",
    "notebookedit",
    "write_file",
    "writefile",
    "replace",
    "edit_file",
    "create_file",
    "delete_file",
    "str_replace_editor",
    "str_replace_based_edit_tool",
];

/// Keys of a tool's input that name a file or directory.
const PATH_KEYS: &[&str] = &[
    "file_path",
    "path",
    "absolute_path",
    "notebook_path",
    "filePath",
    "target_file",
    "filename",
    "paths",
    "file_paths",
];

/// Keys of a write tool's input that hold the text it writes.
const CONTENT_KEYS: &[&str] = &[
    "content",
    "new_string",
    "new_str",
    "file_text",
    "insert_text",
    "new_source",
    "text",
];

pub fn file_tool(event: &Event, scope: &Scope<'_>) -> Vec<Hit> {
    let tool = event.tool_name.clone();
    let mut hits = Vec::new();
    let mut judge = |op: Op, label: &str, path: &str, written: Option<&str>| {
        let subject = Subject {
            command: format!("{} {path}", tool.as_deref().unwrap_or(label)),
            via: Vec::new(),
            written: written.map(str::to_owned),
        };
        if let Some(located) = locate(path, true, scope.event_cwd) {
            scope.judge(&subject, op, &located, &mut hits);
        }
    };
    match &event.action {
        Action::FileWrite(w) => judge(
            Op::write("writes").creating(),
            "write",
            &w.path,
            w.content.as_deref(),
        ),
        Action::FileEdit(e) => judge(Op::write("edits"), "edit", &e.path, e.new_text.as_deref()),
        Action::Patch(p) => {
            for f in &p.files {
                let body = Some(f.body.as_str());
                match (f.operation, &f.move_to) {
                    (PatchOperation::Add, _) => {
                        judge(Op::write("adds").creating(), "patch: add", &f.path, body)
                    }
                    (PatchOperation::Delete, _) => judge(
                        Op::write("deletes").places(false),
                        "patch: delete",
                        &f.path,
                        None,
                    ),
                    (PatchOperation::Update, None) => {
                        judge(Op::write("edits"), "patch: update", &f.path, body)
                    }
                    (PatchOperation::Update, Some(to)) => {
                        judge(
                            Op::write("moves away").places(false),
                            "patch: move",
                            &f.path,
                            None,
                        );
                        judge(Op::write("moves onto").creating(), "patch: move", to, body);
                    }
                }
            }
        }
        _ => {}
    }
    hits
}

pub fn other_tool(name: &str, event: &Event, scope: &Scope<'_>) -> Vec<Hit> {
    let lower = name.to_ascii_lowercase();
    let Some(input) = event
        .tool_input
        .as_deref()
        .and_then(|t| serde_json::from_str::<Value>(t).ok())
    else {
        return Vec::new();
    };
    let op = if READ_TOOLS.contains(&lower.as_str()) {
        Op::read("reads")
    } else if WRITE_TOOLS.contains(&lower.as_str()) {
        // A str_replace editor's `view` only reads.
        if input.get("command").and_then(Value::as_str) == Some("view") {
            Op::read("reads")
        } else {
            Op::write("writes")
                .creating()
                .places(lower != "delete_file")
        }
    } else {
        return Vec::new();
    };
    // What it writes: content, replacement texts, a notebook cell.
    let mut texts: Vec<&str> = CONTENT_KEYS
        .iter()
        .filter_map(|k| input.get(*k).and_then(Value::as_str))
        .collect();
    if let Some(Value::Array(edits)) = input.get("edits") {
        texts.extend(
            edits
                .iter()
                .filter_map(|e| e.get("new_string").and_then(Value::as_str)),
        );
    }
    let written = (!texts.is_empty()).then(|| texts.join("\n"));
    let mut paths: Vec<&str> = Vec::new();
    for key in PATH_KEYS {
        match input.get(*key) {
            Some(Value::String(s)) => paths.push(s),
            Some(Value::Array(list)) => paths.extend(list.iter().filter_map(Value::as_str)),
            _ => {}
        }
    }
    let mut hits = Vec::new();
    for path in paths {
        // The agent's name for the tool (an MCP read tool's view is
        // `read_file`, its tool name `mcp__filesystem__read_text_file`).
        let shown = event.tool_name.as_deref().unwrap_or(name);
        let subject = Subject {
            command: format!("{shown} {path}"),
            via: Vec::new(),
            written: written.clone(),
        };
        if let Some(located) = locate(path, true, scope.event_cwd) {
            scope.judge(&subject, op, &located, &mut hits);
        }
    }
    hits
}
