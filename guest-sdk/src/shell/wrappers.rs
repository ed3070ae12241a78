//! Programs that run another program: how to skip their options.

use super::Word;

/// How a wrapper's options look.
#[derive(Debug)]
pub(super) struct Spec {
    /// Short options that take an argument (attached or in the next word).
    pub short_with_arg: &'static str,
    /// Long options that take an argument when not given as `--opt=value`.
    pub long_with_arg: &'static [&'static str],
    /// Short options after which no command runs (`command -v`, `sudo -l`).
    pub stop_short: &'static str,
    /// Long options after which no command runs.
    pub stop_long: &'static [&'static str],
    /// Positional arguments before the command (`timeout DURATION`, `chroot DIR`).
    pub positionals: usize,
    /// `VAR=value` words may precede the command (`env`, `sudo`).
    pub assignments: bool,
    /// Digits are flags (`nice -5`).
    pub numeric_flags: bool,
    /// `-S STRING` / `--split-string` holds the command (`env`).
    pub split_string: bool,
    /// A lone `-` is an option, not the command (`env -` is `env -i`).
    pub dash_option: bool,
}

const NONE: Spec = Spec {
    short_with_arg: "",
    long_with_arg: &[],
    stop_short: "",
    stop_long: &[],
    positionals: 0,
    assignments: false,
    numeric_flags: false,
    split_string: false,
    dash_option: false,
};

/// The wrapper spec for a program, if it is a plain wrapper.
pub(super) fn spec(program: &str) -> Option<&'static Spec> {
    static SUDO: Spec = Spec {
        short_with_arg: "CDghpRrTUu",
        long_with_arg: &[
            "--close-from",
            "--chdir",
            "--group",
            "--host",
            "--prompt",
            "--chroot",
            "--role",
            "--type",
            "--command-timeout",
            "--other-user",
            "--user",
        ],
        stop_short: "elvVK",
        stop_long: &["--edit", "--list", "--validate", "--version", "--help"],
        assignments: true,
        ..NONE
    };
    static DOAS: Spec = Spec {
        short_with_arg: "uC",
        stop_short: "L",
        assignments: false,
        ..NONE
    };
    static PKEXEC: Spec = Spec {
        long_with_arg: &["--user"],
        stop_long: &["--version", "--help"],
        ..NONE
    };
    static ENV: Spec = Spec {
        short_with_arg: "uCP",
        long_with_arg: &[
            "--unset",
            "--chdir",
            "--default-signal",
            "--ignore-signal",
            "--block-signal",
        ],
        stop_long: &["--help", "--version"],
        assignments: true,
        split_string: true,
        dash_option: true,
        ..NONE
    };
    static COMMAND: Spec = Spec {
        stop_short: "vV",
        ..NONE
    };
    static EXEC: Spec = Spec {
        short_with_arg: "a",
        ..NONE
    };
    static NICE: Spec = Spec {
        short_with_arg: "n",
        long_with_arg: &["--adjustment"],
        numeric_flags: true,
        ..NONE
    };
    static IONICE: Spec = Spec {
        short_with_arg: "cnpPu",
        long_with_arg: &["--class", "--classdata", "--pid", "--pgid", "--uid"],
        ..NONE
    };
    static TIME: Spec = Spec {
        short_with_arg: "fo",
        long_with_arg: &["--format", "--output"],
        ..NONE
    };
    static TIMEOUT: Spec = Spec {
        short_with_arg: "sk",
        long_with_arg: &["--signal", "--kill-after"],
        positionals: 1,
        ..NONE
    };
    static STDBUF: Spec = Spec {
        short_with_arg: "ioe",
        long_with_arg: &["--input", "--output", "--error"],
        ..NONE
    };
    // `flock [-w s] FILE cmd…` (`flock FILE -c 'cmd'` is read by the walker).
    static FLOCK: Spec = Spec {
        short_with_arg: "wE",
        long_with_arg: &["--timeout", "--conflict-exit-code"],
        positionals: 1,
        ..NONE
    };
    static CHROOT: Spec = Spec {
        long_with_arg: &["--userspec", "--groups"],
        positionals: 1,
        ..NONE
    };
    static XARGS: Spec = Spec {
        short_with_arg: "adEILnPsJR",
        long_with_arg: &[
            "--arg-file",
            "--delimiter",
            "--max-args",
            "--max-procs",
            "--max-chars",
            "--process-slot-var",
        ],
        ..NONE
    };
    static TASKSET: Spec = Spec {
        positionals: 1,
        ..NONE
    };
    static SYSTEMD_RUN: Spec = Spec {
        short_with_arg: "upEMH",
        long_with_arg: &[
            "--unit",
            "--property",
            "--description",
            "--slice",
            "--setenv",
            "--machine",
            "--host",
            "--uid",
            "--gid",
            "--nice",
            "--working-directory",
            "--on-active",
            "--on-boot",
            "--on-startup",
            "--on-unit-active",
            "--on-unit-inactive",
            "--on-calendar",
            "--timer-property",
            "--path-property",
            "--socket-property",
            "--service-type",
        ],
        stop_short: "h",
        stop_long: &["--help", "--version"],
        ..NONE
    };
    static STRACE: Spec = Spec {
        short_with_arg: "abeEIoOpPsSuUX",
        long_with_arg: &[
            "--output", "--trace", "--signal", "--user", "--env", "--attach",
        ],
        stop_short: "hV",
        ..NONE
    };
    static UNSHARE: Spec = Spec {
        short_with_arg: "SGRw",
        long_with_arg: &["--setuid", "--setgid", "--root", "--wd", "--propagation"],
        ..NONE
    };
    static PLAIN: Spec = NONE;
    Some(match program {
        "sudo" => &SUDO,
        "doas" => &DOAS,
        "pkexec" => &PKEXEC,
        "env" => &ENV,
        "command" => &COMMAND,
        "exec" => &EXEC,
        "nice" => &NICE,
        "ionice" => &IONICE,
        "time" => &TIME,
        "timeout" => &TIMEOUT,
        "stdbuf" => &STDBUF,
        "chroot" => &CHROOT,
        "xargs" => &XARGS,
        "flock" => &FLOCK,
        "taskset" => &TASKSET,
        "systemd-run" => &SYSTEMD_RUN,
        "strace" | "ltrace" => &STRACE,
        "unshare" => &UNSHARE,
        "builtin" | "nohup" | "setsid" | "busybox" | "unbuffer" | "catchsegv" | "fakeroot" => {
            &PLAIN
        }
        _ => return None,
    })
}

/// What follows a wrapper's options.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Skip {
    /// The command starts at this index of the arguments.
    Command(usize),
    /// An option says no command runs (`command -v rm`).
    NoCommand,
    /// `env -S STRING`: the string is split into the command; `rest` is the
    /// index of the words after it.
    SplitString { text: Word, rest: usize },
}

/// Skip the wrapper's options, positionals and `VAR=value` words in `args`
/// (the words after the wrapper's name); assignments go to `env`.
pub(super) fn skip(spec: &Spec, args: &[Word], env: &mut Vec<(String, String)>) -> Skip {
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t == "--" {
            i += 1;
            break;
        }
        if t == "-" && spec.dash_option {
            i += 1;
            continue;
        }
        if let Some(long) = t.strip_prefix("--") {
            let name = format!("--{}", long.split('=').next().unwrap_or(""));
            if spec.stop_long.contains(&name.as_str()) {
                return Skip::NoCommand;
            }
            if spec.split_string && name == "--split-string" {
                return match long.split_once('=') {
                    Some((_, v)) => Skip::SplitString {
                        text: Word {
                            text: v.to_string(),
                            literal: args[i].literal,
                        },
                        rest: i + 1,
                    },
                    None => match args.get(i + 1) {
                        Some(w) => Skip::SplitString {
                            text: w.clone(),
                            rest: i + 2,
                        },
                        None => Skip::NoCommand,
                    },
                };
            }
            i += if !long.contains('=') && spec.long_with_arg.contains(&name.as_str()) {
                2
            } else {
                1
            };
            continue;
        }
        if t.len() > 1 && t.starts_with('-') {
            let cluster: Vec<char> = t.chars().skip(1).collect();
            let mut consumed = 1;
            for (k, c) in cluster.iter().enumerate() {
                if spec.stop_short.contains(*c) {
                    return Skip::NoCommand;
                }
                if spec.split_string && *c == 'S' {
                    let attached: String = cluster[k + 1..].iter().collect();
                    return if !attached.is_empty() {
                        Skip::SplitString {
                            text: Word {
                                text: attached,
                                literal: args[i].literal,
                            },
                            rest: i + 1,
                        }
                    } else if let Some(w) = args.get(i + 1) {
                        Skip::SplitString {
                            text: w.clone(),
                            rest: i + 2,
                        }
                    } else {
                        Skip::NoCommand
                    };
                }
                if spec.numeric_flags && c.is_ascii_digit() {
                    continue;
                }
                if spec.short_with_arg.contains(*c) {
                    if k + 1 == cluster.len() {
                        consumed = 2;
                    }
                    break;
                }
            }
            i += consumed;
            continue;
        }
        break;
    }
    i += spec.positionals;
    if spec.assignments {
        while let Some(w) = args.get(i) {
            match assignment(&w.text) {
                Some((k, v)) => {
                    env.push((k, v));
                    i += 1;
                }
                None => break,
            }
        }
    }
    Skip::Command(i.min(args.len()))
}

/// `NAME=value` → (NAME, value).
pub(super) fn assignment(text: &str) -> Option<(String, String)> {
    let (k, v) = text.split_once('=')?;
    let mut chars = k.chars();
    let first = chars.next()?;
    if !(first.is_ascii_alphabetic() || first == '_')
        || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    Some((k.to_string(), v.to_string()))
}

/// Skip a command's leading options given which short and long options take
/// an argument; returns the index of the first operand.
pub(super) fn skip_simple_options(
    args: &[Word],
    short_with_arg: &str,
    long_with_arg: &[&str],
) -> usize {
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t == "--" {
            return i + 1;
        }
        if let Some(long) = t.strip_prefix("--") {
            let name = format!("--{}", long.split('=').next().unwrap_or(""));
            i += if !long.contains('=') && long_with_arg.contains(&name.as_str()) {
                2
            } else {
                1
            };
            continue;
        }
        if t.len() > 1 && t.starts_with('-') {
            let cluster: Vec<char> = t.chars().skip(1).collect();
            let mut consumed = 1;
            for (k, c) in cluster.iter().enumerate() {
                if short_with_arg.contains(*c) {
                    if k + 1 == cluster.len() {
                        consumed = 2;
                    }
                    break;
                }
            }
            i += consumed;
            continue;
        }
        return i;
    }
    i.min(args.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<Word> {
        s.split_whitespace().map(Word::literal).collect()
    }

    #[test]
    fn skips_options() {
        let mut env = Vec::new();
        let sudo = spec("sudo").unwrap();
        assert_eq!(
            skip(sudo, &words("-u root -E rm -rf /"), &mut env),
            Skip::Command(3)
        );
        assert_eq!(
            skip(sudo, &words("-nu root rm"), &mut env),
            Skip::Command(2)
        );
        assert_eq!(skip(sudo, &words("-uroot rm"), &mut env), Skip::Command(1));
        assert_eq!(
            skip(sudo, &words("--user=root -- rm"), &mut env),
            Skip::Command(2)
        );
        assert_eq!(skip(sudo, &words("-l rm"), &mut env), Skip::NoCommand);
        assert_eq!(skip(sudo, &words("A=1 rm"), &mut env), Skip::Command(1));
        assert_eq!(env, [("A".to_string(), "1".to_string())]);
        let timeout = spec("timeout").unwrap();
        assert_eq!(
            skip(timeout, &words("-s KILL 5 rm"), &mut env),
            Skip::Command(3)
        );
        assert_eq!(skip(timeout, &words("5s rm"), &mut env), Skip::Command(1));
        let nice = spec("nice").unwrap();
        assert_eq!(skip(nice, &words("-n 5 rm"), &mut env), Skip::Command(2));
        assert_eq!(skip(nice, &words("-5 rm"), &mut env), Skip::Command(1));
        let envs = spec("env").unwrap();
        assert!(matches!(
            skip(envs, &words("-S x"), &mut env),
            Skip::SplitString { rest: 2, .. }
        ));
        assert_eq!(
            skip(envs, &words("-i -u X A=2 rm"), &mut env),
            Skip::Command(4)
        );
        assert_eq!(skip(envs, &words("- git"), &mut env), Skip::Command(1));
    }
}
