//! hookwarden: the one managed hook for coding agents.
//!
//! The binary is a thin CLI over these modules:
//!
//! - [`plan`]: which rules run, resolved from the `[hookwarden]` configuration
//!   (crate `hookwarden-config`) and the [`builtin`] pack;
//! - [`prepare`]: what a call reads from the machine before rules run;
//! - [`judge`]: runs the selected rules for one event through the wasm
//!   runtime (crate `hookwarden-runtime`), side by side on a few threads
//!   ([`parallel`]), and aggregates their verdicts;
//! - [`artifacts`]: where precompiled rules come from, pins checked;
//! - [`fixtures`]: the rule test harness behind `hookwarden test`;
//! - [`install`]: registering hookwarden in each agent's settings, and
//!   `doctor`'s checks of that registration;
//! - [`resident`]: `hookwarden serve`, which keeps rules loaded, and the
//!   hook's side of asking it;
//! - [`call`]: one hook call, from payload to answer, whatever happens;
//! - [`cli`]: the commands. Agent protocols live in `hookwarden-agents`;
//!   who may change a verdict lives in `hookwarden-trust`.
//!
//! Two programs: `hookwarden` (every command) and `hookwarden-hook`, the
//! hook call alone without the wasm engine (built without the `engine`
//! feature), which asks a running server and hands other calls to
//! `hookwarden hook`.

// Without the `engine` feature only what the engineless `hookwarden-hook`
// needs is built: planning, preparing an event, asking a server, answering.
#[cfg(feature = "engine")]
pub mod artifacts;
pub mod builtin;
pub mod call;
pub mod cli;
#[cfg(feature = "engine")]
pub mod fixtures;
#[cfg(feature = "engine")]
pub mod install;
#[cfg(feature = "engine")]
pub mod judge;
#[cfg(feature = "engine")]
pub mod parallel;
pub mod phases;
pub mod plan;
pub mod prepare;
pub mod resident;
