//! Structure-aware shell scripts for `shell_structured`.
//!
//! A [`Script`] is a command that must be found (the *marker*, `rm -rf ~`
//! written one of the ways the analysis resolves) and a list of operations
//! applied to it from the inside out: wrap it in a compound command, a
//! substitution, a nested shell or a here-document, nest such a wrapper
//! hundreds of times, put other commands before or after it. The fuzzer
//! mutates the (short) operation list; the rendered script can be deep and
//! long, which byte-level mutation rarely reaches.
//!
//! Every operation keeps the marker a command the shell would run, so a
//! correct analysis either reports a command named `rm` or says it could
//! not follow the script (`is_opaque`): [`Script::render`] returns the
//! script and that oracle applies. Only words that cannot change how the
//! rest parses are used around the marker — no quotes, `#`, backslashes or
//! here-document operators of the fuzzer's choosing — but closers used as
//! plain arguments (`echo }`, `echo fi`) are, as they confuse naive
//! nesting counts.

use arbitrary::Arbitrary;

/// Stop applying operations once the script is this long: the analysis
/// refuses input over 256 KiB (`MAX_INPUT`) unparsed, so a little past that
/// still exercises the limit without wasting time.
pub const MAX_SCRIPT_BYTES: usize = 300 << 10;
/// Nesting counts are taken modulo this.
pub const MAX_NEST: usize = 4096;
/// Wrappers that quote their contents grow it on every level: nest at most
/// this many of them in one operation.
const MAX_QUOTING_NEST: usize = 10;

#[derive(Arbitrary, Debug, Clone)]
pub struct Script {
    pub marker: Marker,
    pub ops: Vec<Op>,
}

/// `rm -rf ~`, spelled one of the ways the analysis resolves to `rm`.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Marker {
    Plain,
    Sudo,
    Env,
    Command,
    Backslash,
    DoubleQuoted,
    AnsiC,
    Path,
    Nohup,
    Timeout,
    BraceExpansion,
}

impl Marker {
    pub fn text(self) -> &'static str {
        match self {
            Marker::Plain => "rm -rf ~",
            Marker::Sudo => "sudo -u root rm -rf ~",
            Marker::Env => "env X=1 rm -rf ~",
            Marker::Command => "command rm -rf ~",
            Marker::Backslash => "\\rm -rf ~",
            Marker::DoubleQuoted => "r\"m\" -rf ~",
            Marker::AnsiC => "$'\\x72m' -rf ~",
            Marker::Path => "/bin/rm -rf ~",
            Marker::Nohup => "nohup rm -rf ~",
            Marker::Timeout => "timeout 5 rm -rf ~",
            Marker::BraceExpansion => "{rm,-rf,~}",
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Op {
    /// Wrap the script once.
    Wrap(Wrap, Decoy),
    /// Wrap it `count % MAX_NEST` times.
    Nest(Wrap, Decoy, u16),
    /// `side SEP script`.
    Before(Side, Sep),
    /// `script SEP side`.
    After(Sep, Side),
    /// The script `count % 64` times, separated by `sep`.
    Repeat(Sep, u8),
}

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    Brace,
    Subshell,
    Dollar,
    Backtick,
    Default,
    DoubleQuotedDollar,
    If,
    IfCondition,
    Else,
    While,
    Until,
    For,
    Case,
    Function,
    BashC,
    ShC,
    Eval,
    EchoPipeSh,
    HereDocShell,
    HereDocSubstitution,
    HereString,
    ProcessSubstitution,
    Pipeline,
    Background,
}

/// A command put first inside a wrapper.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Decoy {
    None,
    CloseBrace,
    OpenBrace,
    Fi,
    Then,
    Done,
    Do,
    Esac,
    In,
    QuotedParen,
    Bracket,
    Arithmetic,
    Assignment,
    Comment,
    Colon,
}

impl Decoy {
    fn text(self) -> &'static str {
        match self {
            Decoy::None => "",
            Decoy::CloseBrace => "echo }",
            Decoy::OpenBrace => "echo {",
            Decoy::Fi => "echo fi",
            Decoy::Then => "echo then",
            Decoy::Done => "echo done",
            Decoy::Do => "echo do",
            Decoy::Esac => "echo esac",
            Decoy::In => "echo in",
            Decoy::QuotedParen => "echo ')' \"(\"",
            Decoy::Bracket => "[ -e ] ]",
            Decoy::Arithmetic => "echo $((1+(2)))",
            Decoy::Assignment => "x=$(true) y=`true`",
            Decoy::Comment => "# } fi done esac )",
            Decoy::Colon => ":",
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Sep {
    Semicolon,
    Newline,
    And,
    Or,
    Pipe,
    Amp,
}

impl Sep {
    fn text(self) -> &'static str {
        match self {
            Sep::Semicolon => "; ",
            Sep::Newline => "\n",
            Sep::And => " && ",
            Sep::Or => " || ",
            Sep::Pipe => " | ",
            Sep::Amp => " & ",
        }
    }
}

/// A simple command of harmless words: a program and up to 7 arguments.
#[derive(Arbitrary, Debug, Clone)]
pub struct Side {
    pub program: u8,
    pub args: Vec<u8>,
}

const PROGRAMS: &[&str] = &[
    "echo", "ls", "cat", "true", "printf", "test", "git", "grep", "x", "env", ":", "cd",
];
/// Arguments that do not change how what follows parses (no quotes, `#`,
/// `\`, `<<`, `$((`), including closers and keywords used as plain words.
const ARGS: &[&str] = &[
    "}",
    "{",
    "fi",
    "then",
    "done",
    "do",
    "esac",
    "in",
    "if",
    "case",
    "for",
    "while",
    "]",
    "[",
    "!",
    "--",
    "-rf",
    "-c",
    "/",
    "/tmp/x",
    "~",
    "$HOME",
    "${x}",
    "*",
    "a=b",
    "x",
    "..",
    "-",
    "bash",
    "sh",
    "rm",
    "$(true)",
    "`true`",
    "{a,b}",
    "2>/dev/null",
    ">f",
    "<f",
    "'q'",
    "\"d\"",
];

impl Side {
    fn text(&self) -> String {
        let mut s = PROGRAMS[self.program as usize % PROGRAMS.len()].to_string();
        for a in self.args.iter().take(7) {
            s.push(' ');
            s.push_str(ARGS[*a as usize % ARGS.len()]);
        }
        s
    }
}

/// `'…'` around `s`, its own `'` written `'\''`.
fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

impl Wrap {
    /// Wrappers whose text quotes the inner script: they cannot be nested
    /// as a repeated prefix and suffix.
    fn quotes(self) -> bool {
        matches!(
            self,
            Wrap::Backtick
                | Wrap::BashC
                | Wrap::ShC
                | Wrap::Eval
                | Wrap::EchoPipeSh
                | Wrap::HereString
                | Wrap::HereDocShell
                | Wrap::HereDocSubstitution
        )
    }

    /// `inner` wrapped once; `n` makes here-document delimiters unique.
    fn apply(self, decoy: Decoy, inner: &str, n: usize) -> String {
        // The decoy, if any, is a command of its own line before `inner`.
        let body = match decoy.text() {
            "" => inner.to_string(),
            d => format!("{d}\n{inner}"),
        };
        match self {
            Wrap::Brace => format!("{{ {body}\n}}"),
            Wrap::Subshell => format!("( {body}\n)"),
            Wrap::Dollar => format!("echo $({body}\n)"),
            // Backslashes and backticks inside backticks need escaping; use
            // `$(…)` for those.
            Wrap::Backtick if body.contains(['`', '\\']) => format!("echo $({body}\n)"),
            Wrap::Backtick => format!("echo `{body}\n`"),
            Wrap::Default => format!("echo ${{x:-$({body}\n)}}"),
            Wrap::DoubleQuotedDollar => format!("echo \"$({body}\n)\""),
            Wrap::If => format!("if true; then {body}\nfi"),
            Wrap::IfCondition => format!("if {body}\nthen :\nfi"),
            Wrap::Else => format!("if false; then :\nelse {body}\nfi"),
            Wrap::While => format!("while {body}\ndo :\ndone"),
            Wrap::Until => format!("until {body}\ndo :\ndone"),
            Wrap::For => format!("for i in a b; do {body}\ndone"),
            Wrap::Case => format!("case $x in a|*) {body}\n;; esac"),
            Wrap::Function => format!("f{n}() {{ {body}\n}}\nf{n}"),
            Wrap::BashC => format!("bash -c {}", single_quoted(&body)),
            Wrap::ShC => format!("sh -c {}", single_quoted(&body)),
            Wrap::Eval => format!("eval {}", single_quoted(&body)),
            Wrap::EchoPipeSh => format!("echo {} | sh", single_quoted(&body)),
            Wrap::HereDocShell => format!("bash <<'HW{n}'\n{body}\nHW{n}\n"),
            Wrap::HereDocSubstitution => format!("cat <<HW{n}\n$({body}\n)\nHW{n}\n"),
            Wrap::HereString => format!("bash <<< {}", single_quoted(&body)),
            Wrap::ProcessSubstitution => format!("cat <({body}\n)"),
            Wrap::Pipeline => format!("echo a | {{ {body}\n}} | cat"),
            Wrap::Background => format!("{{ {body}\n}} &"),
        }
    }
}

impl Script {
    /// The script's text. [`Script`]'s oracle: the analysis of it reports a
    /// command named `rm`, or is opaque.
    pub fn render(&self) -> String {
        let mut text = self.marker.text().to_string();
        for (i, op) in self.ops.iter().enumerate() {
            if text.len() > MAX_SCRIPT_BYTES {
                break;
            }
            match op {
                Op::Wrap(w, d) => text = w.apply(*d, &text, i),
                Op::Nest(w, d, count) => {
                    let count = *count as usize % MAX_NEST;
                    if w.quotes() || matches!(w, Wrap::Function) {
                        for k in 0..count.min(MAX_QUOTING_NEST) {
                            if text.len() > MAX_SCRIPT_BYTES {
                                break;
                            }
                            text = w.apply(*d, &text, i * MAX_NEST + k);
                        }
                    } else {
                        // One prefix and suffix, repeated: `{ echo }` ×N …
                        const HOLE: &str = "\u{0}";
                        let once = w.apply(*d, HOLE, i);
                        let (pre, post) = once.split_once(HOLE).expect("the hole is kept");
                        let room = MAX_SCRIPT_BYTES.saturating_sub(text.len());
                        let count = count.min(room / (pre.len() + post.len()).max(1) + 1);
                        let mut out =
                            String::with_capacity(text.len() + count * (pre.len() + post.len()));
                        for _ in 0..count {
                            out.push_str(pre);
                        }
                        out.push_str(&text);
                        for _ in 0..count {
                            out.push_str(post);
                        }
                        text = out;
                    }
                }
                Op::Before(side, sep) => text = format!("{}{}{text}", side.text(), sep.text()),
                Op::After(sep, side) => text = format!("{text}{}{}", sep.text(), side.text()),
                Op::Repeat(sep, count) => {
                    let count = (*count as usize % 64).max(1);
                    let room = MAX_SCRIPT_BYTES.saturating_sub(text.len()) / (text.len() + 2);
                    let count = count.min(room + 1);
                    text = vec![text.as_str(); count].join(sep.text());
                }
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_deep_braces_render() {
        let s = Script {
            marker: Marker::Plain,
            ops: vec![Op::Nest(Wrap::Brace, Decoy::CloseBrace, 3)],
        };
        assert_eq!(
            s.render(),
            "{ echo }\n{ echo }\n{ echo }\nrm -rf ~\n}\n}\n}"
        );
    }

    #[test]
    fn quoting_wrappers_keep_the_marker_a_command() {
        let s = Script {
            marker: Marker::Plain,
            ops: vec![
                Op::Wrap(Wrap::BashC, Decoy::None),
                Op::Wrap(Wrap::Eval, Decoy::None),
            ],
        };
        assert_eq!(s.render(), r"eval 'bash -c '\''rm -rf ~'\'''");
    }
}
