//! Lexical path handling for rules, which see no file system.
//!
//! A rule receives paths as the agent or the shell names them: relative to a
//! working directory, with `~` or `$HOME` for the home, with `.` and `..`
//! and doubled slashes. These helpers turn them into one comparable form
//! without touching the machine (rules have no capabilities; what symlinks
//! resolve to arrives as host facts, see [`crate::PathFact`]):
//!
//! - [`expand_home`]: `$HOME/x`, `${HOME}/x` → `~/x`;
//! - [`normalize`]: fold `.`, `..` and repeated or trailing slashes;
//! - [`resolve`]: both, joined to a working directory when relative;
//! - [`home_relative`]: `/home/alice/x`, `/Users/alice/x`, `/root/x`,
//!   `~alice/x` → `~/x`, for matching home-based patterns.
//!
//! ```
//! use hookwarden_sdk::paths;
//!
//! assert_eq!(paths::resolve("../.env", Some("/work/app/src")).as_deref(), Some("/work/app/.env"));
//! assert_eq!(paths::resolve("$HOME/.ssh/", None).as_deref(), Some("~/.ssh"));
//! assert_eq!(paths::resolve("notes.md", None), None);
//! assert_eq!(paths::home_relative("/home/dev/.aws/credentials").as_deref(), Some("~/.aws/credentials"));
//! ```

/// `$HOME`, `${HOME}` at the start of `text` → `~`.
pub fn expand_home(text: &str) -> String {
    for var in ["${HOME}", "$HOME"] {
        if let Some(rest) = text.strip_prefix(var)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return format!("~{rest}");
        }
    }
    text.to_owned()
}

/// Fold `.`, `..`, repeated and trailing slashes. Absolute (`/…`) and
/// home-based (`~`, `~user`) paths keep their anchor, and `..` never climbs
/// above it; a relative path keeps its leading `..`. Globs are kept as
/// written. The empty path and `.` normalize to `.`.
pub fn normalize(path: &str) -> String {
    let (anchor, rest) = if let Some(rest) = path.strip_prefix('~') {
        let end = rest.find('/').unwrap_or(rest.len());
        (format!("~{}", &rest[..end]), &rest[end..])
    } else if path.starts_with('/') {
        (String::new(), path)
    } else {
        (".".to_owned(), path)
    };
    let relative = anchor == ".";
    let mut parts: Vec<&str> = Vec::new();
    for c in rest.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if relative {
                    parts.push("..");
                }
            }
            c => parts.push(c),
        }
    }
    if relative {
        return if parts.is_empty() {
            ".".to_owned()
        } else {
            parts.join("/")
        };
    }
    let mut out = anchor;
    for p in &parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Resolve `text` (a path as written, after quote removal) against `cwd`:
/// `$HOME` becomes `~`, a relative path is joined to `cwd`, and the result
/// is [`normalize`]d. `None` when the path is relative and `cwd` is unknown
/// or itself relative.
pub fn resolve(text: &str, cwd: Option<&str>) -> Option<String> {
    let text = expand_home(text);
    if text.starts_with('/') || text.starts_with('~') {
        return Some(normalize(&text));
    }
    let cwd = expand_home(cwd?);
    if !(cwd.starts_with('/') || cwd.starts_with('~')) {
        return None;
    }
    Some(normalize(&format!("{cwd}/{text}")))
}

/// The path relative to the home directory it lies in, as `~/…` (or `~`):
/// `~/x`, `~alice/x`, `/root/x`, `/home/alice/x`, `/Users/alice/x`. `None`
/// for a path outside any home. Expects a [`normalize`]d path.
pub fn home_relative(path: &str) -> Option<String> {
    let tail = if let Some(rest) = path.strip_prefix('~') {
        &rest[rest.find('/').unwrap_or(rest.len())..]
    } else if path == "/root" || path.starts_with("/root/") {
        &path["/root".len()..]
    } else {
        let rest = ["/home/", "/Users/"]
            .iter()
            .find_map(|base| path.strip_prefix(base))?;
        let end = rest.find('/').unwrap_or(rest.len());
        if end == 0 || has_glob(&rest[..end]) {
            return None;
        }
        &rest[end..]
    };
    Some(format!("~{tail}"))
}

/// `text` holds a glob character the shell would expand (`*`, `?`, `[`).
pub fn has_glob(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// The parent directory of a [`normalize`]d path (`/a/b` → `/a`, `~/x` →
/// `~`, `x` → `.`); the root and `~` are their own parents.
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None if path.starts_with('~') => path,
        None => ".",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        for (input, want) in [
            ("/", "/"),
            ("//", "/"),
            ("/usr/../", "/"),
            ("/../..", "/"),
            ("/./etc//x/", "/etc/x"),
            ("~/", "~"),
            ("~alice/x/..", "~alice"),
            ("~/../x", "~/x"),
            ("a/./b/../c", "a/c"),
            ("../x", "../x"),
            ("a/../../x", "../x"),
            ("", "."),
            ("./", "."),
            ("/tmp/build*", "/tmp/build*"),
        ] {
            assert_eq!(normalize(input), want, "{input}");
        }
    }

    #[test]
    fn resolves_against_a_working_directory() {
        assert_eq!(resolve(".env", Some("/w/p")).as_deref(), Some("/w/p/.env"));
        assert_eq!(resolve("./a/../b", Some("~/p")).as_deref(), Some("~/p/b"));
        assert_eq!(resolve("${HOME}", None).as_deref(), Some("~"));
        assert_eq!(
            resolve("$HOMEDIR/x", Some("/w")).as_deref(),
            Some("/w/$HOMEDIR/x")
        );
        assert_eq!(resolve("x", Some("$HOME/p")).as_deref(), Some("~/p/x"));
        assert_eq!(resolve("x", Some("rel")), None);
        assert_eq!(resolve("x", None), None);
        assert_eq!(resolve("/abs", None).as_deref(), Some("/abs"));
    }

    #[test]
    fn homes() {
        for (input, want) in [
            ("~", Some("~")),
            ("~/.ssh", Some("~/.ssh")),
            ("~bob/.ssh/id_rsa", Some("~/.ssh/id_rsa")),
            ("/root", Some("~")),
            ("/root/.aws", Some("~/.aws")),
            ("/home/dev/.kube/config", Some("~/.kube/config")),
            ("/Users/me", Some("~")),
            ("/home", None),
            ("/home/*/x", None),
            ("/rootfs/x", None),
            ("/work/x", None),
        ] {
            assert_eq!(home_relative(input).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn parents() {
        assert_eq!(parent("/a/b"), "/a");
        assert_eq!(parent("/a"), "/");
        assert_eq!(parent("~/x"), "~");
        assert_eq!(parent("~"), "~");
        assert_eq!(parent("a/b"), "a");
        assert_eq!(parent("a"), ".");
    }
}
