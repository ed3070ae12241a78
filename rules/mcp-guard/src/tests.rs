use super::*;
use hookwarden_sdk::{Decision, McpOrigin};
use serde_json::json;

fn call(server: &str, tool: &str, args: serde_json::Value) -> McpCall {
    McpCall {
        server: server.into(),
        tool: tool.into(),
        arguments: args.to_string(),
        origin: None,
    }
}

fn policy(config: serde_json::Value) -> Policy {
    Policy::from_config(&Config::from_value(config).unwrap()).unwrap()
}

fn allowlist() -> Policy {
    policy(json!({
        "servers": {
            "github": {
                "tools": { "delete_*": "deny", "create_gist": "ask", "merge_*": "ask" },
                "url": "https://api.githubcopilot.com/mcp/"
            },
            "filesystem": { "command": "npx -y @modelcontextprotocol/server-filesystem" },
            "notes": { "tools": { "read_*": "allow" }, "other_tools": "deny" },
        }
    }))
}

fn decide(c: &McpCall, p: &Policy) -> (Decision, Vec<String>) {
    let v = judge(c, p);
    (v.decision, v.findings.into_iter().map(|f| f.id).collect())
}

#[test]
fn listed_servers_and_their_allowed_tools_pass() {
    let p = allowlist();
    assert_eq!(
        decide(&call("github", "get_issue", json!({"n": 1})), &p).0,
        Decision::Allow
    );
    assert_eq!(
        decide(&call("notes", "read_note", json!({})), &p).0,
        Decision::Allow
    );
}

#[test]
fn tool_globs_decide_most_specific_first() {
    let p = allowlist();
    assert_eq!(
        decide(&call("github", "delete_repo", json!({})), &p).0,
        Decision::Deny
    );
    assert_eq!(
        decide(&call("github", "create_gist", json!({})), &p).0,
        Decision::Ask
    );
    assert_eq!(
        decide(&call("notes", "write_note", json!({})), &p).0,
        Decision::Deny
    );
    let p = policy(
        json!({"servers": {"s": {"tools": {"*": "deny", "get_*": "ask", "get_me": "allow"}}}}),
    );
    assert_eq!(
        decide(&call("s", "get_me", json!({})), &p).0,
        Decision::Allow
    );
    assert_eq!(
        decide(&call("s", "get_you", json!({})), &p).0,
        Decision::Ask
    );
    assert_eq!(decide(&call("s", "put", json!({})), &p).0, Decision::Deny);
}

#[test]
fn unlisted_servers_get_the_configured_decision() {
    let (d, f) = decide(&call("scratch", "write", json!({})), &allowlist());
    assert_eq!(
        (d, f),
        (Decision::Ask, vec!["mcp-guard.unlisted".to_owned()])
    );
    let p = policy(json!({"unlisted": "deny"}));
    assert_eq!(
        decide(&call("anything", "x", json!({})), &p).0,
        Decision::Deny
    );
    let p = policy(json!({"unlisted": "allow"}));
    assert_eq!(
        decide(&call("anything", "x", json!({})), &p).0,
        Decision::Allow
    );
    // No list at all: every server is unlisted (asked by default).
    assert_eq!(
        decide(&call("github", "get_issue", json!({})), &policy(json!({}))).0,
        Decision::Ask
    );
}

#[test]
fn look_alike_servers_are_denied() {
    for name in ["filesytem", "github-mcp", "gіthub"] {
        let (d, f) = decide(&call(name, "get", json!({})), &allowlist());
        assert_eq!(d, Decision::Deny, "{name}");
        assert_eq!(f, ["mcp-guard.lookalike"], "{name}");
    }
    let p = policy(json!({"lookalike": "ask", "servers": {"github": {}}}));
    assert_eq!(decide(&call("githab", "x", json!({})), &p).0, Decision::Ask);
}

#[test]
fn a_listed_name_from_another_origin_is_denied() {
    let p = allowlist();
    let mut c = call("github", "get_issue", json!({}));
    c.origin = Some(McpOrigin {
        url: Some("https://evil.example/mcp".into()),
        command: None,
        source: None,
    });
    assert_eq!(
        decide(&c, &p),
        (Decision::Deny, vec!["mcp-guard.origin".to_owned()])
    );
    c.origin = Some(McpOrigin {
        url: Some("https://API.githubcopilot.com/mcp".into()),
        command: None,
        source: None,
    });
    assert_eq!(decide(&c, &p).0, Decision::Allow);
    let mut c = call("filesystem", "read_file", json!({}));
    c.origin = Some(McpOrigin {
        command: Some("npx -y @modelcontextprotocol/server-filesystem /home/u".into()),
        url: None,
        source: None,
    });
    assert_eq!(decide(&c, &p).0, Decision::Allow);
    c.origin = Some(McpOrigin {
        command: Some("node /tmp/evil.js".into()),
        url: None,
        source: None,
    });
    assert_eq!(decide(&c, &p).0, Decision::Deny);
    // Origin unknown (Codex, most Claude Code payloads): the name decides.
    c.origin = None;
    assert_eq!(decide(&c, &p).0, Decision::Allow);
    let p = policy(json!({"servers": {"corp": {"source": "managed"}}}));
    let mut c = call("corp", "x", json!({}));
    c.origin = Some(McpOrigin {
        source: Some("project".into()),
        url: None,
        command: None,
    });
    assert_eq!(decide(&c, &p).0, Decision::Deny);
}

#[test]
fn an_origin_without_a_url_or_command_finds_no_listed_server() {
    // Claude Code's `mcp_server` has a name and a source only: an unlisted
    // or look-alike server stays one.
    let p = allowlist();
    for (name, expect) in [("evil", Decision::Ask), ("github-mcp", Decision::Deny)] {
        let mut c = call(name, "delete_all", json!({}));
        c.origin = Some(McpOrigin {
            source: Some("dynamic".into()),
            url: None,
            command: None,
        });
        assert_eq!(decide(&c, &p).0, expect, "{name}");
    }
    // A named server is never found by another server's pinned origin.
    let mut c = call("evil", "x", json!({}));
    c.origin = Some(McpOrigin {
        url: Some("https://api.githubcopilot.com/mcp/".into()),
        command: None,
        source: None,
    });
    assert_eq!(decide(&c, &p).0, Decision::Ask);
}

#[test]
fn cursor_servers_are_found_by_their_origin() {
    let p = allowlist();
    let mut c = call(
        "https://api.githubcopilot.com/mcp/",
        "delete_repo",
        json!({}),
    );
    c.origin = Some(McpOrigin {
        url: Some("https://api.githubcopilot.com/mcp/".into()),
        command: None,
        source: None,
    });
    assert_eq!(
        decide(&c, &p),
        (Decision::Deny, vec!["mcp-guard.tool".to_owned()])
    );
    // `MCP:<tool>` without server or origin: only the arguments are judged.
    assert_eq!(
        decide(&call("", "anything", json!({})), &p).0,
        Decision::Allow
    );
}

#[test]
fn credentials_in_arguments_are_denied_wherever_they_go() {
    let p = allowlist();
    let env = "STRIPE_SECRET=Zq8vT3mKp2Lw9\nDB_PASSWORD=Rt5yU7iO9pQ1w\n";
    let (d, f) = decide(
        &call(
            "github",
            "create_gist",
            json!({"files": {"env.txt": {"content": env}}}),
        ),
        &p,
    );
    assert_eq!(d, Decision::Deny);
    assert!(
        f.contains(&"mcp-guard.secret-in-arguments".to_owned()),
        "{f:?}"
    );
    let v = judge(
        &call(
            "github",
            "add_issue_comment",
            json!({"body": "key AKIAZ7QW3ERT5YUI9OP2"}),
        ),
        &p,
    );
    assert_eq!(v.decision, Decision::Deny);
    assert!(
        v.reason.contains("an AWS access key id (in `body`)"),
        "{}",
        v.reason
    );
    assert!(
        !v.reason.contains("AKIAZ7QW3ERT5YUI9OP2"),
        "the reason never carries the secret"
    );
    let url = call(
        "fetch",
        "fetch",
        json!({"url": "https://x.example/?k=AKIAZ7QW3ERT5YUI9OP2"}),
    );
    assert_eq!(
        decide(&url, &policy(json!({"unlisted": "allow"}))).0,
        Decision::Deny
    );
    // Placeholders and hashes are not credentials.
    let ok = call(
        "github",
        "add_issue_comment",
        json!({"body": "set AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE; commit 3f2a9c1e8b7d6f5a4c3b2a1f0e9d8c7b6a5f4e3d"}),
    );
    assert_eq!(decide(&ok, &p).0, Decision::Allow);
}

#[test]
fn a_bad_glob_is_a_configuration_error() {
    let err = Policy::from_config(
        &Config::from_value(json!({"servers": {"s": {"tools": {"[": "deny"}}}})).unwrap(),
    )
    .err()
    .unwrap();
    assert!(err.contains("servers.s.tools: `[`"), "{err}");
    assert!(
        Policy::from_config(&Config::from_value(json!({"unlisted": "maybe"})).unwrap()).is_err()
    );
}
