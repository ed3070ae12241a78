//! Builds the built-in rule pack into components and embeds them, with their
//! SHA-256 digests, so `hookwarden hook` works with no configuration at all.
//! With the `engine` feature it also embeds each compiled ahead of time for
//! the target (baseline CPU features): no hook call compiles the pack, and
//! its native code comes from the binary itself, never from a file the
//! agent's user could have written.
//!
//! Set `HOOKWARDEN_BUILTIN_DIR` to a directory of prebuilt `<crate>.wasm`
//! files to embed those instead (for packagers with a separate wasm build).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The crates of the built-in pack, under `rules/`, in evaluation order.
const BUILTIN_RULES: &[&str] = &[
    "destructive-commands",
    "protected-paths",
    "network-egress",
    "package-guard",
    "symlink-guard",
    "mcp-guard",
];

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let workspace = manifest_dir.parent().unwrap().to_owned();
    for dir in ["rules", "guest-sdk", "wit"] {
        println!("cargo:rerun-if-changed={}", workspace.join(dir).display());
    }
    println!(
        "cargo:rerun-if-changed={}",
        workspace.join("Cargo.lock").display()
    );
    println!("cargo:rerun-if-env-changed=HOOKWARDEN_BUILTIN_DIR");

    let modules: Vec<PathBuf> = match std::env::var_os("HOOKWARDEN_BUILTIN_DIR") {
        Some(dir) => BUILTIN_RULES
            .iter()
            .map(|p| Path::new(&dir).join(format!("{}.wasm", p.replace('-', "_"))))
            .collect(),
        None => {
            let target =
                hookwarden_component_build::workspace_target_dir(&workspace).join("components");
            // WASI-free: rules get everything in the event, and a component
            // without WASI imports loads about a third faster.
            let pure = hookwarden_component_build::Target::Pure;
            match hookwarden_component_build::build(&workspace, &target, pure, BUILTIN_RULES) {
                Ok(paths) => paths,
                Err(e) => panic!("{e}"),
            }
        }
    };

    // Embed copies, not the build outputs: another build in the same target
    // directory (tests building other rule crates alongside, with other
    // feature unification) may rewrite those files, and the digest embedded
    // here must describe the very bytes `include_bytes!` reads.
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
    let modules: Vec<PathBuf> = BUILTIN_RULES
        .iter()
        .zip(&modules)
        .map(|(name, built)| {
            let copy = out_dir.join(format!("{name}.wasm"));
            std::fs::copy(built, &copy)
                .unwrap_or_else(|e| panic!("cannot copy {}: {e}", built.display()));
            copy
        })
        .collect();

    let precompiled = precompile(&modules, &out_dir);
    let mut out = String::from("pub(crate) static EMBEDDED: &[EmbeddedModule] = &[\n");
    for ((name, path), artifact) in BUILTIN_RULES.iter().zip(&modules).zip(&precompiled) {
        let artifact = match artifact {
            Some(a) => format!("Some(include_bytes!({:?}))", a.display().to_string()),
            None => "None".to_owned(),
        };
        writeln!(
            out,
            "    EmbeddedModule {{ name: {name:?}, sha256: {:?}, bytes: include_bytes!({:?}), \
             precompiled: {artifact} }},",
            sha256_hex(path),
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = out_dir.join("builtin_pack.rs");
    std::fs::write(dest, out).unwrap();
}

/// Each module compiled ahead of time for the target, side by side; `None`
/// where that fails (a target this build's Cranelift cannot compile for):
/// hook calls then compile that rule on a miss, as they would a file module.
#[cfg(feature = "engine")]
fn precompile(modules: &[PathBuf], out_dir: &Path) -> Vec<Option<PathBuf>> {
    let target = std::env::var("TARGET").unwrap();
    std::thread::scope(|scope| {
        let jobs: Vec<_> = modules
            .iter()
            .map(|module| {
                let target = &target;
                scope.spawn(move || {
                    let bytes = std::fs::read(module).ok()?;
                    match hookwarden_runtime::Runtime::precompile_for_target(&bytes, target) {
                        Ok(artifact) => {
                            let name = module.file_stem()?.to_string_lossy().into_owned();
                            let path = out_dir.join(format!("{name}.cwasm"));
                            std::fs::write(&path, artifact).ok()?;
                            Some(path)
                        }
                        Err(e) => {
                            println!(
                                "cargo:warning=not precompiling {} for {target}: {e:#}",
                                module.display()
                            );
                            None
                        }
                    }
                })
            })
            .collect();
        jobs.into_iter().map(|j| j.join().ok().flatten()).collect()
    })
}

/// Without the engine (`hookwarden-hook`) nothing runs rules: no artifacts.
#[cfg(not(feature = "engine"))]
fn precompile(modules: &[PathBuf], _: &Path) -> Vec<Option<PathBuf>> {
    vec![None; modules.len()]
}

fn sha256_hex(path: &Path) -> String {
    use sha2::Digest as _;
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
