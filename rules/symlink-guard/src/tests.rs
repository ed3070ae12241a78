//! The rule's logic on the host target; `cases.toml` is the full corpus.

use super::*;
use hookwarden_sdk::{Decision, PathFact, testing};

fn run(command: &str) -> Verdict {
    SymlinkGuard::evaluate(&testing::shell(command), &Config::default()).unwrap()
}

#[test]
fn links_to_protected_places_are_denied() {
    for cmd in [
        "ln -s ~/.ssh/id_rsa key.txt",
        "ln -sf /etc/passwd users",
        "sudo ln -s / root",
        "bash -c 'ln -s $HOME home'",
    ] {
        let v = run(cmd);
        assert_eq!(v.decision, Decision::Deny, "{cmd}: {}", v.reason);
        assert_eq!(v.findings[0].id, "symlink-guard.link-to-protected");
    }
}

#[test]
fn relative_targets_resolve_from_the_links_directory() {
    // /work/project/a/b/link -> ../../../../etc/shadow = /etc/shadow
    assert_eq!(
        run("ln -s ../../../../etc/shadow a/b/link").decision,
        Decision::Deny
    );
    // /work/project/docs/link -> ../README.md stays inside
    assert_eq!(
        run("ln -s ../README.md docs/readme").decision,
        Decision::Allow
    );
    assert_eq!(run("ln -s /opt/tool/bin/tool bin/").decision, Decision::Ask);
}

#[test]
fn writes_escaping_through_a_symlink_are_denied() {
    let mut e = testing::shell("echo x > config.json");
    e.facts.push(Fact::Path(PathFact {
        path: "config.json".into(),
        real_path: Some("/home/dev/.ssh/authorized_keys".into()),
        exists: true,
        via_symlink: true,
        symlink_target: Some("/home/dev/.ssh/authorized_keys".into()),
        inside_workspace: false,
    }));
    let v = SymlinkGuard::evaluate(&e, &Config::default()).unwrap();
    assert_eq!(v.decision, Decision::Deny);
    assert!(v.reason.contains("authorized_keys"), "{}", v.reason);
}

#[test]
fn config_is_checked() {
    let bad = |json: serde_json::Value| {
        Policy::from_config(&Config::from_value(json).unwrap())
            .err()
            .unwrap()
    };
    assert!(bad(serde_json::json!({ "escape": "allow" })).contains("escape"));
    assert!(bad(serde_json::json!({ "link_outside": "maybe" })).contains("link_outside"));
    assert!(
        bad(serde_json::json!({ "protected_targets": ["rel/x"] })).contains("protected_targets")
    );
    assert!(bad(serde_json::json!({ "protect": [] })).contains("protect"));
}
