//! Shared file handling for `install`: read, diff, back up, write atomically.

use super::InstallError;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The current text of a config file; `None` when it does not exist yet.
pub fn read_existing(path: &Path) -> Result<Option<String>, InstallError> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
            InstallError::at(
                path,
                "the file is not UTF-8 text; fix or move it, then retry",
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(InstallError::io(path, "reading", &e)),
    }
}

/// A unified diff of `old` (absent: empty) to `new`, labelled with `path`.
pub fn unified_diff(path: &Path, old: Option<&str>, new: &str) -> String {
    let shown = path.display().to_string();
    let old_label = if old.is_some() {
        shown.clone()
    } else {
        "/dev/null".to_owned()
    };
    similar::TextDiff::from_lines(old.unwrap_or(""), new)
        .unified_diff()
        .context_radius(3)
        .header(&old_label, &shown)
        .to_string()
}

/// Write `new` to `path`: back up the file first when it exists, create
/// missing parent directories, and replace it atomically (temp file in the
/// same directory, then rename), keeping its mode and owner. Returns the
/// backup's path.
pub fn write_with_backup(
    path: &Path,
    old: Option<&str>,
    new: &str,
) -> Result<Option<PathBuf>, InstallError> {
    // Edit the file a symlink points at, not the link.
    let path = match std::fs::canonicalize(path) {
        Ok(real) => real,
        Err(_) => path.to_owned(),
    };
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| InstallError::io(parent, "creating the directory", &e))?;
    let meta = std::fs::metadata(&path).ok();

    let backup = match (old, &meta) {
        (Some(_), Some(_)) => {
            let backup = backup_path(&path);
            std::fs::copy(&path, &backup)
                .map_err(|e| InstallError::io(&backup, "writing the backup", &e))?;
            Some(backup)
        }
        _ => None,
    };

    let mut tmp = tempfile::Builder::new()
        .prefix(".hookwarden-install-")
        .tempfile_in(parent)
        .map_err(|e| InstallError::io(&path, "writing", &e))?;
    let mode = meta
        .as_ref()
        .map_or(0o644, |m| m.permissions().mode() & 0o7777);
    let file = tmp.as_file_mut();
    file.write_all(new.as_bytes())
        .and_then(|()| {
            file.set_permissions(std::fs::Permissions::from_mode(mode))?;
            if let Some(m) = &meta {
                // Only root can give a file away; anyone else keeps their own.
                let _ = std::os::unix::fs::fchown(&*file, Some(m.uid()), Some(m.gid()));
            }
            file.sync_all()
        })
        .map_err(|e| InstallError::io(&path, "writing", &e))?;
    tmp.persist(&path)
        .map_err(|e| InstallError::io(&path, "writing", &e.error))?;
    Ok(backup)
}

/// `<file>.hookwarden-backup-<UTC timestamp>`, never one that exists.
fn backup_path(path: &Path) -> PathBuf {
    let stamp = utc_stamp(std::time::SystemTime::now());
    let base = format!("{}.hookwarden-backup-{stamp}", path.display());
    let mut candidate = PathBuf::from(&base);
    let mut n = 1;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

/// `YYYYMMDDTHHMMSSZ`.
fn utc_stamp(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The indentation unit of a JSON text (its first indented line), else two spaces.
pub fn json_indent(text: &str) -> String {
    text.lines()
        .skip(1)
        .map(|l| {
            l.chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect::<String>()
        })
        .find(|ws| !ws.is_empty())
        .unwrap_or_else(|| "  ".to_owned())
}

/// Pretty-print JSON with `indent`, ending in a newline.
pub fn json_text(value: &serde_json::Value, indent: &str) -> String {
    use serde::Serialize;
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    value
        .serialize(&mut ser)
        .expect("serializing a JSON value cannot fail");
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

/// Parse JSON, with the error located as `file:line:column`.
pub fn parse_json(path: &Path, text: &str) -> Result<serde_json::Value, InstallError> {
    if text.trim().is_empty() {
        return Ok(serde_json::Value::Object(Default::default()));
    }
    serde_json::from_str(text).map_err(|e| {
        InstallError::new(format!(
            "{}:{}:{}: not valid JSON: {e}; fix the file (or move it away), then retry",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_calendar_dates() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_709_210_096);
        assert_eq!(utc_stamp(t), "20240229T123456Z");
        assert_eq!(utc_stamp(std::time::UNIX_EPOCH), "19700101T000000Z");
    }

    #[test]
    fn indentation_is_detected() {
        assert_eq!(json_indent("{\n    \"a\": 1\n}\n"), "    ");
        assert_eq!(json_indent("{\n\t\"a\": 1\n}\n"), "\t");
        assert_eq!(json_indent("{}"), "  ");
    }
}
