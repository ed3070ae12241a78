//! Where packages come from: URLs, git, paths outside the workspace,
//! other indexes, checks turned off.

use hookwarden_sdk::shell::SimpleCommand;

use super::install::{Install, Source};
use super::{Hit, Severity};

pub fn check(
    cmd: &SimpleCommand,
    inst: &Install,
    workspace: &str,
    severity: Severity,
    hits: &mut Vec<Hit>,
) {
    for s in &inst.sources {
        let (id, message) = match s {
            Source::Url(u) => (
                "package-guard.url-source",
                format!("installs from the URL {u}, which no registry or lockfile vouches for"),
            ),
            Source::Git(g) => (
                "package-guard.git-source",
                format!(
                    "installs from the git repository {g}, unpinned and unreviewed by any registry"
                ),
            ),
            Source::Path(p) if !inside(p, workspace) => (
                "package-guard.local-path",
                format!("installs from {p}, a path outside the workspace"),
            ),
            _ => continue,
        };
        hits.push(Hit::new(cmd, severity, id, message));
    }
    for i in &inst.custom_index {
        hits.push(Hit::new(
            cmd,
            severity,
            "package-guard.custom-index",
            format!("installs from another package index ({i}) than the default registry"),
        ));
    }
    for i in &inst.extra_index {
        hits.push(Hit::new(
            cmd,
            severity,
            "package-guard.extra-index",
            format!(
                "adds an extra package index ({i}): a name found on both can come from either \
                 (dependency confusion); use a single index that mirrors the public one"
            ),
        ));
    }
    for t in &inst.tls_off {
        hits.push(Hit::new(
            cmd,
            severity,
            "package-guard.tls-disabled",
            format!("turns off TLS or integrity checks ({t}), so anyone on the network can swap packages"),
        ));
    }
}

/// `path` lies inside `workspace` (lexically; relative paths are taken
/// from the workspace root).
pub fn inside(path: &str, workspace: &str) -> bool {
    if path.starts_with('~') || path.contains('$') {
        return false;
    }
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", workspace.trim_end_matches('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in joined.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    let root: Vec<&str> = workspace
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    !root.is_empty() && parts.starts_with(&root)
}

#[cfg(test)]
mod tests {
    use super::inside;

    #[test]
    fn paths_inside_the_workspace() {
        assert!(inside(".", "/w/p"));
        assert!(inside("./pkgs/a", "/w/p"));
        assert!(inside("/w/p/dist/x.whl", "/w/p"));
        assert!(inside("a/../b", "/w/p"));
        assert!(!inside("../other", "/w/p"));
        assert!(!inside("/tmp/x.whl", "/w/p"));
        assert!(!inside("~/x", "/w/p"));
        assert!(!inside("/w/project2", "/w/p"));
    }
}
