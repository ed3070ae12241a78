use hookwarden_config::{
    AskFallback, ConfigError, ConfigSource, ModuleRef, ServerUse, load, parse,
};
use hookwarden_event::{ActionKind, Decision, HookEvent};
use std::path::Path;

const PIN: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

fn path() -> &'static Path {
    Path::new("/etc/codex/requirements.toml")
}

#[test]
fn full_config_parses_next_to_codex_keys() {
    let text = format!(
        r#"
allow_managed_hooks_only = true
[features]
hooks = true
[[hooks.PreToolUse]]
matcher = "^Bash$"

[hookwarden]
fail_mode = "ask"
ask_fallback = "allow"
[hookwarden.limits]
fuel = 1000
call_timeout_ms = 2000

[[hookwarden.rules]]
id = "destructive-commands"
module = "rules/destructive_commands.wasm"
sha256 = "{PIN}"
events = ["pre-tool-use"]
actions = ["shell"]
timeout_ms = 50
[hookwarden.rules.config]
protected_branches = ["main"]

[[hookwarden.rules]]
id = "pack"
module = "builtin:destructive-commands"
"#
    );
    let c = parse(&text, path()).unwrap().unwrap();
    assert_eq!(c.fail_mode, Decision::Ask);
    assert_eq!(c.ask_fallback, AskFallback::Allow);
    assert_eq!(c.limits.fuel, 1000);
    assert_eq!(c.limits.memory_mib, 64, "unset limits keep their defaults");
    assert_eq!(c.rules.len(), 2);
    let r = &c.rules[0];
    assert_eq!(
        r.module,
        ModuleRef::File("/etc/codex/rules/destructive_commands.wasm".into()),
        "relative module paths are resolved against the requirements file"
    );
    assert_eq!(r.sha256.unwrap().to_string(), PIN);
    assert_eq!(r.events.as_deref(), Some(&[HookEvent::PreToolUse][..]));
    assert_eq!(r.actions.as_deref(), Some(&[ActionKind::Shell][..]));
    assert_eq!(r.config_json(), r#"{"protected_branches":["main"]}"#);
    assert_eq!(
        c.rules[1].module,
        ModuleRef::Builtin("destructive-commands".into())
    );
    assert!(!c.runs_builtin_rules());
}

#[test]
fn file_without_hookwarden_table_means_defaults() {
    assert!(
        parse("[features]\nhooks = true\n", path())
            .unwrap()
            .is_none()
    );
}

fn invalid(text: &str) -> String {
    let e = parse(text, path()).unwrap_err();
    assert!(matches!(e, ConfigError::Invalid { .. }), "{e:?}");
    e.to_string()
}

#[test]
fn unknown_key_names_file_line_and_key() {
    let msg = invalid("[hookwarden]\nfail_mode = \"deny\"\n[hookwarden.limits]\nfule = 5\n");
    assert!(
        msg.starts_with("/etc/codex/requirements.toml:4:1: "),
        "{msg}"
    );
    assert!(msg.contains("unknown field `fule`"), "{msg}");
    assert!(msg.contains("key `hookwarden.limits"), "{msg}");
}

#[test]
fn wrong_type_and_bad_values_are_located() {
    let msg = invalid("[hookwarden]\nfail_mode = \"maybe\"\n");
    assert!(msg.contains(":2:"), "{msg}");
    assert!(msg.contains("hookwarden.fail_mode"), "{msg}");

    let msg = invalid(&format!(
        "[hookwarden]\n[[hookwarden.rules]]\nid = \"x\"\nmodule = \"a.wasm\"\nsha256 = \"{}\"\n",
        &PIN[..10]
    ));
    assert!(msg.contains(":5:"), "{msg}");
    assert!(msg.contains("not a SHA-256 digest"), "{msg}");
}

#[test]
fn server_use_takes_a_bool_or_a_mode() {
    let server = |value: &str| {
        parse(&format!("[hookwarden]\nserver = {value}\n"), path())
            .unwrap()
            .unwrap()
            .server
    };
    assert_eq!(server("true"), ServerUse::OnDemand);
    assert_eq!(server("\"on-demand\""), ServerUse::OnDemand);
    assert_eq!(server("\"if-running\""), ServerUse::IfRunning);
    assert_eq!(server("false"), ServerUse::Off);
    assert_eq!(server("\"off\""), ServerUse::Off);
    let defaults = parse("[hookwarden]\n", path()).unwrap().unwrap();
    assert_eq!(defaults.server, ServerUse::OnDemand);

    let msg = invalid("[hookwarden]\nserver = \"always\"\n");
    assert!(
        msg.contains(":2:") && msg.contains("hookwarden.server"),
        "{msg}"
    );
    assert!(msg.contains(r#""if-running""#), "{msg}");
    let msg = invalid("[hookwarden]\nserver = 1\n");
    assert!(msg.contains("hookwarden.server"), "{msg}");
}

#[test]
fn syntax_error_is_located() {
    let msg = invalid("[hookwarden]\nfail_mode = \n");
    assert!(msg.contains("requirements.toml:2:"), "{msg}");
}

#[test]
fn unpinned_module_is_refused() {
    let msg = invalid("[hookwarden]\n[[hookwarden.rules]]\nid = \"x\"\nmodule = \"a.wasm\"\n");
    assert!(msg.contains("no `sha256` pin"), "{msg}");
    assert!(msg.contains("hookwarden.rules[0]"), "{msg}");
}

#[test]
fn duplicate_ids_and_zero_limits_are_refused() {
    let rule =
        format!("[[hookwarden.rules]]\nid = \"x\"\nmodule = \"a.wasm\"\nsha256 = \"{PIN}\"\n");
    assert!(invalid(&format!("[hookwarden]\n{rule}{rule}")).contains("used twice"));
    assert!(invalid("[hookwarden.limits]\nfuel = 0\n").contains("greater than zero"));
    let msg = invalid("[hookwarden]\nrule_threads = 0\n");
    assert!(msg.contains("hookwarden.rule_threads"), "{msg}");
}

#[test]
fn missing_default_file_means_builtin_defaults_but_explicit_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("requirements.toml");
    let e = load(Some(&missing)).unwrap_err();
    assert!(e.to_string().contains("cannot read"), "{e}");

    std::fs::write(&missing, "[hookwarden]\nfail_mode = \"allow\"\n").unwrap();
    let l = load(Some(&missing)).unwrap();
    assert_eq!(l.source, ConfigSource::File(missing.clone()));
    assert_eq!(l.config.fail_mode, Decision::Allow);
    assert!(l.config.runs_builtin_rules());
}
