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
        "destructive-commands" => Some((
            &[HookEvent::PreToolUse, HookEvent::PermissionRequest],
            &[ActionKind::Shell],
        )),
        _ => None,
    }
}
