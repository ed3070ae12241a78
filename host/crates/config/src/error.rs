use std::path::{Path, PathBuf};

/// A configuration that cannot be used. Every message names the file and,
/// where it can, the line and the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}{}: {message}{}", path.display(), location(*line, *column), key_note(key))]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        key: Option<String>,
        message: String,
    },
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

fn key_note(key: &Option<String>) -> String {
    match key.as_deref() {
        Some(k) if !k.is_empty() && k != "." => format!(" (key `{k}`)"),
        _ => String::new(),
    }
}

impl ConfigError {
    pub(crate) fn toml(path: &Path, text: &str, e: toml::de::Error, key: Option<String>) -> Self {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = line_col(text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        ConfigError::Invalid {
            path: path.to_owned(),
            line,
            column,
            key,
            message: e.message().trim().to_owned(),
        }
    }

    pub(crate) fn rule(path: &Path, index: usize, id: &str, message: String) -> Self {
        ConfigError::Invalid {
            path: path.to_owned(),
            line: None,
            column: None,
            key: Some(format!("hookwarden.rules[{index}] (id `{id}`)")),
            message,
        }
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
