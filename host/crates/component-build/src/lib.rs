//! Build rule crates of this workspace into WebAssembly components.
//!
//! The host embeds the built-in rule pack and the tests need their test rules,
//! both as real components built from real crates. This runs a nested
//! `cargo build --profile rule` for a wasm target ([`Target`]) into its own
//! target directory (so it never waits on the outer build's lock), as
//! wasmtime's own test-programs do.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The cargo profile (in the workspace `Cargo.toml`) for rule components.
pub const PROFILE: &str = "rule";

/// What a rule component is built for, and so what it imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// No WASI at all: built for `wasm32-unknown-unknown` and made a
    /// component with `wit-component`. A rule needs nothing from WASI (it
    /// gets everything in the event), and without it the component is one
    /// core module with two exports instead of three modules, an adapter and
    /// ~30 lowered WASI imports: about a third less to load per hook call.
    /// The built-in pack is built this way.
    Pure,
    /// `wasm32-wasip2`, whose standard library imports WASI (the host links
    /// only what is imported, to nothing that reaches the machine). The
    /// plain `cargo build` path for rule authors, and what the sandbox tests'
    /// hostile rules need.
    Wasip2,
}

impl Target {
    /// The Rust target triple.
    pub fn triple(self) -> &'static str {
        match self {
            Target::Pure => "wasm32-unknown-unknown",
            Target::Wasip2 => "wasm32-wasip2",
        }
    }
}

/// Build `packages` (crate names in the workspace at `workspace_root`) for
/// `target` into `target_dir` and return the path of each component, in
/// order.
pub fn build(
    workspace_root: &Path,
    target_dir: &Path,
    target: Target,
    packages: &[&str],
) -> Result<Vec<PathBuf>, String> {
    let triple = target.triple();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(workspace_root.join("Cargo.toml"))
        .arg("--target")
        .arg(triple)
        .arg("--profile")
        .arg(PROFILE)
        .env("CARGO_TARGET_DIR", target_dir)
        // Flags meant for the outer (host) build must not leak into the wasm build.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("RUSTC_WORKSPACE_WRAPPER");
    for p in packages {
        cmd.arg("-p").arg(p);
    }
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run cargo to build rule components: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let hint = if stderr.contains(triple) && stderr.contains("target may not be installed") {
            format!("\nhint: install the target with `rustup target add {triple}`")
        } else {
            String::new()
        };
        return Err(format!(
            "building rule components {packages:?} for {triple} failed ({}):\n{stderr}{hint}",
            output.status
        ));
    }
    let dir = target_dir.join(triple).join(PROFILE);
    packages
        .iter()
        .map(|p| {
            let built = dir.join(format!("{}.wasm", p.replace('-', "_")));
            if !built.is_file() {
                return Err(format!(
                    "cargo succeeded but {} is missing",
                    built.display()
                ));
            }
            match target {
                Target::Wasip2 => Ok(built),
                Target::Pure => componentize(&built, &dir.join("components")),
            }
        })
        .collect()
}

/// Wrap the core module at `core` (with the component type wit-bindgen
/// embedded) into a component in `out_dir`, under the same file name.
fn componentize(core: &Path, out_dir: &Path) -> Result<PathBuf, String> {
    let bytes = std::fs::read(core).map_err(|e| format!("cannot read {}: {e}", core.display()))?;
    let component = wit_component::ComponentEncoder::default()
        .module(&bytes)
        .and_then(|e| e.validate(true).encode())
        .map_err(|e| format!("cannot make a component of {}: {e:#}", core.display()))?;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let path = out_dir.join(core.file_name().unwrap_or_default());
    // Atomically: test processes may build the same component at once.
    let tmp = out_dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, component)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// The workspace's target directory as the outer cargo sees it.
pub fn workspace_target_dir(workspace_root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| {
            if p.is_relative() {
                workspace_root.join(p)
            } else {
                p
            }
        })
        .unwrap_or_else(|| workspace_root.join("target"))
}

/// The root of the hookwarden workspace this crate belongs to.
pub fn this_workspace() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
    root.canonicalize().unwrap_or(root)
}

/// How this workspace builds `package`: the rule crates under `rules/` as
/// the built-in pack is built ([`Target::Pure`]); test rules and the example
/// rule the way a rule author's `cargo build` does ([`Target::Wasip2`]).
pub fn target_of(package: &str) -> Target {
    if this_workspace().join("rules").join(package).is_dir() {
        Target::Pure
    } else {
        Target::Wasip2
    }
}

/// Build `packages` of this workspace into `target/components` once per
/// process (later calls reuse the result), each for [`target_of`] it, and
/// return their paths. For tests.
pub fn build_for_tests(packages: &[&str]) -> Vec<PathBuf> {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static BUILT: Mutex<Option<HashMap<String, PathBuf>>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let built = built.get_or_insert_with(HashMap::new);
    let root = this_workspace();
    let dir = workspace_target_dir(&root).join("components");
    for target in [Target::Pure, Target::Wasip2] {
        let missing: Vec<&str> = packages
            .iter()
            .copied()
            .filter(|p| !built.contains_key(*p) && target_of(p) == target)
            .collect();
        if missing.is_empty() {
            continue;
        }
        let paths = build(&root, &dir, target, &missing).unwrap_or_else(|e| panic!("{e}"));
        for (p, path) in missing.iter().zip(paths) {
            built.insert((*p).to_owned(), path);
        }
    }
    packages.iter().map(|p| built[*p].clone()).collect()
}
