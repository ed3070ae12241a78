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
