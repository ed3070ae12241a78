//! Runs hookwarden rule components.
//!
//! A rule is a WebAssembly component implementing `wit/rule.wit`. This crate
//! is the only part of hookwarden that knows about wasmtime. It
//!
//! - checks a module's SHA-256 against its pin **before** compiling it
//!   ([`Sha256Digest`]);
//! - refuses components that import capabilities beyond the inert WASI
//!   basics (sockets, HTTP, anything unknown) ([`capabilities`]);
//! - runs each evaluation in a fresh instance with WASI that grants nothing:
//!   no preopened directories, environment, arguments or sockets, a frozen
//!   clock, and stdout/stderr captured with a size cap ([`sandbox`]);
//! - meters it with fuel, a linear-memory cap and a wall-clock deadline
//!   ([`Limits`]), classifying every way a rule can fail ([`RuleError`]).
//!
//! ```no_run
//! use hookwarden_runtime::{Limits, ModuleSource, Runtime};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let event: hookwarden_event::Event = todo!();
//! let runtime = Runtime::new()?;
//! let source = ModuleSource::from_file("rules/destructive_commands.wasm")?;
//! let rule = runtime.load(&source, Some(&"ab12…".parse()?))?;
//! let verdict = runtime.evaluate(&rule, &event, "{}", &Limits::default())?;
//! # Ok(()) }
//! ```

pub mod capabilities;
mod convert;
mod engine;
mod error;
mod link;
pub mod sandbox;
pub mod store;

pub use engine::{LoadedRule, ModuleSource, RESIDENT_INSTANCES, RuleMetadata, Runtime};
pub use error::RuleError;
pub use hookwarden_config::Limits;
pub use hookwarden_pin::{DigestParseError, Sha256Digest};
pub use store::{ArtifactStore, FileIdentity};
