//! # hookwarden-sdk: write hookwarden rules in plain Rust
//!
//! A rule is a type that implements [`Rule`], exported with [`export_rule!`]:
//!
//! ```ignore
//! use hookwarden_sdk::{export_rule, Action, ActionKind, Config, Event, HookEvent, Metadata, Rule, Verdict};
//!
//! struct NoCurl;
//!
//! impl Rule for NoCurl {
//!     fn metadata() -> Metadata {
//!         Metadata::new("no-curl", env!("CARGO_PKG_VERSION"), "Denies curl.")
//!             .events([HookEvent::PreToolUse])
//!             .actions([ActionKind::Shell])
//!     }
//!
//!     fn evaluate(event: &Event, _config: &Config) -> Result<Verdict, String> {
//!         match &event.action {
//!             Action::Shell(cmd) if cmd.command.contains("curl") => Ok(Verdict::deny("no curl")),
//!             _ => Ok(Verdict::allow()),
//!         }
//!     }
//! }
//!
//! export_rule!(NoCurl);
//! ```
//!
//! Build it with `cargo build --target wasm32-wasip2 --release`: the `.wasm`
//! in `target/wasm32-wasip2/release/` is a component the host can pin and run.
//! The rule's logic is ordinary Rust, so `cargo test` on the host target tests
//! it without any WebAssembly (see [`testing`]).

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "rule-component",
        pub_export_macro: true,
        export_macro_name: "__export_rule_component",
        default_bindings_module: "hookwarden_sdk::bindings",
        additional_derives: [PartialEq, Eq, Clone],
    });
}

#[cfg(all(
    target_arch = "wasm32",
    target_os = "unknown",
    not(target_feature = "atomics")
))]
#[doc(hidden)]
pub mod alloc;
pub mod cli_args;
mod config;
pub mod downloads;
pub mod paths;
pub mod secrets;
pub mod shell;
pub mod testing;
mod verdict;

pub use bindings::hookwarden::rule::types::Action;
pub use bindings::hookwarden::rule::types::{
    ActionKind, Agent, Decision, Event, Fact, FileEdit, FileWrite, Finding, GrantedFile, HookEvent,
    McpCall, McpOrigin, Metadata, Patch, PatchFile, PatchOperation, PathFact, ShellCommand,
    ShellDialect, Verdict, WebFetch,
};
pub use config::Config;

/// A hookwarden rule.
///
/// Both functions are called once per hook call in a fresh instance: there is
/// no state to keep between calls, and no capability to reach the machine.
/// What the rule needs to know arrives in the [`Event`].
pub trait Rule {
    /// Static description; `hookwarden pin` turns it into a config entry.
    fn metadata() -> Metadata;

    /// Judge one event. Return `Err` for failures such as an invalid
    /// configuration: the host then applies the admin's fail mode.
    fn evaluate(event: &Event, config: &Config) -> Result<Verdict, String>;
}

/// Export a [`Rule`] implementation as the component's `rule` interface.
///
/// Call it once, at the crate root of a `cdylib` rule crate. Built for
/// `wasm32-unknown-unknown`, it also sets the rule's global allocator (see
/// the `alloc` module's source), so such a rule cannot set its own.
#[macro_export]
macro_rules! export_rule {
    ($rule:ty) => {
        #[doc(hidden)]
        pub struct __HookwardenRuleExport;

        impl $crate::bindings::exports::hookwarden::rule::rule::Guest for __HookwardenRuleExport {
            fn describe() -> $crate::Metadata {
                <$rule as $crate::Rule>::metadata()
            }

            fn evaluate(
                event: $crate::Event,
                config: ::std::string::String,
            ) -> ::std::result::Result<$crate::Verdict, ::std::string::String> {
                let config = $crate::Config::parse(&config)?;
                <$rule as $crate::Rule>::evaluate(&event, &config)
            }
        }

        // Built for wasm32-unknown-unknown (as the built-in rules are), the
        // rule allocates from an arena in its initial memory first: see the
        // SDK's `alloc` module.
        #[cfg(all(
            target_arch = "wasm32",
            target_os = "unknown",
            not(target_feature = "atomics")
        ))]
        #[global_allocator]
        static __HOOKWARDEN_ALLOCATOR: $crate::alloc::RuleAllocator =
            $crate::alloc::RuleAllocator::new();

        // The component exports exist only in wasm: on the host target the
        // rule is a plain library whose logic `cargo test` exercises (and
        // export names like `hookwarden:rule/rule@0.3.0#describe` are not
        // valid native symbols).
        #[cfg(target_family = "wasm")]
        $crate::bindings::__export_rule_component!(__HookwardenRuleExport with_types_in $crate::bindings);
    };
}
