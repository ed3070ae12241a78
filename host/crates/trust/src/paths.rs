//! Who can change a file: sshd's StrictModes, applied to the file and to
//! every directory above it.

use crate::current_uid;
use std::fmt;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Who besides root can change a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Writers {
    /// Root alone.
    Root,
    /// Root and this process's user (who owns the file or a directory above it).
    RootAndMe,
    /// Someone else too.
    Others(Weakness),
}

/// A file someone besides root and this user can change, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weakness {
    /// The file that was checked.
    pub path: PathBuf,
    /// The file or directory that lets someone else in (`path` itself or a
    /// directory above it).
    pub at: PathBuf,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `at` belongs to this user id.
    OwnedBy(u32),
    /// `at` is writable by its group or by everyone (this mode).
    OpenMode(u32),
    /// `at` could not be examined.
    Unreadable(String),
}

impl fmt::Display for Weakness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, at) = (self.path.display(), self.at.display());
        let where_ = if self.at == self.path {
            "it".to_owned()
        } else {
            format!("`{at}`")
        };
        match &self.problem {
            Problem::OwnedBy(uid) => write!(
                f,
                "`{path}` can be changed by uid {uid}, who owns {where_} (only root and you may)"
            ),
            Problem::OpenMode(mode) => write!(
                f,
                "`{path}` can be changed by other users: {where_} is writable by its group or \
                 by everyone (mode {mode:o})"
            ),
            Problem::Unreadable(e) => write!(f, "`{path}`: cannot check `{at}`: {e}"),
        }
    }
}

impl Weakness {
    fn new(path: &Path, at: &Path, problem: Problem) -> Weakness {
        Weakness {
            path: path.to_owned(),
            at: at.to_owned(),
            problem,
        }
    }
}

/// Who can change `path`: its owner, the owner of every directory above it
/// (who can rename entries), and anyone a group or other write bit lets in.
/// A root-owned sticky directory (`/tmp`) above it lets nobody else replace
/// what is not theirs, so it counts as root's. Symbolic links are followed,
/// and the directories holding the links are checked too.
pub fn writers(path: &Path) -> Writers {
    writers_for(path, current_uid())
}

pub(crate) fn writers_for(path: &Path, me: u32) -> Writers {
    let mut walk = Walk {
        path,
        me,
        mine: false,
    };
    let absolute = match std::path::absolute(path) {
        Ok(p) => p,
        Err(e) => return walk.unreadable(path, e),
    };
    let real = match std::fs::canonicalize(&absolute) {
        Ok(p) => p,
        Err(e) => return walk.unreadable(&absolute, e),
    };
    if let Err(w) = walk.chain(&real, true) {
        return Writers::Others(w);
    }
    // A link on the way: whoever can replace the link can point it elsewhere.
    if real != absolute
        && let Err(w) = walk.chain(&absolute, false)
    {
        return Writers::Others(w);
    }
    if walk.mine {
        Writers::RootAndMe
    } else {
        Writers::Root
    }
}

struct Walk<'a> {
    path: &'a Path,
    me: u32,
    /// Some component belongs to `me` (not root).
    mine: bool,
}

impl Walk<'_> {
    fn unreadable(&self, at: &Path, e: std::io::Error) -> Writers {
        Writers::Others(Weakness::new(
            self.path,
            at,
            Problem::Unreadable(e.to_string()),
        ))
    }

    /// Check `path` (when `with_file`) and each directory above it. Without
    /// `with_file`, components are not followed and links are skipped: only
    /// the directories that hold them matter.
    fn chain(&mut self, path: &Path, with_file: bool) -> Result<(), Weakness> {
        let mut first = true;
        for at in path.ancestors() {
            let is_file = first;
            first = false;
            if is_file && !with_file {
                continue;
            }
            let meta = std::fs::symlink_metadata(at)
                .map_err(|e| Weakness::new(self.path, at, Problem::Unreadable(e.to_string())))?;
            if meta.file_type().is_symlink() {
                continue;
            }
            self.component(at, &meta, is_file)?;
        }
        Ok(())
    }

    fn component(&mut self, at: &Path, meta: &Metadata, is_file: bool) -> Result<(), Weakness> {
        let mode = meta.mode();
        let uid = meta.uid();
        let sticky_root_dir = meta.is_dir() && uid == 0 && mode & 0o1000 != 0;
        if mode & 0o022 != 0 && (is_file || !sticky_root_dir) {
            return Err(Weakness::new(
                self.path,
                at,
                Problem::OpenMode(mode & 0o7777),
            ));
        }
        if uid == 0 {
            return Ok(());
        }
        if uid == self.me {
            self.mine = true;
            return Ok(());
        }
        Err(Weakness::new(self.path, at, Problem::OwnedBy(uid)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn chmod(p: &Path, mode: u32) {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// A private directory of this process's user, under a root-owned
    /// ancestor chain when the tests run as root.
    fn scratch() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        chmod(d.path(), 0o755);
        d
    }

    #[test]
    fn a_file_of_mine_in_my_directory_is_mine() {
        let d = scratch();
        let f = d.path().join("requirements.toml");
        std::fs::write(&f, "").unwrap();
        chmod(&f, 0o644);
        let me = current_uid();
        let expected = if me == 0 {
            Writers::Root
        } else {
            Writers::RootAndMe
        };
        assert_eq!(writers(&f), expected);
        // As seen by another user, the file is someone else's.
        match writers_for(&f, me.wrapping_add(1)) {
            Writers::Others(w) if me != 0 => assert_eq!(w.problem, Problem::OwnedBy(me)),
            Writers::Root if me == 0 => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn group_or_world_writable_files_and_directories_let_others_in() {
        let d = scratch();
        let f = d.path().join("r.toml");
        std::fs::write(&f, "").unwrap();
        chmod(&f, 0o666);
        let Writers::Others(w) = writers(&f) else {
            panic!("a world-writable file is weak")
        };
        assert_eq!(
            (w.at.as_path(), &w.problem),
            (f.as_path(), &Problem::OpenMode(0o666))
        );
        assert!(
            w.to_string()
                .contains("writable by its group or by everyone"),
            "{w}"
        );

        chmod(&f, 0o644);
        chmod(d.path(), 0o775);
        let Writers::Others(w) = writers(&f) else {
            panic!("a group-writable directory is weak")
        };
        assert_eq!(w.at, d.path());
        // A sticky, world-writable directory of someone's own is not /tmp.
        chmod(d.path(), 0o1777);
        if current_uid() != 0 {
            assert!(matches!(writers(&f), Writers::Others(_)));
        }
    }

    #[test]
    fn a_root_owned_sticky_directory_above_is_fine() {
        // /tmp itself: root-owned, sticky, world-writable.
        let tmp = std::env::temp_dir();
        let meta = std::fs::metadata(&tmp).unwrap();
        if meta.uid() != 0 || meta.mode() & 0o1000 == 0 {
            return;
        }
        let d = tempfile::tempdir_in(&tmp).unwrap();
        let f = d.path().join("x");
        std::fs::write(&f, "").unwrap();
        chmod(&f, 0o600);
        assert!(!matches!(writers(&f), Writers::Others(_)));
    }

    #[test]
    fn the_directory_holding_a_link_counts_too() {
        let d = scratch();
        let real = d.path().join("real");
        std::fs::create_dir(&real).unwrap();
        chmod(&real, 0o755);
        let f = real.join("r.toml");
        std::fs::write(&f, "").unwrap();
        chmod(&f, 0o644);
        let open = d.path().join("open");
        std::fs::create_dir(&open).unwrap();
        chmod(&open, 0o777);
        let link = open.join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let Writers::Others(w) = writers(&link.join("r.toml")) else {
            panic!("a link in a world-writable directory can be replaced")
        };
        assert_eq!(w.at, open);
    }

    #[test]
    fn a_missing_file_cannot_be_vouched_for() {
        let d = scratch();
        assert!(matches!(
            writers(&d.path().join("missing")),
            Writers::Others(Weakness {
                problem: Problem::Unreadable(_),
                ..
            })
        ));
    }
}
