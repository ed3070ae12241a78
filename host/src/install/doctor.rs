//! `hookwarden doctor`: is hookwarden registered for an agent, and would the
//! agent actually run it?

use super::{Env, Request, Target, files, json, parse_settings, posture, shell_words, spec};
use crate::builtin;
use hookwarden_config::{HookwardenConfig, ModuleRef};
use hookwarden_runtime::ModuleSource;
use serde_json::Value;
use std::fmt;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the self-test waits for the hook (a cold start compiles rules).
const SELF_TEST_LIMIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

/// One line of the report.
#[derive(Debug, Clone)]
pub struct Check {
    pub level: Level,
    pub name: String,
    pub message: String,
    pub hint: Option<String>,
}

impl Check {
    pub fn ok(name: &str, message: impl Into<String>) -> Check {
        Check {
            level: Level::Ok,
            name: name.to_owned(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn warn(name: &str, message: impl Into<String>, hint: impl Into<String>) -> Check {
        Check {
            level: Level::Warn,
            name: name.to_owned(),
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub fn fail(name: &str, message: impl Into<String>, hint: impl Into<String>) -> Check {
        Check {
            level: Level::Fail,
            name: name.to_owned(),
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        };
        write!(f, "{level:<5} {:<20} {}", self.name, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Run every check; stops early only where later checks have nothing to look at.
pub fn doctor(req: &Request, env: &Env, self_test: bool) -> Vec<Check> {
    let mut out = Vec::new();
    let target = match Target::resolve(req, env) {
        Ok(t) => t,
        Err(e) => {
            out.push(Check::fail(
                "target",
                e.to_string(),
                "check --agent and --scope",
            ));
            return out;
        }
    };
    let spec = spec(target.agent);
    let install = target.install_command();
    let file = target.file.display().to_string();

    // The settings file.
    let text = match files::read_existing(&target.file) {
        Ok(Some(text)) => text,
        Ok(None) => {
            out.push(Check::fail(
                "settings-file",
                format!("{file} does not exist: hookwarden is not registered"),
                format!("run `{install}`"),
            ));
            return out;
        }
        Err(e) => {
            out.push(Check::fail(
                "settings-file",
                e.to_string(),
                "check the file's permissions",
            ));
            return out;
        }
    };
    let settings = match parse_settings(&target, &text) {
        Ok(v) => v,
        Err(e) => {
            out.push(Check::fail(
                "settings-file",
                format!("{file} does not parse: {e}; the agent ignores it"),
                "fix the file",
            ));
            return out;
        }
    };
    out.push(Check::ok("settings-file", format!("{file} parses")));

    // The registration: every event, pointing at hookwarden.
    let found = json::find(&settings, spec, target.agent);
    let missing: Vec<&str> = target
        .events()
        .into_iter()
        .filter(|e| !found.iter().any(|f| f.event == *e))
        .collect();
    if found.is_empty() {
        out.push(Check::fail(
            "registration",
            format!("no hookwarden hook for {} in {file}", target.agent),
            format!("run `{install}`"),
        ));
        return out;
    } else if missing.is_empty() {
        out.push(Check::ok(
            "registration",
            format!("registered for {}", target.events().join(", ")),
        ));
    } else {
        out.push(Check::fail(
            "registration",
            format!("no hookwarden hook for {} in {file}", missing.join(", ")),
            format!("run `{install}`"),
        ));
    }
    for f in &found {
        let expected = target.command(&f.event);
        if target.events().contains(&f.event.as_str()) && f.command != expected {
            out.push(Check::warn(
                "command",
                format!(
                    "{} runs `{}`, install would register `{expected}`",
                    f.event, f.command
                ),
                format!("run `{install}` to update it, or pass the same --binary/--requirements"),
            ));
        }
    }

    // The binary each entry runs.
    let mut programs: Vec<String> = found
        .iter()
        .filter_map(|f| shell_words(&f.command).into_iter().next())
        .collect();
    programs.sort();
    programs.dedup();
    // Every program a hook call may run: for the installation's trust.
    let mut binaries: Vec<PathBuf> = Vec::new();
    for program in &programs {
        let program = Path::new(program);
        out.push(check_binary(program, &install));
        binaries.push(program.to_owned());
        // `hookwarden-hook` runs no rules itself: without a server every
        // call goes to `hookwarden` beside it.
        if program.file_name().is_some_and(|n| n == "hookwarden-hook") {
            // Beside the program itself, as it looks (through symlinks).
            let engine = std::fs::canonicalize(program)
                .unwrap_or_else(|_| program.to_owned())
                .with_file_name("hookwarden");
            binaries.push(engine.clone());
            let mut check = check_binary(&engine, &install);
            if check.level == Level::Fail {
                check.message = format!(
                    "{}; {} hands every call no server judges to it",
                    check.message,
                    program.display()
                );
            }
            out.push(check);
        }
    }

    // The agent's own reasons not to run it.
    out.extend((spec.checks)(&target, env, &settings));

    // hookwarden's configuration, as the registered hook will read it.
    let (sample_event, payload) = (spec.sample)(&env.cwd);
    let command = found
        .iter()
        .find(|f| f.event == sample_event)
        .unwrap_or(&found[0])
        .command
        .clone();
    let requirements = requirements_arg(&command);
    let loaded = check_config(requirements.as_deref(), &mut out);
    let config_ok = loaded.as_ref().is_some_and(|(_, _, pins_ok)| *pins_ok);

    // Who could switch it off, and what it would judge.
    let file = loaded.as_ref().and_then(|(_, file, _)| file.clone());
    let binaries: Vec<PathBuf> = binaries.into_iter().filter(|b| b.exists()).collect();
    let (checks, trust) = posture::installation(
        &binaries,
        file.as_deref(),
        target.scope == super::Scope::Managed,
    );
    out.extend(checks);
    if let Some((config, _, _)) = &loaded {
        let rules = crate::plan::plan(config);
        out.extend(posture::modules(&rules, trust));
        out.extend(posture::coverage(&rules, target.agent, &target.events()));
        out.extend(posture::fail_modes(config, &rules));
        out.extend(posture::managed_loading(config, &rules, trust));
    }

    // The real thing: a harmless call through the registered command.
    if self_test
        && config_ok
        && out
            .iter()
            .all(|c| c.name != "binary" || c.level != Level::Fail)
    {
        out.push(run_self_test(&command, sample_event, &payload, &env.cwd));
    }
    out
}

fn check_binary(program: &Path, install: &str) -> Check {
    let meta = std::fs::metadata(program);
    match meta {
        Ok(m) if m.is_file() && m.permissions().mode() & 0o111 != 0 => Check::ok(
            "binary",
            format!("{} exists and is executable", program.display()),
        ),
        Ok(_) => Check::fail(
            "binary",
            format!("{} is not an executable file", program.display()),
            format!("chmod +x it, or run `{install} --binary PATH`"),
        ),
        Err(e) => Check::fail(
            "binary",
            format!("{}: {e}", program.display()),
            format!("install hookwarden there, or run `{install} --binary PATH`"),
        ),
    }
}

/// The `--requirements` of a registered command line.
fn requirements_arg(command: &str) -> Option<PathBuf> {
    let words = shell_words(command);
    words.iter().enumerate().find_map(|(i, w)| {
        if w == "--requirements" {
            words.get(i + 1).map(PathBuf::from)
        } else {
            w.strip_prefix("--requirements=").map(PathBuf::from)
        }
    })
}

/// Load the configuration and check every rule's module against its pin:
/// the configuration, its file (`None` for the built-in defaults), and
/// whether every module matches its pin; `None` if it does not load.
fn check_config(
    requirements: Option<&Path>,
    out: &mut Vec<Check>,
) -> Option<(HookwardenConfig, Option<PathBuf>, bool)> {
    let loaded = match hookwarden_config::load(requirements) {
        Ok(l) => l,
        Err(e) => {
            out.push(Check::fail(
                "config",
                e.to_string(),
                "fix the [hookwarden] table: until then every hook call answers with the fail mode",
            ));
            return None;
        }
    };
    let file = match &loaded.source {
        hookwarden_config::ConfigSource::File(p) => Some(p.clone()),
        hookwarden_config::ConfigSource::BuiltinDefault { .. } => None,
    };
    let rules = crate::plan::plan(&loaded.config);
    out.push(Check::ok(
        "config",
        format!("{}: {} rule(s)", loaded.source.describe(), rules.len()),
    ));
    let mut bad = 0;
    for rule in &rules {
        let problem = match &rule.module {
            ModuleRef::Builtin(name) => builtin::module(name)
                .is_none()
                .then(|| format!("no built-in rule `{name}` in this binary")),
            ModuleRef::File(path) => match ModuleSource::from_file(path) {
                Err(e) => Some(e.to_string()),
                Ok(source) => match rule.pin {
                    Some(pin) if pin != source.digest() => Some(format!(
                        "{} does not match its pin (sha256 {}, pinned {pin})",
                        path.display(),
                        source.digest()
                    )),
                    None => Some(format!("{} has no pin", path.display())),
                    Some(_) => None,
                },
            },
        };
        if let Some(problem) = problem {
            bad += 1;
            out.push(Check::fail(
                "rules",
                format!("rule `{}`: {problem}", rule.id),
                "rebuild or reinstall the module, or update its pin with `hookwarden pin`",
            ));
        }
    }
    if bad == 0 {
        out.push(Check::ok(
            "rules",
            format!("{} module(s) present and matching their pins", rules.len()),
        ));
    }
    if rules
        .iter()
        .any(|r| r.module == ModuleRef::Builtin("mcp-guard".into()))
    {
        out.push(mcp_check(&loaded.config));
    }
    Some((loaded.config, file, bad == 0))
}

/// What mcp-guard will do with MCP calls: an empty allowlist asks for
/// every server (and Codex, which cannot ask, denies).
fn mcp_check(config: &HookwardenConfig) -> Check {
    let mut listed: Vec<&str> = config
        .mcp
        .servers
        .keys()
        .chain(config.codex_mcp_servers.keys())
        .map(String::as_str)
        .collect();
    listed.sort_unstable();
    listed.dedup();
    let unlisted = config
        .mcp
        .unlisted
        .unwrap_or(hookwarden_event::Decision::Ask);
    if listed.is_empty() && unlisted != hookwarden_event::Decision::Allow {
        Check::warn(
            "mcp",
            format!("no MCP server is listed: every MCP tool call gets `{unlisted}`"),
            "list the servers your agents use under [hookwarden.mcp.servers] (or Codex's \
             [mcp_servers]), or set `unlisted = \"allow\"` under [hookwarden.mcp]",
        )
    } else {
        Check::ok(
            "mcp",
            format!(
                "MCP servers listed: {}; others get `{unlisted}`",
                if listed.is_empty() {
                    "none".to_owned()
                } else {
                    listed.join(", ")
                }
            ),
        )
    }
}

/// Run the registered command as the agent would (`sh -c`), with a harmless
/// pre-tool payload, and check the answer allows it.
fn run_self_test(command: &str, event: &str, payload: &Value, cwd: &Path) -> Check {
    let name = "self-test";
    let started = Instant::now();
    let child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            return Check::fail(
                name,
                format!("cannot run sh -c: {e}"),
                "check sh is installed",
            );
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(payload.to_string().as_bytes());
    }
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < SELF_TEST_LIMIT => {
                std::thread::sleep(Duration::from_millis(10));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Check::fail(
                    name,
                    format!("{event}: no answer within {} s", SELF_TEST_LIMIT.as_secs()),
                    "run `hookwarden compile`, and check the hook by hand",
                );
            }
        }
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let ms = started.elapsed().as_millis();
    let stderr_line = stderr.trim().lines().last().unwrap_or("").to_owned();
    match status.code() {
        Some(0) => {}
        Some(2) => {
            return Check::fail(
                name,
                format!("{event}: the hook blocked a harmless `echo` (exit 2): {stderr_line}"),
                "check the configuration and the rules' logs (HOOKWARDEN_LOG=info)",
            );
        }
        code => {
            return Check::fail(
                name,
                format!("{event}: the hook exited with {code:?}: {stderr_line}"),
                "run the command by hand to see why",
            );
        }
    }
    let text = stdout.trim();
    if text.is_empty() {
        return Check::ok(
            name,
            format!("{event}: a harmless `echo` is allowed ({ms} ms)"),
        );
    }
    match serde_json::from_str::<Value>(text) {
        Err(e) => Check::fail(
            name,
            format!("{event}: the answer is not JSON ({e}): {text}"),
            "nothing but the answer may go to stdout; check the hook by hand",
        ),
        Ok(answer) => match denial(&answer) {
            Some(reason) => Check::fail(
                name,
                format!("{event}: the hook blocked a harmless `echo`: {reason}"),
                "check the configuration and the rules' logs (HOOKWARDEN_LOG=info)",
            ),
            None => Check::ok(
                name,
                format!("{event}: a harmless `echo` is allowed ({ms} ms)"),
            ),
        },
    }
}

/// The reason, when an answer (any agent's format) blocks.
fn denial(answer: &Value) -> Option<String> {
    const KEYS: [&str; 4] = ["permissionDecision", "decision", "permission", "behavior"];
    const REASONS: [&str; 5] = [
        "permissionDecisionReason",
        "reason",
        "user_message",
        "message",
        "stopReason",
    ];
    let obj = answer.as_object()?;
    let blocks = KEYS.iter().any(|k| {
        matches!(
            obj.get(*k).and_then(Value::as_str),
            Some("deny" | "block" | "ask")
        )
    }) || obj.get("continue") == Some(&Value::Bool(false));
    if blocks {
        let reason = REASONS
            .iter()
            .find_map(|k| obj.get(*k).and_then(Value::as_str))
            .unwrap_or("(no reason)");
        return Some(reason.to_owned());
    }
    obj.values().find_map(denial)
}
