//! `hookwarden pin FILE…`: print `[[hookwarden.rules]]` entries, with the
//! metadata read from each component, ready to paste under `[hookwarden]`.

use crate::builtin;
use hookwarden_runtime::{Limits, ModuleSource, RuleMetadata, Runtime};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct PinArgs {
    /// Rule components (.wasm) to pin.
    #[arg(required_unless_present = "builtin")]
    pub files: Vec<PathBuf>,
    /// Print entries for the built-in pack (`module = "builtin:<name>"`).
    #[arg(long)]
    pub builtin: bool,
}

pub fn run(args: PinArgs) -> i32 {
    let runtime = match Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hookwarden: cannot start the wasm engine: {e:#}");
            return 1;
        }
    };
    let mut sources = Vec::new();
    if args.builtin {
        for m in builtin::modules() {
            sources.push((
                format!("builtin:{}", m.name),
                Ok(ModuleSource::from_static(m.name, m.bytes)),
            ));
        }
    }
    for file in &args.files {
        let module = std::path::absolute(file).unwrap_or_else(|_| file.clone());
        sources.push((
            module.display().to_string(),
            ModuleSource::from_file(&module),
        ));
    }

    let mut status = 0;
    for (module, source) in sources {
        let described = source.and_then(|source| {
            let rule = runtime.load(&source, None)?;
            let meta = runtime.describe(&rule, &Limits::default())?;
            Ok((source.digest(), meta))
        });
        match described {
            Ok((digest, meta)) => print!("{}", entry(&module, &digest.to_string(), &meta)),
            Err(e) => {
                eprintln!("hookwarden: cannot pin {module}: {e}");
                status = 1;
            }
        }
    }
    status
}

/// One `[[hookwarden.rules]]` entry, TOML-escaped.
fn entry(module: &str, sha256: &str, meta: &RuleMetadata) -> String {
    let mut table = toml::Table::new();
    table.insert("id".into(), meta.id.clone().into());
    table.insert("module".into(), module.into());
    table.insert("sha256".into(), sha256.into());
    table.insert(
        "events".into(),
        meta.events
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .into(),
    );
    table.insert(
        "actions".into(),
        meta.actions
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .into(),
    );
    let body = toml::to_string(&table).unwrap_or_default();
    let description = meta.description.replace('\n', " ");
    format!(
        "# {} {}: {description}\n[[hookwarden.rules]]\n{body}\n",
        meta.id, meta.version
    )
}
