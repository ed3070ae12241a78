//! Host-resolved facts reach rules: path facts for what an action writes
//! (symlinks, real paths, workspace containment) and files an admin granted.

mod common;

use common::*;
use std::os::unix::fs::symlink;

/// Run the fact-reporting scripted rule on a Codex PreToolUse `command` in
/// `workspace`, and return the facts it reported.
fn reported_facts(workspace: &std::path::Path, command: &str, extra: &str, limits: &str) -> String {
    let rule = scripted_rule("facts", "behaviour = \"report-facts\"", extra);
    let (_d, req) = requirements(&format!("[hookwarden.limits]\n{limits}\n{rule}"));
    let mut payload: serde_json::Value =
        serde_json::from_str(&codex_pre_tool_use(command)).unwrap();
    payload["cwd"] = workspace.to_str().unwrap().into();
    let out = hook(&req, &payload.to_string());
    let reason = assert_codex_pre_tool_use_deny(&out);
    assert!(reason.contains("facts:"), "{reason}");
    reason
}

#[test]
fn shell_write_targets_get_path_facts() {
    let ws = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let real_ws = std::fs::canonicalize(ws.path()).unwrap();
    let real_out = std::fs::canonicalize(outside.path()).unwrap();
    symlink(outside.path(), ws.path().join("escape")).unwrap();
    std::fs::write(ws.path().join("notes.md"), "x").unwrap();

    let facts = reported_facts(
        ws.path(),
        "echo hi >> notes.md && cp a escape/b.txt && cat notes.md",
        "",
        "",
    );
    assert!(
        facts.contains(&format!(
            "path notes.md real={}/notes.md exists=true via_symlink=false target=- inside=true",
            real_ws.display()
        )),
        "{facts}"
    );
    assert!(
        facts.contains(&format!(
            "path escape/b.txt real={}/b.txt exists=false via_symlink=true",
            real_out.display()
        )),
        "{facts}"
    );
    assert!(facts.contains("inside=false"), "{facts}");
    // `cat` writes nothing: two facts only.
    assert_eq!(facts.matches("\npath ").count(), 2, "{facts}");
}

#[test]
fn granted_files_are_passed_capped_and_never_outside_the_workspace() {
    let ws = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        ws.path().join("package.json"),
        r#"{"dependencies":{"left-pad":"1.3.0"}}"#,
    )
    .unwrap();
    std::fs::write(ws.path().join("big.lock"), "y".repeat(3000)).unwrap();
    std::fs::write(outside.path().join("id_rsa"), "PRIVATE").unwrap();
    symlink(outside.path().join("id_rsa"), ws.path().join("Cargo.lock")).unwrap();

    let facts = reported_facts(
        ws.path(),
        "npm install left-pad",
        "grant = [\"package.json\", \"big.lock\", \"Cargo.lock\", \"missing.txt\"]",
        "",
    );
    assert!(
        facts.contains(
            r#"file package.json truncated=false content={"dependencies":{"left-pad":"1.3.0"}}"#
        ),
        "{facts}"
    );
    assert!(facts.contains("file big.lock truncated=false"), "{facts}");
    assert!(
        !facts.contains("PRIVATE") && !facts.contains("Cargo.lock"),
        "{facts}"
    );

    let facts = reported_facts(ws.path(), "ls", "grant = [\"big.lock\"]", "grant_kib = 1");
    assert!(
        facts.contains(&format!(
            "file big.lock truncated=true content={}",
            "y".repeat(1024)
        )),
        "{facts}"
    );
}

#[test]
fn a_grant_outside_the_workspace_is_a_config_error() {
    let (_d, req) = requirements(&scripted_rule(
        "facts",
        "",
        "grant = [\"../../etc/shadow\"]",
    ));
    let out = hook(&req, &codex_pre_tool_use("ls"));
    let reason = assert_codex_pre_tool_use_deny(&out);
    assert!(
        reason.contains("grant") && reason.contains("../../etc/shadow"),
        "{reason}"
    );
}
