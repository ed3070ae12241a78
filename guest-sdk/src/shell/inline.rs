//! Code other interpreters run from the command line (`python3 -c`,
//! `node -e`, `ruby -e`, `perl -e`, `php -r`, `awk '…'`, and the same fed
//! through a here-document or a pipe): the shell commands it starts and the
//! files it deletes.
//!
//! This is not a parser of those languages. It finds the calls that hand a
//! string to a shell (`os.system("…")`, `execSync('…')`, `system "…"`,
//! backticks) or an argument list to a program (`subprocess.run(["rm",
//! "-rf", "/"])`), and the standard library's deletes (`shutil.rmtree`,
//! `fs.rmSync`, `FileUtils.rm_rf`, `unlink`…), whose first argument is a
//! string literal or else a value known only at run time. The walker
//! analyses the shell strings as shell, and reports each argument list and
//! delete as the command it amounts to (`rm -rf /`), found through
//! `"python -c"`, `"node -e"`…, so every rule judges them as it judges shell.
//! Code that is not valid in the language (`node -e "rm -rf /"`) holds no
//! such call and yields nothing.

use super::Word;

/// An interpreter whose inline code is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    Python,
    Js,
    Ruby,
    Perl,
    Php,
    Awk,
}

impl Lang {
    /// The interpreter `program` is, if any.
    pub(super) fn of(program: &str) -> Option<Lang> {
        let base = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        Some(match base {
            "python" | "pypy" => Lang::Python,
            "node" | "nodejs" | "deno" | "bun" => Lang::Js,
            "ruby" | "jruby" => Lang::Ruby,
            "perl" => Lang::Perl,
            "php" => Lang::Php,
            "awk" | "gawk" | "mawk" | "nawk" | "busybox-awk" => Lang::Awk,
            _ => return None,
        })
    }

    /// How the code is named in `via`: `python -c`, `node -e`…
    pub(super) fn label(self) -> &'static str {
        match self {
            Lang::Python => "python -c",
            Lang::Js => "node -e",
            Lang::Ruby => "ruby -e",
            Lang::Perl => "perl -e",
            Lang::Php => "php -r",
            Lang::Awk => "awk",
        }
    }
}

/// Where the inline code is, for `program` run with `args`.
pub(super) enum Code<'a> {
    /// In these words (`-c CODE`; `ruby -e a -e b` has several).
    Args(Vec<&'a str>),
    /// Read from stdin: no script file is named (`python3 <<EOF`, `| node`).
    Stdin,
    /// A script file, or nothing to run.
    None,
}

/// Find the inline code of `lang` in `args`.
pub(super) fn code_in<'a>(lang: Lang, program: &str, args: &'a [Word]) -> Code<'a> {
    let code_options: &[&str] = match lang {
        Lang::Python => &["-c"],
        Lang::Js => &["-e", "--eval", "-p", "--print"],
        Lang::Ruby => &["-e"],
        Lang::Perl => &["-e", "-E"],
        Lang::Php => &["-r"],
        Lang::Awk => &[],
    };
    // Options of the interpreter that take a value (so it is not the script).
    let with_value: &[&str] = match lang {
        Lang::Python => &["-W", "-X", "-m"],
        Lang::Js => &["-r", "--require", "--import", "--loader", "--input-type"],
        Lang::Ruby => &["-r", "-I", "-C"],
        Lang::Perl => &["-I", "-M", "-m"],
        Lang::Php => &["-d", "-c", "-f"],
        Lang::Awk => &["-F", "-v", "-f", "--file", "--assign", "--field-separator"],
    };
    let mut found = Vec::new();
    let mut i = 0;
    // `deno eval CODE`.
    if program == "deno" {
        return match args.first() {
            Some(w) if w.text == "eval" => args
                .get(1)
                .map_or(Code::None, |c| Code::Args(vec![c.text.as_str()])),
            _ => Code::None,
        };
    }
    // The letters of the short code options, which may end a cluster of
    // flags (`python3 -Ic CODE`, `perl -we CODE`) or carry the code
    // (`perl -e'…'`, `python3 -c'…'`).
    let letters: Vec<char> = code_options
        .iter()
        .filter_map(|o| o.strip_prefix('-').filter(|l| l.len() == 1))
        .filter_map(|l| l.chars().next())
        .collect();
    while i < args.len() {
        let t = args[i].text.as_str();
        // `-eCODE` is code (not for node, whose `-pe` is `-p -e`); `-we`
        // is a flag then `-e`.
        let attached = lang != Lang::Js
            && t.len() > 2
            && t.starts_with('-')
            && !t.starts_with("--")
            && t[1..].starts_with(letters.as_slice());
        let cluster = !attached
            && t.len() > 2
            && t.starts_with('-')
            && !t.starts_with("--")
            && t.ends_with(letters.as_slice())
            && t[1..].chars().all(|c| c.is_ascii_alphabetic());
        if code_options.contains(&t) || cluster {
            if let Some(c) = args.get(i + 1) {
                found.push(c.text.as_str());
            }
            i += 2;
            continue;
        }
        if attached {
            found.push(&t[2..]);
            i += 1;
            continue;
        }
        if t == "-m" && lang == Lang::Python {
            // `python -m module`: a module, not inline code.
            return Code::None;
        }
        if lang == Lang::Awk && (t == "-f" || t.starts_with("--file")) {
            return Code::None;
        }
        if with_value.contains(&t) {
            i += 2;
            continue;
        }
        if t.starts_with('-') && t != "-" {
            i += 1;
            continue;
        }
        // The first operand: awk's program, or a script file (`-` is stdin).
        if !found.is_empty() {
            break;
        }
        if lang == Lang::Awk {
            return Code::Args(vec![args[i].text.as_str()]);
        }
        return if t == "-" { Code::Stdin } else { Code::None };
    }
    if found.is_empty() {
        if lang == Lang::Awk {
            Code::None
        } else {
            Code::Stdin
        }
    } else {
        Code::Args(found)
    }
}

/// What a piece of inline code runs.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Found {
    /// Strings handed to a shell; `None` for a string built at run time.
    pub shell: Vec<Option<String>>,
    /// Commands it runs or amounts to, as argument lists.
    pub commands: Vec<Vec<Word>>,
}

/// The calls that hand a string to a shell, per language.
fn shell_calls(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Python => &[
            "os.system",
            "os.popen",
            "subprocess.run",
            "subprocess.call",
            "subprocess.check_call",
            "subprocess.check_output",
            "subprocess.Popen",
            "subprocess.getoutput",
            "subprocess.getstatusoutput",
            "commands.getoutput",
            "pty.spawn",
        ],
        Lang::Js => &[
            "execSync",
            "exec",
            "spawnSync",
            "spawn",
            "execFileSync",
            "execFile",
        ],
        Lang::Ruby => &[
            "system",
            "exec",
            "spawn",
            "IO.popen",
            "Open3.capture2",
            "Open3.capture3",
            "%x",
        ],
        Lang::Perl => &["system", "exec", "qx"],
        Lang::Php => &[
            "system",
            "exec",
            "shell_exec",
            "passthru",
            "popen",
            "proc_open",
        ],
        Lang::Awk => &["system"],
    }
}

/// Deletes of the standard library, per language: the call and whether it
/// is recursive.
fn delete_calls(lang: Lang) -> &'static [(&'static str, bool)] {
    match lang {
        Lang::Python => &[
            ("shutil.rmtree", true),
            ("rmtree", true),
            ("os.remove", false),
            ("os.unlink", false),
            ("os.removedirs", false),
        ],
        Lang::Js => &[
            ("rmSync", true),
            ("rmdirSync", true),
            ("fs.rm", true),
            ("fs.promises.rm", true),
            ("unlinkSync", false),
            ("fs.unlink", false),
            ("Deno.remove", true),
        ],
        Lang::Ruby => &[
            ("FileUtils.rm_rf", true),
            ("FileUtils.rm_r", true),
            ("FileUtils.remove_dir", true),
            ("FileUtils.remove_entry", true),
            ("FileUtils.rmtree", true),
            ("rm_rf", true),
            ("FileUtils.rm", false),
            ("File.delete", false),
            ("File.unlink", false),
        ],
        Lang::Perl => &[("rmtree", true), ("remove_tree", true), ("unlink", false)],
        Lang::Php => &[("unlink", false)],
        Lang::Awk => &[],
    }
}

/// An argument known only at run time.
const RUN_TIME: &str = "$(a value of the script)";

fn run_time_word() -> Word {
    Word {
        text: RUN_TIME.into(),
        literal: false,
    }
}

/// Code read per interpreter call: enough for any one-liner or here-document
/// an agent writes, and a bound on the time a hostile one costs.
const MAX_CODE: usize = 64 * 1024;
/// Characters of one call's arguments read.
const MAX_ARGS_TEXT: usize = 4096;
/// Lists nested in an argument (`[[…]]`) read.
const MAX_LIST_DEPTH: usize = 8;

/// Read `code` of `lang`.
pub(super) fn read(lang: Lang, code: &str) -> Found {
    let code = match code.char_indices().nth(MAX_CODE) {
        Some((end, _)) => &code[..end],
        None => code,
    };
    let mut found = Found::default();
    // Backticks run a shell in Ruby, Perl and PHP.
    if matches!(lang, Lang::Ruby | Lang::Perl | Lang::Php) {
        let mut parts = code.split('`');
        parts.next();
        while let (Some(inside), Some(_)) = (parts.next(), parts.clone().next()) {
            found
                .shell
                .push((!inside.contains(['$', '#', '@'])).then(|| inside.to_string()));
        }
    }
    for call in shell_calls(lang) {
        for args in calls(code, call) {
            match args.first() {
                Some(Arg::Str(s)) if args.len() == 1 || !all_strings(&args) => {
                    found.shell.push(Some(s.clone()))
                }
                // `system("rm", "-rf", "/")`, `spawn("rm", ["-rf", "/"])`.
                Some(Arg::Str(_)) => found.commands.push(words_of(&args)),
                Some(Arg::List(items)) => found.commands.push(words_of(items)),
                _ => found.shell.push(None),
            }
        }
    }
    for (call, recursive) in delete_calls(lang) {
        for args in calls(code, call) {
            let target = match args.first() {
                Some(Arg::Str(s)) => Word::literal(s.clone()),
                // `unlink glob("/etc/*")`.
                Some(Arg::Glob(s)) => Word::literal(s.clone()),
                _ => run_time_word(),
            };
            let flags = if *recursive { "-rf" } else { "-f" };
            found
                .commands
                .push(vec![Word::literal("rm"), Word::literal(flags), target]);
        }
    }
    // `shutil.rmtree(…)` also matches `rmtree(…)`: one call, reported once.
    let mut seen = Vec::new();
    found.commands.retain(|c| {
        let new = !seen.contains(c);
        seen.push(c.clone());
        new
    });
    let mut seen = Vec::new();
    found.shell.retain(|s| {
        let new = s.is_none() || !seen.contains(s);
        seen.push(s.clone());
        new
    });
    found
}

/// One argument of a call, as far as it matters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Arg {
    Str(String),
    List(Vec<Arg>),
    /// Perl's `glob("…")`.
    Glob(String),
    Other,
}

fn all_strings(args: &[Arg]) -> bool {
    args.iter().all(|a| matches!(a, Arg::Str(_) | Arg::List(_)))
}

fn words_of(args: &[Arg]) -> Vec<Word> {
    let mut out = Vec::new();
    for a in args {
        match a {
            Arg::Str(s) => out.push(Word::literal(s.clone())),
            Arg::List(items) => out.extend(words_of(items)),
            Arg::Glob(s) => out.push(Word::literal(s.clone())),
            Arg::Other => out.push(run_time_word()),
        }
    }
    out
}

/// The argument lists of every call of `name` in `code`: `name(…)`, and for
/// Perl/Ruby/awk also `name "…"` without parentheses.
fn calls(code: &str, name: &str) -> Vec<Vec<Arg>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = code[from..].find(name) {
        let start = from + pos;
        let end = start + name.len();
        from = end;
        // A whole name: not `my_system(` or `os.systems(`.
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            || (before == Some('.') && !name.contains('.') && !is_method_like(name))
        {
            continue;
        }
        let rest = &code[end..];
        let trimmed = rest.trim_start_matches([' ', '\t']);
        let open = trimmed.chars().next();
        let (body, closer) = match open {
            Some('(') => (&trimmed[1..], ')'),
            Some('{') if name == "qx" || name == "%x" => (&trimmed[1..], '}'),
            Some('"' | '\'') if !rest.starts_with(['(', '.']) => (trimmed, '\n'),
            // Perl's `unlink glob "…"`, `unlink $f`.
            Some(c) if name == "unlink" && (c.is_alphabetic() || c == '$') => (trimmed, ';'),
            _ => continue,
        };
        let body = match body.char_indices().nth(MAX_ARGS_TEXT) {
            Some((end, _)) => &body[..end],
            None => body,
        };
        out.push(parse_args(body, closer));
        if out.len() >= 64 {
            break;
        }
    }
    out
}

/// Calls that are methods as often as functions (`child_process.execSync`,
/// `cp.exec`, `require('fs').rmSync`).
fn is_method_like(name: &str) -> bool {
    matches!(
        name,
        "execSync"
            | "exec"
            | "spawnSync"
            | "spawn"
            | "execFileSync"
            | "execFile"
            | "rmSync"
            | "rmdirSync"
            | "unlinkSync"
            | "rm_rf"
            | "rmtree"
            | "system"
    )
}

/// The arguments at the start of `body`, up to `closer` (or the end).
fn parse_args(body: &str, closer: char) -> Vec<Arg> {
    let mut args = Vec::new();
    let mut chars = body.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        match chars.peek() {
            None => break,
            Some(c) if *c == closer => break,
            _ => {}
        }
        let arg = parse_arg(&mut chars, 0);
        let stop = arg.is_none();
        args.push(arg.unwrap_or(Arg::Other));
        if stop || args.len() >= 64 {
            break;
        }
    }
    args
}

/// One argument; `None` when the rest cannot be read.
fn parse_arg(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, depth: usize) -> Option<Arg> {
    if depth > MAX_LIST_DEPTH {
        return None;
    }
    // String prefixes (`r"…"`, `b'…'`) are read as plain strings.
    let c = *chars.peek()?;
    match c {
        '"' | '\'' => {
            chars.next();
            let mut s = String::new();
            while let Some(d) = chars.next() {
                match d {
                    '\\' => match chars.next() {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some(e) => s.push(e),
                        None => return None,
                    },
                    d if d == c => {
                        // An interpolated or concatenated string is run-time.
                        let next = skip_spaces(chars);
                        if matches!(next, Some('+' | '.' | '%'))
                            || s.contains("${")
                            || s.contains("#{")
                        {
                            skip_arg(chars);
                            return Some(Arg::Other);
                        }
                        return Some(Arg::Str(s));
                    }
                    d => s.push(d),
                }
            }
            None
        }
        '[' => {
            chars.next();
            let mut items = Vec::new();
            loop {
                while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
                    chars.next();
                }
                match chars.peek() {
                    Some(']') => {
                        chars.next();
                        break;
                    }
                    None => return None,
                    _ => items.push(parse_arg(chars, depth + 1)?),
                }
            }
            Some(Arg::List(items))
        }
        _ => {
            let word: String = std::iter::from_fn(|| {
                chars.next_if(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
            })
            .collect();
            if word == "glob" && chars.peek() == Some(&'(') {
                chars.next();
                if let Some(Arg::Str(s)) = parse_arg(chars, depth + 1) {
                    skip_arg(chars);
                    return Some(Arg::Glob(s));
                }
            }
            // `r"…"`, `b'…'`, `f"…"` (f-strings are run-time).
            if matches!(word.as_str(), "r" | "b" | "rb" | "br" | "u")
                && chars.peek().is_some_and(|c| *c == '"' || *c == '\'')
            {
                return parse_arg(chars, depth + 1);
            }
            skip_arg(chars);
            Some(Arg::Other)
        }
    }
}

fn skip_spaces(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<char> {
    while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
        chars.next();
    }
    chars.peek().copied()
}

/// Skip to the end of the current argument (a `,` or `)` at depth 0).
fn skip_arg(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    while let Some(&c) = chars.peek() {
        match quote {
            Some(q) => {
                chars.next();
                if c == '\\' {
                    chars.next();
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => return,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => return,
                _ => {}
            },
        }
        chars.next();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(lang: Lang, code: &str) -> (Vec<Option<String>>, Vec<String>) {
        let f = read(lang, code);
        let cmds = f
            .commands
            .iter()
            .map(|c| {
                c.iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        (f.shell, cmds)
    }

    #[test]
    fn shell_strings_and_argument_lists() {
        assert_eq!(
            lines(Lang::Python, "import os; os.system('rm -rf /')").0,
            [Some("rm -rf /".into())]
        );
        assert_eq!(
            lines(
                Lang::Python,
                "import subprocess\nsubprocess.run([\"rm\", \"-rf\", \"/\"])"
            )
            .1,
            ["rm -rf /"]
        );
        assert_eq!(
            lines(
                Lang::Js,
                "require('child_process').execSync('git reset --hard')"
            )
            .0,
            [Some("git reset --hard".into())]
        );
        assert_eq!(
            lines(Lang::Ruby, "system(\"rm\", \"-rf\", \"/srv\")").1,
            ["rm -rf /srv"]
        );
        assert_eq!(
            lines(Lang::Perl, "system('rm -rf /home/user');").0,
            [Some("rm -rf /home/user".into())]
        );
        assert_eq!(
            lines(Lang::Ruby, "puts `ls -la`").0,
            [Some("ls -la".into())]
        );
        assert_eq!(
            lines(Lang::Awk, "BEGIN { system(\"rm -rf ~\") }").0,
            [Some("rm -rf ~".into())]
        );
        // Built at run time: unknown.
        assert_eq!(lines(Lang::Python, "import os; os.system(cmd)").0, [None]);
        assert_eq!(lines(Lang::Python, "os.system('rm -rf ' + d)").0, [None]);
    }

    #[test]
    fn deletes_of_the_standard_library() {
        assert_eq!(
            lines(Lang::Python, "import shutil; shutil.rmtree('/home/user')").1,
            ["rm -rf /home/user"]
        );
        assert_eq!(
            lines(Lang::Python, "os.remove(\"/etc/passwd\")").1,
            ["rm -f /etc/passwd"]
        );
        assert_eq!(
            lines(Lang::Js, "require('fs').rmSync('/', {recursive:true})").1,
            ["rm -rf /"]
        );
        assert_eq!(lines(Lang::Ruby, "FileUtils.rm_rf('/')").1, ["rm -rf /"]);
        assert_eq!(
            lines(Lang::Perl, "unlink glob(\"/etc/*\");").1,
            ["rm -f /etc/*"]
        );
        assert_eq!(
            lines(Lang::Python, "shutil.rmtree(path)").1,
            [format!("rm -rf {RUN_TIME}")]
        );
    }

    #[test]
    fn hostile_code_is_bounded() {
        let deep = format!(
            "os.system({}'x'{})",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let _ = read(Lang::Python, &deep);
        // Each call reads a bounded part of what follows it, and at most 64
        // calls per name are read: linear, where this would be quadratic.
        let many = "os.system(".repeat(50_000);
        assert!(read(Lang::Python, &many).shell.len() <= 64);
    }

    #[test]
    fn code_is_found_in_flag_clusters_and_attached() {
        let words = |s: &str| -> Vec<Word> { s.split(' ').map(Word::literal).collect() };
        for (lang, program, args, code) in [
            (Lang::Python, "python3", "-Ic CODE", "CODE"),
            (Lang::Python, "python3", "-u -c CODE", "CODE"),
            (Lang::Python, "python3", "-cCODE", "CODE"),
            (Lang::Perl, "perl", "-wle CODE", "CODE"),
            (Lang::Perl, "perl", "-eCODE", "CODE"),
            (Lang::Ruby, "ruby", "-ne CODE", "CODE"),
            (Lang::Js, "node", "-pe CODE", "CODE"),
            (Lang::Php, "php", "-rCODE", "CODE"),
        ] {
            let args = words(args);
            match code_in(lang, program, &args) {
                Code::Args(found) => assert_eq!(found, [code], "{program} {args:?}"),
                _ => panic!("{program} {args:?}: no code found"),
            }
        }
        for (lang, program, args) in [
            (Lang::Python, "python3", "-u script.py"),
            (Lang::Python, "python3", "-m http.server"),
            (Lang::Perl, "perl", "-i.bak script.pl"),
            (Lang::Ruby, "ruby", "-Eutf-8 app.rb"),
        ] {
            let args = words(args);
            assert!(
                matches!(code_in(lang, program, &args), Code::None),
                "{program} {args:?}"
            );
        }
    }

    #[test]
    fn code_that_runs_nothing() {
        for (lang, code) in [
            (Lang::Js, "rm -rf /"),
            (Lang::Python, "print('os.system is a function')"),
            (Lang::Python, "import json; print(json.dumps({'a': 1}))"),
            (Lang::Ruby, "puts 'hello'"),
            (Lang::Python, "my_system('rm -rf /')"),
        ] {
            assert_eq!(read(lang, code), Found::default(), "{code}");
        }
    }
}
