//! What identifies the code of a hookwarden build, beyond its version and
//! the digests of its built-in rules: a SHA-256 over the sources that decide
//! a verdict (the host crates, the SDK's shell analysis the host runs to
//! prepare events, the WIT interface, `Cargo.lock`).
//!
//! A hook and a server of the same version and rule pack but different code
//! (an upgrade that fixed the shell analysis, a development build) would
//! otherwise take each other for the same build, and a server left running
//! from before the upgrade would keep judging with the old code.

/// Hex SHA-256 of the sources, computed by this crate's build script.
pub const SOURCE_DIGEST: &str = env!("HOOKWARDEN_SOURCE_DIGEST");
