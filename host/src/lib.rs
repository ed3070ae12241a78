//! hookwarden: the one managed hook for coding agents.
//!
//! The binary is a thin CLI over these modules:
//!
//! - [`plan`]: which rules run, resolved from the `[hookwarden]` configuration
//!   (crate `hookwarden-config`) and the [`builtin`] pack;
//! - [`judge`]: runs the selected rules for one event through the wasm
//!   runtime (crate `hookwarden-runtime`), side by side on a few threads
//!   ([`parallel`]), and aggregates their verdicts;
//! - [`artifacts`]: where precompiled rules come from, pins checked;
//! - [`fixtures`]: the rule test harness behind `hookwarden test`;
//! - [`install`]: registering hookwarden in each agent's settings, and
//!   `doctor`'s checks of that registration;
//! - [`cli`]: the commands. Agent protocols live in `hookwarden-agents`.

pub mod artifacts;
pub mod builtin;
pub mod cli;
pub mod fixtures;
pub mod install;
pub mod judge;
pub mod parallel;
pub mod phases;
pub mod plan;
pub mod resident;
