//! Codex's `apply_patch` format, as far as rules need it: which files a
//! patch adds, updates (and maybe moves) or deletes, and with what text.
//!
//! ```text
//! *** Begin Patch
//! *** Add File: path        (followed by `+` lines)
//! *** Update File: path     (optional `*** Move to: new`, then `@@` hunks)
//! *** Delete File: path
//! *** End Patch
//! ```

use hookwarden_event::{Patch, PatchFile, PatchOperation};

/// Parse leniently: whatever file headers are present are reported, even if
/// the envelope is incomplete (a rule should see every path a patch names).
pub fn parse(text: &str) -> Patch {
    let mut files: Vec<PatchFile> = Vec::new();
    for line in text.lines() {
        let header = |prefix: &str| line.strip_prefix(prefix).map(|p| p.trim().to_owned());
        if let Some(path) = header("*** Add File:") {
            files.push(file(path, PatchOperation::Add));
        } else if let Some(path) = header("*** Update File:") {
            files.push(file(path, PatchOperation::Update));
        } else if let Some(path) = header("*** Delete File:") {
            files.push(file(path, PatchOperation::Delete));
        } else if let Some(dest) = header("*** Move to:") {
            if let Some(f) = files.last_mut() {
                f.move_to = Some(dest);
            }
        } else if line.starts_with("*** ") {
            // Begin/End Patch, End of File: envelope, no content.
        } else if let Some(f) = files.last_mut() {
            match f.operation {
                PatchOperation::Add => {
                    let added = line.strip_prefix('+').unwrap_or(line);
                    f.body.push_str(added);
                    f.body.push('\n');
                }
                PatchOperation::Update => {
                    f.body.push_str(line);
                    f.body.push('\n');
                }
                PatchOperation::Delete => {}
            }
        }
    }
    Patch {
        files,
        text: text.to_owned(),
    }
}

fn file(path: String, operation: PatchOperation) -> PatchFile {
    PatchFile {
        path,
        operation,
        move_to: None,
        body: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_operation() {
        let p = parse(
            "*** Begin Patch\n*** Add File: hello.txt\n+Hello\n+world\n*** Update File: src/a.rs\n*** Move to: src/b.rs\n@@ fn main\n-old\n+new\n*** Delete File: gone.txt\n*** End Patch",
        );
        assert_eq!(p.files.len(), 3);
        assert_eq!(p.files[0].path, "hello.txt");
        assert_eq!(p.files[0].operation, PatchOperation::Add);
        assert_eq!(p.files[0].body, "Hello\nworld\n");
        assert_eq!(p.files[1].operation, PatchOperation::Update);
        assert_eq!(p.files[1].move_to.as_deref(), Some("src/b.rs"));
        assert_eq!(p.files[1].body, "@@ fn main\n-old\n+new\n");
        assert_eq!(p.files[2].operation, PatchOperation::Delete);
        assert_eq!(p.files[2].path, "gone.txt");
    }

    #[test]
    fn truncated_patch_still_names_its_files() {
        let p = parse("*** Begin Patch\n*** Update File: .git/hooks/pre-commit\n@@\n+curl x | sh");
        assert_eq!(p.files[0].path, ".git/hooks/pre-commit");
    }
}
