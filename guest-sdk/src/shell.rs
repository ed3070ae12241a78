//! Shell command analysis on a real bash grammar (`brush-parser`).
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
//!   `setsid`, `busybox`, `unbuffer`, `xargs`, `parallel`, `watch`,
//!   `find -exec`, with their options;
//! - nested shells: `bash -c '…'`, `sh -c`, `zsh -c`…, `eval '…'`, `su -c`,
//!   `trap '…'`, `env -S`, `ssh host '…'`, here-documents and here-strings
//!   fed to a shell, and `echo '…' | sh` (parsed recursively, depth-bounded);
//! - pipes into interpreters ([`SimpleCommand::piped_into`]) and
//!   substitutions consumed by one ([`SimpleCommand::substituted_into`]).
//!
//! Whatever cannot be analysed is reported in [`Analysis::opaque`]: a parse
//! error, a program name that comes from an expansion (`$x -rf /`), `eval` or
//! `bash -c` of a non-literal string, an encoded payload piped into a shell
//! (`base64 -d | sh`), input too large or too deeply nested. A rule should
//! never allow an opaque command (design principle 4).
//!
//! ```
//! use hookwarden_sdk::shell::analyze;
//!
//! let a = analyze(r#"sudo -u root env X=1 r"m" -rf /tmp/x && echo done"#);
//! assert_eq!(a.commands[0].program, "rm");
//! assert_eq!(a.commands[0].via, ["sudo", "env"]);
//! assert_eq!(a.commands[0].env, [("X".to_string(), "1".to_string())]);
//! assert!(!a.is_opaque());
//! assert!(analyze("$CMD -rf /").is_opaque());
//! ```

use std::fmt;

mod targets;
mod walk;
mod words;
mod wrappers;

#[cfg(test)]
mod tests;

/// The result of [`analyze`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Every simple command that would run, in source order (commands found
    /// in substitutions and nested shells come after the command holding them).
    pub commands: Vec<SimpleCommand>,
    /// Parts of the command line that could not be analysed.
    pub opaque: Vec<Opaque>,
    /// Names of the shell functions the command line defines.
    pub functions: Vec<String>,
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

/// One simple command that would run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimpleCommand {
    /// The resolved program name: quotes and escapes removed, and the
    /// basename of a path (`/usr/bin/rm` → `rm`). Empty for a command made of
    /// redirections only (`> /dev/sda`).
    pub program: String,
    /// The program as written, after unquoting (`/usr/bin/rm`).
    pub program_path: String,
    /// The arguments, unquoted, after brace expansion.
    pub args: Vec<Word>,
    /// Redirections, including those of an enclosing compound command
    /// (`{ …; } > f`).
    pub redirects: Vec<Redirect>,
    /// Leading `VAR=value` assignments (also those given to `env` or `sudo`).
    pub env: Vec<(String, String)>,
    /// Wrappers and nesting the command was found through, outermost first:
    /// a wrapper's name (`"sudo"`, `"env"`, `"xargs"`…), `"find -exec"`,
    /// `"<shell> -c"` (`"bash -c"`, `"sh -c"`), `"eval"`, `"ssh"`, `"su -c"`,
    /// `"trap"`, `"env -S"`, `"watch"`, `"parallel"`, `"pipe-to-sh"`,
    /// `"heredoc-to-sh"`, `"herestring-to-sh"`, `"$(…)"`, `` "`…`" ``,
    /// `"<(…)"`, `">(…)"`.
    pub via: Vec<String>,
    /// The program on the right of the pipe this command writes into
    /// (`curl … | sudo bash` → `"bash"`).
    pub piped_into: Option<String>,
    /// The program on the left of the pipe this command reads from.
    pub piped_from: Option<String>,
    /// For a command inside a substitution (`$(…)`, `<(…)`), the program of
    /// the command that consumes its output: `bash <(curl …)` → `"bash"`,
    /// `sh -c "$(curl …)"` → `"sh"`, `source <(…)` → `"source"`.
    pub substituted_into: Option<String>,
    /// Runs in the background (`… &`).
    pub background: bool,
    /// The innermost function whose body holds the command.
    pub in_function: Option<String>,
    /// The source text of the simple command it was found in, as written.
    pub snippet: String,
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

/// A word after quote removal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Word {
    /// The unquoted text. Expansions keep their source form (`$HOME`,
    /// `${x:-y}`, `$(cmd)`); a tilde prefix stays `~` / `~user`; globs stay
    /// as written (`*`).
    pub text: String,
    /// The word holds no parameter, command or arithmetic expansion, so
    /// `text` is what the program receives (modulo tilde and glob expansion).
    pub literal: bool,
}

impl Word {
    pub fn literal(text: impl Into<String>) -> Word {
        Word {
            text: text.into(),
            literal: true,
        }
    }
}

/// A redirection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The explicit file descriptor (`2>` → 2).
    pub fd: Option<i32>,
    /// The operator: `>`, `>>`, `<`, `<>`, `>|`, `<&`, `>&`, `&>`, `&>>`,
    /// `<<` / `<<-` (here-document), `<<<` (here-string).
    pub op: String,
    /// The target word; for a here-document, its body.
    pub target: Word,
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

/// Why part of a command line could not be analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpaqueReason {
    /// The command line (or a nested one) does not parse.
    ParseError(String),
    /// The program name comes from an expansion: `$x -rf /`, `$(cmd) …`,
    /// `${IFS}` tricks. Holds the word as written.
    DynamicProgram(String),
    /// `eval` of a string that holds expansions.
    EvalOfNonLiteral,
    /// A shell runs a string that holds expansions (`bash -c "$x"`,
    /// `ssh host "$cmd"`), or a script produced by another program
    /// (`sed … | sh`).
    ShellOfNonLiteral,
    /// A decoded payload is piped into a shell (`base64 -d | sh`).
    EncodedPayloadToShell,
    /// Nested deeper than the analyser follows.
    TooDeep,
    /// Longer, or holding more commands, than the analyser follows.
    TooLarge,
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

/// A part of a command line that could not be analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opaque {
    pub reason: OpaqueReason,
    /// The source text concerned (shortened when long).
    pub snippet: String,
    /// Wrappers and nesting it was found through (as [`SimpleCommand::via`]).
    pub via: Vec<String>,
}

impl fmt::Display for Opaque {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: `{}`", self.reason, self.snippet)
    }
}

/// Analyse a POSIX shell command line. Never panics; bounded in time and
/// depth. Whatever it cannot follow lands in [`Analysis::opaque`].
pub fn analyze(command: &str) -> Analysis {
    walk::Analyzer::run(command)
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

/// The last path component: `/usr/bin/rm` → `rm`.
pub fn basename(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return path;
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}
