//! Hashes the workspace sources a hookwarden build judges with (see the
//! crate docs). Paths are hashed with their contents, in a fixed order, so
//! the digest depends on the tree, not on the file system's listing order.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Relative to the workspace root. Rules are not here: their components'
/// own digests are part of the build id already.
const INPUTS: &[&str] = &[
    "Cargo.lock",
    "host/Cargo.toml",
    "host/build.rs",
    "host/src",
    "host/crates",
    "guest-sdk/Cargo.toml",
    "guest-sdk/src",
    "wit",
];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.ancestors().nth(3).unwrap_or(&manifest).to_owned();
    let mut files = Vec::new();
    for input in INPUTS {
        let path = root.join(input);
        println!("cargo:rerun-if-changed={}", path.display());
        collect(&path, &mut files);
    }
    files.sort();
    let mut hash = Sha256::new();
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let rel = file.strip_prefix(&root).unwrap_or(file);
        hash.update(rel.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    let digest: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    println!("cargo:rustc-env=HOOKWARDEN_SOURCE_DIGEST={digest}");
}

/// Every regular file under `path` (or `path` itself), skipping build
/// output a crate directory may hold.
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    if meta.is_file() {
        files.push(path.to_owned());
    } else if meta.is_dir() {
        if path.file_name().is_some_and(|n| n == "target") {
            return;
        }
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            collect(&entry.path(), files);
        }
    }
}
