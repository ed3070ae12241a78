//! Which paths are too precious to delete or re-own recursively.
//!
//! Paths are judged lexically, as the shell would hand them to the program:
//! `~`, `~user`, `$HOME` and `${HOME}` stand for a home directory, `.` and
//! `..` are folded, repeated and trailing slashes dropped, and a trailing
//! all-glob component (`/*`, `~/.*`) means "everything in the directory",
//! which is as bad as the directory itself. The rule sees no file system (it
//! has no capabilities), so symlinks are not followed.

use std::fmt;

/// Top-level directories whose loss breaks the machine or every user on it.
const SYSTEM_DIRS: &[&str] = &[
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/home",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/media",
    "/mnt",
    "/nix",
    "/opt",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/snap",
    "/srv",
    "/sys",
    "/usr",
    "/var",
    "/Applications",
    "/Library",
    "/System",
    "/Users",
    "/Volumes",
    "/private",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/include",
    "/usr/share",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/lib",
    "/var/lib",
    "/var/log",
    "/var/spool",
    "/var/mail",
    "/var/backups",
    "/var/db",
    "/private/etc",
    "/private/var",
];

/// Directories in a home that hold credentials nobody can re-create.
const CREDENTIAL_DIRS: &[&str] = &[".ssh", ".gnupg", ".aws", ".kube", ".password-store"];

/// What deleting (or re-owning) a path would hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precious {
    Root,
    SystemDir(String),
    Home(String),
    Credentials(String),
    /// A path the admin listed in `protected_paths` (or one of its parents).
    Protected(String),
}

impl fmt::Display for Precious {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Precious::Root => f.write_str("the root file system"),
            Precious::SystemDir(p) => write!(f, "the system directory {p}"),
            Precious::Home(p) if p == "~" => f.write_str("the home directory"),
            Precious::Home(p) => write!(f, "the home directory {p}"),
            Precious::Credentials(p) => write!(f, "the credentials in {p}"),
            Precious::Protected(p) => write!(f, "the protected path {p}"),
        }
    }
}

/// A command-line path operand, resolved as far as the rule can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// An absolute path (`/…`) or a home-relative one (`~`, `~/…`, `~user/…`).
    Path(String),
    /// `$VAR/` or `$VAR/*`: if the variable is empty or unset this is `/`.
    EmptyVariableIsRoot(String),
    /// `$VAR/../x`: climbs out of a directory only known at run time.
    Climbs(String),
    /// Depends on the run time (a variable, a substitution) or on a working
    /// directory the rule cannot know.
    Unknown,
}

/// Resolve `text` (a word after quote removal) against `cwd`, the directory
/// the command runs in when known (absolute or `~`-based).
pub fn resolve(text: &str, literal: bool, cwd: Option<&str>) -> Resolved {
    let text = expand_home(text);
    if !literal && (text.contains('$') || text.contains('`')) {
        if text.split('/').any(|c| c == "..") {
            return Resolved::Climbs(text);
        }
        return empty_variable_root(&text)
            .map(Resolved::EmptyVariableIsRoot)
            .unwrap_or(Resolved::Unknown);
    }
    let joined = if text.starts_with('/') || text.starts_with('~') {
        text
    } else {
        match cwd {
            Some(cwd) => format!("{cwd}/{text}"),
            None => return Resolved::Unknown,
        }
    };
    Resolved::Path(normalize(&joined))
}

/// `$HOME`, `${HOME}`, and the forms that give HOME's value when it is set
/// (`${HOME:?}`, `${HOME:-/x}`…) → `~`.
fn expand_home(text: &str) -> String {
    match text
        .strip_prefix("$HOME")
        .or_else(|| text.strip_prefix("${HOME"))
    {
        Some(_) => hookwarden_sdk::shell::put_variable(text, "HOME", "~"),
        None => text.to_owned(),
    }
}

/// `$X/`, `${X}/*`, `$X/.*` → `Some("$X/…")`. `${X:?}/` aborts when X is
/// empty, so it is safe.
fn empty_variable_root(text: &str) -> Option<String> {
    let rest = text.strip_prefix('$')?;
    let (name_len, body) = if let Some(inner) = rest.strip_prefix('{') {
        let end = inner.find('}')?;
        let name = &inner[..end];
        if name.contains(":?") || name.contains(":+") || !is_name(name) {
            return None;
        }
        (end + 2, name)
    } else {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (end, &rest[..end])
    };
    if body.is_empty() {
        return None;
    }
    let tail = &rest[name_len..];
    let after_slash = tail.strip_prefix('/')?;
    (after_slash
        .split('/')
        .all(|c| c.is_empty() || is_all_glob(c))
        && !after_slash.contains('$'))
    .then(|| text.to_owned())
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A component that matches everything in its directory: `*`, `.*`, `?*`, `[!.]*`…
fn is_all_glob(component: &str) -> bool {
    component.contains('*') && component.chars().all(|c| "*?.[]!^".contains(c))
}

/// Fold `.`, `..`, repeated slashes and a trailing everything-glob.
pub fn normalize(path: &str) -> String {
    let (prefix, rest) = if let Some(rest) = path.strip_prefix('~') {
        let (user, rest) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        (format!("~{user}"), rest)
    } else {
        (String::new(), path)
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in rest.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    while parts.last().is_some_and(|c| is_all_glob(c)) {
        parts.pop();
    }
    let mut out = prefix;
    for p in &parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// What losing `path` (normalized) would destroy, if it matters.
/// `protected` holds the admin's extra paths as glob patterns.
pub fn classify(path: &str, protected: &[glob::Pattern]) -> Option<Precious> {
    if path == "/" {
        return Some(Precious::Root);
    }
    if let Some(home) = home_of(path) {
        let rest = path[home.len()..].trim_start_matches('/');
        if rest.is_empty() {
            return Some(Precious::Home(home.to_owned()));
        }
        if let Some(first) = rest.split('/').next()
            && CREDENTIAL_DIRS.contains(&first)
            && !rest.contains('/')
        {
            return Some(Precious::Credentials(path.to_owned()));
        }
    }
    if SYSTEM_DIRS.contains(&path) {
        return Some(Precious::SystemDir(path.to_owned()));
    }
    // A glob directly under `/` or a system directory (`/b*`, `/usr/lib*`)
    // reaches into what the lists above protect.
    if let Some((parent, last)) = path.rsplit_once('/')
        && last.contains(['*', '?', '['])
    {
        let parent = if parent.is_empty() { "/" } else { parent };
        if parent == "/" || SYSTEM_DIRS.contains(&parent) {
            return Some(Precious::SystemDir(path.to_owned()));
        }
    }
    let opts = glob::MatchOptions {
        require_literal_separator: true,
        ..Default::default()
    };
    for pattern in protected {
        let p = pattern.as_str();
        if pattern.matches_with(path, opts) || is_ancestor(path, p) {
            return Some(Precious::Protected(p.to_owned()));
        }
    }
    None
}

/// `~`, `~user`, `/root`, `/home/user`, `/Users/user`: the home directory
/// prefix of `path`, if it lies in one.
fn home_of(path: &str) -> Option<&str> {
    if path.starts_with('~') {
        return Some(&path[..path.find('/').unwrap_or(path.len())]);
    }
    if path == "/root" || path.starts_with("/root/") {
        return Some("/root");
    }
    for base in ["/home/", "/Users/"] {
        if let Some(rest) = path.strip_prefix(base) {
            let user_len = rest.find('/').unwrap_or(rest.len());
            if user_len > 0 && !rest[..user_len].contains(['*', '?', '[']) {
                return Some(&path[..base.len() + user_len]);
            }
        }
    }
    None
}

/// `dir` is a strict ancestor of `path` (`/srv` of `/srv/data`), both
/// normalized; `path` may be a pattern whose literal prefix is compared.
pub fn is_ancestor(dir: &str, path: &str) -> bool {
    let literal_end = path.find(['*', '?', '[']).unwrap_or(path.len());
    let literal = &path[..literal_end];
    dir != "/"
        && literal.len() > dir.len()
        && literal.starts_with(dir)
        && literal[dir.len()..].starts_with('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(text: &str) -> Option<Precious> {
        match resolve(text, !text.contains('$'), Some("/work/project")) {
            Resolved::Path(p) => classify(&p, &[glob::Pattern::new("/srv/data").unwrap()]),
            _ => None,
        }
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize("/"), "/");
        assert_eq!(normalize("//"), "/");
        assert_eq!(normalize("/usr/../"), "/");
        assert_eq!(normalize("/./etc/"), "/etc");
        assert_eq!(normalize("/*"), "/");
        assert_eq!(normalize("/.*"), "/");
        assert_eq!(normalize("~/"), "~");
        assert_eq!(normalize("~/*"), "~");
        assert_eq!(normalize("~alice/x/.."), "~alice");
        assert_eq!(normalize("/tmp/build*"), "/tmp/build*");
    }

    #[test]
    fn precious_paths() {
        assert_eq!(class("/"), Some(Precious::Root));
        assert_eq!(class("/*"), Some(Precious::Root));
        assert_eq!(class("/usr/../.."), Some(Precious::Root));
        assert_eq!(class("$HOME"), Some(Precious::Home("~".into())));
        assert_eq!(class("${HOME}/*"), Some(Precious::Home("~".into())));
        assert_eq!(class("~root"), Some(Precious::Home("~root".into())));
        assert_eq!(
            class("/home/alice/"),
            Some(Precious::Home("/home/alice".into()))
        );
        assert_eq!(class("/etc"), Some(Precious::SystemDir("/etc".into())));
        assert_eq!(class("/home/*"), Some(Precious::SystemDir("/home".into())));
        assert_eq!(class("/b*"), Some(Precious::SystemDir("/b*".into())));
        assert_eq!(
            class("~/.ssh"),
            Some(Precious::Credentials("~/.ssh".into()))
        );
        assert_eq!(
            class("/srv/data"),
            Some(Precious::Protected("/srv/data".into()))
        );
        assert_eq!(
            class("/srv/data/*"),
            Some(Precious::Protected("/srv/data".into()))
        );
        assert_eq!(class("../../../.."), Some(Precious::Root));
    }

    #[test]
    fn everyday_paths() {
        for p in [
            "target",
            "./node_modules",
            "/tmp/build",
            "/tmp/*",
            "~/projects/x/target",
            "/home/alice/src/app/dist",
            "~/.ssh/known_hosts.old",
            "/usr/local/lib/foo",
            "/srv/other",
        ] {
            assert_eq!(class(p), None, "{p}");
        }
    }

    #[test]
    fn empty_variables_that_make_root() {
        for t in ["$X/", "${X}/*", "$STEAMROOT/*", "$D/.*"] {
            assert!(
                matches!(resolve(t, false, None), Resolved::EmptyVariableIsRoot(_)),
                "{t}"
            );
        }
        for t in ["${X:?}/", "$X/build", "$X", "${X:-/tmp}/", "$(pwd)/x"] {
            assert_eq!(resolve(t, false, None), Resolved::Unknown, "{t}");
        }
    }
}
