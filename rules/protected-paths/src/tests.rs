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

fn finding_ids(command: &str, config: serde_json::Value) -> Vec<String> {
    run(command, config)
        .unwrap()
        .findings
        .into_iter()
        .map(|f| f.id)
        .collect()
}

#[test]
fn path_hijacks_by_every_route() {
    for cmd in [
        "cp evil ~/.local/bin/git",
        "cp shims/npm ~/bin/",
        "install -m755 shim /usr/local/bin/node",
        "mv wrapper ~/.cargo/bin/cargo",
        "ln -sf /tmp/x/ssh ~/.local/bin/ssh",
        "ln -s /bin/true ~/.local/bin/git",
        "rsync shim ~/.local/bin/curl",
        "echo '#!/bin/sh' > /opt/homebrew/bin/python3",
        "printf x | tee ~/.bun/bin/bun",
        "curl -o ~/.local/bin/kubectl https://dl.k8s.io/x",
        "wget -O ~/go/bin/go https://x",
        "dd if=shim of=/usr/bin/sudo",
        "sed -i s/a/b/ ~/.pyenv/shims/python",
        "chmod +x ~/.local/bin/claude",
        "chmod u+x ~/.local/bin/codex",
        "chmod 0755 ~/.nvm/versions/node/v20.1.0/bin/npx",
        "unzip -o tools.zip gh -d ~/.local/bin",
        "sudo bash -c 'cp x /usr/local/bin/docker'",
        // A directory the same line puts first on PATH.
        "cp wrapper bin/git && export PATH=$PWD/bin:$PATH && git push",
        "export PATH=\"$(pwd)/.bin:$PATH\"; cp x .bin/make",
        "cd tools && cp x bin/node && PATH=./bin:$PATH npm test",
        "printf x > /tmp/shim/curl && PATH=/tmp/shim:$PATH ./install.sh",
        // A `PATH` directive anywhere in the line counts, even in text
        // written elsewhere: read as text, it cannot be placed better.
        "cp x ~/tools/npm && echo 'export PATH=~/tools:$PATH' >> notes.txt",
    ] {
        let ids = finding_ids(cmd, serde_json::json!({}));
        assert!(
            ids.iter().any(|i| i == "protected-paths.path-hijack"),
            "{cmd}: {ids:?}"
        );
        assert_eq!(decision(cmd), Decision::Deny, "{cmd}");
    }
    // Unpacked into a PATH directory: what lands there is unknown.
    assert_eq!(
        run("tar -xf t.tgz -C /opt/homebrew/bin", serde_json::json!({}))
            .unwrap()
            .decision,
        Decision::Ask
    );
}

#[test]
fn path_hijack_look_alikes() {
    for cmd in [
        "cp target/release/rg ~/.local/bin/rg",
        "install -Dm755 target/release/mytool ~/.local/bin/",
        "ln -s /usr/bin/python3 ~/.local/bin/python",
        "ln -s /usr/bin/python3.12 ~/.local/bin/python3",
        "sudo ln -sf /usr/bin/nodejs /usr/local/bin/node",
        "cp /usr/bin/pip3 ~/.local/bin/pip",
        "rm -f ~/.local/bin/git",
        "mv ~/.local/bin/node ~/.local/bin/node.bak",
        "touch ~/.local/bin/git",
        "chmod 644 ~/.local/bin/git",
        "chmod go-w ~/.local/bin/git",
        "mkdir -p ~/.local/bin",
        "cp x bin/git",
        "cp x bin/git && export PATH=$PATH:$PWD/bin",
        "export PATH=$PWD/node_modules/.bin:$PATH && cp x node_modules/.bin/node",
        "export PATH=$GOPATH/bin:$PATH && cp x bin/go",
        "cp x ~/.local/bin/*",
        "cp build/* ~/.local/bin/",
        "cat ~/.local/bin/git",
        "ls /usr/local/bin/node",
    ] {
        assert_eq!(decision(cmd), Decision::Allow, "{cmd}");
    }
}

#[test]
fn start_up_path_lines_are_their_own_finding() {
    let loose = serde_json::json!({ "categories": { "shell-startup": "allow" } });
    for cmd in [
        "echo 'export PATH=./bin:$PATH' >> ~/.bashrc",
        "echo 'PATH=\"$PWD/bin:$PATH\"' >> ~/.profile",
        "echo 'export PATH=:$PATH' >> ~/.zshrc",
        "echo 'export PATH=/tmp/tools:$PATH' >> ~/.zshenv",
        "echo 'export PATH=/work/project/bin:$PATH' >> /etc/profile.d/x.sh",
        "echo 'fish_add_path bin' >> ~/.config/fish/config.fish",
        "echo 'set -p fish_user_paths /dev/shm/x' >> ~/.config/fish/conf.d/x.fish",
        "echo 'path=(./bin $path)' >> ~/.zshrc",
        "printf 'export PATH=.:$PATH\\n' | tee -a ~/.bash_profile",
        "tee -a ~/.bashrc <<< 'export PATH=bin:$PATH'",
    ] {
        let v = run(cmd, loose.clone()).unwrap();
        assert_eq!(v.decision, Decision::Deny, "{cmd}: {}", v.reason);
        assert_eq!(v.findings.len(), 1, "{cmd}");
        assert_eq!(v.findings[0].id, "protected-paths.path-hijack", "{cmd}");
    }
    // fish's universal PATH, set without naming a file.
    for cmd in [
        "fish -c 'fish_add_path ./bin'",
        "fish -c 'set -Ux fish_user_paths /tmp/x $fish_user_paths'",
    ] {
        let ids = finding_ids(cmd, serde_json::json!({}));
        assert_eq!(ids, ["protected-paths.path-hijack"], "{cmd}");
    }
    for cmd in [
        "fish -c 'fish_add_path ~/.local/bin'",
        "fish -c 'fish_add_path -g ./bin'",
        "fish -c 'fish_add_path -a ./bin'",
        "fish -c 'set -gx PATH ./bin $PATH; make'",
    ] {
        assert_eq!(decision(cmd), Decision::Allow, "{cmd}");
    }
    for cmd in [
        "echo 'export PATH=$HOME/.local/bin:$PATH' >> ~/.bashrc",
        "echo 'export PATH=/usr/local/go/bin:$PATH' >> ~/.profile",
        "echo 'export PATH=$PATH:./bin' >> ~/.bashrc",
        "echo 'export PNPM_HOME=~/.local/share/pnpm; export PATH=$PNPM_HOME:$PATH' >> ~/.zshrc",
        "echo 'fish_add_path -a ./bin' >> ~/.config/fish/config.fish",
        "echo 'alias ll=\"ls -la\"' >> ~/.bashrc",
        "echo 'export PATH=./bin:$PATH' >> docs/setup.md",
    ] {
        assert_eq!(
            run(cmd, loose.clone()).unwrap().decision,
            Decision::Allow,
            "{cmd}"
        );
    }
    // With start-up files protected, both findings; with PATH hijacks off,
    // only the start-up file's.
    let ids = finding_ids(
        "echo 'export PATH=./bin:$PATH' >> ~/.bashrc",
        serde_json::json!({}),
    );
    assert_eq!(
        ids,
        [
            "protected-paths.shell-startup",
            "protected-paths.path-hijack"
        ]
    );
    let ids = finding_ids(
        "echo 'export PATH=./bin:$PATH' >> ~/.bashrc",
        serde_json::json!({ "categories": { "path-hijack": "allow" } }),
    );
    assert_eq!(ids, ["protected-paths.shell-startup"]);
    // The admin's allow list covers the file: nothing is flagged.
    let ids = finding_ids(
        "echo 'export PATH=./bin:$PATH' >> ~/.bashrc",
        serde_json::json!({ "allow": ["~/.bashrc"] }),
    );
    assert!(ids.is_empty(), "{ids:?}");
}

#[test]
fn path_hijacks_by_file_tools_and_links() {
    let v = ProtectedPaths::evaluate(
        &write_event("/home/dev/.local/bin/git", Vec::new()),
        &Config::default(),
    )
    .unwrap();
    assert_eq!(v.decision, Decision::Deny);
    assert_eq!(v.findings[0].id, "protected-paths.path-hijack");
    // A write through a symlink that lands on PATH under a tool's name.
    let via_link = write_event(
        "tools/wrapper",
        vec![fact("tools/wrapper", "/home/dev/.local/bin/node", true)],
    );
    let v = ProtectedPaths::evaluate(&via_link, &Config::default()).unwrap();
    assert_eq!(v.decision, Decision::Deny, "{}", v.reason);
    assert!(
        v.reason.contains("resolves through a symlink"),
        "{}",
        v.reason
    );
    // A start-up file written with a PATH line, start-up files allowed.
    let mut e = write_event("/home/dev/.bashrc", Vec::new());
    e.cwd = "/home/dev/proj".into();
    e.action = Action::FileWrite(FileWrite {
        path: "/home/dev/.bashrc".into(),
        content: Some("# env\nexport PATH=\"$HOME/proj/bin:$PATH\"\n".into()),
    });
    let loose =
        Config::from_value(serde_json::json!({ "categories": { "shell-startup": "allow" } }))
            .unwrap();
    let v = ProtectedPaths::evaluate(&e, &loose).unwrap();
    assert_eq!(v.decision, Decision::Deny, "{}", v.reason);
    assert!(v.reason.contains("the workspace"), "{}", v.reason);
    // Working in the home itself: the user's own directories are no workspace.
    e.cwd = "/home/dev".into();
    e.action = Action::FileWrite(FileWrite {
        path: "/home/dev/.bashrc".into(),
        content: Some("export PATH=\"$HOME/.local/bin:$PATH\"\n".into()),
    });
    let v = ProtectedPaths::evaluate(&e, &loose).unwrap();
    assert_eq!(v.decision, Decision::Allow, "{}", v.reason);
}

#[test]
fn git_clone_and_hooks() {
    for (cmd, want, id) in [
        (
            "git clone https://x/skills ~/.agents/skills/x",
            Decision::Deny,
            "protected-paths.agent-config",
        ),
        (
            "cd ~/.codex/skills && git clone git@github.com:acme/lint.git",
            Decision::Deny,
            "protected-paths.agent-config",
        ),
        (
            "git -C ~/.claude clone https://x/y skills/y",
            Decision::Deny,
            "protected-paths.agent-config",
        ),
        (
            "gh repo clone acme/skills ~/.claude/skills/acme -- --depth 1",
            Decision::Deny,
            "protected-paths.agent-config",
        ),
        (
            "cd ~/.agents/skills && gh repo clone acme/lint",
            Decision::Deny,
            "protected-paths.agent-config",
        ),
        (
            "git config --global core.hooksPath ~/.hooks",
            Decision::Deny,
            "protected-paths.git-hooks",
        ),
        (
            "git config unset core.hooksPath",
            Decision::Deny,
            "protected-paths.git-hooks",
        ),
        (
            "git -c core.hooksPath=/tmp/h commit -m x",
            Decision::Ask,
            "protected-paths.git-hooks",
        ),
        (
            "git --config-env=core.hooksPath=HOOKS commit",
            Decision::Ask,
            "protected-paths.git-hooks",
        ),
        (
            "git init --template=/tmp/tpl",
            Decision::Deny,
            "protected-paths.git-hooks",
        ),
    ] {
        let v = run(cmd, serde_json::json!({})).unwrap();
        assert_eq!(v.decision, want, "{cmd}: {}", v.reason);
        assert!(v.findings.iter().any(|f| f.id == id), "{cmd}");
    }
    for cmd in [
        "git clone https://x/y",
        "git clone https://x/y ./vendor/y",
        "gh repo clone acme/app -- --depth 1",
        "gh repo view acme/app",
        "git clone --branch main --depth 1 https://x/y.git /tmp/y",
        "git config --get core.hooksPath",
        "git config get core.hooksPath",
        "git config --list",
        "git -c color.ui=never log",
        "git init",
    ] {
        assert_eq!(decision(cmd), Decision::Allow, "{cmd}");
    }
    // Loosened: asked, or allowed.
    let ask = serde_json::json!({ "categories": { "git-hooks": "ask" } });
    assert_eq!(
        run("git config core.hooksPath .husky", ask)
            .unwrap()
            .decision,
        Decision::Ask
    );
    let off = serde_json::json!({ "categories": { "git-hooks": "allow" } });
    assert_eq!(
        run("git -c core.hooksPath=x commit", off).unwrap().decision,
        Decision::Allow
    );
}
