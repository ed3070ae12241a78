//! The wasmtime engine, loading (pin check, capability check, compile) and
//! evaluating rules under limits.

use crate::sandbox::SandboxState;
use crate::{Limits, RuleError, Sha256Digest, capabilities, convert, link};
use hookwarden_event::{ActionKind, Event, HookEvent, Verdict};
use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, Once, OnceLock};
use std::time::Duration;
use tracing::{debug, debug_span, warn};
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, Store, Trap};

pub(crate) mod wit {
    wasmtime::component::bindgen!({
        path: "../../../wit",
        world: "rule-component",
    });
}

use wit::RuleComponentPre;

/// How many loaded rules (code mappings and metadata) a
/// [`Runtime::one_shot`] runtime leaves to the process exit: the built-in
/// pack needs five. Each costs up to ~1 MiB of resident code pages, and
/// peak RSS must stay well under 40 MiB with 50 rules (`hookwarden bench`:
/// 42 MiB when all 50 were kept).
const RETAINED_RULES: usize = 24;

/// How much rule linear memory (as granted, an upper bound on what is
/// resident) a [`Runtime::one_shot`] runtime leaves to the process exit. A
/// rule that grew its memory past what is left is torn down as usual.
const RETAINED_MEMORY: usize = 32 << 20;

/// How often the deadline clock ticks. Deadlines are rounded up to it.
const EPOCH_TICK: Duration = Duration::from_millis(1);

/// How many ticks the deadline clock keeps ticking after the last
/// evaluation started before it parks. Waking a parked clock is a futex
/// wake and a context switch on another CPU (and, while it runs there, each
/// `mprotect` of the evaluating thread costs a TLB-shootdown IPI); with a
/// grace period, the rules of one call wake it once instead of once each,
/// and an idle server still stops ticking within a tenth of a second.
const CLOCK_GRACE_TICKS: u32 = 100;

/// How many rule instances a [`Runtime::resident`] runtime can hold at once
/// (its instance pool). Callers run at most this many evaluations at a time.
pub const RESIDENT_INSTANCES: u32 = 64;

/// A rule module's bytes and a label for messages (its path, or `builtin:<id>`).
#[derive(Debug, Clone)]
pub struct ModuleSource {
    pub label: String,
    pub bytes: Cow<'static, [u8]>,
}

impl ModuleSource {
    pub fn from_file(path: impl AsRef<Path>) -> Result<ModuleSource, RuleError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| RuleError::ModuleUnreadable {
            path: path.to_owned(),
            source,
        })?;
        Ok(ModuleSource {
            label: path.display().to_string(),
            bytes: Cow::Owned(bytes),
        })
    }

    pub fn from_static(label: impl Into<String>, bytes: &'static [u8]) -> ModuleSource {
        ModuleSource {
            label: label.into(),
            bytes: Cow::Borrowed(bytes),
        }
    }

    pub fn digest(&self) -> Sha256Digest {
        Sha256Digest::of(&self.bytes)
    }
}

/// A rule that passed its pin and capability checks and is ready to
/// instantiate.
pub struct LoadedRule {
    label: String,
    digest: Sha256Digest,
    pre: RuleComponentPre<SandboxState>,
}

impl LoadedRule {
    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn digest(&self) -> Sha256Digest {
        self.digest
    }
}

/// What a rule says about itself (`describe` in the WIT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMetadata {
    pub id: String,
    pub version: String,
    pub description: String,
    pub events: Vec<HookEvent>,
    pub actions: Vec<ActionKind>,
}

/// Compiles and runs rule components. One per process; cheap to create.
pub struct Runtime {
    /// Runs rules. It has no compiler: building one costs more than loading
    /// a rule, and the hook path only loads artifacts.
    engine: Engine,
    /// Compiles rules, with the same settings; created on first use.
    compiler: OnceLock<Result<Engine, String>>,
    /// Grows as components are loaded: only the WASI interfaces they import.
    linker: Mutex<(Linker<SandboxState>, HashSet<String>)>,
    ticker: Once,
    /// Evaluations running now, for the deadline clock: it only ticks while
    /// there are some (or were, within [`CLOCK_GRACE_TICKS`]), so an idle
    /// long-lived process does not wake every tick.
    running: Arc<(Mutex<Clock>, Condvar)>,
    fingerprint: String,
    metered: bool,
    /// Never tear down instances and loaded rules (see [`Runtime::one_shot`]).
    one_shot: bool,
    /// How many loaded rules [`Runtime::retire`] has left to the process exit.
    retired_rules: AtomicUsize,
    /// How much linear memory the stores left to the process exit have.
    retired_memory: AtomicUsize,
}

impl Runtime {
    /// The runtime every hook call uses: fuel and deadlines enforced.
    pub fn new() -> anyhow::Result<Runtime> {
        Self::build(true)
    }

    /// The runtime for a process that judges one event and exits: like
    /// [`Runtime::new`], but instances and loaded rules are never torn down.
    /// Unmapping each instance's memory and code while other threads run
    /// costs a TLB shootdown per mapping; the process exit reclaims
    /// everything at once. Each evaluation keeps its memory until then, up
    /// to `RETAINED_RULES` loaded rules and `RETAINED_MEMORY` bytes of linear
    /// memory, past which values are dropped as usual, so peak memory stays
    /// bounded with many or greedy rules: never use this in a long-lived
    /// process.
    pub fn one_shot() -> anyhow::Result<Runtime> {
        let mut runtime = Self::build(true)?;
        runtime.one_shot = true;
        Ok(runtime)
    }

    /// The runtime for a long-lived process (`hookwarden serve`): like
    /// [`Runtime::new`], but instances come from a pool of
    /// [`RESIDENT_INSTANCES`] slots that keep their memory mappings between
    /// evaluations, so an evaluation maps and unmaps nothing. Building the
    /// pool costs a few milliseconds once, which is why hook processes do
    /// not use it. Its artifacts are compatible with [`Runtime::new`]'s.
    pub fn resident() -> anyhow::Result<Runtime> {
        Self::build_with(true, true)
    }

    /// A runtime that enforces neither fuel nor deadlines (memory is still
    /// capped). Only for measuring what metering costs: never run rules
    /// with it.
    pub fn unmetered_for_benchmarks() -> anyhow::Result<Runtime> {
        Self::build(false)
    }

    /// Drop `rule`, unless this is a [`Runtime::one_shot`] runtime with
    /// room left: then leave it for the process exit to reclaim.
    pub fn retire(&self, rule: LoadedRule) {
        if self.one_shot && self.retired_rules.fetch_add(1, Ordering::Relaxed) < RETAINED_RULES {
            std::mem::forget(rule);
        }
    }

    /// How much rule linear memory this runtime has left to the process
    /// exit (always 0 unless it is [`Runtime::one_shot`]).
    pub fn retained_memory(&self) -> usize {
        self.retired_memory.load(Ordering::Relaxed)
    }

    /// Like [`Runtime::retire`], for a store and its instance's memory.
    fn retire_store(&self, store: Store<SandboxState>) {
        let bytes = store.data().limiter.granted;
        let kept = self.one_shot
            && self
                .retired_memory
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
                    held.checked_add(bytes).filter(|&t| t <= RETAINED_MEMORY)
                })
                .is_ok();
        if kept {
            std::mem::forget(store);
        }
    }

    fn build(metered: bool) -> anyhow::Result<Runtime> {
        Self::build_with(metered, false)
    }

    fn build_with(metered: bool, pooled: bool) -> anyhow::Result<Runtime> {
        let engine = debug_span!("engine_new").in_scope(|| {
            let mut config = Self::config(metered);
            config.enable_compiler(false);
            if pooled {
                config.allocation_strategy(pool());
            }
            Engine::new(&config)
        })?;
        let linker = Linker::new(&engine);
        let fingerprint = debug_span!("fingerprint").in_scope(|| fingerprint(&engine));
        Ok(Runtime {
            engine,
            linker: Mutex::new((linker, HashSet::new())),
            compiler: OnceLock::new(),
            ticker: Once::new(),
            running: Arc::new((Mutex::new(Clock::default()), Condvar::new())),
            fingerprint,
            metered,
            one_shot: false,
            retired_rules: AtomicUsize::new(0),
            retired_memory: AtomicUsize::new(0),
        })
    }

    fn compiler(&self) -> Result<&Engine, String> {
        self.compiler
            .get_or_init(|| {
                let _span = debug_span!("compiler_new").entered();
                Engine::new(&Self::config(self.metered)).map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Compile `bytes` with the compiler engine and move the result into
    /// the runtime engine (components belong to the engine that made them).
    fn compile(&self, label: &str, bytes: &[u8]) -> Result<(Component, Vec<u8>), RuleError> {
        let invalid = |message: String| RuleError::Invalid {
            module: label.to_owned(),
            message,
        };
        let compiler = self
            .compiler()
            .map_err(|e| invalid(format!("cannot start the compiler: {e}")))?;
        let artifact = {
            let _span = debug_span!("compile").entered();
            let compiled =
                Component::new(compiler, bytes).map_err(|e| invalid(format!("{e:#}")))?;
            compiled
                .serialize()
                .map_err(|e| invalid(format!("cannot serialize: {e:#}")))?
        };
        // SAFETY: `artifact` was produced just now, by our own compiler
        // engine, from bytes whose digest the caller checked.
        let component = unsafe { Component::deserialize(&self.engine, &artifact) }
            .map_err(|e| invalid(format!("{e:#}")))?;
        Ok((component, artifact))
    }

    /// The engine configuration. Every setting here is part of what a
    /// precompiled artifact must match.
    fn config(metered: bool) -> Config {
        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .consume_fuel(metered)
            .epoch_interruption(metered)
            // Rules trap rather than unwind, and wasmtime walks its own frames
            // for traps: native unwind tables and wasm address maps only make
            // artifacts bigger and slower to load.
            .native_unwind_info(false)
            .generate_address_map(false)
            // Map each rule's data segments copy-on-write from the artifact
            // instead of copying them into fresh memory: the built-in rules
            // carry 50-180 KiB each (Unicode and glob tables) of which a call
            // reads a few pages. Measured side by side on the pack: 3.5 vs
            // 4.25 ms median per hook call (instantiate ~195 vs ~490 us).
            .memory_init_cow(true)
            .cranelift_opt_level(wasmtime::OptLevel::Speed);
        config
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Identifies what an artifact must match to load into this engine:
    /// wasmtime's version, its tunables and wasm features, and this crate's
    /// version. Part of every artifact's name.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Check `source` against its pin, compile it, check its imports, and
    /// return the serialized artifact. Runs Cranelift: not for the hook path.
    pub fn compile_artifact(
        &self,
        source: &ModuleSource,
        pin: Option<&Sha256Digest>,
    ) -> Result<Vec<u8>, RuleError> {
        let _span = debug_span!("compile_artifact", module = %source.label).entered();
        let digest = source.digest();
        if let Some(expected) = pin
            && *expected != digest
        {
            return Err(RuleError::DigestMismatch {
                module: source.label.clone(),
                expected: *expected,
                actual: digest,
            });
        }
        let (component, artifact) = self.compile(&source.label, &source.bytes)?;
        // Refuse now rather than store something that can never run.
        self.prepare(source.label.clone(), digest, component)?;
        Ok(artifact)
    }

    /// Compile a component ahead of time for `target` (a Rust target
    /// triple), for CPUs with only that target's baseline features, with
    /// the settings every [`Runtime`] uses. The build script embeds the
    /// built-in pack compiled this way, so that no hook call compiles it:
    /// such an artifact loads on any CPU of the target's architecture.
    pub fn precompile_for_target(bytes: &[u8], target: &str) -> anyhow::Result<Vec<u8>> {
        let mut config = Self::config(true);
        config.target(target)?;
        Ok(Engine::new(&config)?.precompile_component(bytes)?)
    }

    /// Load an artifact embedded in this program by its build
    /// ([`Runtime::precompile_for_target`]). `digest` is the module digest
    /// it was compiled from. Copies the code into memory of its own, so a
    /// store's file ([`Runtime::load_artifact`]) loads faster when there is
    /// one.
    pub fn load_embedded(
        &self,
        artifact: &'static [u8],
        label: &str,
        digest: Sha256Digest,
    ) -> Result<LoadedRule, RuleError> {
        let _span = debug_span!("load_embedded", module = %label).entered();
        // SAFETY: `deserialize` trusts its input to be an artifact this
        // wasmtime produced: the build of this very program compiled it,
        // with this wasmtime, from the embedded module of `digest`.
        let component = unsafe { Component::deserialize(&self.engine, artifact) }.map_err(|e| {
            RuleError::Invalid {
                module: label.to_owned(),
                message: format!("{e:#}"),
            }
        })?;
        self.prepare(label.to_owned(), digest, component)
    }

    /// Load a precompiled artifact from a trusted store (see [`crate::store`]).
    /// `digest` is the module digest the artifact was compiled from (its key).
    /// An incompatible or corrupt artifact is an error the caller answers by
    /// compiling the module instead.
    pub fn load_artifact(
        &self,
        artifact: &Path,
        label: &str,
        digest: Sha256Digest,
    ) -> Result<LoadedRule, RuleError> {
        let _span = debug_span!("load_artifact", module = %label).entered();
        // SAFETY: `deserialize_file` trusts its input to be an artifact this
        // wasmtime produced. Callers only pass files an `ArtifactStore` found:
        // in a directory only users the process trusts can change (root; in
        // user scope also this user), and matching the check record that
        // `hookwarden` wrote with it after verifying the module's pin.
        let component =
            unsafe { Component::deserialize_file(&self.engine, artifact) }.map_err(|e| {
                RuleError::Invalid {
                    module: artifact.display().to_string(),
                    message: format!("{e:#}"),
                }
            })?;
        self.prepare(label.to_owned(), digest, component)
    }

    /// Check `source` against its pin, compile it and check its imports.
    /// Nothing of the module runs here.
    pub fn load(
        &self,
        source: &ModuleSource,
        pin: Option<&Sha256Digest>,
    ) -> Result<LoadedRule, RuleError> {
        let _span = debug_span!("load", module = %source.label).entered();
        let digest = {
            let _span = debug_span!("pin_check").entered();
            source.digest()
        };
        if let Some(expected) = pin
            && *expected != digest
        {
            return Err(RuleError::DigestMismatch {
                module: source.label.clone(),
                expected: *expected,
                actual: digest,
            });
        }
        let (component, _) = self.compile(&source.label, &source.bytes)?;
        self.prepare(source.label.clone(), digest, component)
    }

    fn prepare(
        &self,
        label: String,
        digest: Sha256Digest,
        component: Component,
    ) -> Result<LoadedRule, RuleError> {
        let ty = component.component_type();
        let imports: Vec<&str> = ty.imports(&self.engine).map(|(name, _)| name).collect();
        if let Some(import) = capabilities::forbidden_import(imports.iter().copied()) {
            return Err(RuleError::ForbiddenImport {
                module: label,
                import: import.to_owned(),
            });
        }
        let invalid = |e: wasmtime::Error| RuleError::Invalid {
            module: label.clone(),
            message: format!("{e:#}"),
        };
        let mut guard = self.linker.lock().unwrap_or_else(|e| e.into_inner());
        let (linker, linked) = &mut *guard;
        {
            let _span = debug_span!("link_wasi").entered();
            for import in &imports {
                let name = link::unversioned(import);
                if name.starts_with("wasi:") && !linked.contains(name) {
                    link::link_interface(linker, name).map_err(invalid)?;
                    linked.insert(name.to_owned());
                }
            }
        }
        let pre = linker.instantiate_pre(&component).map_err(invalid)?;
        let pre = RuleComponentPre::new(pre).map_err(invalid)?;
        Ok(LoadedRule { label, digest, pre })
    }

    /// Ask a rule to describe itself.
    pub fn describe(&self, rule: &LoadedRule, limits: &Limits) -> Result<RuleMetadata, RuleError> {
        let m = self.call(rule, limits, |instance, store| {
            instance.hookwarden_rule_rule().call_describe(store)
        })?;
        Ok(RuleMetadata {
            id: m.id,
            version: m.version,
            description: m.description,
            events: m.events.into_iter().map(convert::hook_event_back).collect(),
            actions: m
                .actions
                .into_iter()
                .map(convert::action_kind_back)
                .collect(),
        })
    }

    /// Evaluate `event` with a fresh instance of `rule`, under `limits`.
    pub fn evaluate(
        &self,
        rule: &LoadedRule,
        event: &Event,
        config_json: &str,
        limits: &Limits,
    ) -> Result<Verdict, RuleError> {
        let wit_event = convert::event(event);
        let result = self.call(rule, limits, |instance, store| {
            let _span = debug_span!("evaluate").entered();
            instance
                .hookwarden_rule_rule()
                .call_evaluate(store, &wit_event, config_json)
        })?;
        match result {
            Ok(verdict) => Ok(convert::verdict(verdict)),
            Err(message) => Err(RuleError::Failed { message }),
        }
    }

    /// Instantiate `rule` in a fresh, limited store and run `f` in it.
    fn call<R>(
        &self,
        rule: &LoadedRule,
        limits: &Limits,
        f: impl FnOnce(&wit::RuleComponent, &mut Store<SandboxState>) -> wasmtime::Result<R>,
    ) -> Result<R, RuleError> {
        let mut store = Store::new(
            &self.engine,
            SandboxState::new(limits.memory_bytes, limits.output_bytes),
        );
        store.limiter(|s| &mut s.limiter);
        let _running = self.metered.then(|| Running::start(&self.running));
        if self.metered {
            self.start_ticker();
            store
                .set_fuel(limits.fuel)
                .expect("fuel is enabled in the engine config");
            let ticks = limits
                .deadline
                .as_micros()
                .div_ceil(EPOCH_TICK.as_micros())
                .max(1);
            store.set_epoch_deadline(u64::try_from(ticks).unwrap_or(u64::MAX));
            store.epoch_deadline_trap();
        }

        let result = {
            let _span = debug_span!("instantiate").entered();
            rule.pre.instantiate(&mut store)
        }
        .and_then(|instance| f(&instance, &mut store));
        log_output(rule, &store);
        if self.metered {
            let used = limits.fuel.saturating_sub(store.get_fuel().unwrap_or(0));
            debug!(rule = %rule.label, fuel = used, "fuel used");
        }
        let result = result.map_err(|e| classify(e, &store, limits));
        self.retire_store(store);
        result
    }

    /// Deadlines are enforced by wasmtime's epoch interruption: a thread
    /// advances the engine's epoch every tick while evaluations run (see
    /// [`Running`]) and a store traps once its evaluation has run past its
    /// deadline in ticks.
    fn start_ticker(&self) {
        self.ticker.call_once(|| {
            let engine = self.engine.weak();
            let running = Arc::clone(&self.running);
            let spawned = std::thread::Builder::new()
                .name("hookwarden-deadline".into())
                .spawn(move || {
                    let (clock, wake) = &*running;
                    let mut seen_starts = 0;
                    let mut idle_ticks = 0;
                    while let Some(engine) = engine.upgrade() {
                        engine.increment_epoch();
                        drop(engine);
                        std::thread::sleep(EPOCH_TICK);
                        let mut c = clock.lock().unwrap_or_else(|e| e.into_inner());
                        if c.running > 0 || c.starts != seen_starts {
                            seen_starts = c.starts;
                            idle_ticks = 0;
                            continue;
                        }
                        idle_ticks += 1;
                        if idle_ticks < CLOCK_GRACE_TICKS {
                            continue;
                        }
                        c.parked = true;
                        while c.running == 0 {
                            c = wake.wait(c).unwrap_or_else(|e| e.into_inner());
                        }
                        c.parked = false;
                    }
                });
            if let Err(e) = spawned {
                // Without the ticker no rule can time out on its own; the
                // whole-call deadline in the host still bounds the hook.
                warn!("cannot start the deadline thread: {e}");
            }
        });
    }
}

/// What the deadline clock knows of the evaluations.
#[derive(Default)]
struct Clock {
    /// Evaluations running now.
    running: usize,
    /// Evaluations started so far (wrapping), so that the clock sees
    /// activity between two of its ticks.
    starts: u64,
    /// The clock waits to be woken.
    parked: bool,
}

/// One evaluation in progress, for the deadline clock.
struct Running<'a>(&'a (Mutex<Clock>, Condvar));

impl<'a> Running<'a> {
    fn start(running: &'a (Mutex<Clock>, Condvar)) -> Running<'a> {
        let (clock, wake) = running;
        let mut c = clock.lock().unwrap_or_else(|e| e.into_inner());
        c.running += 1;
        c.starts = c.starts.wrapping_add(1);
        if c.parked {
            wake.notify_one();
        }
        Running(running)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        let mut c = self.0.0.lock().unwrap_or_else(|e| e.into_inner());
        c.running = c.running.saturating_sub(1);
    }
}

/// The instance pool of a [`Runtime::resident`] runtime. Per-module limits
/// are kept well above what rule components use (one memory, one table),
/// and the memory limit at the 4 GiB a 32-bit memory can reach, so that a
/// rule that runs in a hook process also runs here.
fn pool() -> wasmtime::InstanceAllocationStrategy {
    let mut pool = wasmtime::PoolingAllocationConfig::new();
    pool.total_component_instances(RESIDENT_INSTANCES)
        .total_core_instances(RESIDENT_INSTANCES * 8)
        .total_memories(RESIDENT_INSTANCES * 2)
        .total_tables(RESIDENT_INSTANCES * 8)
        .total_stacks(RESIDENT_INSTANCES)
        .max_memories_per_module(2)
        .max_tables_per_module(4)
        .max_memory_size(1 << 32)
        // Reset the pages a rule dirtied by writing them back rather than
        // by unmapping them (the next evaluation would fault them in
        // again), up to 1 MiB of them; with PAGEMAP_SCAN (Linux 6.7+)
        // wasmtime finds those pages anywhere in the memory. Rust rules
        // dirty their stack top (1 MiB in) and data, which a plain
        // keep-resident prefix does not reach. Measured on the pack, server
        // time per call (median, side by side): 312 us without the scan
        // (64 KiB prefix), 244 us with it at 64 KiB, 232 us at 1 MiB and
        // at 4 MiB. Without the ioctl only a prefix is kept, and zeroing a
        // whole MiB of it per rule cost more than the faults it saved
        // (487 us), so it stays at 64 KiB there.
        .pagemap_scan(wasmtime::Enabled::Auto)
        .linear_memory_keep_resident(
            if wasmtime::PoolingAllocationConfig::is_pagemap_scan_available() {
                1 << 20
            } else {
                64 << 10
            },
        )
        // Slots keep their last module's pages mapped for its next
        // evaluation; a few spare ones are enough for a pack and keep a
        // server with many rules from holding a slot's pages for each.
        .max_unused_warm_slots(16)
        .table_keep_resident(64 << 10);
    wasmtime::InstanceAllocationStrategy::Pooling(pool)
}

fn fingerprint(engine: &Engine) -> String {
    use std::hash::{Hash, Hasher};
    /// 64-bit FNV-1a: stable across processes and Rust versions (unlike
    /// `DefaultHasher`). The fingerprint only names artifacts (wasmtime
    /// itself refuses an incompatible one, which is then recompiled), so it
    /// needs no cryptographic hash; SHA-256 here cost each hook call ~16 µs
    /// of CPUID probes (trapped to the hypervisor on a VM) for `sha2`'s
    /// CPU-feature detection, its only use on the hook path.
    struct Fnv1a(u64);
    impl Hasher for Fnv1a {
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        fn finish(&self) -> u64 {
            self.0
        }
    }
    // The compiler-less engine hashes wasmtime's version, tunables and
    // features; compiler and CPU settings are checked by wasmtime itself
    // when an artifact is loaded (a mismatch means: recompile).
    let mut h = Fnv1a(0xcbf2_9ce4_8422_2325);
    engine.precompile_compatibility_hash().hash(&mut h);
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    format!("{:016x}", h.finish())
}

fn log_output(rule: &LoadedRule, store: &Store<SandboxState>) {
    let state = store.data();
    for (stream, out) in [("stdout", &state.stdout), ("stderr", &state.stderr)] {
        let text = out.text();
        if !text.is_empty() {
            debug!(rule = %rule.label, stream, output = %text, "rule output");
        }
    }
}

/// Turn a wasmtime error into the limit or fault that caused it.
fn classify(err: wasmtime::Error, store: &Store<SandboxState>, limits: &Limits) -> RuleError {
    match err.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => return RuleError::OutOfFuel { fuel: limits.fuel },
        Some(Trap::Interrupt) => {
            return RuleError::Deadline {
                deadline: limits.deadline,
            };
        }
        _ => {}
    }
    if store.data().limiter.refused {
        return RuleError::MemoryLimit {
            limit_bytes: limits.memory_bytes,
        };
    }
    RuleError::Trap {
        message: format!("{err:#}"),
    }
}
