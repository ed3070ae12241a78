//! Builds the built-in rule pack into components and embeds them, with their
//! SHA-256 digests, so `hookwarden hook` works with no configuration at all.
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

    let mut out = String::from("pub(crate) static EMBEDDED: &[EmbeddedModule] = &[\n");
    for (name, path) in BUILTIN_RULES.iter().zip(&modules) {
        writeln!(
            out,
            "    EmbeddedModule {{ name: {name:?}, sha256: {:?}, bytes: include_bytes!({:?}) }},",
            sha256_hex(path),
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = out_dir.join("builtin_pack.rs");
    std::fs::write(dest, out).unwrap();
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
