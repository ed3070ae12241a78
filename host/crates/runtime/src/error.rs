//! Every way loading or running a rule can fail.

use crate::Sha256Digest;
use std::path::PathBuf;
use std::time::Duration;

/// Why a rule produced no verdict of its own. The host gives the event the
/// rule's fail-mode verdict and puts this message in the reason and the log.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("module {path} cannot be read: {source}")]
    ModuleUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "module {module} does not match its pin: expected sha256 {expected}, found {actual}; \
         it was not run (re-pin it with `hookwarden pin` if the change is intended)"
    )]
    DigestMismatch {
        module: String,
        expected: Sha256Digest,
        actual: Sha256Digest,
    },

    #[error("module {module} is not a valid rule component: {message}")]
    Invalid { module: String, message: String },

    #[error(
        "module {module} imports `{import}`, a capability rules are not granted; it was not run"
    )]
    ForbiddenImport { module: String, import: String },

    #[error("ran out of fuel ({fuel} units)")]
    OutOfFuel { fuel: u64 },

    #[error("exceeded its memory cap of {limit_bytes} bytes")]
    MemoryLimit { limit_bytes: usize },

    #[error("missed its deadline of {} ms", .deadline.as_millis())]
    Deadline { deadline: Duration },

    #[error("trapped: {message}")]
    Trap { message: String },

    #[error("returned an error: {message}")]
    Failed { message: String },
}

impl RuleError {
    /// A short stable label for logs and the audit trail.
    pub fn kind(&self) -> &'static str {
        match self {
            RuleError::ModuleUnreadable { .. } => "module-unreadable",
            RuleError::DigestMismatch { .. } => "digest-mismatch",
            RuleError::Invalid { .. } => "invalid-module",
            RuleError::ForbiddenImport { .. } => "forbidden-import",
            RuleError::OutOfFuel { .. } => "out-of-fuel",
            RuleError::MemoryLimit { .. } => "memory-limit",
            RuleError::Deadline { .. } => "deadline",
            RuleError::Trap { .. } => "trap",
            RuleError::Failed { .. } => "rule-error",
        }
    }
}
