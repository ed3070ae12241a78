use super::*;

fn call(server: &str, tool: &str, args: Value) -> McpCall {
    McpCall {
        server: server.into(),
        tool: tool.into(),
        arguments: args.to_string(),
        origin: None,
    }
}

fn shell_of(effects: &[Effect]) -> Option<(&str, Option<&str>)> {
    effects.iter().find_map(|e| match &e.action {
        Action::Shell(s) => Some((s.command.as_str(), s.workdir.as_deref())),
        _ => None,
    })
}

#[test]
fn names_split_into_lowercase_words() {
    assert_eq!(words("runCommand"), ["run", "command"]);
    assert_eq!(words("RUN_COMMAND"), ["run", "command"]);
    assert_eq!(words("desktop-commander"), ["desktop", "commander"]);
    assert_eq!(words("read_text_file"), ["read", "text", "file"]);
    assert_eq!(words("getHTTP2Info"), ["get", "http2", "info"]);
}

#[test]
fn executors_run_their_command_as_a_shell_command() {
    let e = effects(&call("shell", "exec", json!({"command": "rm -rf /"})));
    assert_eq!(shell_of(&e), Some(("rm -rf /", None)));
    let e = effects(&call(
        "desktop-commander",
        "start_process",
        json!({"command": "git push -f", "timeout_ms": 5000}),
    ));
    assert_eq!(shell_of(&e), Some(("git push -f", None)));
    let e = effects(&call(
        "term",
        "runCommand",
        json!({"cmd": "ls", "cwd": "/srv"}),
    ));
    assert_eq!(shell_of(&e), Some(("ls", Some("/srv"))));
    let e = effects(&call(
        "x",
        "run_commands",
        json!({"commands": ["cd /", "rm -rf *"]}),
    ));
    assert_eq!(shell_of(&e), Some(("cd /\nrm -rf *", None)));
}

#[test]
fn an_argv_is_quoted_so_its_words_stay_words() {
    let e = effects(&call(
        "proc",
        "exec",
        json!({"command": ["rm", "-rf", "/home/u/my dir"]}),
    ));
    assert_eq!(shell_of(&e), Some(("rm -rf '/home/u/my dir'", None)));
    let e = effects(&call(
        "proc",
        "spawn",
        json!({"command": "sh", "args": ["-c", "curl x | sh"]}),
    ));
    assert_eq!(shell_of(&e), Some(("sh -c 'curl x | sh'", None)));
    assert_eq!(quote("it's"), r"'it'\''s'");
}

#[test]
fn code_tools_become_inline_scripts() {
    let e = effects(&call(
        "python",
        "run_code",
        json!({"code": "import os; os.system('id')"}),
    ));
    assert_eq!(
        shell_of(&e),
        Some(("python3 -c 'import os; os.system('\\''id'\\'')'", None))
    );
    let e = effects(&call(
        "sandbox",
        "execute_javascript",
        json!({"code": "1+1"}),
    ));
    assert_eq!(shell_of(&e), Some(("node -e 1+1", None)));
    // Code of an unknown language is not a shell command.
    assert!(effects(&call("ruby", "eval", json!({"code": "1"}))).is_empty());
}

#[test]
fn other_tools_with_a_command_field_are_not_executors() {
    assert!(effects(&call("memory", "create_entities", json!({"command": "x"}))).is_empty());
    assert!(effects(&call("github", "search_code", json!({"q": "rm -rf"}))).is_empty());
    // `input` is a command only for terminal-like tools.
    assert!(shell_of(&effects(&call("llm", "run_model", json!({"input": "hi"})))).is_none());
    assert_eq!(
        shell_of(&effects(&call(
            "iterm",
            "write_to_terminal",
            json!({"input": "ls"})
        ))),
        Some(("ls", None))
    );
}

#[test]
fn file_tools_become_writes_edits_moves_deletes_and_reads() {
    let e = effects(&call(
        "filesystem",
        "write_file",
        json!({"path": "/home/u/.bashrc", "content": "x"}),
    ));
    assert_eq!(
        e[0].action,
        Action::FileWrite(FileWrite {
            path: "/home/u/.bashrc".into(),
            content: Some("x".into())
        })
    );
    let e = effects(&call(
        "filesystem",
        "edit_file",
        json!({"path": "a.rs", "edits": [{"oldText": "a", "newText": "b"}]}),
    ));
    assert_eq!(
        e[0].action,
        Action::FileEdit(FileEdit {
            path: "a.rs".into(),
            old_text: Some("a".into()),
            new_text: Some("b".into())
        })
    );
    let e = effects(&call(
        "filesystem",
        "move_file",
        json!({"source": ".env", "destination": "/tmp/x"}),
    ));
    let Action::Patch(p) = &e[0].action else {
        panic!("{e:?}")
    };
    assert_eq!(p.files[0].path, ".env");
    assert_eq!(p.files[0].move_to.as_deref(), Some("/tmp/x"));
    let e = effects(&call("fs", "delete_file", json!({"path": ".git/config"})));
    let Action::Patch(p) = &e[0].action else {
        panic!("{e:?}")
    };
    assert_eq!(p.files[0].operation, PatchOperation::Delete);
    let e = effects(&call(
        "filesystem",
        "read_multiple_files",
        json!({"paths": ["a", "/home/u/.ssh/id_rsa"]}),
    ));
    assert_eq!(e[0].action, Action::OtherTool(READ_TOOL.into()));
    assert_eq!(
        e[0].tool_input.as_deref(),
        Some(r#"{"paths":["a","/home/u/.ssh/id_rsa"]}"#)
    );
}

#[test]
fn paths_of_a_remote_service_are_not_local_files() {
    let e = effects(&call(
        "github",
        "create_or_update_file",
        json!({"owner": "o", "repo": "r", "path": ".github/workflows/ci.yml", "content": "x"}),
    ));
    assert!(e.is_empty(), "{e:?}");
    assert!(effects(&call("notion-api", "update_page", json!({"path": "x"}))).is_empty());
    // The arguments do not decide: a local write with an `owner` is local.
    let e = effects(&call(
        "filesystem",
        "write_file",
        json!({"path": "/home/u/.bashrc", "content": "x", "owner": "o", "branch": "main"}),
    ));
    assert_eq!(e.len(), 1, "{e:?}");
}

#[test]
fn arguments_that_are_not_an_object_have_no_effect() {
    let mut c = call("shell", "exec", json!(null));
    c.arguments = "not json".into();
    assert!(effects(&c).is_empty());
    assert!(effects(&call("shell", "exec", json!(["rm -rf /"]))).is_empty());
    assert!(effects(&call("shell", "exec", json!({"command": 7}))).is_empty());
}

fn shells(effects: &[Effect]) -> Vec<(String, Option<String>)> {
    effects
        .iter()
        .filter_map(|e| match &e.action {
            Action::Shell(s) => Some((s.command.clone(), s.workdir.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn the_shapes_real_command_servers_use() {
    // mcp-server-commands: a script on stdin.
    let e = effects(&call(
        "mcp-server-commands",
        "run_command",
        json!({"command": "bash", "stdin": "rm -rf ~"}),
    ));
    assert_eq!(
        shell_of(&e),
        Some((
            "bash <<'HOOKWARDEN_STDIN'\nrm -rf ~\nHOOKWARDEN_STDIN",
            None
        ))
    );
    // …and an argv without a command.
    let e = effects(&call(
        "mcp-server-commands",
        "run_process",
        json!({"mode": "executable", "argv": ["rm", "-rf", "/home/dev"]}),
    ));
    assert_eq!(shell_of(&e), Some(("rm -rf /home/dev", None)));
    // wcgw: the command one level down.
    let e = effects(&call(
        "wcgw",
        "BashCommand",
        json!({"action_json": {"command": "git reset --hard"}}),
    ));
    assert_eq!(shell_of(&e), Some(("git reset --hard", None)));
    // Keys in any case, a program with its args, args as text.
    let e = effects(&call("shell", "exec", json!({"Command": "ls"})));
    assert_eq!(shell_of(&e), Some(("ls", None)));
    let e = effects(&call(
        "shell",
        "exec",
        json!({"program": "rm", "args": ["-rf", "/"]}),
    ));
    assert_eq!(shell_of(&e), Some(("rm -rf /", None)));
    let e = effects(&call(
        "shell",
        "exec",
        json!({"command": "git", "args": "reset --hard"}),
    ));
    assert_eq!(shell_of(&e), Some(("git reset --hard", None)));
    // A script as lines; a command line in `shell`, a program name not.
    let e = effects(&call(
        "shell",
        "exec",
        json!({"script": ["cd /", "rm -rf *"]}),
    ));
    assert_eq!(shell_of(&e), Some(("cd /\nrm -rf *", None)));
    let e = effects(&call("shell", "exec", json!({"shell": "rm -rf ~"})));
    assert_eq!(shell_of(&e), Some(("rm -rf ~", None)));
    // A notebook cell's `!` lines are shell commands.
    let e = effects(&call(
        "jupyter",
        "execute_cell",
        json!({"code": "x = 1\n!rm -rf ~"}),
    ));
    assert_eq!(shell_of(&e), Some(("python3 -c 'x = 1'\nrm -rf ~", None)));
}

#[test]
fn powershell_is_read_from_the_shell_argument() {
    let e = effects(&call(
        "desktop-commander",
        "start_process",
        json!({"command": "Remove-Item -Recurse -Force $HOME", "shell": "powershell.exe"}),
    ));
    let Action::Shell(s) = &e[0].action else {
        panic!("{e:?}")
    };
    assert_eq!(s.dialect, ShellDialect::Powershell);
}

#[test]
fn every_working_directory_named_gets_a_view() {
    let e = effects(&call(
        "shell",
        "exec",
        json!({"command": "echo x >> .bashrc", "cwd": "/tmp", "working_directory": "/home/dev"}),
    ));
    assert_eq!(
        shells(&e),
        [
            ("echo x >> .bashrc".to_owned(), Some("/tmp".to_owned())),
            ("echo x >> .bashrc".to_owned(), Some("/home/dev".to_owned()))
        ]
    );
    // An empty one hides nothing.
    let e = effects(&call(
        "shell",
        "exec",
        json!({"command": "ls", "cwd": "", "workdir": "/home/dev"}),
    ));
    assert_eq!(
        shells(&e),
        [("ls".to_owned(), Some("/home/dev".to_owned()))]
    );
}

#[test]
fn arguments_sent_as_json_text_are_read() {
    let mut c = call("shell", "exec", json!(null));
    c.arguments = json!(r#"{"command":"rm -rf ~"}"#).to_string();
    assert_eq!(shell_of(&effects(&c)), Some(("rm -rf ~", None)));
}

#[test]
fn staging_is_not_writing() {
    assert!(
        effects(&call(
            "git",
            "git_add",
            json!({"repo_path": "/p", "files": [".github/workflows/ci.yml"]})
        ))
        .is_empty()
    );
    let e = effects(&call(
        "notes",
        "add_file",
        json!({"path": "/home/u/.bashrc", "content": "x"}),
    ));
    assert!(matches!(e[0].action, Action::FileWrite(_)), "{e:?}");
}
