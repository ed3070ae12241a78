//! `hookwarden compile`: precompile every configured rule into a trusted
//! artifact store, so hook calls only load native code.

use crate::artifacts::{self, DEFAULT_ADMIN_STORE};
use crate::plan::plan;
use hookwarden_runtime::{ArtifactStore, Runtime};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct CompileArgs {
    /// The requirements file with the [hookwarden] table.
    #[arg(long, value_name = "PATH")]
    pub requirements: Option<PathBuf>,
    /// The store to fill. Default: the admin store (`artifact_dir`, else
    /// /var/cache/hookwarden) when run as root, else the per-user store.
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Recompile even rules whose artifact is already in the store and loads.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: CompileArgs) -> i32 {
    compile(args.requirements.as_deref(), args.store, args.force)
}

/// Fill the store (default as for `hookwarden compile`) with every rule the
/// requirements configure; `install` runs this too. Prints a line per rule
/// on stdout and a summary on stderr; 0 when every rule has an artifact.
pub fn compile(requirements: Option<&Path>, store: Option<PathBuf>, force: bool) -> i32 {
    let loaded = match hookwarden_config::load(requirements) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("hookwarden: {e}");
            return 2;
        }
    };
    let explicit = store.is_some();
    let dir = store.or_else(|| {
        if is_root() {
            Some(
                loaded
                    .config
                    .artifact_dir
                    .clone()
                    .unwrap_or_else(|| DEFAULT_ADMIN_STORE.into()),
            )
        } else {
            artifacts::user_store_dir()
        }
    });
    let Some(dir) = dir else {
        eprintln!("hookwarden: no store given and no HOME to put one in; use --store DIR");
        return 2;
    };
    // Hook calls of a managed installation read root's store only: filling
    // this user's would change nothing for them.
    let file = match &loaded.source {
        hookwarden_config::ConfigSource::File(p) => Some(p.as_path()),
        hookwarden_config::ConfigSource::BuiltinDefault { .. } => None,
    };
    let trust = hookwarden_trust::assess(hookwarden_trust::running_binary().as_deref(), file).trust;
    if !explicit && !trust.trusts_own_state() {
        eprintln!(
            "hookwarden: this is a managed installation (root alone can change this binary and \
             {}): its hook calls only load rules from root's store; run `sudo hookwarden compile`",
            loaded.source.describe()
        );
        return 2;
    }
    let created = if is_root() && !explicit {
        // Every user's hook calls read it.
        ArtifactStore::create_shared(&dir, hookwarden_trust::Trust::managed())
    } else {
        ArtifactStore::create(&dir, hookwarden_trust::Trust::user())
    };
    let store = match created {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hookwarden: {e}");
            return 2;
        }
    };
    let runtime = match Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hookwarden: cannot start the wasm engine: {e:#}");
            return 2;
        }
    };
    let rules = plan(&loaded.config);
    let tty = std::io::stderr().is_terminal();
    let started = Instant::now();
    eprintln!(
        "compiling {} rule(s) from {} into {}",
        rules.len(),
        loaded.source.describe(),
        store.dir().display()
    );
    let results = artifacts::compile_all(&runtime, &store, &rules, force, |done, total, c| {
        if tty {
            eprint!("\r\x1b[2K[{done}/{total}] {}", c.rule_id);
        }
    });
    if tty {
        eprintln!();
    }
    let (mut failed, mut fresh) = (0, 0);
    for c in &results {
        match &c.result {
            Ok(a) if a.up_to_date => {
                fresh += 1;
                println!("ok    {}  {} (up to date)", c.rule_id, a.path.display());
            }
            Ok(a) => println!("ok    {}  {}", c.rule_id, a.path.display()),
            Err(e) => {
                failed += 1;
                println!("FAIL  {}  {e}", c.rule_id);
            }
        }
    }
    eprintln!(
        "{} rule(s): {} compiled, {fresh} up to date, {failed} failed, in {:.0} ms",
        results.len(),
        results.len() - failed - fresh,
        started.elapsed().as_secs_f64() * 1000.0
    );
    if failed == 0 { 0 } else { 1 }
}

fn is_root() -> bool {
    hookwarden_pin::current_uid() == 0
}
