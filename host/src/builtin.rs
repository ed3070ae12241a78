//! The built-in rule pack, embedded in the binary by `build.rs`.
//!
//! It runs when the admin has configured no rules (or asks for it with
//! `builtin_rules = true`), and any entry can refer to one of its modules as
//! `module = "builtin:<name>"`. Embedded modules are pinned too: their
//! digest, computed when the binary was built, is checked before each load.

use hookwarden_event::{ActionKind, HookEvent};

/// One module of the built-in pack.
pub struct EmbeddedModule {
    pub name: &'static str,
    pub sha256: &'static str,
    pub bytes: &'static [u8],
    /// The module compiled ahead of time for this program's target, with
    /// baseline CPU features (`None` without the engine, or where the build
    /// could not compile it).
    pub precompiled: Option<&'static [u8]>,
}

include!(concat!(env!("OUT_DIR"), "/builtin_pack.rs"));

/// Every module of the built-in pack, in evaluation order.
pub fn modules() -> &'static [EmbeddedModule] {
    EMBEDDED
}

pub fn module(name: &str) -> Option<&'static EmbeddedModule> {
    EMBEDDED.iter().find(|m| m.name == name)
}

/// The events and actions a built-in rule selects, known without loading it
/// (a test checks them against each rule's own metadata).
pub fn selectors(name: &str) -> Option<(&'static [HookEvent], &'static [ActionKind])> {
    match name {
        "destructive-commands" | "package-guard" => Some((
            &[HookEvent::PreToolUse, HookEvent::PermissionRequest],
            &[ActionKind::Shell],
        )),
        "protected-paths" => Some((
            &[HookEvent::PreToolUse, HookEvent::PermissionRequest],
            &[
                ActionKind::Shell,
                ActionKind::FileWrite,
                ActionKind::FileEdit,
                ActionKind::Patch,
                ActionKind::OtherTool,
            ],
        )),
        "symlink-guard" => Some((
            &[HookEvent::PreToolUse, HookEvent::PermissionRequest],
            &[
                ActionKind::Shell,
                ActionKind::FileWrite,
                ActionKind::FileEdit,
                ActionKind::Patch,
            ],
        )),
        "network-egress" => Some((
            &[HookEvent::PreToolUse, HookEvent::PermissionRequest],
            &[ActionKind::Shell, ActionKind::WebFetch, ActionKind::McpCall],
        )),
        "mcp-guard" => Some((
            &[HookEvent::PreToolUse, HookEvent::PermissionRequest],
            &[ActionKind::McpCall],
        )),
        _ => None,
    }
}

/// The project files a built-in rule reads by default (its `grant`, when
/// the admin gives none): package-guard compares installs with the
/// project's own manifests and lockfiles.
pub fn default_grant(name: &str) -> &'static [&'static str] {
    match name {
        "package-guard" => &[
            "package.json",
            "package-lock.json",
            "yarn.lock",
            "pnpm-lock.yaml",
            "Cargo.toml",
            "Cargo.lock",
            "requirements.txt",
            "requirements-dev.txt",
            "pyproject.toml",
            "poetry.lock",
            "uv.lock",
            "Pipfile",
            "Pipfile.lock",
            "go.mod",
            "go.sum",
            "Gemfile",
            "Gemfile.lock",
            "composer.json",
        ],
        _ => &[],
    }
}

#[cfg(all(test, feature = "engine"))]
mod tests {
    use super::*;
    use hookwarden_runtime::{Limits, ModuleSource, Runtime};

    #[test]
    fn static_selectors_match_each_rules_own_metadata() {
        let runtime = Runtime::new().unwrap();
        for m in modules() {
            let source = ModuleSource::from_static(m.name, m.bytes);
            assert_eq!(
                source.digest().to_string(),
                m.sha256,
                "{}: embedded digest",
                m.name
            );
            let rule = runtime.load(&source, None).unwrap();
            let meta = runtime.describe(&rule, &Limits::default()).unwrap();
            assert_eq!(meta.id, m.name);
            let (events, actions) = selectors(m.name).expect("every built-in rule has selectors");
            assert_eq!(events, meta.events.as_slice(), "{}", m.name);
            assert_eq!(actions, meta.actions.as_slice(), "{}", m.name);
        }
    }
}
