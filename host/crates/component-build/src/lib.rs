//! Build rule crates of this workspace into WebAssembly components.
//!
//! The host embeds the built-in rule pack and the tests need their test rules,
//! both as real components built from real crates. This runs a nested
//! `cargo build --target wasm32-wasip2 --profile rule` into its own target
//! directory (so it never waits on the outer build's lock), as wasmtime's own
//! test-programs do.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Rust target rule components are built for.
pub const TARGET: &str = "wasm32-wasip2";
/// The cargo profile (in the workspace `Cargo.toml`) for rule components.
pub const PROFILE: &str = "rule";

/// Build `packages` (crate names in the workspace at `workspace_root`) into
/// `target_dir` and return the path of each component, in order.
pub fn build(
    workspace_root: &Path,
    target_dir: &Path,
    packages: &[&str],
) -> Result<Vec<PathBuf>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(workspace_root.join("Cargo.toml"))
        .arg("--target")
        .arg(TARGET)
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
        let hint =
            if stderr.contains("wasm32-wasip2") && stderr.contains("target may not be installed") {
                "\nhint: install the target with `rustup target add wasm32-wasip2`"
            } else {
                ""
            };
        return Err(format!(
            "building rule components {packages:?} failed ({}):\n{stderr}{hint}",
            output.status
        ));
    }
    let dir = target_dir.join(TARGET).join(PROFILE);
    packages
        .iter()
        .map(|p| {
            let path = dir.join(format!("{}.wasm", p.replace('-', "_")));
            if path.is_file() {
                Ok(path)
            } else {
                Err(format!("cargo succeeded but {} is missing", path.display()))
            }
        })
        .collect()
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

/// Build `packages` of this workspace into `target/components` once per
/// process (later calls reuse the result) and return their paths. For tests.
pub fn build_for_tests(packages: &[&str]) -> Vec<PathBuf> {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static BUILT: Mutex<Option<HashMap<String, PathBuf>>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let built = built.get_or_insert_with(HashMap::new);
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !built.contains_key(*p))
        .collect();
    if !missing.is_empty() {
        let root = this_workspace();
        let target = workspace_target_dir(&root).join("components");
        let paths = build(&root, &target, &missing).unwrap_or_else(|e| panic!("{e}"));
        for (p, path) in missing.iter().zip(paths) {
            built.insert((*p).to_owned(), path);
        }
    }
    packages.iter().map(|p| built[*p].clone()).collect()
}
