//! Shell command analysis on a real bash grammar (`brush-parser`).
//!
//! The host analyses every shell command once per hook call and hands the
//! result to each rule as [`ShellCommand::analysis`]: rules read it and stay
//! small (no parser inside each component) and fast (one parse, natively,
//! for all rules). The parser itself, [`analyze`], needs the `parser`
//! feature; rule crates enable it only for their native tests.
//!
//! [`analyze`] turns a command line into the list of simple commands that
//! would run, looking through the usual ways of hiding one:
//!
//! - quoting and escapes: `r"m"`, `\rm`, `$'\x72m'` all resolve to `rm`;
//!   `/bin/rm` resolves to `rm` (see [`SimpleCommand::program_path`]);
//! - brace expansion: `{rm,-rf,/}` is `rm -rf /`;
//! - lists, pipelines, subshells, `{ }`, `if`/`while`/`for`/`case` bodies,
//!   function bodies, command substitution (`$(…)`, backticks), process
//!   substitution (`<(…)`), commands hidden in `${x:-$(…)}` or `$((…))`, and
//!   here-documents whose unquoted body holds `$(…)`;
//! - wrappers: `sudo`, `doas`, `pkexec`, `env`, `command`, `builtin`, `exec`,
//!   `nohup`, `nice`, `ionice`, `time`, `timeout`, `stdbuf`, `chroot`,
//!   `setsid`, `busybox`, `unbuffer`, `systemd-run`, `strace`, `unshare`,
//!   `runuser -u`, `xargs`, `parallel`, `watch`,
//!   `find -exec`, with their options;
//! - what `xargs` and `parallel` feed the command they run: the words a
//!   literal `echo`/`printf`/here-document pipes in, `parallel`'s `:::`
//!   inputs, put where the replace string (`-I {}`, `{}`) stands or
//!   appended; input the analysis cannot see (`find … | xargs`, `-a FILE`)
//!   becomes one non-literal word, `$(items read from stdin)`, which rules
//!   treat as a value known only at run time;
//! - nested shells: `bash -c '…'`, `sh -c`, `zsh -c`…, `eval '…'`, `su -c`,
//!   `trap '…'`, `alias x='…'` (its value), `env -S`, `ssh host '…'`, here-documents and here-strings
//!   fed to a shell or to `at`/`batch`, the entries of a `crontab` read
//!   from stdin, and `echo '…' | sh` (parsed
//!   recursively, depth-bounded);
//! - variables the command line itself assigns once, at its top level, to a
//!   literal value (`x=~; rm -rf $x` is `rm -rf ~`; `$(mktemp -d)` is a
//!   path under `/tmp`); an assignment the analysis cannot follow (in a
//!   condition, a loop, a pipeline, a function, assigned twice) leaves the
//!   variable a run-time value; `read -r d <<< word` assigns like `d=word`;
//!   a `for` loop over a few literal words is walked once per word,
//!   `sh -c 'script' a b` sees `$0`, `$1`, and a function the line defines
//!   once is walked again for each of a few calls with literal arguments
//!   (`f(){ rm -rf "$1"; }; f ~`), `$1`, `$2`… bound (not when the script
//!   moves them: `shift`, `set --`); `eval` and `trap` strings see the
//!   line's variables, and `${x:?}`, `${x:-…}` give `x`'s value. A value the shell
//!   would split (`x='rm -rf /'; $x`), or any value on a line that mentions
//!   `IFS`, is not put in: that use stays a run-time value;
//! - code run by other interpreters (`python3 -c`, `node -e`, `ruby -e`,
//!   `perl -e`, `php -r`, `awk '…'`, also from a here-document or a pipe):
//!   the shell strings it hands to `os.system`/`execSync`/`system`/backticks
//!   are analysed as shell, and its argument lists (`subprocess.run([…])`)
//!   and standard-library deletes (`shutil.rmtree(p)` is `rm -rf p`) are
//!   reported as commands, found through `"python -c"`, `"node -e"`…;
//! - commands other programs take as options, settings or input, analysed
//!   as shell: `script -c`, `flock -c`, `tar --to-command` / `-I` /
//!   `--checkpoint-action=exec=` (long options also cut short), `git -c`
//!   settings that run programs (`alias.x='!…'`, `core.sshCommand`,
//!   `filter.*.clean`…) and `GIT_SSH_COMMAND`-like variables, `vim -c '!…'`,
//!   the recipes of a makefile read from stdin (`make -f -`);
//! - what a container does to the host's files: `docker run` / `create` /
//!   `compose run` (and podman's) with a writable bind mount, its command
//!   (or `-w` working directory) naming a path that reaches the mount (under
//!   it, or holding it: `/`, `/*`), is analysed as shell with host paths put
//!   back (`-v /:/host … rm -rf /host/etc` is `rm -rf /etc`; a host path only
//!   known at run time stays one), found through `"docker run"`; a
//!   container's own files are not the host's;
//! - pipes into interpreters ([`SimpleCommand::piped_into`]) and
//!   substitutions consumed by one ([`SimpleCommand::substituted_into`]).
//!
//! Whatever cannot be analysed is reported in [`Analysis::opaque`]: a parse
//! error, a program name that comes from an expansion (`$x -rf /`) or a glob
//! (`/???/?m -rf /`), `eval` or
//! `bash -c` of a non-literal string, an encoded payload piped into a shell
//! (`base64 -d | sh`), input too large or too deeply nested. A rule should
//! never allow an opaque command (design principle 4).
//!
//! ```
//! # #[cfg(feature = "parser")] {
//! use hookwarden_sdk::shell::analyze;
//!
//! let a = analyze(r#"sudo -u root env X=1 r"m" -rf /tmp/x && echo done"#);
//! assert_eq!(a.commands[0].program, "rm");
//! assert_eq!(a.commands[0].via, ["sudo", "env"]);
//! assert_eq!(a.commands[0].env, [("X".to_string(), "1".to_string())]);
//! assert!(!a.is_opaque());
//! assert!(analyze("$CMD -rf /").is_opaque());
//! # }
//! ```

use std::fmt;

#[cfg(feature = "parser")]
mod container;
#[cfg(feature = "parser")]
mod inline;
#[cfg(feature = "parser")]
mod nesting;
mod targets;
#[cfg(feature = "parser")]
mod walk;
#[cfg(feature = "parser")]
mod words;
#[cfg(feature = "parser")]
mod wrappers;

#[cfg(all(test, feature = "parser"))]
mod tests;

#[cfg(doc)]
use crate::ShellCommand;

// The analysis types are the WIT records of `wit/rule.wit`, so what the host
// computes reaches rules as is; their field docs live there.

/// A part of a command line that could not be analysed.
pub use crate::bindings::hookwarden::rule::types::Opaque;
/// Why part of a command line could not be analysed.
pub use crate::bindings::hookwarden::rule::types::OpaqueReason;
/// A redirection.
pub use crate::bindings::hookwarden::rule::types::Redirect;
/// The result of [`analyze`]: every simple command that would run, in source
/// order (commands found in substitutions and nested shells come after the
/// command holding them), the parts that could not be analysed, and the
/// names of the shell functions the command line defines.
pub use crate::bindings::hookwarden::rule::types::ShellAnalysis as Analysis;
/// One simple command that would run (see the field docs in `wit/rule.wit`).
///
/// `via` lists the wrappers and nesting the command was found through,
/// outermost first: a wrapper's name (`"sudo"`, `"env"`, `"xargs"`…),
/// `"find -exec"`, `"<shell> -c"` (`"bash -c"`, `"sh -c"`), `"eval"`,
/// `"ssh"`, `"su -c"`, `"trap"`, `"env -S"`, `"watch"`, `"parallel"`,
/// `"pipe-to-sh"`, `"heredoc-to-sh"`, `"herestring-to-sh"`, `"$(…)"`,
/// `` "`…`" ``, `"<(…)"`, `">(…)"`.
pub use crate::bindings::hookwarden::rule::types::SimpleCommand;
/// A word after quote removal.
pub use crate::bindings::hookwarden::rule::types::Word;

// wit-bindgen defines the type; `#[derive]` cannot reach it.
#[allow(clippy::derivable_impls)]
impl Default for Analysis {
    fn default() -> Self {
        Analysis {
            commands: Vec::new(),
            opaque: Vec::new(),
            functions: Vec::new(),
        }
    }
}

impl Analysis {
    /// Some part of the command line could not be analysed: do not allow it.
    pub fn is_opaque(&self) -> bool {
        !self.opaque.is_empty()
    }

    /// The commands whose resolved program is `program`.
    pub fn commands_named<'a>(
        &'a self,
        program: &'a str,
    ) -> impl Iterator<Item = &'a SimpleCommand> + 'a {
        self.commands.iter().filter(move |c| c.program == program)
    }
}

// wit-bindgen defines the type; `#[derive]` cannot reach it.
#[allow(clippy::derivable_impls)]
impl Default for SimpleCommand {
    fn default() -> Self {
        SimpleCommand {
            program: String::new(),
            program_path: String::new(),
            args: Vec::new(),
            redirects: Vec::new(),
            env: Vec::new(),
            via: Vec::new(),
            piped_into: None,
            piped_from: None,
            substituted_into: None,
            background: false,
            in_function: None,
            snippet: String::new(),
        }
    }
}

impl SimpleCommand {
    /// The argument texts.
    pub fn arg_texts(&self) -> impl Iterator<Item = &str> {
        self.args.iter().map(|w| w.text.as_str())
    }

    /// The command as it resolves, e.g. `rm -rf /` for `sudo r"m" -rf /`:
    /// the program path and arguments, unquoted, joined by spaces.
    pub fn command_line(&self) -> String {
        let mut s = self.program_path.clone();
        for a in &self.args {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&a.text);
        }
        s
    }

    /// Found through `label` (see [`SimpleCommand::via`]).
    pub fn is_via(&self, label: &str) -> bool {
        self.via.iter().any(|v| v == label)
    }
}

// wit-bindgen defines the type; `#[derive]` cannot reach it.
#[allow(clippy::derivable_impls)]
impl Default for Word {
    fn default() -> Self {
        Word {
            text: String::new(),
            literal: false,
        }
    }
}

impl Word {
    pub fn literal(text: impl Into<String>) -> Word {
        Word {
            text: text.into(),
            literal: true,
        }
    }
}

impl Redirect {
    /// Writes to its target (`>`, `>>`, `<>`, `>|`, `&>`, `&>>`, `>&` to a file).
    pub fn is_write(&self) -> bool {
        matches!(self.op.as_str(), ">" | ">>" | "<>" | ">|" | "&>" | "&>>")
            || (self.op == ">&"
                && !self
                    .target
                    .text
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '-'))
    }
}

impl fmt::Display for OpaqueReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpaqueReason::ParseError(e) => write!(f, "it does not parse ({e})"),
            OpaqueReason::DynamicProgram(w) => {
                write!(f, "the program to run comes from an expansion (`{w}`)")
            }
            OpaqueReason::EvalOfNonLiteral => write!(f, "it evals a string built at run time"),
            OpaqueReason::ShellOfNonLiteral => {
                write!(f, "a shell runs a script built at run time")
            }
            OpaqueReason::EncodedPayloadToShell => {
                write!(f, "an encoded payload is piped into a shell")
            }
            OpaqueReason::TooDeep => write!(f, "it is nested too deeply"),
            OpaqueReason::TooLarge => write!(f, "it is too large"),
        }
    }
}

impl fmt::Display for Opaque {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: `{}`", self.reason, self.snippet)
    }
}

/// Analyse a POSIX shell command line. Never panics; bounded in time and
/// depth. Whatever it cannot follow lands in [`Analysis::opaque`].
///
/// Needs the `parser` feature. Rules do not: the host runs this once per
/// hook call and hands the result to every rule as [`ShellCommand::analysis`].
#[cfg(feature = "parser")]
pub fn analyze(command: &str) -> Analysis {
    // brush-parser has `unwrap`s that input reaches (a file descriptor
    // number past `i32` in `99999999999>x`, which bash accepts): a panic
    // there leaves the command unanalysed, never the caller down.
    std::panic::catch_unwind(|| walk::Analyzer::run(command)).unwrap_or_else(|_| Analysis {
        opaque: vec![Opaque {
            reason: OpaqueReason::ParseError("the shell parser failed on it".into()),
            snippet: command.chars().take(200).collect(),
            via: Vec::new(),
        }],
        ..Analysis::default()
    })
}

/// Shells that run a script given with `-c` or read one from stdin.
pub const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "pdksh", "yash", "posh", "rbash", "fish",
    "csh", "tcsh",
];

/// A shell (see [`SHELLS`]).
pub fn is_shell(program: &str) -> bool {
    SHELLS.contains(&program)
}

/// A program that runs code it reads: a shell, `source`/`.`, `eval`, or a
/// scripting language interpreter (`python3`, `perl`, `node`, …).
pub fn is_interpreter(program: &str) -> bool {
    if is_shell(program) || matches!(program, "source" | "." | "eval") {
        return true;
    }
    const INTERPRETERS: &[&str] = &[
        "python",
        "perl",
        "ruby",
        "node",
        "nodejs",
        "deno",
        "bun",
        "php",
        "lua",
        "luajit",
        "tclsh",
        "pwsh",
        "powershell",
        "osascript",
        "Rscript",
        "julia",
        "elixir",
        "groovy",
        "jshell",
    ];
    let base = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    INTERPRETERS.contains(&program) || INTERPRETERS.contains(&base)
}

/// `text` with the variable `name` put in: `${name}`, `$name` where no
/// other name character follows (`$x` in `$x/y`, not in `$xy`), and the
/// forms that give a set, non-empty variable's value (`${name:?}`,
/// `${name:-default}`, `${name=default}`…).
///
/// ```
/// use hookwarden_sdk::shell::put_variable;
/// assert_eq!(put_variable("$x/y $xy ${x}", "x", "/t"), "/t/y $xy /t");
/// assert_eq!(put_variable("${x:?}/* ${x:-/a} ${x:+b}", "x", "/t"), "/t/* /t ${x:+b}");
/// ```
pub fn put_variable(text: &str, name: &str, value: &str) -> String {
    let mut text = text.replace(&format!("${{{name}}}"), value);
    if !value.is_empty() {
        let open = format!("${{{name}");
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(i) = rest.find(&open) {
            let after = &rest[i + open.len()..];
            let defaulted = [":?", ":-", ":=", "?", "-", "="]
                .iter()
                .any(|op| after.starts_with(op));
            // The default's own text ends at the first `}`, unless it nests.
            match after.find('}') {
                Some(end) if defaulted && !after[..end].contains(['{', '$', '`']) => {
                    out.push_str(&rest[..i]);
                    out.push_str(value);
                    rest = &after[end + 1..];
                }
                _ => {
                    out.push_str(&rest[..i + open.len()]);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        text = out;
    }
    let plain = format!("${name}");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find(&plain) {
        let after = &rest[i + plain.len()..];
        out.push_str(&rest[..i]);
        if after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            out.push_str(&plain);
        } else {
            out.push_str(value);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The last path component: `/usr/bin/rm` → `rm`.
pub fn basename(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return path;
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}
