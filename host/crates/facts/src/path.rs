//! Path facts: real path, symlinks on the way, existence, workspace containment.

use hookwarden_event::{Action, Event, Fact, PatchOperation, PathFact};
use std::path::{Component, Path, PathBuf};

/// More paths than this in one action are not resolved (each costs syscalls
/// on the hook's hot path); rules see the facts for the first ones.
const MAX_PATHS: usize = 64;

/// The paths the event's action writes, as the action names them: the
/// file tools' path, every file of a patch and its move target, and the
/// shell `write_targets` the caller found in the command.
pub fn written_paths(event: &Event, shell_write_targets: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    match &event.action {
        Action::FileWrite(w) => out.push(w.path.clone()),
        Action::FileEdit(e) => out.push(e.path.clone()),
        Action::Patch(p) => {
            for f in &p.files {
                out.push(f.path.clone());
                if let Some(to) = &f.move_to
                    && f.operation == PatchOperation::Update
                {
                    out.push(to.clone());
                }
            }
        }
        Action::Shell(_) => out.extend(shell_write_targets.iter().cloned()),
        _ => {}
    }
    out.dedup();
    out.truncate(MAX_PATHS);
    out
}

/// Facts for `paths`, resolved against `cwd` (the workspace root).
pub fn path_facts(paths: &[String], cwd: &Path) -> Vec<Fact> {
    let root = std::fs::canonicalize(cwd).unwrap_or_else(|_| lexical(cwd));
    paths
        .iter()
        .take(MAX_PATHS)
        .map(|p| Fact::Path(path_fact(p, cwd, &root)))
        .collect()
}

/// The fact for one path. `root` is the canonical workspace root.
pub fn path_fact(path: &str, cwd: &Path, root: &Path) -> PathFact {
    let absolute = lexical(&expand_home(path).map_or_else(|| cwd.join(path), PathBuf::from));
    let exists = absolute.symlink_metadata().is_ok();
    let (via_symlink, symlink_target) = first_symlink(&absolute);
    let real = real_path(&absolute);
    let inside_workspace = real.as_deref().unwrap_or(&absolute).starts_with(root);
    PathFact {
        path: path.to_owned(),
        real_path: real.map(|p| p.to_string_lossy().into_owned()),
        exists,
        via_symlink,
        symlink_target,
        inside_workspace,
    }
}

/// `~/x` → `$HOME/x`; other paths unchanged (`None`).
fn expand_home(path: &str) -> Option<String> {
    let rest = path.strip_prefix('~')?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    std::env::var_os("HOME").map(|h| format!("{}{rest}", h.to_string_lossy()))
}

/// Fold `.` and `..` without touching the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// The first component on the way to `path` (itself included) that is a
/// symbolic link, and where it points.
fn first_symlink(path: &Path) -> (bool, Option<String>) {
    let mut prefix = PathBuf::new();
    for c in path.components() {
        prefix.push(c);
        match prefix.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&prefix).ok().map(|t| {
                    let t = if t.is_absolute() {
                        t
                    } else {
                        prefix.parent().unwrap_or(Path::new("/")).join(t)
                    };
                    lexical(&t).to_string_lossy().into_owned()
                });
                return (true, target);
            }
            Ok(_) => {}
            Err(_) => return (false, None), // nothing exists below a missing component
        }
    }
    (false, None)
}

/// The real path: canonical for an existing path; for a dangling symlink,
/// the real path of its target (a write creates the target); else the real
/// deepest existing parent joined with the rest. `None` if nothing resolves
/// (or links loop).
fn real_path(path: &Path) -> Option<PathBuf> {
    real_path_within(path, 40)
}

fn real_path_within(path: &Path, hops: u32) -> Option<PathBuf> {
    if let Ok(real) = std::fs::canonicalize(path) {
        return Some(real);
    }
    if hops == 0 {
        return None;
    }
    let parent = path.parent()?;
    if path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        let target = std::fs::read_link(path).ok()?;
        return real_path_within(&lexical(&parent.join(target)), hops - 1);
    }
    let name = path.file_name()?;
    Some(real_path_within(parent, hops - 1)?.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn plain_paths_inside_and_outside_the_workspace() {
        let ws = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(ws.path()).unwrap();
        std::fs::write(ws.path().join("a.txt"), "x").unwrap();
        let f = path_fact("a.txt", ws.path(), &root);
        assert!(f.exists && f.inside_workspace && !f.via_symlink);
        assert_eq!(
            f.real_path.as_deref(),
            Some(root.join("a.txt").to_str().unwrap())
        );

        let f = path_fact("new/dir/b.txt", ws.path(), &root);
        assert!(!f.exists && f.inside_workspace);
        assert_eq!(
            f.real_path.as_deref(),
            Some(root.join("new/dir/b.txt").to_str().unwrap())
        );

        let f = path_fact("../../etc/passwd", ws.path(), &root);
        assert!(!f.inside_workspace);
        let f = path_fact("/etc/hosts", ws.path(), &root);
        assert!(!f.inside_workspace && f.exists);
    }

    #[test]
    fn symlinks_on_the_way_are_reported_with_their_target() {
        let ws = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(ws.path()).unwrap();
        symlink(outside.path(), ws.path().join("out")).unwrap();
        symlink(outside.path().join("secret"), ws.path().join("link.txt")).unwrap();

        let f = path_fact("out/x.txt", ws.path(), &root);
        assert!(f.via_symlink && !f.inside_workspace, "{f:?}");
        assert_eq!(
            f.symlink_target.as_deref(),
            Some(outside.path().to_str().unwrap())
        );
        let real_outside = std::fs::canonicalize(outside.path()).unwrap();
        assert_eq!(
            f.real_path.as_deref(),
            Some(real_outside.join("x.txt").to_str().unwrap())
        );

        // A dangling link to a file outside: still a symlink, still outside.
        let f = path_fact("link.txt", ws.path(), &root);
        assert!(f.via_symlink && f.exists && !f.inside_workspace, "{f:?}");
    }

    #[test]
    fn written_paths_of_each_action() {
        use hookwarden_event::{FileWrite, Patch, PatchFile};
        let mut e = Event {
            agent: hookwarden_event::Agent::Codex,
            hook: hookwarden_event::HookEvent::PreToolUse,
            cwd: "/w".into(),
            session_id: "s".into(),
            tool_name: None,
            action: Action::FileWrite(FileWrite {
                path: "a".into(),
                content: None,
            }),
            tool_input: None,
            tool_response: None,
            prompt: None,
            facts: Vec::new(),
        };
        assert_eq!(written_paths(&e, &[]), ["a"]);
        e.action = Action::Patch(Patch {
            files: vec![PatchFile {
                path: "old.rs".into(),
                operation: PatchOperation::Update,
                move_to: Some("new.rs".into()),
                body: String::new(),
            }],
            text: String::new(),
        });
        assert_eq!(written_paths(&e, &[]), ["old.rs", "new.rs"]);
    }
}
