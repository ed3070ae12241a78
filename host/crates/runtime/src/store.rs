//! The artifact store: precompiled rule components on disk, so the hook
//! path only loads native code and never runs Cranelift.
//!
//! An artifact is keyed by the module's SHA-256 **and** the engine
//! fingerprint (wasmtime version plus every setting that affects whether
//! code compiled by one engine runs in another), so a stale artifact is
//! never even looked at.
//!
//! Deserializing an artifact runs it as native code, so a store is used
//! only if the [`Trust`] of the process vouches for it: the directory and
//! every directory above it can be changed by trusted users alone (root; in
//! user scope also this user), and so can each file in it (sshd's
//! StrictModes; see `hookwarden_trust::writers`).
//!
//! Each artifact has a check record beside it (`<artifact>.check`) that
//! binds its contents to the module digest in its name: the artifact's file
//! identity (device, inode, size, mtime, ctime) when it was last verified,
//! its CRC-32 and the module digest. An artifact whose identity is unchanged
//! is the one verified (ctime cannot be set from user space and changes with
//! every write, rename or metadata change); otherwise its contents are
//! checked against the record before it may load. A copy of one rule's
//! artifact over another's, a damaged one or one without a record is not
//! loaded, and its rule is compiled instead.
//!
//! Pins without rehashing: when a file module is compiled, the store records
//! its file identity with its digest, the same way. On the hook path a
//! module whose identity is unchanged is known to have that digest without
//! reading it.

use crate::Sha256Digest;
use hookwarden_trust::{Trust, Writers};
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Bumped when the layout or record format changes: artifacts of another
/// layout are not looked at.
const LAYOUT: &str = "v2";

/// A directory of precompiled artifacts that passed the trust check.
#[derive(Debug, Clone)]
pub struct ArtifactStore {
    dir: PathBuf,
    trust: Trust,
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
        Ok(FileIdentity::from_metadata(&fs::metadata(path)?))
    }

    pub fn from_metadata(m: &fs::Metadata) -> FileIdentity {
        FileIdentity {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
            ctime_ns: i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
        }
    }

    fn encode(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.dev, self.ino, self.size, self.mtime_ns, self.ctime_ns
        )
    }

    fn decode<'a>(it: &mut impl Iterator<Item = &'a str>) -> Option<FileIdentity> {
        Some(FileIdentity {
            dev: it.next()?.parse().ok()?,
            ino: it.next()?.parse().ok()?,
            size: it.next()?.parse().ok()?,
            mtime_ns: it.next()?.parse().ok()?,
            ctime_ns: it.next()?.parse().ok()?,
        })
    }
}

/// What the check record of an artifact says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ArtifactRecord {
    identity: FileIdentity,
    crc32: u32,
    module: Sha256Digest,
}

impl ArtifactRecord {
    fn encode(&self) -> String {
        format!(
            "{LAYOUT} {} {:08x} {}\n",
            self.identity.encode(),
            self.crc32,
            self.module
        )
    }

    fn decode(text: &str) -> Option<ArtifactRecord> {
        let mut it = text.split_whitespace();
        (it.next()? == LAYOUT).then_some(())?;
        let identity = FileIdentity::decode(&mut it)?;
        let crc32 = u32::from_str_radix(it.next()?, 16).ok()?;
        let module = it.next()?.parse().ok()?;
        Some(ArtifactRecord {
            identity,
            crc32,
            module,
        })
    }
}

impl ArtifactStore {
    /// Open `dir` if it exists and `trust` vouches for it.
    pub fn open(dir: &Path, trust: Trust) -> Result<ArtifactStore, String> {
        check_trusted(dir, trust)?;
        Ok(ArtifactStore {
            dir: dir.to_owned(),
            trust,
        })
    }

    /// Create `dir` if missing, private to its owner (mode 0700), and open it.
    pub fn create(dir: &Path, trust: Trust) -> Result<ArtifactStore, String> {
        Self::create_with_mode(dir, trust, 0o700)
    }

    /// Create `dir` if missing, readable by everyone (mode 0755): the
    /// admin's store, which every user's hook calls read. An existing
    /// private directory is opened up to 0755 (never more).
    pub fn create_shared(dir: &Path, trust: Trust) -> Result<ArtifactStore, String> {
        let store = Self::create_with_mode(dir, trust, 0o755)?;
        if let Ok(m) = fs::metadata(dir)
            && m.mode() & 0o055 != 0o055
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(dir, fs::Permissions::from_mode(0o755))
                .map_err(|e| format!("cannot make {} readable by all: {e}", dir.display()))?;
        }
        Ok(store)
    }

    fn create_with_mode(dir: &Path, trust: Trust, mode: u32) -> Result<ArtifactStore, String> {
        if !dir.exists() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(mode)
                .create(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        ArtifactStore::open(dir, trust)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the artifact for `digest` under `fingerprint` lives.
    pub fn artifact_path(&self, digest: &Sha256Digest, fingerprint: &str) -> PathBuf {
        self.dir
            .join(format!("{digest}-{fingerprint}-{LAYOUT}.cwasm"))
    }

    fn record_path(artifact: &Path) -> PathBuf {
        let mut name = artifact.as_os_str().to_owned();
        name.push(".check");
        PathBuf::from(name)
    }

    /// The artifact for `digest`, if present, owned by a trusted user and
    /// verified against its check record. A refused artifact is logged and
    /// `None`: the caller compiles the module instead.
    pub fn find(&self, digest: &Sha256Digest, fingerprint: &str) -> Option<PathBuf> {
        let path = self.artifact_path(digest, fingerprint);
        // Absent is the common case in all but one store: no warning, and
        // no second stat to tell it from a refused file.
        let meta = fs::symlink_metadata(&path).ok()?;
        match self
            .check_file(&path, &meta)
            .and_then(|()| self.verify(&path, &meta, digest))
        {
            Ok(()) => Some(path),
            Err(e) => {
                tracing::warn!("not loading artifact: {e}");
                None
            }
        }
    }

    /// Check the artifact at `path` against its record: unchanged since it
    /// was verified, or else with the recorded contents.
    fn verify(
        &self,
        path: &Path,
        meta: &fs::Metadata,
        digest: &Sha256Digest,
    ) -> Result<(), String> {
        let record_at = Self::record_path(path);
        let record = self
            .read_trusted(&record_at, 512)
            .and_then(|text| {
                ArtifactRecord::decode(&text)
                    .ok_or_else(|| format!("{}: unreadable record", record_at.display()))
            })
            .map_err(|e| format!("{} has no usable check record ({e})", path.display()))?;
        if record.module != *digest {
            return Err(format!(
                "{} was compiled from module {}, not {digest}",
                path.display(),
                record.module
            ));
        }
        let identity = FileIdentity::from_metadata(meta);
        if record.identity == identity {
            return Ok(());
        }
        // Changed since it was verified (or copied): check what it holds.
        let crc = crc_of_file(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if crc != record.crc32 {
            return Err(format!(
                "{} is not the artifact its record describes (CRC-32 {crc:08x}, recorded {:08x}): \
                 damaged or replaced",
                path.display(),
                record.crc32
            ));
        }
        // Same contents: remember the new identity where we may.
        let renewed = ArtifactRecord { identity, ..record };
        let _ = write_atomic(&record_at, renewed.encode().as_bytes(), 0o644, true);
        Ok(())
    }

    /// Write an artifact and its check record atomically (temp file +
    /// rename), readable by all.
    pub fn write(
        &self,
        digest: &Sha256Digest,
        fingerprint: &str,
        bytes: &[u8],
    ) -> Result<PathBuf, String> {
        let path = self.artifact_path(digest, fingerprint);
        // Not synced: a torn artifact after a power loss fails its check and
        // is compiled again, and syncing megabytes would hold up the call.
        write_atomic(&path, bytes, 0o644, false)?;
        let meta = fs::symlink_metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let record = ArtifactRecord {
            identity: FileIdentity::from_metadata(&meta),
            crc32: crc32fast::hash(bytes),
            module: *digest,
        };
        write_atomic(
            &Self::record_path(&path),
            record.encode().as_bytes(),
            0o644,
            true,
        )?;
        Ok(path)
    }

    /// Hold this while compiling the module of `digest` for this store:
    /// other processes compiling the same module wait here, then find the
    /// artifact saved (hook calls that all miss at once compile it once).
    /// `None` if the lock cannot be taken: compile anyway.
    pub fn compiling(&self, digest: &Sha256Digest, fingerprint: &str) -> Option<fs::File> {
        let mut path = self.artifact_path(digest, fingerprint).into_os_string();
        path.push(".lock");
        let lock = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .ok()?;
        lock.lock().ok()?;
        Some(lock)
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
        let text = format!("{LAYOUT} {} {digest}\n", identity.encode());
        write_atomic(&path, text.as_bytes(), 0o644, true)
    }

    /// The digest recorded for `module` if its identity is unchanged since.
    pub fn known_digest(&self, module: &Path, identity: &FileIdentity) -> Option<Sha256Digest> {
        let text = self.read_trusted(&self.identity_path(module), 4096).ok()?;
        let mut it = text.split_whitespace();
        (it.next()? == LAYOUT).then_some(())?;
        let recorded = FileIdentity::decode(&mut it)?;
        let digest = it.next()?.parse().ok()?;
        (recorded == *identity).then_some(digest)
    }

    /// Read a small file of the store, judging the open file (not the path)
    /// and never through a symlink.
    fn read_trusted(&self, path: &Path, limit: u64) -> Result<String, String> {
        let file = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let meta = file
            .metadata()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        self.check_file(path, &meta)?;
        let mut text = String::new();
        file.take(limit)
            .read_to_string(&mut text)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(text)
    }

    /// A file in the store must be a regular file that trusted users alone
    /// can change.
    fn check_file(&self, path: &Path, m: &fs::Metadata) -> Result<(), String> {
        if !m.is_file() {
            return Err(format!("{} is not a regular file", path.display()));
        }
        if !self.trust.trusts(m.uid()) {
            return Err(format!(
                "{} belongs to uid {}, which this {} installation does not trust",
                path.display(),
                m.uid(),
                self.trust.scope()
            ));
        }
        if m.mode() & 0o022 != 0 {
            return Err(format!("{} is writable by group or others", path.display()));
        }
        Ok(())
    }
}

/// CRC-32 of a file's contents.
fn crc_of_file(path: &Path) -> std::io::Result<u32> {
    let mut file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 256 << 10];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hasher.finalize());
        }
        hasher.update(&buf[..n]);
    }
}

fn write_atomic(path: &Path, bytes: &[u8], mode: u32, durable: bool) -> Result<(), String> {
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
        if durable {
            f.sync_all()?;
        }
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(format!("cannot write {}: {e}", path.display()));
    }
    Ok(())
}

/// Whether `dir` may hold artifacts for a process with `trust`: it and
/// every directory above it can be changed by trusted users alone.
pub fn check_trusted(dir: &Path, trust: Trust) -> Result<(), String> {
    match hookwarden_trust::writers(dir) {
        Writers::Root => {}
        Writers::RootAndMe if trust.trusts_own_state() => {}
        Writers::RootAndMe => {
            return Err(format!(
                "artifact store {} is not trusted: you (uid {}) can change it, and in a {} \
                 installation only root-owned stores are used",
                dir.display(),
                trust.me(),
                trust.scope()
            ));
        }
        Writers::Others(w) => {
            return Err(format!(
                "artifact store {} is not trusted: {w}",
                dir.display()
            ));
        }
    }
    if !fs::metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Err(format!(
            "artifact store {} is not a directory",
            dir.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn user_trust() -> Trust {
        Trust::user()
    }

    fn store_in(tmp: &tempfile::TempDir) -> ArtifactStore {
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
        ArtifactStore::create(&tmp.path().join("s"), user_trust()).unwrap()
    }

    #[test]
    fn records_round_trip() {
        let r = ArtifactRecord {
            identity: FileIdentity {
                dev: 1,
                ino: 2,
                size: 3,
                mtime_ns: 4,
                ctime_ns: -5,
            },
            crc32: 0xdead_beef,
            module: Sha256Digest::of(b"x"),
        };
        assert_eq!(ArtifactRecord::decode(&r.encode()), Some(r));
        assert_eq!(ArtifactRecord::decode("v1 1 2 3 4 5 x y"), None);
    }

    #[test]
    fn group_writable_store_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let store = store_in(&tmp);
        assert!(check_trusted(store.dir(), user_trust()).is_ok());
        fs::set_permissions(store.dir(), fs::Permissions::from_mode(0o775)).unwrap();
        let err = ArtifactStore::open(store.dir(), user_trust()).unwrap_err();
        assert!(
            err.contains("writable by its group or by everyone"),
            "{err}"
        );
    }

    #[test]
    fn a_managed_process_does_not_use_its_users_store() {
        if hookwarden_trust::current_uid() == 0 {
            return; // root's own store is root-owned: trusted either way
        }
        let tmp = tempfile::tempdir().unwrap();
        let store = store_in(&tmp);
        let err = ArtifactStore::open(store.dir(), Trust::managed()).unwrap_err();
        assert!(err.contains("only root-owned stores"), "{err}");
    }

    #[test]
    fn an_artifact_loads_only_as_recorded() {
        let tmp = tempfile::tempdir().unwrap();
        let store = store_in(&tmp);
        let (a, b) = (Sha256Digest::of(b"module a"), Sha256Digest::of(b"module b"));
        let path_a = store.write(&a, "fp", b"artifact of a").unwrap();
        let path_b = store.write(&b, "fp", b"artifact of b").unwrap();
        assert_eq!(store.find(&a, "fp"), Some(path_a.clone()));
        assert_eq!(store.find(&b, "fp"), Some(path_b.clone()));

        // Copied over another rule's artifact: refused.
        fs::copy(&path_a, &path_b).unwrap();
        assert_eq!(store.find(&b, "fp"), None);
        // ...even with the other record copied along.
        fs::copy(
            ArtifactStore::record_path(&path_a),
            ArtifactStore::record_path(&path_b),
        )
        .unwrap();
        assert_eq!(store.find(&b, "fp"), None);

        // Damaged in place: refused.
        let mut bytes = fs::read(&path_a).unwrap();
        bytes[0] ^= 0xff;
        fs::write(&path_a, &bytes).unwrap();
        assert_eq!(store.find(&a, "fp"), None);
        // The same bytes again (a copy, a touch): loads, and the record
        // learns the new identity.
        fs::write(&path_a, b"artifact of a").unwrap();
        assert_eq!(store.find(&a, "fp"), Some(path_a.clone()));

        // Writable by others, or without a record: refused.
        fs::set_permissions(&path_a, fs::Permissions::from_mode(0o666)).unwrap();
        assert_eq!(store.find(&a, "fp"), None);
        fs::set_permissions(&path_a, fs::Permissions::from_mode(0o644)).unwrap();
        fs::remove_file(ArtifactStore::record_path(&path_a)).unwrap();
        assert_eq!(store.find(&a, "fp"), None);
    }

    #[test]
    fn identity_tracks_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let store = store_in(&tmp);
        let d = Sha256Digest::of(b"module");
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
        let store = store_in(&tmp);
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
