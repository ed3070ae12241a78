//! What an MCP tool call does, in the terms of the agent's own tools.
//!
//! An MCP server's `exec` tool runs a shell command exactly as the agent's
//! `Bash` tool does, and a file-system server's `write_file` writes a file
//! exactly as `Write` does. Rules should judge both the same way, whatever
//! the server is called. [`effects`] reads a call's tool name and arguments
//! and returns each effect it recognizes as an [`Effect`]: the built-in
//! action it amounts to. The host then runs every rule that selects that
//! action on a *view* of the event with the effect as its action (see
//! `hookwarden::prepare`), so a rule written for shell commands also judges
//! `mcp__shell__exec`, and an admin's own rules get that for free.
//!
//! Recognition is by what the call carries, not by a list of known servers:
//!
//! - **commands**: a tool or server named like an executor (`exec`, `shell`,
//!   `terminal`, `run_command`, `start_process`…) with a `command`, `cmd`,
//!   `script` or `commands` argument (a string, or an argv list; `args`
//!   beside a program are its argv), run in `cwd`/`workdir` when given. Code
//!   tools of Python or Node (`run_python` with `code`) become `python3 -c` /
//!   `node -e`, which the shell analysis reads as inline scripts;
//! - **files**: a tool named with a file verb (`write`, `create`, `edit`,
//!   `replace`, `move`, `copy`, `delete`, `read`, `list`…) and a path
//!   argument (`path`, `file_path`, `paths`, `source`/`destination`…),
//!   unless the server is a remote service's (`github`, `gitlab`, `s3`,
//!   `notion`…): GitHub's `create_or_update_file` writes a path in a
//!   repository, not on this machine. The server's name decides, not the
//!   arguments: the model writes those, and could add an `owner` to any
//!   local write.
//!
//! URLs need no effect: network-egress reads them in every MCP call.

use hookwarden_event::{
    Action, FileEdit, FileWrite, McpCall, Patch, PatchFile, PatchOperation, ShellCommand,
    ShellDialect,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// One thing an MCP call does, as a built-in action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effect {
    pub action: Action,
    /// The tool input the view carries: the call's arguments, or for a read
    /// `{"paths": […]}`, the shape rules read for the agents' read tools.
    pub tool_input: Option<String>,
}

/// The name a read effect's `other-tool` action carries: the agents' own
/// read tool (rules such as protected-paths know it).
pub const READ_TOOL: &str = "read_file";

/// Every effect of `call` this crate recognizes, in a stable order.
pub fn effects(call: &McpCall) -> Vec<Effect> {
    let args = match serde_json::from_str::<Value>(&call.arguments) {
        Ok(Value::Object(args)) => args,
        // Arguments sent as JSON text inside a string (as Cursor does).
        Ok(Value::String(text)) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(args)) => args,
            _ => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    let tool = words(&call.tool);
    let server = words(&call.server);
    let mut out: Vec<Effect> = command(&tool, &server, &args)
        .into_iter()
        .map(|shell| Effect {
            action: Action::Shell(shell),
            tool_input: Some(call.arguments.clone()),
        })
        .collect();
    if !any_word(&server, REMOTE_SERVICES) {
        out.extend(file_effects(&tool, &args, &call.arguments));
    }
    out
}

// ------------------------------------------------------------------ names

/// A name's words, lowercase: `runCommand`, `run-command` and
/// `RUN_COMMAND` are all `run command`.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            prev_lower = false;
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_numeric();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn any_word(words: &[String], list: &[&str]) -> bool {
    words.iter().any(|w| list.contains(&w.as_str()))
}

// --------------------------------------------------------------- commands

/// Words that make a tool (or its server) an executor of commands.
const EXEC_WORDS: &[&str] = &[
    "exec",
    "execute",
    "executor",
    "shell",
    "terminal",
    "bash",
    "sh",
    "zsh",
    "powershell",
    "pwsh",
    "run",
    "runner",
    "command",
    "commands",
    "cmd",
    "process",
    "spawn",
    "subprocess",
    "console",
    "script",
    "cli",
];

/// Arguments that hold a command line (or an argv list), matched without
/// regard to case.
const COMMAND_KEYS: &[&str] = &[
    "command",
    "cmd",
    "cmdline",
    "commandline",
    "command_line",
    "shell_command",
    "shellcommand",
    "script",
    "input",
];

/// Arguments that hold several command lines.
const COMMANDS_KEYS: &[&str] = &["commands", "cmds", "scripts"];

/// Arguments that hold a program's argv (beside `command`/`program`, or alone).
const ARGV_KEYS: &[&str] = &["args", "argv", "arguments"];

/// Arguments that name the program an argv runs.
const PROGRAM_KEYS: &[&str] = &["program", "executable", "binary", "exe", "file"];

/// Arguments whose text is fed to the command's standard input.
const STDIN_KEYS: &[&str] = &["stdin", "input_text", "stdin_text"];

const WORKDIR_KEYS: &[&str] = &[
    "cwd",
    "workdir",
    "working_directory",
    "workingdirectory",
    "working_dir",
    "directory",
    "dir",
];

/// `key` of `args`, whatever its case (`Command`, `workingDirectory`).
fn get<'a>(args: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    args.get(key).or_else(|| {
        args.iter()
            .find(|(k, _)| {
                k.eq_ignore_ascii_case(key) || k.replace('_', "").eq_ignore_ascii_case(key)
            })
            .map(|(_, v)| v)
    })
}

/// The command lines an executor tool's arguments spell out, in the
/// object itself or one level down (`{"action_json": {"command": …}}`).
fn command_lines(tool: &[String], args: &Map<String, Value>) -> Vec<String> {
    let mut lines = lines_in(tool, args);
    if lines.is_empty() {
        for nested in args.values().filter_map(Value::as_object) {
            lines.extend(lines_in(tool, nested));
        }
    }
    lines
}

fn lines_in(tool: &[String], args: &Map<String, Value>) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let argv = ARGV_KEYS.iter().find_map(|k| string_list(get(args, k)));
    let argv_text = ARGV_KEYS
        .iter()
        .find_map(|k| get(args, k).and_then(Value::as_str));
    for key in COMMAND_KEYS {
        // `input` only names a command in a terminal-like tool.
        if *key == "input" && !any_word(tool, &["terminal", "shell", "console", "process", "type"])
        {
            continue;
        }
        match get(args, key) {
            Some(Value::String(s)) if !s.trim().is_empty() => {
                lines.push(match (&argv, argv_text) {
                    (Some(argv), _) => join_argv(std::iter::once(s.as_str()).chain(argv.clone())),
                    (None, Some(rest)) => format!("{s} {rest}"),
                    (None, None) => s.clone(),
                });
            }
            Some(list @ Value::Array(_)) => {
                if let Some(words) = string_list(Some(list)) {
                    // A script as a list of lines, else an argv.
                    if *key == "script" {
                        lines.extend(words.into_iter().map(str::to_owned));
                    } else {
                        lines.push(join_argv(words));
                    }
                }
            }
            _ => {}
        }
    }
    for key in COMMANDS_KEYS {
        if let Some(list) = string_list(get(args, key)) {
            lines.extend(list.into_iter().map(str::to_owned));
        }
    }
    // `shell` is the program that runs the command (`powershell.exe`), or
    // a command line itself.
    if let Some(shell) = get(args, "shell").and_then(Value::as_str)
        && shell.trim().contains(char::is_whitespace)
    {
        lines.push(shell.to_owned());
    }
    if lines.is_empty() {
        // A program and its argv, or an argv alone.
        let program = PROGRAM_KEYS
            .iter()
            .find_map(|k| get(args, k).and_then(Value::as_str));
        match (program, &argv) {
            (Some(p), Some(argv)) => lines.push(join_argv(std::iter::once(p).chain(argv.clone()))),
            (Some(p), None) => lines.push(quote(p)),
            (None, Some(argv)) => lines.push(join_argv(argv.clone())),
            (None, None) => {}
        }
    }
    // Text for standard input goes to the first command as a here-document.
    if let (Some(first), Some(stdin)) = (
        lines.first_mut(),
        STDIN_KEYS
            .iter()
            .find_map(|k| get(args, k).and_then(Value::as_str)),
    ) {
        let mut tag = String::from("HOOKWARDEN_STDIN");
        while stdin.contains(&tag) {
            tag.push('_');
        }
        *first = format!("{first} <<'{tag}'\n{stdin}\n{tag}");
    }
    lines
}

fn command(tool: &[String], server: &[String], args: &Map<String, Value>) -> Vec<ShellCommand> {
    let executor = any_word(tool, EXEC_WORDS) || any_word(server, EXEC_WORDS);
    let code_runner = code(tool, server, args);
    if !executor && code_runner.is_none() {
        return Vec::new();
    }
    let shell_arg = get(args, "shell").and_then(Value::as_str).unwrap_or("");
    let powershell = |words: &[String]| any_word(words, &["powershell", "pwsh"]);
    let dialect = if powershell(tool) || powershell(server) || powershell(&self::words(shell_arg)) {
        ShellDialect::Powershell
    } else {
        ShellDialect::Posix
    };
    let mut lines = if executor {
        command_lines(tool, args)
    } else {
        Vec::new()
    };
    lines.extend(code_runner);
    if lines.is_empty() {
        return Vec::new();
    }
    // Every working directory the arguments name: a decoy `cwd` beside the
    // `working_directory` the server uses must not hide where it runs.
    let mut workdirs: Vec<Option<String>> = Vec::new();
    for key in WORKDIR_KEYS {
        if let Some(dir) = get(args, key)
            .and_then(Value::as_str)
            .filter(|d| !d.is_empty())
        {
            let dir = Some(dir.to_owned());
            if !workdirs.contains(&dir) {
                workdirs.push(dir);
            }
        }
    }
    if workdirs.is_empty() {
        workdirs.push(None);
    }
    let command = lines.join("\n");
    workdirs
        .into_iter()
        .map(|workdir| ShellCommand {
            command: command.clone(),
            dialect,
            workdir,
            analysis: None,
        })
        .collect()
}

/// A Python or Node code tool's code, as the command line that would run
/// it; in a notebook, lines starting with `!` are shell commands.
fn code(tool: &[String], server: &[String], args: &Map<String, Value>) -> Option<String> {
    let code = ["code", "source", "snippet", "cell"]
        .iter()
        .find_map(|k| get(args, k).and_then(Value::as_str))?;
    let runs = any_word(
        tool,
        &["run", "exec", "execute", "eval", "evaluate", "interpret"],
    );
    let lang = |list: &[&str]| any_word(tool, list) || any_word(server, list);
    let program = if lang(&["python", "py", "python3", "jupyter", "ipython", "notebook"]) {
        "python3 -c"
    } else if lang(&["node", "nodejs", "javascript", "js", "deno"]) {
        "node -e"
    } else {
        return None;
    };
    if !runs {
        return None;
    }
    let python: Vec<&str> = code
        .lines()
        .filter(|l| !l.trim_start().starts_with('!'))
        .collect();
    let mut out = format!("{program} {}", quote(&python.join("\n")));
    for line in code
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix('!'))
    {
        out.push('\n');
        out.push_str(line);
    }
    Some(out)
}

fn string_list(value: Option<&Value>) -> Option<Vec<&str>> {
    let list = value?.as_array()?;
    if list.is_empty() || !list.iter().all(Value::is_string) {
        return None;
    }
    Some(list.iter().filter_map(Value::as_str).collect())
}

fn join_argv<'a>(argv: impl IntoIterator<Item = &'a str>) -> String {
    argv.into_iter().map(quote).collect::<Vec<_>>().join(" ")
}

/// A word quoted for a POSIX shell: as is when it is plain, else in single
/// quotes (an argv element is never expanded by whoever runs it).
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

// ------------------------------------------------------------------ files

/// What a file tool does, by the verbs in its name; the first group that
/// matches wins (`search_and_replace` edits, `create_or_update_file` writes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FileOp {
    Delete,
    Move,
    Copy,
    Edit,
    Write,
    WriteWithContent,
    Read,
}

const FILE_OPS: &[(FileOp, &[&str])] = &[
    (
        FileOp::Delete,
        &["delete", "remove", "rm", "unlink", "trash", "rmdir"],
    ),
    (FileOp::Move, &["move", "rename", "mv"]),
    (FileOp::Copy, &["copy", "cp", "duplicate", "clone"]),
    (
        FileOp::Edit,
        &[
            "edit", "replace", "patch", "modify", "insert", "update", "apply",
        ],
    ),
    (
        FileOp::Write,
        &[
            "write",
            "create",
            "save",
            "put",
            "append",
            "upload",
            "overwrite",
            "mkdir",
        ],
    ),
    // Verbs that write only when the call carries content (`git_add`
    // stages files, `set_config` may not touch one).
    (FileOp::WriteWithContent, &["add", "set", "new", "make"]),
    (
        FileOp::Read,
        &[
            "read", "get", "view", "cat", "open", "list", "ls", "search", "find", "grep", "tree",
            "stat", "info", "head", "tail", "show", "load", "fetch", "glob",
        ],
    ),
];

/// Arguments naming one local file or directory.
const PATH_KEYS: &[&str] = &[
    "path",
    "file_path",
    "filePath",
    "filepath",
    "file",
    "filename",
    "absolute_path",
    "relative_path",
    "target_file",
    "notebook_path",
    "dir_path",
    "directory_path",
];

/// Arguments naming several.
const PATHS_KEYS: &[&str] = &["paths", "file_paths", "filePaths", "files"];

/// `(from, to)` argument pairs of a move or copy.
const MOVE_KEYS: &[(&str, &str)] = &[
    ("source", "destination"),
    ("src", "dst"),
    ("src", "dest"),
    ("from", "to"),
    ("old_path", "new_path"),
    ("oldPath", "newPath"),
    ("source_path", "destination_path"),
    ("sourcePath", "destinationPath"),
];

/// Words in the names of servers whose paths live in a remote service (a
/// repository, a bucket, a wiki), not on this machine.
const REMOTE_SERVICES: &[&str] = &[
    "github",
    "gh",
    "gitlab",
    "gitea",
    "forgejo",
    "bitbucket",
    "azure",
    "devops",
    "s3",
    "gcs",
    "r2",
    "bucket",
    "drive",
    "gdrive",
    "dropbox",
    "box",
    "onedrive",
    "sharepoint",
    "notion",
    "confluence",
    "jira",
    "linear",
    "slack",
    "figma",
    "supabase",
    "vercel",
    "netlify",
    "cloudflare",
];

const CONTENT_KEYS: &[&str] = &["content", "contents", "text", "data", "body", "file_text"];

fn file_effects(tool: &[String], args: &Map<String, Value>, arguments: &str) -> Vec<Effect> {
    let Some(op) = FILE_OPS
        .iter()
        .find(|(_, verbs)| any_word(tool, verbs))
        .map(|(op, _)| *op)
    else {
        return Vec::new();
    };
    let text = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| args.get(*k).and_then(Value::as_str))
            .map(str::to_owned)
    };
    let mut paths: Vec<String> = PATH_KEYS
        .iter()
        .filter_map(|k| args.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    for key in PATHS_KEYS {
        if let Some(list) = args.get(*key).and_then(Value::as_array) {
            paths.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    let pair = MOVE_KEYS.iter().find_map(|(from, to)| {
        let from = args.get(*from).and_then(Value::as_str)?;
        let to = args.get(*to).and_then(Value::as_str)?;
        Some((from.to_owned(), to.to_owned()))
    });
    paths.retain(|p| !p.is_empty());
    let view = |action: Action| Effect {
        action,
        tool_input: Some(arguments.to_owned()),
    };
    let patch = |files: Vec<PatchFile>| {
        let text = files
            .iter()
            .map(|f| format!("{:?} {}", f.operation, f.path))
            .collect::<Vec<_>>()
            .join("\n");
        view(Action::Patch(Patch { files, text }))
    };
    match op {
        FileOp::Move => match pair {
            Some((from, to)) => vec![patch(vec![PatchFile {
                path: from,
                operation: PatchOperation::Update,
                move_to: Some(to),
                body: String::new(),
            }])],
            None => Vec::new(),
        },
        FileOp::Copy => match pair {
            // Copying reads the source and writes the destination.
            Some((from, to)) => vec![
                read(vec![from]),
                view(Action::FileWrite(FileWrite {
                    path: to,
                    content: None,
                })),
            ],
            None => Vec::new(),
        },
        FileOp::Delete if !paths.is_empty() => vec![patch(
            paths
                .into_iter()
                .map(|path| PatchFile {
                    path,
                    operation: PatchOperation::Delete,
                    move_to: None,
                    body: String::new(),
                })
                .collect(),
        )],
        FileOp::Edit => {
            let (old, new) = edits(args);
            paths
                .into_iter()
                .map(|path| {
                    view(Action::FileEdit(FileEdit {
                        path,
                        old_text: old.clone(),
                        new_text: new.clone(),
                    }))
                })
                .collect()
        }
        FileOp::WriteWithContent if text(CONTENT_KEYS).is_none() => Vec::new(),
        FileOp::Write | FileOp::WriteWithContent => {
            let content = text(CONTENT_KEYS);
            paths
                .into_iter()
                .map(|path| {
                    view(Action::FileWrite(FileWrite {
                        path,
                        content: content.clone(),
                    }))
                })
                .collect()
        }
        FileOp::Read if !paths.is_empty() => vec![read(paths)],
        FileOp::Delete | FileOp::Read => Vec::new(),
    }
}

/// A read of `paths`, in the shape of the agents' own read tool.
fn read(paths: Vec<String>) -> Effect {
    Effect {
        action: Action::OtherTool(READ_TOOL.to_owned()),
        tool_input: Some(json!({ "paths": paths }).to_string()),
    }
}

/// The old and new text of an edit: `old_string`/`new_string`-style keys,
/// or an `edits` list of `{oldText, newText}` (the reference file-system
/// server), joined.
fn edits(args: &Map<String, Value>) -> (Option<String>, Option<String>) {
    const OLD: &[&str] = &["old_string", "oldText", "old_text", "old_str", "search"];
    const NEW: &[&str] = &[
        "new_string",
        "newText",
        "new_text",
        "new_str",
        "replace",
        "content",
    ];
    let pick = |obj: &Map<String, Value>, keys: &[&str]| {
        keys.iter()
            .find_map(|k| obj.get(*k).and_then(Value::as_str))
            .map(str::to_owned)
    };
    if let Some(list) = args.get("edits").and_then(Value::as_array) {
        let (mut old, mut new) = (Vec::new(), Vec::new());
        for edit in list.iter().filter_map(Value::as_object) {
            old.extend(pick(edit, OLD));
            new.extend(pick(edit, NEW));
        }
        return (
            (!old.is_empty()).then(|| old.join("\n")),
            (!new.is_empty()).then(|| new.join("\n")),
        );
    }
    (pick(args, OLD), pick(args, NEW))
}

#[cfg(test)]
mod tests;
