//! `hookwarden install` and `hookwarden doctor`: register hookwarden as an
//! agent's hook, and check that registration.
//!
//! Each agent's registration format lives in its own module (where its
//! settings files are, which events to register, the handler's fields and
//! the agent's own reasons a registered hook would not run). [`json`] merges
//! the JSON layouts, [`codex`] also edits `requirements.toml` with
//! `toml_edit`, and [`files`] does the backup, atomic write and diff.

mod claude_code;
mod codex;
mod copilot_cli;
mod cursor;
pub mod doctor;
pub mod files;
mod gemini_cli;
mod json;
mod posture;

use hookwarden_agents::AgentKind;
use serde_json::Value;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Seconds an agent waits for hookwarden before giving up (failing open).
/// hookwarden answers within its own `call_timeout_ms` (5 s by default) long
/// before; the margin covers a cold start that compiles rules.
pub const AGENT_TIMEOUT_SECS: u64 = 30;

/// Which settings layer to register in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The admin-owned layer users cannot override (needs root).
    Managed,
    /// The user's own settings.
    User,
    /// The project in the current directory.
    Project,
}

impl FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "managed" | "system" => Ok(Scope::Managed),
            "user" => Ok(Scope::User),
            "project" => Ok(Scope::Project),
            _ => Err(format!(
                "unknown scope `{s}` (known: managed, user, project)"
            )),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::Managed => "managed",
            Scope::User => "user",
            Scope::Project => "project",
        })
    }
}

/// An install or doctor failure, with the file and what to do about it.
#[derive(Debug)]
pub struct InstallError(String);

impl InstallError {
    pub fn new(message: impl Into<String>) -> InstallError {
        InstallError(message.into())
    }

    pub fn at(path: &Path, message: impl fmt::Display) -> InstallError {
        InstallError(format!("{}: {message}", path.display()))
    }

    pub fn io(path: &Path, doing: &str, e: &std::io::Error) -> InstallError {
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            InstallError(format!(
                "permission denied {doing} {} — run with sudo, or use --scope user",
                path.display()
            ))
        } else {
            InstallError(format!("{doing} {}: {e}", path.display()))
        }
    }
}

impl fmt::Display for InstallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InstallError {}

/// Where the files are: the process environment, with one override for tests.
#[derive(Debug, Clone)]
pub struct Env {
    pub home: Option<PathBuf>,
    pub cwd: PathBuf,
    /// `HOOKWARDEN_INSTALL_ROOT`: system paths (`/etc/...`) are taken under it.
    pub root: Option<PathBuf>,
}

impl Env {
    pub fn from_process() -> Env {
        Env {
            home: var("HOME").map(PathBuf::from),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            root: var("HOOKWARDEN_INSTALL_ROOT").map(PathBuf::from),
        }
    }

    /// A system path, under `HOOKWARDEN_INSTALL_ROOT` when set.
    pub fn system(&self, path: &str) -> PathBuf {
        match &self.root {
            Some(root) => root.join(path.trim_start_matches('/')),
            None => PathBuf::from(path),
        }
    }

    /// `$name` if set, else `~/default`.
    fn dir_var_or_home(&self, name: &str, default: &str) -> Result<PathBuf, InstallError> {
        match var(name) {
            Some(dir) => Ok(PathBuf::from(dir)),
            None => self.home_path(default),
        }
    }

    /// `~/rel`.
    fn home_path(&self, rel: &str) -> Result<PathBuf, InstallError> {
        self.home
            .as_ref()
            .map(|h| h.join(rel))
            .ok_or_else(|| InstallError::new("HOME is not set: cannot find the user's settings"))
    }

    fn project(&self, rel: &str) -> PathBuf {
        self.cwd.join(rel)
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// What to register and where.
#[derive(Debug, Clone)]
pub struct Request {
    pub agent: AgentKind,
    pub scope: Option<Scope>,
    /// The hookwarden requirements file the hook should read (`--requirements`).
    pub requirements: Option<PathBuf>,
    /// The program to register (default: `hookwarden-hook` beside this
    /// binary, else this binary).
    pub binary: Option<PathBuf>,
    /// The agent's settings file to edit, instead of the scope's usual one.
    pub config_file: Option<PathBuf>,
}

/// The program to register by default for the hookwarden at `exe`:
/// `hookwarden-hook` beside it where installed (it starts faster, asks the
/// server the first call starts, and hands calls no server judges to
/// `hookwarden`), else `exe` itself.
fn hook_program(exe: PathBuf) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let engineless = exe.with_file_name("hookwarden-hook");
    match std::fs::metadata(&engineless) {
        Ok(m) if m.is_file() && m.permissions().mode() & 0o111 != 0 => engineless,
        _ => exe,
    }
}

/// One event to register: the agent's name for it and the matcher (for
/// layouts that have matcher groups).
#[derive(Debug, Clone, Copy)]
pub struct Hook {
    pub event: &'static str,
    pub matcher: Option<&'static str>,
}

/// How an agent's settings file holds hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `hooks.<Event>[] = {matcher, hooks: [handler]}` (Codex, Claude Code, Gemini CLI).
    Grouped,
    /// `hooks.<event>[] = handler`, next to `"version": 1` (Cursor, Copilot CLI).
    Flat,
}

/// One agent's registration format.
pub(crate) struct AgentSpec {
    pub hooks: &'static [Hook],
    pub layout: Layout,
    /// The handler key that holds the command line.
    pub command_key: &'static str,
    /// Scopes in order of preference; the first is the default.
    pub scopes: &'static [Scope],
    pub file: fn(Scope, &Env) -> Result<PathBuf, InstallError>,
    /// The handler object for a command line.
    pub handler: fn(&str) -> serde_json::Map<String, Value>,
    /// What to tell the admin after installing.
    pub notes: fn(&Target, &Env) -> Vec<String>,
    /// The agent's own reasons the registered hook would not run.
    pub checks: fn(&Target, &Env, &Value) -> Vec<doctor::Check>,
    /// A harmless pre-tool payload for the self-test, and its event.
    pub sample: fn(&Path) -> (&'static str, Value),
}

pub(crate) fn spec(agent: AgentKind) -> &'static AgentSpec {
    match agent {
        AgentKind::Codex => &codex::SPEC,
        AgentKind::ClaudeCode => &claude_code::SPEC,
        AgentKind::GeminiCli => &gemini_cli::SPEC,
        AgentKind::Cursor => &cursor::SPEC,
        AgentKind::CopilotCli => &copilot_cli::SPEC,
    }
}

/// A resolved request: the file to edit and the command lines to register.
#[derive(Debug, Clone)]
pub struct Target {
    pub agent: AgentKind,
    pub scope: Scope,
    pub file: PathBuf,
    pub binary: PathBuf,
    pub requirements: Option<PathBuf>,
    /// `--config-file` was given (so hints repeat it).
    pub explicit_file: bool,
}

impl Target {
    pub fn resolve(req: &Request, env: &Env) -> Result<Target, InstallError> {
        let spec = spec(req.agent);
        let scope = req.scope.unwrap_or(spec.scopes[0]);
        if !spec.scopes.contains(&scope) {
            let known: Vec<String> = spec.scopes.iter().map(Scope::to_string).collect();
            return Err(InstallError::new(format!(
                "{} has no {scope} scope hookwarden can write{}; use --scope {}",
                req.agent,
                if req.agent == AgentKind::CopilotCli && scope == Scope::Managed {
                    " (its admin policy files, policy.d, are not documented)"
                } else {
                    ""
                },
                known.join(" or ")
            )));
        }
        let requirements = req
            .requirements
            .as_deref()
            .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_owned()));
        let file = match (&req.config_file, &requirements) {
            (Some(f), _) => std::path::absolute(f).unwrap_or_else(|_| f.clone()),
            (None, Some(r)) if req.agent == AgentKind::Codex && scope == Scope::Managed => {
                r.clone()
            }
            _ => (spec.file)(scope, env)?,
        };
        let binary = match &req.binary {
            Some(b) => std::path::absolute(b).unwrap_or_else(|_| b.clone()),
            None => std::env::current_exe()
                .and_then(std::fs::canonicalize)
                .map(hook_program)
                .map_err(|e| {
                    InstallError::new(format!(
                        "cannot find this binary's path ({e}); pass --binary PATH"
                    ))
                })?,
        };
        Ok(Target {
            agent: req.agent,
            scope,
            file,
            binary,
            requirements,
            explicit_file: req.config_file.is_some(),
        })
    }

    /// Codex's managed hooks are inline tables of `requirements.toml`.
    pub fn is_toml(&self) -> bool {
        self.agent == AgentKind::Codex && self.scope == Scope::Managed
    }

    /// The command line registered for `event`.
    pub fn command(&self, event: &str) -> String {
        let mut words = vec![
            shell_quote(&self.binary.display().to_string()),
            "hook".to_owned(),
            "--agent".to_owned(),
            self.agent.to_string(),
            "--event".to_owned(),
            shell_quote(event),
        ];
        if let Some(r) = &self.requirements {
            words.push("--requirements".to_owned());
            words.push(shell_quote(&r.display().to_string()));
        }
        words.join(" ")
    }

    pub fn events(&self) -> Vec<&'static str> {
        spec(self.agent).hooks.iter().map(|h| h.event).collect()
    }

    /// `hookwarden install` with this target's options, for hints.
    pub fn install_command(&self) -> String {
        self.subcommand("install")
    }

    /// `hookwarden doctor` with this target's options.
    pub fn doctor_command(&self) -> String {
        self.subcommand("doctor")
    }

    fn subcommand(&self, name: &str) -> String {
        let mut s = format!(
            "hookwarden {name} --agent {} --scope {}",
            self.agent, self.scope
        );
        let path = |p: &Path| shell_quote(&p.display().to_string());
        if let Some(r) = &self.requirements {
            s.push_str(&format!(" --requirements {}", path(r)));
        }
        if self.explicit_file {
            s.push_str(&format!(" --config-file {}", path(&self.file)));
        }
        s
    }
}

/// What `install` did.
#[derive(Debug)]
pub struct Outcome {
    pub target: Target,
    /// `false`: the file already had exactly this registration.
    pub changed: bool,
    /// The unified diff (dry run only).
    pub diff: Option<String>,
    pub backup: Option<PathBuf>,
    pub notes: Vec<String>,
}

/// Register hookwarden for `req.agent`: merge its entries into the agent's
/// settings file, keeping everything else. With `dry_run`, only compute the
/// diff.
pub fn install(req: &Request, env: &Env, dry_run: bool) -> Result<Outcome, InstallError> {
    let target = Target::resolve(req, env)?;
    let spec = spec(target.agent);
    if target.file.is_dir() {
        return Err(InstallError::at(
            &target.file,
            "is a directory, not a settings file",
        ));
    }
    let old = files::read_existing(&target.file)?;
    let new = if target.is_toml() {
        codex::merge_requirements(&target, old.as_deref().unwrap_or(""))?
    } else {
        json::merge_text(&target, spec, old.as_deref())?
    };
    let new = match new {
        Some(new) if old.as_deref() != Some(new.as_str()) => new,
        _ => {
            return Ok(Outcome {
                notes: (spec.notes)(&target, env),
                target,
                changed: false,
                diff: None,
                backup: None,
            });
        }
    };
    validate(&target, &new)?;
    let (diff, backup) = if dry_run {
        (
            Some(files::unified_diff(&target.file, old.as_deref(), &new)),
            None,
        )
    } else {
        (
            None,
            files::write_with_backup(&target.file, old.as_deref(), &new)?,
        )
    };
    Ok(Outcome {
        notes: (spec.notes)(&target, env),
        target,
        changed: true,
        diff,
        backup,
    })
}

/// The new text parses, and holds our registration for every event (and,
/// for `requirements.toml`, a `[hookwarden]` table that still loads).
fn validate(target: &Target, new: &str) -> Result<(), InstallError> {
    let internal = |what: String| {
        InstallError::at(
            &target.file,
            format!("internal error: the merged file {what}; nothing was written"),
        )
    };
    let value =
        parse_settings(target, new).map_err(|e| internal(format!("does not parse ({e})")))?;
    if target.is_toml() {
        hookwarden_config::parse(new, &target.file)
            .map_err(|e| internal(format!("no longer loads as hookwarden configuration ({e})")))?;
    }
    let found = json::find(&value, spec(target.agent), target.agent);
    for event in target.events() {
        let expected = target.command(event);
        if !found
            .iter()
            .any(|f| f.event == event && f.command == expected)
        {
            return Err(internal(format!("lacks the entry for {event}")));
        }
    }
    Ok(())
}

/// The settings file as JSON (TOML converted), for reading.
pub(crate) fn parse_settings(target: &Target, text: &str) -> Result<Value, String> {
    if target.is_toml() {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        serde_json::to_value(table).map_err(|e| e.to_string())
    } else if text.trim().is_empty() {
        Ok(Value::Object(Default::default()))
    } else {
        serde_json::from_str(text)
            .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))
    }
}

/// Quote a word for `sh -c` when it needs it.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:=@%,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Split a command line into words (quotes and backslashes as `sh` does,
/// no expansion).
pub fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    w.push(c);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                w.push(n);
                            }
                        }
                        c => w.push(c),
                    }
                }
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    word.get_or_insert_with(String::new).push(n);
                }
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// Whether a registered command line is hookwarden's hook for `agent`: the
/// program is named hookwarden… and runs `hook --agent <agent>`.
pub fn is_ours(command: &str, agent: AgentKind) -> bool {
    let words = shell_words(command);
    let Some(program) = words.first() else {
        return false;
    };
    let named = Path::new(program)
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("hookwarden"));
    let hook = words.iter().skip(1).any(|w| w == "hook");
    let agent_matches = words
        .windows(2)
        .any(|w| w[0] == "--agent" && w[1] == agent.as_str())
        || words.iter().any(|w| *w == format!("--agent={agent}"));
    named && hook && agent_matches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_round_trips() {
        for word in [
            "/usr/bin/hookwarden",
            "/opt/my tools/hook'warden",
            "",
            "a\"b",
        ] {
            let line = format!("{} hook", shell_quote(word));
            assert_eq!(shell_words(&line), vec![word.to_owned(), "hook".to_owned()]);
        }
    }

    #[test]
    fn ours_is_hookwarden_hook_for_this_agent() {
        let a = AgentKind::Codex;
        assert!(is_ours("/usr/local/bin/hookwarden hook --agent codex", a));
        assert!(is_ours(
            "'/opt/x y/hookwarden' hook --agent=codex --event Stop",
            a
        ));
        assert!(!is_ours(
            "/usr/local/bin/hookwarden hook --agent claude-code",
            a
        ));
        assert!(!is_ours("python3 /x/hookwarden.py --agent codex", a));
        assert!(!is_ours("/usr/bin/other hook --agent codex", a));
    }
}
