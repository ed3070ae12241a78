//! `hookwarden hash FILE…`: digests in `sha256sum` format.

use hookwarden_pin::Sha256Digest;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct HashArgs {
    /// Rule modules (.wasm) to hash.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(args: HashArgs) -> i32 {
    let mut status = 0;
    for file in &args.files {
        match std::fs::read(file) {
            Ok(bytes) => println!("{}  {}", Sha256Digest::of(&bytes), file.display()),
            Err(e) => {
                eprintln!("hookwarden: cannot read {}: {e}", file.display());
                status = 1;
            }
        }
    }
    status
}
