//! Project files an admin grants a rule to read, passed in as data.

use hookwarden_event::{Fact, GrantedFile};
use std::io::Read;
use std::path::{Component, Path};
use tracing::debug;

/// Why a grant in the configuration is refused (checked when the config loads).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GrantError {
    #[error("granted path `{0}` must be relative to the workspace, without `..`")]
    NotRelative(String),
}

/// Read each granted file under `workspace`, at most `cap_bytes` each.
///
/// A grant that is missing, not a regular file, or whose real path leaves the
/// workspace (a planted symlink) is skipped: the rule sees it as absent.
/// Content that is not UTF-8 is passed lossily; a file cut at the cap (or at
/// a character boundary below it) is marked `truncated`.
pub fn granted_files(
    grants: &[String],
    workspace: &Path,
    cap_bytes: usize,
) -> Result<Vec<Fact>, GrantError> {
    let root = std::fs::canonicalize(workspace).ok();
    let mut facts = Vec::new();
    for grant in grants {
        check_grant(grant)?;
        let Some(root) = &root else { continue };
        let path = root.join(grant);
        let real = match std::fs::canonicalize(&path) {
            Ok(real) if real.starts_with(root) => real,
            Ok(real) => {
                debug!(grant, real = %real.display(), "granted file leaves the workspace; not read");
                continue;
            }
            Err(_) => continue,
        };
        let Ok(file) = std::fs::File::open(&real) else {
            continue;
        };
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            continue;
        }
        let mut bytes = Vec::new();
        if file
            .take(cap_bytes as u64 + 1)
            .read_to_end(&mut bytes)
            .is_err()
        {
            continue;
        }
        let truncated = bytes.len() > cap_bytes;
        bytes.truncate(cap_bytes);
        facts.push(Fact::File(GrantedFile {
            path: grant.clone(),
            content: String::from_utf8_lossy(&bytes).into_owned(),
            truncated,
        }));
    }
    Ok(facts)
}

/// A grant names a file inside the workspace: relative, no `..`.
pub fn check_grant(grant: &str) -> Result<(), GrantError> {
    let p = Path::new(grant);
    let ok = !grant.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if ok {
        Ok(())
    } else {
        Err(GrantError::NotRelative(grant.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(facts: &[Fact]) -> Vec<(String, String, bool)> {
        facts
            .iter()
            .map(|f| match f {
                Fact::File(g) => (g.path.clone(), g.content.clone(), g.truncated),
                Fact::Path(_) => panic!("unexpected path fact"),
            })
            .collect()
    }

    #[test]
    fn reads_granted_files_capped() {
        let ws = tempfile::tempdir().unwrap();
        std::fs::write(ws.path().join("package.json"), "{\"a\":1}").unwrap();
        std::fs::write(ws.path().join("big.lock"), "x".repeat(100)).unwrap();
        let facts = granted_files(
            &[
                "package.json".into(),
                "big.lock".into(),
                "missing.toml".into(),
            ],
            ws.path(),
            10,
        )
        .unwrap();
        assert_eq!(
            contents(&facts),
            [
                ("package.json".into(), "{\"a\":1}".into(), false),
                ("big.lock".into(), "x".repeat(10), true)
            ]
        );
    }

    #[test]
    fn refuses_escapes() {
        let ws = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("id_rsa"), "SECRET").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("id_rsa"),
            ws.path().join("package.json"),
        )
        .unwrap();
        std::fs::create_dir(ws.path().join("dir")).unwrap();
        let facts = granted_files(&["package.json".into(), "dir".into()], ws.path(), 1024).unwrap();
        assert!(facts.is_empty(), "{facts:?}");
        for bad in ["../x", "/etc/passwd", "a/../../b", ""] {
            assert_eq!(
                granted_files(&[bad.into()], ws.path(), 10),
                Err(GrantError::NotRelative(bad.into()))
            );
        }
    }
}
