//! The rule's logic on the host target. The full behaviour is specified by
//! `cases.toml`, which the workspace suite runs against the built component.

use super::*;
use hookwarden_sdk::{Decision, testing};

fn run(command: &str, config: serde_json::Value) -> Result<Verdict, String> {
    let config = Config::from_value(config)?;
    DestructiveCommands::evaluate(&testing::shell(command), &config)
}

fn decision(command: &str) -> Decision {
    run(command, serde_json::json!({})).unwrap().decision
}

#[test]
fn denies_with_the_resolved_command_in_the_reason() {
    let v = run(
        r#"sudo r"m" -rf --no-preserve-root /"#,
        serde_json::json!({}),
    )
    .unwrap();
    assert_eq!(v.decision, Decision::Deny);
    assert!(
        v.reason
            .contains("`rm -rf --no-preserve-root /` (through sudo)"),
        "{}",
        v.reason
    );
    assert!(v.reason.contains("root file system"), "{}", v.reason);
    assert_eq!(v.findings[0].id, "destructive.recursive-delete");
    assert!(v.context.is_some());
}

#[test]
fn deny_outranks_ask_and_every_hit_is_a_finding() {
    let v = run("$X; git reset --hard; rm -rf ~", serde_json::json!({})).unwrap();
    assert_eq!(v.decision, Decision::Deny);
    let ids: Vec<_> = v.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "destructive.git-reset-hard",
            "destructive.recursive-delete",
            "destructive.unreadable"
        ]
    );
    assert!(v.reason.contains("(and 1 more finding)"), "{}", v.reason);
}

#[test]
fn follows_cd() {
    assert_eq!(decision("cd / && rm -rf *"), Decision::Deny);
    assert_eq!(decision("cd && rm -rf ./*"), Decision::Deny);
    assert_eq!(decision("cd /tmp/build && rm -rf *"), Decision::Allow);
    // An unknown directory (an empty $DIR is the home): asked, not allowed.
    assert_eq!(decision("cd \"$DIR\" && rm -rf *"), Decision::Ask);
    assert_eq!(
        decision("rm -rf ../../.."),
        Decision::Deny,
        "from /work/project"
    );
}

#[test]
fn configuration() {
    let cfg =
        serde_json::json!({ "protected_branches": ["prod"], "protected_paths": ["/srv/data"] });
    assert_eq!(
        run("git push -f origin prod", cfg.clone())
            .unwrap()
            .decision,
        Decision::Deny
    );
    assert_eq!(
        run("git push -f origin main", cfg.clone())
            .unwrap()
            .decision,
        Decision::Allow
    );
    assert_eq!(
        run("rm -rf /srv", cfg.clone()).unwrap().decision,
        Decision::Deny
    );
    let strict = serde_json::json!({ "unreadable": "deny" });
    assert_eq!(run("$X -rf /", strict).unwrap().decision, Decision::Deny);

    for (bad, says) in [
        (
            serde_json::json!({ "protected_branch": [] }),
            "protected_branch",
        ),
        (serde_json::json!({ "unreadable": "allow" }), "unreadable"),
        (
            serde_json::json!({ "protected_paths": ["data"] }),
            "absolute",
        ),
        (
            serde_json::json!({ "protected_branches": ["[oops"] }),
            "not a valid glob",
        ),
    ] {
        let err = run("ls", bad).unwrap_err();
        assert!(err.contains(says), "{err}");
    }
}

#[test]
fn only_shell_actions_are_judged() {
    let event = testing::event(HookEvent::PreToolUse, Action::None);
    assert_eq!(
        DestructiveCommands::evaluate(&event, &Config::default())
            .unwrap()
            .decision,
        Decision::Allow
    );
}

#[test]
fn stopping_hookwarden() {
    for cmd in [
        "pkill hookwarden",
        "pkill -f 'hookwarden serve'",
        "pkill -f '[h]ookwarden'",
        "killall -9 hookwarden-hook",
        "skill hookwarden",
        "kill $(pgrep -f hookwarden)",
        "kill -9 `pidof hookwarden`",
        "pgrep hookwarden | xargs kill",
        "ps aux | grep '[h]ookwarden' | awk '{print $2}' | xargs -r kill -9",
        "kill $(cat /tmp/hookwarden-1000/serve-ab12.lock)",
        "kill -9 \"$(< /tmp/hookwarden-1000/serve-ab12.lock)\"",
        "read pid < /tmp/hookwarden-1000/serve-ab12.lock; kill \"$pid\"",
        "PID=$(pgrep -f 'hookwarden serve'); kill -TERM $PID",
        "pkill -F /run/user/1000/hookwarden/serve-x.lock",
        "systemctl stop hookwarden",
        "systemctl --user disable --now hookwarden-serve.socket",
        "sudo systemctl mask hookwarden.service",
        "systemctl kill -s KILL hookwarden.service",
        "service hookwarden stop",
        "fuser -k /tmp/hookwarden-1000/serve-x.sock",
        "launchctl bootout gui/501/dev.hookwarden.serve",
    ] {
        let v = run(cmd, serde_json::json!({})).unwrap();
        assert_eq!(v.decision, Decision::Deny, "{cmd}: {}", v.reason);
        assert_eq!(v.findings[0].id, "destructive.stop-hookwarden", "{cmd}");
    }
    let v = run("kill $(pgrep -f hookwarden)", serde_json::json!({})).unwrap();
    assert!(
        v.reason.contains("`pgrep -f hookwarden`") && v.reason.contains("checks this agent's"),
        "{}",
        v.reason
    );
}

#[test]
fn looking_at_hookwarden_and_killing_others() {
    for cmd in [
        "pgrep hookwarden",
        "pgrep -fa hookwarden | wc -l",
        "kill %1",
        "kill 1234",
        "kill -9 $(pgrep -f 'vite --port 5173')",
        "pkill -f webpack-dev-server",
        "pkill -f serve",
        "killall hook",
        "systemctl status hookwarden",
        "systemctl --user restart pipewire",
        "fuser /tmp/hookwarden-1000/serve-x.sock",
        "hookwarden doctor && cargo build -p hookwarden",
        "grep -r hookwarden . && echo hookwarden",
    ] {
        assert_eq!(decision(cmd), Decision::Allow, "{cmd}");
    }
}

#[test]
fn pkill_patterns() {
    use checks::processes_may_match as m;
    assert!(m("hookwarden", false, false));
    assert!(m("hook", false, false), "a part of the name");
    assert!(m("warden.*serve", true, false));
    assert!(m("^hookwarden-hook$", false, true));
    assert!(!m("hook", false, true), "killall matches whole names");
    assert!(!m("serve", true, false), "no part of hookwarden's name");
    assert!(!m("node", false, false));
    assert!(!m("webhook-relay", true, false));
}
