//! Commands that take the machine or the user's setup down at once:
//! `kill -9 -1` (every process the user may signal, the agent included),
//! `crontab -r` (the user's scheduled jobs, with no backup), and moving a
//! system directory or home away (`mv /usr/bin /tmp/x`), which breaks it as
//! surely as deleting it; emptying a file the system needs or a shell
//! startup file (`: > ~/.bashrc`, `truncate -s 0 /etc/hosts`, `tee` without
//! `-a`, `cp /dev/null`, `find -fprint`).

use hookwarden_sdk::shell::SimpleCommand;

use super::{Args, Hit, Scope, Severity};
use crate::paths::{Resolved, classify, resolve};

/// Files that start every shell of the user: emptied, the user's setup is gone.
const STARTUP_FILES: &[&str] = &[
    "~/.bashrc",
    "~/.bash_profile",
    "~/.profile",
    "~/.zshrc",
    "~/.zprofile",
    "~/.zshenv",
    "~/.bash_login",
    "~/.config/fish/config.fish",
];

/// `path` is a file whose emptying breaks the machine or the user's shells.
fn vital_file(path: &str) -> bool {
    super::delete::CRITICAL_FILES.contains(&path) || STARTUP_FILES.contains(&path)
}

pub fn check(cmd: &SimpleCommand, scope: &Scope<'_>, hits: &mut Vec<Hit>) {
    // `: > f`, `> f`, `exec > f`, `truncate -s 0 f`: the file is emptied.
    let mut emptied: Vec<&hookwarden_sdk::shell::Word> = cmd
        .redirects
        .iter()
        .filter(|r| matches!(r.op.as_str(), ">" | ">|" | "&>"))
        .map(|r| &r.target)
        .collect();
    match cmd.program.as_str() {
        "truncate" => {
            emptied.extend(Args::parse(&cmd.args, &["-s", "--size", "-r", "--reference"]).operands)
        }
        // `tee f` (not `-a`) starts f over; `cp /dev/null f` empties it.
        "tee" => {
            let args = Args::parse(&cmd.args, &["--output-error"]);
            if !(args.has_short("a") || args.has_long("append")) {
                emptied.extend(args.operands);
            }
        }
        "cp" => {
            let args = Args::parse(&cmd.args, &["-t", "--target-directory", "-S", "--suffix"]);
            if let [source, target] = &args.operands[..]
                && source.text == "/dev/null"
            {
                emptied.push(*target);
            }
        }
        // `find … -fprint f`: f is started over before find writes to it.
        "find" => {
            for pair in cmd.args.windows(2) {
                if matches!(
                    pair[0].text.as_str(),
                    "-fprint" | "-fprint0" | "-fprintf" | "-fls"
                ) {
                    emptied.push(&pair[1]);
                }
            }
        }
        _ => {}
    }
    for target in emptied {
        if let Resolved::Path(path) = resolve(&target.text, target.literal, scope.cwd)
            && vital_file(&path)
        {
            hits.push(Hit::new(
                cmd,
                Severity::Deny,
                "destructive.empty-vital-file",
                format!("empties {path}, which the system or the user's shells need"),
            ));
        }
    }
    match cmd.program.as_str() {
        "kill" => {
            // `kill -9 -1`, `kill -s KILL -1`, `kill -- -1`: pid -1 is every
            // process. A lone `kill -1` is signal 1 with no pid.
            let args: Vec<&str> = cmd.arg_texts().collect();
            let pid_all = match args.as_slice() {
                [.., "--", "-1"] => true,
                [first, .., "-1"] if args.len() >= 2 => first.starts_with('-'),
                _ => false,
            };
            if pid_all {
                hits.push(Hit::new(
                    cmd,
                    Severity::Deny,
                    "destructive.kill-all",
                    "signals every process the user may (pid -1), the agent and its tools included"
                        .into(),
                ));
            }
        }
        "crontab" => {
            let args = Args::parse(&cmd.args, &["-u"]);
            if args.has_short("r") || args.has_long("remove") {
                hits.push(Hit::new(
                    cmd,
                    Severity::Deny,
                    "destructive.crontab-remove",
                    "deletes every scheduled job of the user, with no backup (crontab -r)".into(),
                ));
            }
        }
        "mv" => {
            let args = Args::parse(&cmd.args, &["-t", "--target-directory", "-S", "--suffix"]);
            let explicit_target = args.has("-t") || args.has("--target-directory");
            let sources = if explicit_target {
                &args.operands[..]
            } else {
                &args.operands[..args.operands.len().saturating_sub(1)]
            };
            for source in sources {
                if let Resolved::Path(path) = resolve(&source.text, source.literal, scope.cwd)
                    && let Some(precious) = classify(&path, scope.protected_paths)
                {
                    hits.push(Hit::new(
                        cmd,
                        Severity::Deny,
                        "destructive.recursive-delete",
                        format!("moves {precious} away, which breaks it like deleting it"),
                    ));
                }
            }
        }
        _ => {}
    }
}
