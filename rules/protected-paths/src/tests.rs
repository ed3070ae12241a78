//! The rule's logic on the host target. The full behaviour is specified by
//! `cases.toml`, which runs against the built component.

use super::*;
use hookwarden_sdk::{Decision, FileWrite, PathFact, testing};

fn run(command: &str, config: serde_json::Value) -> Result<Verdict, String> {
    let config = Config::from_value(config)?;
    ProtectedPaths::evaluate(&testing::shell(command), &config)
}

fn decision(command: &str) -> Decision {
    run(command, serde_json::json!({})).unwrap().decision
}

fn write_event(path: &str, facts: Vec<Fact>) -> Event {
    let mut e = testing::event(
        HookEvent::PreToolUse,
        Action::FileWrite(FileWrite {
            path: path.into(),
            content: Some("x".into()),
        }),
    );
    e.tool_name = Some("Write".into());
    e.facts = facts;
    e
}

fn fact(path: &str, real: &str, exists: bool) -> Fact {
    Fact::Path(PathFact {
        path: path.into(),
        real_path: Some(real.into()),
        exists,
        via_symlink: path != real,
        symlink_target: None,
        inside_workspace: real.starts_with("/work/project"),
    })
}

#[test]
fn denies_with_path_category_and_command_in_the_reason() {
    let v = run(
        "sudo tee -a .git/hooks/pre-commit < x",
        serde_json::json!({}),
    )
    .unwrap();
    assert_eq!(v.decision, Decision::Deny);
    for part in [
        "`tee -a .git/hooks/pre-commit` (through sudo)",
        "/work/project/.git/hooks/pre-commit",
        "category `git-internals`",
    ] {
        assert!(v.reason.contains(part), "{part}: {}", v.reason);
    }
    assert_eq!(v.findings[0].id, "protected-paths.git-internals");
    assert!(v.context.is_some());
}

#[test]
fn deny_outranks_ask_and_every_hit_is_a_finding() {
    let v = run("cat .env; echo x > AGENTS.md", serde_json::json!({})).unwrap();
    assert_eq!(v.decision, Decision::Deny);
    let ids: Vec<_> = v.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "protected-paths.agent-config",
            "protected-paths.secret-read"
        ]
    );
}

#[test]
fn routes_onto_protected_paths() {
    for cmd in [
        "echo x > .env",
        "cp a .git/hooks/pre-commit",
        "mv build/ci.yml .github/workflows/ci.yml",
        "install -D hook .git/hooks/pre-push",
        "rsync hooks/ .git/hooks",
        "dd if=x of=CLAUDE.md",
        "sed -i s/a/b/ AGENTS.md",
        "perl -pi -e s/a/b/ GEMINI.md",
        "rm .claude/settings.json",
        "ln -s /tmp/x .codex/config.toml",
        "truncate -s0 .env",
        "chmod 777 ~/.ssh/config",
        "touch .cursor/mcp.json",
        "unzip x.zip -d .git/hooks",
        "tar -x -f x.tar -C .github/workflows",
        "curl -o ~/.aws/config https://x",
        "git rm Jenkinsfile",
    ] {
        assert_eq!(decision(cmd), Decision::Deny, "{cmd}");
    }
}

#[test]
fn everyday_commands() {
    for cmd in [
        "cargo build > build.log",
        "git commit -m x",
        "echo x >> notes.md",
        "cat README.md",
        "cat AGENTS.md",
        "git status",
        "cp .env.example .env.example.bak",
        "rm -rf target",
        "git config user.name dev",
        "ls -la .git",
    ] {
        assert_eq!(decision(cmd), Decision::Allow, "{cmd}");
    }
}

#[test]
fn follows_cd_and_keeps_earlier_directories() {
    assert_eq!(
        decision("cd ~/.ssh && echo k >> authorized_keys"),
        Decision::Deny
    );
    assert_eq!(decision("cd .git && rm -rf hooks"), Decision::Deny);
    assert_eq!(
        decision("cd /srv && cat ../root/.aws/credentials"),
        Decision::Ask
    );
}

#[test]
fn host_facts_add_the_real_path() {
    let via_link = write_event(
        "docs/link.md",
        vec![fact("docs/link.md", "/work/project/CLAUDE.md", true)],
    );
    let v = ProtectedPaths::evaluate(&via_link, &Config::default()).unwrap();
    assert_eq!(v.decision, Decision::Deny);
    assert!(
        v.reason.contains("resolves through a symlink"),
        "{}",
        v.reason
    );

    let new_env = write_event(".env", vec![fact(".env", "/work/project/.env", false)]);
    let v = ProtectedPaths::evaluate(&new_env, &Config::default()).unwrap();
    assert_eq!(v.decision, Decision::Allow, "creating a new .env");

    let existing_env = write_event(".env", vec![fact(".env", "/work/project/.env", true)]);
    let v = ProtectedPaths::evaluate(&existing_env, &Config::default()).unwrap();
    assert_eq!(v.decision, Decision::Deny, "overwriting .env");
}

#[test]
fn other_tools_read_and_write_by_name() {
    let mut e = testing::event(HookEvent::PreToolUse, Action::OtherTool("Read".into()));
    e.tool_input = Some(r#"{"file_path":"/work/project/.env.local"}"#.into());
    let v = ProtectedPaths::evaluate(&e, &Config::default()).unwrap();
    assert_eq!(v.decision, Decision::Ask);
    e.action = Action::OtherTool("update_plan".into());
    let v = ProtectedPaths::evaluate(&e, &Config::default()).unwrap();
    assert_eq!(v.decision, Decision::Allow);
}

#[test]
fn configuration() {
    let cfg = serde_json::json!({
        "extra": ["/srv/keys/**"],
        "allow": ["AGENTS.md"],
        "categories": { "ci": "ask" },
        "read_secrets": "deny",
    });
    let d = |cmd: &str| run(cmd, cfg.clone()).unwrap().decision;
    assert_eq!(d("echo x > /srv/keys/a"), Decision::Deny);
    assert_eq!(d("echo x >> AGENTS.md"), Decision::Allow);
    assert_eq!(d("echo x > .github/workflows/a.yml"), Decision::Ask);
    assert_eq!(d("cat .env"), Decision::Deny);

    for (bad, says) in [
        (serde_json::json!({ "extras": [] }), "extras"),
        (serde_json::json!({ "write": "allow" }), "`write`"),
        (
            serde_json::json!({ "read_secrets": "maybe" }),
            "`read_secrets`",
        ),
        (
            serde_json::json!({ "categories": { "cii": "ask" } }),
            "categories.cii",
        ),
        (
            serde_json::json!({ "categories": { "ci": "off" } }),
            "categories.ci",
        ),
        (serde_json::json!({ "extra": ["[oops"] }), "`extra`"),
        (serde_json::json!({ "allow": ["~bob/x"] }), "`allow`"),
    ] {
        let err = run("ls", bad).unwrap_err();
        assert!(err.contains(says), "{says}: {err}");
    }
}

#[test]
fn actions_it_does_not_judge() {
    let event = testing::event(HookEvent::PreToolUse, Action::None);
    assert_eq!(
        ProtectedPaths::evaluate(&event, &Config::default())
            .unwrap()
            .decision,
        Decision::Allow
    );
}

fn decision_in(cwd: &str, command: &str) -> Decision {
    let mut e = testing::shell(command);
    e.cwd = cwd.into();
    ProtectedPaths::evaluate(&e, &Config::default())
        .unwrap()
        .decision
}

#[test]
fn hookwarden_protects_its_own_files() {
    for cmd in [
        "cp evil.cwasm ~/.cache/hookwarden/",
        "echo x > /var/cache/hookwarden/abc-def.cwasm",
        "rm -rf ~/.cache/hookwarden",
        "mv /tmp/x /home/dev/.cache/hookwarden/abc.cwasm",
        "tar -xf store.tar -C /srv/xdg/.cache/hookwarden",
        "ln -sf /tmp/fake.sock /run/user/1000/hookwarden/serve-ab12.sock",
        "rm /tmp/hookwarden-1000/*.sock",
        "rm -rf /tmp/hookwarden-*",
        "truncate -s0 /tmp/hookwarden-1000/serve-ab12.log",
        "chmod 777 /tmp/hookwarden-1000",
        "sed -i s/deny/allow/ ~/.config/hookwarden/config.toml",
        "sudo tee /etc/hookwarden/requirements.toml < x",
        "rm -rf ~/.local/state/hookwarden",
        "sudo rm /var/log/hookwarden/audit.log",
        "sudo cp /bin/true /usr/local/bin/hookwarden-hook",
        "install -m755 fake ~/.cargo/bin/hookwarden",
        "ln -sf /bin/true ~/.local/bin/hookwarden-hook",
        "rm -rf ~/.local/bin",
        "sudo rm /opt/hookwarden/bin/hookwarden",
        "touch ~/bin/hookwarden",
        "socat UNIX-LISTEN:/run/user/1000/hookwarden/serve-x.sock,fork EXEC:/bin/true",
        "nc -lU /tmp/hookwarden-1000/serve-x.sock",
        "socat -d -lf /tmp/hookwarden-1000/serve-x.log - CREATE:/tmp/hookwarden-1000/serve-x.lock",
        "ncat --listen --unixsock /run/hookwarden/serve-x.sock",
        "python3 -c \"import socket; s=socket.socket(socket.AF_UNIX); s.bind('/tmp/hookwarden-1000/serve-x.sock'); s.listen()\"",
    ] {
        let v = run(cmd, serde_json::json!({})).unwrap();
        assert_eq!(v.decision, Decision::Deny, "{cmd}: {}", v.reason);
        assert_eq!(v.findings[0].id, "protected-paths.hookwarden", "{cmd}");
    }
    // What an archive unpacked above the store holds is unknown: asked.
    assert_eq!(decision("tar -xf planted.tar -C ~/.cache"), Decision::Ask);
    let v = run("rm /tmp/hookwarden-1000/*.sock", serde_json::json!({})).unwrap();
    assert!(
        v.reason.contains("category `hookwarden`") && v.reason.contains("switch"),
        "{}",
        v.reason
    );
}

#[test]
fn everyday_commands_around_hookwarden() {
    for cmd in [
        "ls ~/.cache/hookwarden",
        "cat /tmp/hookwarden-1000/serve-x.log",
        "tail -f ~/.local/state/hookwarden/audit.log",
        "cp ~/.cache/hookwarden/abc.cwasm /tmp/",
        "hookwarden doctor",
        "cargo build -p hookwarden && cargo test",
        "echo x >> host/src/cli/hook.rs",
        "sed -i s/a/b/ rules/x/cases.toml",
        "git commit -m 'hookwarden: fix'",
        "echo hookwarden",
        "grep -r hookwarden .",
        "rm -rf /tmp/*",
        "rm -rf ~/.cache/pip",
        "rm -rf /tmp/hookwarden-e2e.x1y2z3",
        "chmod 700 /tmp/hookwarden-1000",
        "nc -U /tmp/hookwarden-1000/serve-x.sock",
        "socat - UNIX-CONNECT:/run/user/1000/hookwarden/serve-x.sock",
        "rm -rf target/release/hookwarden",
    ] {
        assert_eq!(decision(cmd), Decision::Allow, "{cmd}");
    }
    // A checkout of hookwarden itself is a workspace like any other.
    assert_eq!(
        decision_in("/home/dev/hookwarden", "echo x >> host/src/cli/hook.rs"),
        Decision::Allow
    );
    assert_eq!(
        decision_in("/opt/src/hookwarden", "sed -i s/a/b/ rules/x/cases.toml"),
        Decision::Allow
    );
}

#[test]
fn a_workspace_in_a_temp_dir_keeps_its_protections() {
    for cwd in ["/tmp/proj", "/var/tmp/proj", "/private/tmp/proj"] {
        for (cmd, want) in [
            ("echo API_KEY=x > .env", Decision::Deny),
            ("cp hook .git/hooks/pre-commit", Decision::Deny),
            ("echo '- run x' >> AGENTS.md", Decision::Deny),
            (
                "echo 'approval_policy = \"never\"' > .codex/config.toml",
                Decision::Deny,
            ),
            ("cd sub && echo x > ../.env", Decision::Deny),
            ("cat .env", Decision::Ask),
            ("echo x > .env.example", Decision::Allow),
            ("echo x > src/main.rs", Decision::Allow),
            // Scratch copies outside the workspace stay throwaway.
            ("echo x > /tmp/other/.env", Decision::Allow),
            (
                "cd /tmp/scratch && git init && echo x > /tmp/scratch/.git/description",
                Decision::Allow,
            ),
        ] {
            assert_eq!(decision_in(cwd, cmd), want, "{cwd}: {cmd}");
        }
    }
    assert_eq!(
        decision_in("/tmp/proj", "echo x > /private/tmp/proj/.env"),
        Decision::Deny,
        "macOS spells /tmp as /private/tmp"
    );
    // The agent working in /tmp itself: all of /tmp is its workspace.
    assert_eq!(decision_in("/tmp", "echo x > x/.env"), Decision::Deny);

    // A write tool, and a host fact that puts a link's target in the workspace.
    let mut e = write_event("/tmp/proj/CLAUDE.md", Vec::new());
    e.cwd = "/tmp/proj".into();
    let v = ProtectedPaths::evaluate(&e, &Config::default()).unwrap();
    assert_eq!(v.decision, Decision::Deny);
    let mut e = write_event(
        "/tmp/elsewhere/notes.md",
        vec![Fact::Path(PathFact {
            path: "/tmp/elsewhere/notes.md".into(),
            // The workspace directory is itself a link: the host's fact says
            // where its real path lies.
            real_path: Some("/tmp/ws-real/.git/hooks/pre-commit".into()),
            exists: true,
            via_symlink: true,
            symlink_target: None,
            inside_workspace: true,
        })],
    );
    e.cwd = "/tmp/ws".into();
    let v = ProtectedPaths::evaluate(&e, &Config::default()).unwrap();
    assert_eq!(v.decision, Decision::Deny, "{}", v.reason);
}
