//! Resource limits for one rule evaluation, as the runtime enforces them
//! (resolved from `[hookwarden.limits]` and each rule's overrides).

use std::time::Duration;

/// How much one evaluation of a rule may consume. Exceeding any limit ends the
/// evaluation with a `RuleError` (crate `hookwarden-runtime`) and the rule gets its fail-mode verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wasm fuel (roughly one unit per instruction).
    pub fuel: u64,
    /// Cap on the component's linear memory, in bytes.
    pub memory_bytes: usize,
    /// Wall-clock deadline for instantiating and evaluating.
    pub deadline: Duration,
    /// Bytes of the rule's stdout and stderr kept for the log; the rest is dropped.
    pub output_bytes: usize,
}

impl Limits {
    pub const DEFAULT_FUEL: u64 = 500_000_000;
    pub const DEFAULT_MEMORY_BYTES: usize = 64 << 20;
    pub const DEFAULT_DEADLINE: Duration = Duration::from_millis(1000);
    pub const DEFAULT_OUTPUT_BYTES: usize = 16 << 10;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: Self::DEFAULT_FUEL,
            memory_bytes: Self::DEFAULT_MEMORY_BYTES,
            deadline: Self::DEFAULT_DEADLINE,
            output_bytes: Self::DEFAULT_OUTPUT_BYTES,
        }
    }
}
