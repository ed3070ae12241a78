//! `hookwarden install` and `hookwarden doctor`: thin wrappers over
//! [`crate::install`].

use crate::install::doctor::{self, Level};
use crate::install::{self, Env, Request, Scope};
use hookwarden_agents::AgentKind;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct TargetArgs {
    /// The agent to register with.
    #[arg(long, value_parser = parse_agent)]
    pub agent: AgentKind,
    /// Which settings to edit: managed (admin-owned, the default where the
    /// agent has one), user, or project (the current directory).
    #[arg(long, value_parser = parse_scope)]
    pub scope: Option<Scope>,
    /// The requirements file with the [hookwarden] table; the registered
    /// command passes it on. For Codex's managed scope, also the file that
    /// gets the hooks (default /etc/codex/requirements.toml).
    #[arg(long, value_name = "PATH")]
    pub requirements: Option<PathBuf>,
    /// The agent settings file to edit instead of the scope's usual one.
    #[arg(long, value_name = "PATH")]
    pub config_file: Option<PathBuf>,
    /// The program to register. Default: `hookwarden-hook` beside this
    /// binary (the fast hook call, which uses a server started on demand),
    /// else this binary.
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
}

impl TargetArgs {
    fn request(self) -> Request {
        Request {
            agent: self.agent,
            scope: self.scope,
            requirements: self.requirements,
            binary: self.binary,
            config_file: self.config_file,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct InstallArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Print the change as a diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not precompile the configured rules afterwards (see
    /// `hookwarden compile`).
    #[arg(long)]
    pub no_compile: bool,
    /// The artifact store to precompile into (default as for
    /// `hookwarden compile`).
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Skip running the registered hook on a sample payload.
    #[arg(long)]
    pub no_self_test: bool,
}

fn parse_agent(s: &str) -> Result<AgentKind, String> {
    s.parse::<AgentKind>().map_err(|e| e.to_string())
}

fn parse_scope(s: &str) -> Result<Scope, String> {
    s.parse()
}

pub fn run_install(args: InstallArgs) -> i32 {
    let (no_compile, store) = (args.no_compile, args.store.clone());
    let env = Env::from_process();
    let outcome = match install::install(&args.target.request(), &env, args.dry_run) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("hookwarden: {e}");
            return 1;
        }
    };
    let t = &outcome.target;
    let events = t.events().join(", ");
    if !outcome.changed {
        println!(
            "already registered for {} ({} scope) in {}: nothing to change",
            t.agent,
            t.scope,
            t.file.display()
        );
    } else if let Some(diff) = &outcome.diff {
        print!("{diff}");
        eprintln!(
            "dry run: {} would be changed to register hookwarden for {} ({events}); nothing written",
            t.file.display(),
            t.agent
        );
        return 0;
    } else {
        println!(
            "registered hookwarden for {} ({} scope) in {}: {events}",
            t.agent,
            t.scope,
            t.file.display()
        );
        if let Some(b) = &outcome.backup {
            println!("backup of the previous file: {}", b.display());
        }
    }
    for note in &outcome.notes {
        println!("note: {note}");
    }
    // Precompile now, so the first hook calls only load (a miss compiles in
    // the hook, inside the agent's tool call).
    if !no_compile {
        let status = super::compile::compile(t.requirements.as_deref(), store, false);
        if status != 0 {
            eprintln!(
                "hookwarden: registered, but precompiling the rules failed (above); hook calls \
                 will compile on a miss, and a rule that cannot compile gets the fail mode. \
                 Fix it and run `hookwarden compile`."
            );
            println!("check it with: {}", t.doctor_command());
            return 1;
        }
    }
    println!("check it with: {}", t.doctor_command());
    0
}

pub fn run_doctor(args: DoctorArgs) -> i32 {
    let env = Env::from_process();
    let checks = doctor::doctor(&args.target.request(), &env, !args.no_self_test);
    for c in &checks {
        println!("{c}");
    }
    let failed = checks.iter().filter(|c| c.level == Level::Fail).count();
    let warned = checks.iter().filter(|c| c.level == Level::Warn).count();
    println!("{failed} failed, {warned} warning(s)");
    if failed == 0 { 0 } else { 1 }
}
