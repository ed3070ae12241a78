//! Loading rules on the hook path: precompiled artifacts from trusted
//! stores, pins checked by file identity, Cranelift only on a miss.
//!
//! Two stores are consulted, in order: the admin's (`artifact_dir`, default
//! `/var/cache/hookwarden`, filled by `hookwarden compile` as root) and, only
//! where the process's [`Trust`] vouches for the user's own state (user
//! scope, or root), the user's (`$HOOKWARDEN_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/hookwarden`, else `~/.cache/hookwarden`), which the hook
//! itself fills on a miss. In a managed installation the agent's user could
//! write that one, so it is never read. A store that fails the trust check
//! is not used, and the hook says why in the log.

use crate::builtin;
use crate::plan::PlannedRule;
use hookwarden_config::{HookwardenConfig, ModuleRef};
use hookwarden_pin::Sha256Digest;
use hookwarden_runtime::{
    ArtifactStore, FileIdentity, LoadedRule, ModuleSource, RuleError, Runtime,
};
use hookwarden_trust::Trust;
use std::path::{Path, PathBuf};
use tracing::{debug, debug_span, info, warn};

pub const DEFAULT_ADMIN_STORE: &str = "/var/cache/hookwarden";

/// The stores a process may read, and the one it may write.
pub struct Stores {
    /// Trusted stores to read, admin first.
    pub read: Vec<ArtifactStore>,
    /// Where a compile on a miss is saved (the user's store, where trusted).
    pub write: Option<PathBuf>,
    trust: Trust,
}

impl Stores {
    /// The stores a process with `trust` may use under `config`.
    pub fn new(config: &HookwardenConfig, trust: Trust) -> Stores {
        let admin = config
            .artifact_dir
            .clone()
            .unwrap_or_else(|| DEFAULT_ADMIN_STORE.into());
        let user =
            user_store_dir().filter(|_| config.user_artifact_store && trust.trusts_own_state());
        let mut read = Vec::new();
        for dir in [Some(admin), user.clone()].into_iter().flatten() {
            if !dir.exists() {
                continue;
            }
            match ArtifactStore::open(&dir, trust) {
                Ok(s) => read.push(s),
                Err(e) => warn!("not using artifact store: {e}"),
            }
        }
        Stores {
            read,
            write: user,
            trust,
        }
    }

    /// No stores at all: every load compiles (for `hookwarden test`).
    pub fn none() -> Stores {
        Stores {
            read: Vec::new(),
            write: None,
            trust: Trust::managed(),
        }
    }

    fn writable(&self) -> Option<ArtifactStore> {
        let dir = self.write.as_ref()?;
        if let Some(s) = self.read.iter().find(|s| s.dir() == dir) {
            return Some(s.clone());
        }
        ArtifactStore::create(dir, self.trust)
            .map_err(|e| warn!("cannot save compiled rules: {e}"))
            .ok()
    }
}

/// The per-user store directory.
pub fn user_store_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("HOOKWARDEN_CACHE_DIR") {
        return Some(dir.into());
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| Path::new(d).is_absolute()) {
        return Some(Path::new(&dir).join("hookwarden"));
    }
    std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache/hookwarden"))
}

/// Load `rule`: its pin checked, from an artifact if a trusted store has one.
pub fn load(
    runtime: &Runtime,
    stores: &Stores,
    rule: &PlannedRule,
) -> Result<LoadedRule, RuleError> {
    let _span = debug_span!("load", rule = %rule.id).entered();
    let verified = {
        let _span = debug_span!("pin_check").entered();
        verify(stores, rule)?
    };
    load_verified(runtime, stores, rule, verified)
}

/// Load the module [`verify`] vouched for: from a trusted store's artifact;
/// for a built-in rule, else from the artifact embedded in this program
/// (saved to the user's store where it is trusted, so later calls map it
/// from there); else compiled (and saved to the user's store). Calls that
/// miss at once compile a file module once between them (see
/// [`ArtifactStore::compiling`]).
pub fn load_verified(
    runtime: &Runtime,
    stores: &Stores,
    rule: &PlannedRule,
    verified: Verified,
) -> Result<LoadedRule, RuleError> {
    let Verified {
        label,
        digest: pin,
        mut source,
        identity,
    } = verified;
    let fingerprint = runtime.fingerprint();
    let from_stores = || {
        for store in &stores.read {
            if let Some(artifact) = store.find(&pin, fingerprint) {
                match runtime.load_artifact(&artifact, &label, pin) {
                    Ok(loaded) => return Some(loaded),
                    Err(e) => warn!("not using the stored artifact of {label}: {e}"),
                }
            }
        }
        None
    };
    if let Some(loaded) = from_stores() {
        return Ok(loaded);
    }
    let writable = stores.writable();
    if let Some(embedded) = embedded_artifact(&rule.module) {
        if let Some(store) = &writable {
            match store.write(&pin, fingerprint, embedded) {
                Ok(path) => match runtime.load_artifact(&path, &label, pin) {
                    Ok(loaded) => return Ok(loaded),
                    Err(e) => warn!("cannot load {}: {e}", path.display()),
                },
                Err(e) => warn!("cannot save the precompiled {label}: {e}"),
            }
        }
        match runtime.load_embedded(embedded, &label, pin) {
            Ok(loaded) => return Ok(loaded),
            Err(e) => warn!("compiling {label}: its precompiled artifact does not load: {e}"),
        }
    }
    // A miss: compile (checking the pin on the bytes compiled) and save.
    // Another call compiling the same module meanwhile: wait for it, then
    // load what it saved.
    let _compiling = match &writable {
        Some(store) => {
            let lock = store.compiling(&pin, fingerprint);
            let saved = store.find(&pin, fingerprint);
            if let Some(loaded) = saved.and_then(|a| runtime.load_artifact(&a, &label, pin).ok()) {
                return Ok(loaded);
            }
            lock
        }
        None => None,
    };
    let source = match source.take() {
        Some(s) => s,
        None => read_source(&rule.module)?,
    };
    info!(rule = %rule.id, "no precompiled artifact; compiling");
    let artifact = runtime.compile_artifact(&source, Some(&pin))?;
    if let Some(store) = writable {
        match store.write(&pin, fingerprint, &artifact) {
            Ok(path) => {
                debug!(artifact = %path.display(), "saved");
                if let (ModuleRef::File(module), Some(identity)) = (&rule.module, identity) {
                    let _ = store.record_identity(module, &identity, &pin);
                }
                if let Ok(loaded) = runtime.load_artifact(&path, &label, pin) {
                    return Ok(loaded);
                }
            }
            Err(e) => warn!("cannot save compiled rule: {e}"),
        }
    }
    runtime.load(&source, Some(&pin))
}

/// A rule's module whose digest matches its pin.
pub struct Verified {
    label: String,
    digest: Sha256Digest,
    /// The module's bytes, if they had to be read and hashed.
    source: Option<ModuleSource>,
    /// The file's identity, when it was the same before and after the bytes
    /// were read, so that it belongs to exactly the bytes hashed: only then
    /// may a store record it.
    identity: Option<FileIdentity>,
}

impl Verified {
    /// What the module is called in logs and errors.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The module's digest: its pin.
    pub fn digest(&self) -> Sha256Digest {
        self.digest
    }
}

/// Establish that the rule's module has its pinned digest, reading and
/// hashing it only when no trusted store vouches for its file identity.
pub fn verify(stores: &Stores, rule: &PlannedRule) -> Result<Verified, RuleError> {
    match &rule.module {
        ModuleRef::Builtin(name) => {
            let m = builtin_module(name)?;
            let embedded: Sha256Digest = m.sha256.parse().expect("build.rs writes valid digests");
            let label = format!("builtin:{name}");
            if let Some(pin) = rule.pin
                && pin != embedded
            {
                return Err(RuleError::DigestMismatch {
                    module: label,
                    expected: pin,
                    actual: embedded,
                });
            }
            Ok(Verified {
                label,
                digest: embedded,
                source: None,
                identity: None,
            })
        }
        ModuleRef::File(path) => {
            let label = path.display().to_string();
            let pin = rule.pin.ok_or_else(|| RuleError::Invalid {
                module: label.clone(),
                message: "no sha256 pin".into(),
            })?;
            let unreadable = |source| RuleError::ModuleUnreadable {
                path: path.clone(),
                source,
            };
            let identity = FileIdentity::of(path).map_err(unreadable)?;
            log_if_weak(path, stores.trust);
            if let Some(known) = stores
                .read
                .iter()
                .find_map(|s| s.known_digest(path, &identity))
            {
                if known != pin {
                    return Err(RuleError::DigestMismatch {
                        module: label,
                        expected: pin,
                        actual: known,
                    });
                }
                return Ok(Verified {
                    label,
                    digest: pin,
                    source: None,
                    identity: None,
                });
            }
            let source = ModuleSource::from_file(path)?;
            let actual = source.digest();
            if actual != pin {
                return Err(RuleError::DigestMismatch {
                    module: label,
                    expected: pin,
                    actual,
                });
            }
            let unchanged = FileIdentity::of(path).ok() == Some(identity);
            Ok(Verified {
                label,
                digest: pin,
                source: Some(source),
                identity: unchanged.then_some(identity),
            })
        }
    }
}

/// Say so when users the installation does not trust can change a module:
/// its pin keeps a changed module from running, but then every call fails
/// closed.
fn log_if_weak(path: &Path, trust: Trust) {
    let problem = match hookwarden_trust::writers(path) {
        hookwarden_trust::Writers::Root => return,
        hookwarden_trust::Writers::RootAndMe if trust.trusts_own_state() => return,
        hookwarden_trust::Writers::RootAndMe => format!(
            "you (uid {}) can change module {} of a managed installation",
            trust.me(),
            path.display()
        ),
        hookwarden_trust::Writers::Others(w) => w.to_string(),
    };
    tracing::error!(
        "{problem}: whoever can change it can make every call fail (see `hookwarden doctor`)"
    );
}

/// The precompiled artifact embedded for a built-in module, if any.
fn embedded_artifact(module: &ModuleRef) -> Option<&'static [u8]> {
    match module {
        ModuleRef::Builtin(name) => builtin::module(name)?.precompiled,
        ModuleRef::File(_) => None,
    }
}

fn read_source(module: &ModuleRef) -> Result<ModuleSource, RuleError> {
    match module {
        ModuleRef::File(path) => ModuleSource::from_file(path),
        ModuleRef::Builtin(name) => {
            let m = builtin_module(name)?;
            Ok(ModuleSource::from_static(
                format!("builtin:{name}"),
                m.bytes,
            ))
        }
    }
}

fn builtin_module(name: &str) -> Result<&'static builtin::EmbeddedModule, RuleError> {
    builtin::module(name).ok_or_else(|| RuleError::Invalid {
        module: format!("builtin:{name}"),
        message: format!(
            "this hookwarden has no built-in rule `{name}` (it has: {})",
            builtin::modules()
                .iter()
                .map(|m| m.name)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// What `hookwarden compile` did for one rule.
pub struct Compiled {
    pub rule_id: String,
    pub result: Result<Artifact, String>,
}

/// The artifact of one rule in the store.
pub struct Artifact {
    pub path: PathBuf,
    /// It was already there, loadable, for the same digest and engine, so
    /// nothing was compiled.
    pub up_to_date: bool,
}

/// Compile every rule into `store` (verifying pins), one per CPU at a time,
/// skipping those whose artifact is already there and loads (unless
/// `force`). `progress` sees each result as it comes (done so far, total,
/// result).
pub fn compile_all(
    runtime: &Runtime,
    store: &ArtifactStore,
    rules: &[PlannedRule],
    force: bool,
    progress: impl FnMut(usize, usize, &Compiled) + Send,
) -> Vec<Compiled> {
    let report = std::sync::Mutex::new((0, progress));
    crate::parallel::map(rules, crate::parallel::default_threads(), |rule| {
        let compiled = Compiled {
            rule_id: rule.id.clone(),
            result: compile_one(runtime, store, rule, force),
        };
        let mut report = report.lock().unwrap_or_else(|e| e.into_inner());
        let (done, progress) = &mut *report;
        *done += 1;
        progress(*done, rules.len(), &compiled);
        compiled
    })
}

fn compile_one(
    runtime: &Runtime,
    store: &ArtifactStore,
    rule: &PlannedRule,
    force: bool,
) -> Result<Artifact, String> {
    let source = read_source(&rule.module).map_err(|e| e.to_string())?;
    let digest = source.digest();
    let pin = rule.pin.unwrap_or(digest);
    // The pin is checked on the bytes either way; an artifact counts as up
    // to date only if this engine actually loads it.
    let existing = (!force && digest == pin)
        .then(|| store.find(&pin, runtime.fingerprint()))
        .flatten()
        .filter(|path| runtime.load_artifact(path, &source.label, pin).is_ok());
    let (path, up_to_date) = match existing {
        Some(path) => (path, true),
        None => {
            let artifact = runtime
                .compile_artifact(&source, Some(&pin))
                .map_err(|e| e.to_string())?;
            (store.write(&pin, runtime.fingerprint(), &artifact)?, false)
        }
    };
    if let ModuleRef::File(module) = &rule.module {
        let identity =
            FileIdentity::of(module).map_err(|e| format!("{}: {e}", module.display()))?;
        // Re-hash after stat: the recorded identity must belong to the bytes
        // we verified, not to a file swapped in between.
        let again = ModuleSource::from_file(module).map_err(|e| e.to_string())?;
        if again.digest() != pin || FileIdentity::of(module).ok() != Some(identity) {
            return Err(format!(
                "{} changed while it was being compiled",
                module.display()
            ));
        }
        store.record_identity(module, &identity, &pin)?;
    }
    Ok(Artifact { path, up_to_date })
}
