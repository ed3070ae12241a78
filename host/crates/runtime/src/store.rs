//! The artifact store: precompiled rule components on disk, so the hook
//! path only loads native code and never runs Cranelift.
//!
//! An artifact is keyed by the module's SHA-256 **and** the engine
//! fingerprint (wasmtime version plus every setting that affects whether
//! code compiled by one engine runs in another), so a stale artifact is
//! never even looked at. Because deserializing an artifact trusts it as
//! native code, a store is used only if it passes [`check_trusted`]: the
//! directory and every ancestor owned by root or the current user and not
//! writable by group or others (sshd's StrictModes), except root-owned
//! sticky directories such as `/tmp`, where others cannot rename our entries.
//!
//! Pins without rehashing: when a file module is compiled, the store records
//! its file identity (device, inode, size, mtime, ctime) with its digest. On
//! the hook path a module whose identity is unchanged is known to have that
//! digest without reading it: ctime cannot be set from user space and
//! changes with every write, rename or metadata change of the file.

use crate::Sha256Digest;
/// The user whose files are trusted besides root's (the effective uid).
pub use hookwarden_pin::current_uid;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// A directory of precompiled artifacts that passed the trust check.
#[derive(Debug, Clone)]
pub struct ArtifactStore {
    dir: PathBuf,
}

/// The identity of a file as `stat` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileIdentity {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i128,
    pub ctime_ns: i128,
}

impl FileIdentity {
    pub fn of(path: &Path) -> std::io::Result<FileIdentity> {
        let m = fs::metadata(path)?;
        Ok(FileIdentity {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
            ctime_ns: i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
        })
    }

    fn encode(&self, digest: &Sha256Digest) -> String {
        format!(
            "v1 {} {} {} {} {} {}\n",
            self.dev, self.ino, self.size, self.mtime_ns, self.ctime_ns, digest
        )
    }

    fn decode(text: &str) -> Option<(FileIdentity, Sha256Digest)> {
        let mut it = text.split_whitespace();
        (it.next()? == "v1").then_some(())?;
        let id = FileIdentity {
            dev: it.next()?.parse().ok()?,
            ino: it.next()?.parse().ok()?,
            size: it.next()?.parse().ok()?,
            mtime_ns: it.next()?.parse().ok()?,
            ctime_ns: it.next()?.parse().ok()?,
        };
        Some((id, it.next()?.parse().ok()?))
    }
}

impl ArtifactStore {
    /// Open `dir` if it exists and is trusted.
    pub fn open(dir: &Path) -> Result<ArtifactStore, String> {
        check_trusted(dir)?;
        Ok(ArtifactStore {
            dir: dir.to_owned(),
        })
    }

    /// Create `dir` (mode 0700 for new directories) and open it.
    pub fn create(dir: &Path) -> Result<ArtifactStore, String> {
        if !dir.exists() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        ArtifactStore::open(dir)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the artifact for `digest` under `fingerprint` lives.
    pub fn artifact_path(&self, digest: &Sha256Digest, fingerprint: &str) -> PathBuf {
        self.dir.join(format!("{digest}-{fingerprint}.cwasm"))
    }

    /// The artifact for `digest`, if present and itself trusted.
    pub fn find(&self, digest: &Sha256Digest, fingerprint: &str) -> Option<PathBuf> {
        let path = self.artifact_path(digest, fingerprint);
        // Absent is the common case in all but one store: no warning, and
        // no second stat to tell it from a refused file.
        let meta = fs::symlink_metadata(&path).ok()?;
        match check_trusted_metadata(&path, &meta) {
            Ok(()) => Some(path),
            Err(e) => {
                tracing::warn!("ignoring artifact: {e}");
                None
            }
        }
    }

    /// Write an artifact atomically (temp file + rename), readable by all.
    pub fn write(
        &self,
        digest: &Sha256Digest,
        fingerprint: &str,
        bytes: &[u8],
    ) -> Result<PathBuf, String> {
        let path = self.artifact_path(digest, fingerprint);
        write_atomic(&path, bytes, 0o644)?;
        Ok(path)
    }

    fn identity_path(&self, module: &Path) -> PathBuf {
        let key = Sha256Digest::of(module.as_os_str().as_encoded_bytes());
        self.dir.join("identity").join(key.to_string())
    }

    /// Record that `module`, as it is now, has `digest`.
    pub fn record_identity(
        &self,
        module: &Path,
        identity: &FileIdentity,
        digest: &Sha256Digest,
    ) -> Result<(), String> {
        let path = self.identity_path(module);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        write_atomic(&path, identity.encode(digest).as_bytes(), 0o644)
    }

    /// The digest recorded for `module` if its identity is unchanged since.
    pub fn known_digest(&self, module: &Path, identity: &FileIdentity) -> Option<Sha256Digest> {
        let path = self.identity_path(module);
        // Check the file we read, not the path: open without following a
        // symlink, then judge the open file's own metadata.
        let file = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .ok()?;
        let meta = file.metadata().ok()?;
        check_trusted_metadata(&path, &meta).ok()?;
        let mut text = String::with_capacity(usize::try_from(meta.len()).ok()?.min(4096));
        file.take(4096).read_to_string(&mut text).ok()?;
        let (recorded, digest) = FileIdentity::decode(&text)?;
        (recorded == *identity).then_some(digest)
    }
}

fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(format!("cannot write {}: {e}", path.display()));
    }
    Ok(())
}

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};

/// Is `dir` a directory only root or the current user can change? Checks it
/// and every ancestor, like sshd's StrictModes.
pub fn check_trusted(dir: &Path) -> Result<(), String> {
    let dir =
        fs::canonicalize(dir).map_err(|e| format!("artifact store {}: {e}", dir.display()))?;
    let uid = current_uid();
    let mut here: Option<&Path> = Some(&dir);
    while let Some(p) = here {
        let m = fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let mode = m.permissions().mode();
        let sticky_root = m.uid() == 0 && mode & 0o1000 != 0;
        if p == dir && !m.is_dir() {
            return Err(format!("artifact store {} is not a directory", p.display()));
        }
        if m.uid() != 0 && m.uid() != uid {
            return Err(format!(
                "artifact store {} is not trusted: {} is owned by uid {}, not root or you",
                dir.display(),
                p.display(),
                m.uid()
            ));
        }
        if mode & 0o022 != 0 && !(sticky_root && p != dir) {
            return Err(format!(
                "artifact store {} is not trusted: {} is writable by group or others (mode {:o})",
                dir.display(),
                p.display(),
                mode & 0o7777
            ));
        }
        here = p.parent();
    }
    Ok(())
}

/// A file in a trusted store must itself be owned by root or us and not be
/// writable by group or others.
fn check_trusted_metadata(path: &Path, m: &fs::Metadata) -> Result<(), String> {
    if !m.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    let uid = current_uid();
    if m.uid() != 0 && m.uid() != uid {
        return Err(format!(
            "{} is owned by uid {}, not root or you",
            path.display(),
            m.uid()
        ));
    }
    if m.permissions().mode() & 0o022 != 0 {
        return Err(format!("{} is writable by group or others", path.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_round_trips() {
        let d = Sha256Digest::of(b"x");
        let id = FileIdentity {
            dev: 1,
            ino: 2,
            size: 3,
            mtime_ns: 4,
            ctime_ns: -5,
        };
        assert_eq!(FileIdentity::decode(&id.encode(&d)), Some((id, d)));
        assert_eq!(FileIdentity::decode("v2 1 2 3 4 5 x"), None);
    }

    #[test]
    fn group_writable_store_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        let store = ArtifactStore::create(&dir).unwrap();
        assert!(check_trusted(store.dir()).is_ok());
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o775)).unwrap();
        let err = ArtifactStore::open(&dir).unwrap_err();
        assert!(err.contains("writable by group or others"), "{err}");
    }

    #[test]
    fn writable_artifact_is_ignored_and_identity_tracks_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let store = ArtifactStore::create(&tmp.path().join("s")).unwrap();
        let d = Sha256Digest::of(b"module");
        let path = store.write(&d, "fp", b"artifact").unwrap();
        assert_eq!(store.find(&d, "fp"), Some(path.clone()));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o666)).unwrap();
        assert_eq!(store.find(&d, "fp"), None);

        let module = tmp.path().join("m.wasm");
        fs::write(&module, b"module").unwrap();
        let id = FileIdentity::of(&module).unwrap();
        store.record_identity(&module, &id, &d).unwrap();
        assert_eq!(store.known_digest(&module, &id), Some(d));
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&module, b"mod-le").unwrap();
        let changed = FileIdentity::of(&module).unwrap();
        assert_ne!(changed, id);
        assert_eq!(store.known_digest(&module, &changed), None);
    }

    #[test]
    fn identity_record_behind_a_symlink_is_not_believed() {
        let tmp = tempfile::tempdir().unwrap();
        let store = ArtifactStore::create(&tmp.path().join("s")).unwrap();
        let d = Sha256Digest::of(b"module");
        let module = tmp.path().join("m.wasm");
        fs::write(&module, b"module").unwrap();
        let id = FileIdentity::of(&module).unwrap();
        store.record_identity(&module, &id, &d).unwrap();
        assert_eq!(store.known_digest(&module, &id), Some(d));

        let record = store.identity_path(&module);
        let elsewhere = tmp.path().join("record");
        fs::rename(&record, &elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &record).unwrap();
        assert_eq!(store.known_digest(&module, &id), None);
    }
}
