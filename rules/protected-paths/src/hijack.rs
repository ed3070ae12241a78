//! PATH hijacks (category `path-hijack`): a program named like a common
//! tool ([`COMMON_TOOLS`]) put where the shell finds it before the real one —
//! a directory on `PATH` ([`PATH_DIRS`]) or one the same command line puts
//! first on `PATH` — and a start-up file line that puts the working
//! directory, a scratch directory or the workspace first on `PATH`.
//!
//! `PATH` directives are read from text (a command line, what is written
//! into a start-up file) with a small word splitter: `PATH=…` (also after
//! `export`, `env`, `declare -x`), fish's `fish_add_path` and
//! `set [-gx|-p] PATH|fish_user_paths …`, zsh's `path=(… $path)`. An entry
//! counts when it comes before `$PATH` (or there is no `$PATH`: the value
//! replaces it); appended entries shadow nothing.
//!
//! [`PATH_DIRS`]: crate::guards::PATH_DIRS

use hookwarden_sdk::paths::{expand_home, home_relative, normalize};
use hookwarden_sdk::shell::basename;

use crate::guards::{COMMON_TOOLS, Located, in_temp_dir};

/// The common tool `path` is named like, if any (never for a glob). Case
/// does not matter: macOS finds `Git` when `git` is typed.
pub fn tool_name(path: &Located) -> Option<&'static str> {
    if path.is_glob() {
        return None;
    }
    let name = basename(path.as_str());
    COMMON_TOOLS
        .iter()
        .copied()
        .find(|t| t.eq_ignore_ascii_case(name))
}

/// A link or copy of a system program under a name of its own family
/// (`ln -s /usr/bin/python3 ~/.local/bin/python`, `/usr/bin/nodejs` as
/// `node`): an alias, not a hijack. The source must be literal, absolute,
/// in a system or package manager's directory, and share the name's stem.
pub fn is_system_alias(source: &str, name: &str) -> bool {
    const SYSTEM: &[&str] = &[
        "/usr/",
        "/bin/",
        "/sbin/",
        "/snap/",
        "/nix/store/",
        "/opt/homebrew/",
    ];
    if !SYSTEM.iter().any(|d| source.starts_with(d)) || source.contains("/../") {
        return false;
    }
    let stem = |s: &str| {
        s.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
            .to_owned()
    };
    let (src, dst) = (stem(basename(source)), stem(name));
    !dst.is_empty() && src.starts_with(&dst)
}

/// The words of `text`, split into statements: quotes removed (a quote
/// does not outlive its line), `\` escapes the next character, `#` at the
/// start of a word comments out the rest of the line; `;`, `&`, `|` and
/// newlines end a statement.
fn statements(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut started = false;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut chars = text.chars();
    let flush = |word: &mut String, started: &mut bool, words: &mut Vec<String>| {
        if *started {
            words.push(std::mem::take(word));
            *started = false;
        }
    };
    while let Some(c) = chars.next() {
        if comment {
            if c == '\n' {
                comment = false;
                out.push(std::mem::take(&mut words));
            }
            continue;
        }
        match (quote, c) {
            (_, '\n') => {
                quote = None;
                flush(&mut word, &mut started, &mut words);
                out.push(std::mem::take(&mut words));
            }
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), c) => word.push(c),
            (Some(_) | None, '\\') => {
                if let Some(next) = chars.next() {
                    word.push(next);
                    started = true;
                }
            }
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, '#') if !started => comment = true,
            (None, c) if c.is_whitespace() => flush(&mut word, &mut started, &mut words),
            (None, ';' | '&' | '|') => {
                flush(&mut word, &mut started, &mut words);
                out.push(std::mem::take(&mut words));
            }
            (None, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    flush(&mut word, &mut started, &mut words);
    out.push(words);
    out.retain(|s| !s.is_empty());
    out
}

/// `$PATH`, `${PATH}`, `${PATH:+:$PATH}`, `$fish_user_paths`, `$path`…
fn names_var(entry: &str, vars: &[&str]) -> bool {
    vars.iter()
        .any(|v| entry.contains(&format!("${v}")) || entry.contains(&format!("${{{v}")))
}

/// The entries before the first one naming the old value; all of them when
/// none does (the value replaces it).
fn before_old<'a>(entries: impl IntoIterator<Item = &'a str>, vars: &[&str]) -> Vec<String> {
    entries
        .into_iter()
        .take_while(|e| !names_var(e, vars))
        .map(str::to_owned)
        .collect()
}

/// The directories the `PATH` directives in `text` put first on `PATH`,
/// as written. A quoted string holding a directive (`echo 'export
/// PATH=…' >> ~/.bashrc`, `bash -c '…'`) is read too.
pub fn prepended(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    prepended_in(text, 0, &mut out);
    out
}

fn prepended_in(text: &str, depth: usize, out: &mut Vec<String>) {
    for words in statements(text) {
        for (i, w) in words.iter().enumerate() {
            if depth < 3
                && w.contains(char::is_whitespace)
                && w.to_ascii_lowercase().contains("path")
                && !w.starts_with("PATH=")
                && !w.starts_with("path=(")
            {
                prepended_in(w, depth + 1, out);
                continue;
            }
            if let Some(value) = w.strip_prefix("PATH=") {
                out.extend(before_old(value.split(':'), &["PATH"]));
            } else if let Some(first) = w.strip_prefix("path=(") {
                // zsh: `path=(~/bin $path)`, maybe over several words.
                let mut items: Vec<&str> = vec![first];
                if !first.ends_with(')') {
                    for more in &words[i + 1..] {
                        items.push(more);
                        if more.ends_with(')') {
                            break;
                        }
                    }
                }
                let items = items
                    .into_iter()
                    .map(|s| s.trim_end_matches(')'))
                    .filter(|s| !s.is_empty());
                out.extend(before_old(items, &["path", "PATH"]));
            } else if w == "fish_add_path" {
                let rest = &words[i + 1..];
                let append = rest.iter().any(|o| o == "-a" || o == "--append");
                if !append {
                    out.extend(rest.iter().filter(|o| !o.starts_with('-')).cloned());
                }
            } else if w == "set" {
                out.extend(fish_set(&words[i + 1..]));
            }
        }
    }
}

/// fish: `set [-gx] [-p|-a] PATH|fish_user_paths VALUE…`.
fn fish_set(rest: &[String]) -> Vec<String> {
    let (mut prepend, mut append) = (false, false);
    let mut it = rest.iter();
    let name = loop {
        match it.next() {
            Some(o) if o == "--prepend" => prepend = true,
            Some(o) if o == "--append" => append = true,
            Some(o) if o.starts_with("--") => {}
            Some(o) if o.starts_with('-') => {
                prepend |= o.contains('p');
                append |= o.contains('a');
            }
            Some(name) => break name.as_str(),
            None => return Vec::new(),
        }
    };
    if !matches!(name, "PATH" | "fish_user_paths") || append {
        return Vec::new();
    }
    let values = it.map(String::as_str);
    if prepend {
        values.map(str::to_owned).collect()
    } else {
        before_old(values, &["PATH", "fish_user_paths"])
    }
}

/// An entry as a path word: `$PWD`, `${PWD}`, `$(pwd)` and `` `pwd` `` at
/// its start are the working directory (`.`).
pub fn entry_path(entry: &str) -> String {
    for pwd in ["$PWD", "${PWD}", "$(pwd)", "`pwd`"] {
        if let Some(rest) = entry.strip_prefix(pwd)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return format!(".{rest}");
        }
    }
    entry.to_owned()
}

/// Why a `PATH` entry is dangerous first on `PATH` in a start-up file: it
/// follows the working directory (relative, empty, `$PWD`), lies in a
/// scratch directory anyone can write, or in the workspace the agent
/// writes. `None` for a fixed directory of the user's or the system's, and
/// for another variable (`$GOPATH/bin`, `$PNPM_HOME`): not knowable here.
pub fn risky_entry(entry: &str, workspace: Option<&str>) -> Option<&'static str> {
    let e = expand_home(&entry_path(entry.trim()));
    if e.is_empty() {
        return Some("the working directory (an empty entry)");
    }
    if e.starts_with('$') || e.starts_with('`') {
        return None;
    }
    if !(e.starts_with('/') || e.starts_with('~')) {
        return Some("a relative directory, which follows the working directory");
    }
    let full = normalize(&e);
    if in_temp_dir(&format!("{full}/")) {
        return Some("a scratch directory anyone can write");
    }
    let ws = workspace.map(normalize)?;
    // A workspace that is `/` or a home holds every directory of the user.
    let ws_home = home_relative(&ws);
    if ws == "/" || ws_home.as_deref() == Some("~") {
        return None;
    }
    let (full, ws) = if full.starts_with('~') {
        (full, ws_home?)
    } else {
        (full, ws)
    };
    let inside = full == ws || full.strip_prefix(&ws).is_some_and(|r| r.starts_with('/'));
    inside.then_some("the workspace, where the agent writes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_prepended_entries() {
        for (text, want) in [
            ("export PATH=./bin:$PATH", vec!["./bin"]),
            ("export PATH=\"$PWD/bin:$PATH\"", vec!["$PWD/bin"]),
            ("PATH=/tmp/x:/tmp/y:${PATH} make", vec!["/tmp/x", "/tmp/y"]),
            ("export PATH=$PATH:./bin", vec![]),
            ("PATH+=:./bin", vec![]),
            ("export MANPATH=./man:$MANPATH", vec![]),
            ("PYTHONPATH=. pytest", vec![]),
            (
                "echo 'export PATH=\"$HOME/.cargo/bin:$PATH\"' >> ~/.bashrc",
                vec!["$HOME/.cargo/bin"],
            ),
            ("PATH=/usr/bin:/bin", vec!["/usr/bin", "/bin"]),
            ("fish_add_path ./bin ~/x", vec!["./bin", "~/x"]),
            ("fish_add_path -a ./bin", vec![]),
            ("set -gx PATH ./bin $PATH", vec!["./bin"]),
            ("set -p fish_user_paths /tmp/b", vec!["/tmp/b"]),
            ("set -a PATH ./bin", vec![]),
            ("set -gx EDITOR vim", vec![]),
            ("%s\\n set -gx PATH /tmp/t $PATH", vec!["/tmp/t"]),
            ("fish -c 'fish_add_path .bin'", vec![".bin"]),
            ("path=(./bin $path)", vec!["./bin"]),
            ("path=($path ./bin)", vec![]),
            ("# export PATH=./bin:$PATH\nls", vec![]),
            ("cd x && export PATH=.:$PATH; ls", vec!["."]),
            ("a='it'\"'\"'s'\nexport PATH=bin:$PATH", vec!["bin"]),
        ] {
            assert_eq!(prepended(text), want, "{text}");
        }
    }

    #[test]
    fn risky_entries() {
        let ws = Some("/home/dev/proj");
        for e in [
            "./bin",
            "bin",
            ".",
            "",
            "$PWD/bin",
            "$(pwd)/node_modules/.bin",
            "/tmp/x",
            "/tmp",
            "/dev/shm/b",
            "/home/dev/proj/bin",
            "$HOME/proj/scripts",
            "~/proj",
        ] {
            assert!(risky_entry(e, ws).is_some(), "{e}");
        }
        for e in [
            "$HOME/.cargo/bin",
            "~/.local/bin",
            "/usr/local/go/bin",
            "$GOPATH/bin",
            "$PNPM_HOME",
            "/home/dev/project-b/bin",
            "/opt/tool/bin",
        ] {
            assert!(risky_entry(e, ws).is_none(), "{e}");
        }
        // Working in the home or at the root: its directories are the user's.
        assert!(risky_entry("$HOME/.local/bin", Some("/home/dev")).is_none());
        assert!(risky_entry("/usr/local/bin", Some("/")).is_none());
        assert!(risky_entry("./bin", Some("/home/dev")).is_some());
    }

    #[test]
    fn system_aliases() {
        assert!(is_system_alias("/usr/bin/python3", "python"));
        assert!(is_system_alias("/usr/bin/python3.12", "python3"));
        assert!(is_system_alias("/usr/bin/nodejs", "node"));
        assert!(is_system_alias("/opt/homebrew/bin/pip3", "pip"));
        assert!(!is_system_alias("/bin/true", "git"));
        assert!(!is_system_alias("/tmp/git", "git"));
        assert!(!is_system_alias("/usr/bin/podman", "docker"));
        assert!(!is_system_alias("/usr/../tmp/git", "git"));
    }
}
