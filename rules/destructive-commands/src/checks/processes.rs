//! Stopping hookwarden itself: its server judges the agent's tool calls,
//! so one allowed command that kills or stops it could switch the checks
//! off (and leave its socket to a listener). `kill`/`pkill`/`killall`/
//! `skill` naming it or fed its pids (`kill $(pgrep -f hookwarden)`,
//! `pgrep hookwarden | xargs kill`, `kill $(cat …/serve-x.lock)`),
//! `systemctl stop|kill|disable|mask` of its units, `service … stop`,
//! `launchctl` unloading it, `fuser -k` on its socket or binary. Looking
//! (`pgrep hookwarden`) and killing other pids (`kill 1234`, `kill %1`)
//! pass.

use hookwarden_sdk::shell::{Analysis, SimpleCommand, Word};

use super::{Args, Hit, Severity};

const ID: &str = "destructive.stop-hookwarden";

/// Programs that print pids: what they read or match decides whose. The
/// empty program is a redirection alone, `$(< file)`.
const PID_SOURCES: &[&str] = &[
    "",
    "pgrep",
    "pidof",
    "ps",
    "lsof",
    "fuser",
    "cat",
    "head",
    "tail",
    "grep",
    "egrep",
    "rg",
    "awk",
    "sed",
    "cut",
    "systemctl",
    "read",
    "jq",
];

/// hookwarden's process names and command lines, for pkill patterns.
const NAMES: &[&str] = &["hookwarden", "hookwarden-hook"];
const COMMAND_LINES: &[&str] = &[
    "/usr/local/bin/hookwarden serve --on-demand",
    "/usr/local/bin/hookwarden-hook hook --agent codex --event pretooluse",
    "/usr/local/bin/hookwarden hook --agent codex --event pretooluse",
];

/// Names hookwarden, in any case, also as a pattern (`[h]ookwarden`).
fn names_hookwarden(text: &str) -> bool {
    simplify(text).contains("hookwarden")
}

/// The command prints pids of hookwarden's where a command can take them:
/// into a pipe, a substitution or a variable (`read`).
fn prints_hookwarden_pids(cmd: &SimpleCommand) -> bool {
    let passes_on = cmd.piped_into.is_some()
        || cmd.substituted_into.is_some()
        || cmd.via.iter().any(|v| v == "$(…)" || v == "`…`")
        || cmd.program == "read";
    PID_SOURCES.contains(&cmd.program.as_str())
        && passes_on
        && (cmd.args.iter().any(|w| names_hookwarden(&w.text))
            || cmd
                .redirects
                .iter()
                .any(|r| names_hookwarden(&r.target.text)))
}

pub fn check(analysis: &Analysis, hits: &mut Vec<Hit>) {
    // Where pids the rule cannot see may come from (`kill $PID`, `xargs
    // kill`): a command on the same line that prints hookwarden's.
    let pid_source = analysis.commands.iter().find(|c| prints_hookwarden_pids(c));
    for cmd in &analysis.commands {
        let message = match cmd.program.as_str() {
            "kill" => kill(cmd, pid_source),
            "pkill" | "killall" | "skill" => pkill(cmd, pid_source),
            "systemctl" => systemctl(cmd),
            "service" => service(cmd),
            "launchctl" => launchctl(cmd),
            "fuser" => fuser(cmd),
            _ => None,
        };
        if let Some(message) = message {
            hits.push(Hit::new(cmd, Severity::Deny, ID, message));
        }
    }
}

const WHY: &str = "hookwarden, which checks this agent's tool calls";

/// `kill [-s SIG | -SIG] PID…`: pids from an expansion or `xargs`, with
/// hookwarden's pids printed on the same line.
fn kill(cmd: &SimpleCommand, pid_source: Option<&SimpleCommand>) -> Option<String> {
    let args = Args::parse(&cmd.args, &["-s", "-n", "--signal"]);
    let dynamic = args.operands.iter().any(|w| !w.literal) || fed_by_xargs(cmd);
    let source = pid_source.filter(|_| dynamic)?;
    Some(format!(
        "kills the processes `{}` lists: {WHY}",
        source.command_line()
    ))
}

fn fed_by_xargs(cmd: &SimpleCommand) -> bool {
    cmd.is_via("xargs") || cmd.is_via("parallel")
}

/// `pkill [-f] [-x] PATTERN`, `killall [-r] NAME…`, `skill [-c] NAME…`,
/// `pkill -F PIDFILE`.
fn pkill(cmd: &SimpleCommand, pid_source: Option<&SimpleCommand>) -> Option<String> {
    let program = cmd.program.as_str();
    let with_value: &[&str] = match program {
        "pkill" => &[
            "--signal",
            "-g",
            "--pgroup",
            "-G",
            "--group",
            "-P",
            "--parent",
            "-s",
            "--session",
            "-t",
            "--terminal",
            "-u",
            "--euid",
            "-U",
            "--uid",
            "-F",
            "--pidfile",
            "--ns",
            "--nslist",
            "-q",
            "--queue",
        ],
        "killall" => &[
            "-s",
            "--signal",
            "-u",
            "--user",
            "-o",
            "--older-than",
            "-y",
            "--younger-than",
            "-Z",
            "--context",
        ],
        _ => &["-c", "-u", "-t", "-p", "-n"],
    };
    let args = Args::parse(&cmd.args, with_value);
    if let Some(file) = args
        .values(&["-F", "--pidfile"])
        .find(|v| names_hookwarden(v.text))
    {
        return Some(format!(
            "kills the process whose pid {} holds: {WHY}",
            file.text
        ));
    }
    let mut patterns: Vec<&str> = args.operand_texts().collect();
    if program == "skill" {
        patterns.extend(args.values(&["-c"]).map(|v| v.text));
    }
    // killall matches whole names unless given a regex; pkill matches part
    // of the name, or of the command line with -f.
    let exact = match program {
        "killall" => !(args.has_short("r") || args.has_long("regexp")),
        "skill" => true,
        _ => args.has_short("x") || args.has_long("exact"),
    };
    let full = program == "pkill" && (args.has_short("f") || args.has_long("full"));
    if let Some(p) = patterns.iter().find(|p| may_match(p, full, exact)) {
        return Some(format!("kills the processes matching `{p}`: {WHY}"));
    }
    let dynamic = args.operands.iter().any(|w: &&Word| !w.literal) || fed_by_xargs(cmd);
    let source = pid_source.filter(|_| dynamic)?;
    Some(format!(
        "kills the processes `{}` names: {WHY}",
        source.command_line()
    ))
}

/// A pkill/killall pattern (an extended regex) can match hookwarden: it
/// names it (through `[h]ookwarden`-style classes too), or a literal piece
/// of four letters or more is part of its name and every piece appears, in
/// order, in its name (or command line, with `-f`).
pub fn may_match(pattern: &str, full: bool, exact: bool) -> bool {
    let simple = simplify(pattern);
    if exact {
        let name = simple.trim_start_matches('^').trim_end_matches('$');
        let name = name.rsplit('/').next().unwrap_or(name);
        return NAMES.contains(&name);
    }
    if simple.contains("hookwarden") {
        return true;
    }
    let targets = if full { COMMAND_LINES } else { NAMES };
    simple.split('|').any(|branch| {
        let pieces: Vec<&str> = branch
            .split(|c: char| ".*+?^$()[]{}".contains(c))
            .filter(|p| !p.is_empty())
            .collect();
        pieces
            .iter()
            .any(|p| p.len() >= 4 && "hookwarden-hook".contains(p))
            && targets.iter().any(|t| in_order(t, &pieces))
    })
}

/// Lowercase, escapes dropped, one-character classes (`[h]`) unwrapped.
fn simplify(pattern: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {}
            '[' if chars.get(i + 2) == Some(&']') && chars[i + 1] != '^' => {
                out.push(chars[i + 1]);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn in_order(target: &str, pieces: &[&str]) -> bool {
    let mut rest = target;
    pieces.iter().all(|p| match rest.find(p) {
        Some(i) => {
            rest = &rest[i + p.len()..];
            true
        }
        None => false,
    })
}

/// `systemctl [--user] stop|kill|disable|mask UNIT…`.
fn systemctl(cmd: &SimpleCommand) -> Option<String> {
    let args = Args::parse(
        &cmd.args,
        &[
            "-H",
            "--host",
            "-M",
            "--machine",
            "-p",
            "--property",
            "-t",
            "--type",
            "-s",
            "--signal",
            "--kill-whom",
            "--kill-value",
            "--state",
            "-n",
            "--lines",
            "-o",
            "--output",
            "--root",
            "--job-mode",
            "--what",
            "--timestamp",
            "--when",
            "--drop-in",
        ],
    );
    let mut operands = args.operand_texts();
    let verb = operands.next()?;
    if !matches!(verb, "stop" | "kill" | "disable" | "mask" | "freeze") {
        return None;
    }
    let unit = operands.find(|u| names_hookwarden(u))?;
    Some(format!("{verb}s the unit {unit}: {WHY}"))
}

/// `service NAME stop`.
fn service(cmd: &SimpleCommand) -> Option<String> {
    let words: Vec<&str> = cmd.arg_texts().filter(|a| !a.starts_with('-')).collect();
    match words.as_slice() {
        [name, "stop", ..] if names_hookwarden(name) => {
            Some(format!("stops the service {name}: {WHY}"))
        }
        _ => None,
    }
}

/// `launchctl unload|bootout|remove|stop|kill|disable … hookwarden…`.
fn launchctl(cmd: &SimpleCommand) -> Option<String> {
    let mut words = cmd.arg_texts();
    let verb = words.next()?;
    if !matches!(
        verb,
        "unload" | "bootout" | "remove" | "stop" | "kill" | "disable"
    ) {
        return None;
    }
    let target = words.find(|w| names_hookwarden(w))?;
    Some(format!("{verb}s the launchd job {target}: {WHY}"))
}

/// `fuser -k FILE`: kills every process using hookwarden's socket or
/// binary.
fn fuser(cmd: &SimpleCommand) -> Option<String> {
    let args = Args::parse(&cmd.args, &["-n", "--namespace"]);
    if !(args.has_short("k") || args.has_long("kill")) {
        return None;
    }
    let file = args.operand_texts().find(|f| names_hookwarden(f))?;
    Some(format!("kills the processes using {file}: {WHY}"))
}
