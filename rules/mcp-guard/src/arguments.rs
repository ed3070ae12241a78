//! Credentials in a call's arguments.

use serde_json::Value;

/// A credential in one argument: what it is and where (`body`,
/// `files.0.content`), never the value.
pub struct Found {
    pub label: &'static str,
    pub at: String,
}

/// Every credential in the string values (and keys) of `arguments`.
pub fn secrets(arguments: &str) -> Vec<Found> {
    let mut out = Vec::new();
    match serde_json::from_str::<Value>(arguments) {
        Ok(value) => walk(&value, &mut String::new(), &mut out),
        // Not JSON (an agent passing raw text): scan it as is.
        Err(_) => scan(arguments, "arguments", &mut out),
    }
    out
}

fn walk(value: &Value, path: &mut String, out: &mut Vec<Found>) {
    match value {
        Value::String(s) => scan(s, if path.is_empty() { "arguments" } else { path }, out),
        Value::Array(list) => {
            for (i, item) in list.iter().enumerate() {
                let len = path.len();
                push(path, &i.to_string());
                walk(item, path, out);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                scan(key, "a key", out);
                push(path, key);
                walk(item, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

fn push(path: &mut String, segment: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(segment);
}

fn scan(text: &str, at: &str, out: &mut Vec<Found>) {
    for f in hookwarden_sdk::secrets::find(text) {
        if !out.iter().any(|o| o.label == f.label && o.at == at) {
            out.push(Found {
                label: f.label,
                at: at.to_owned(),
            });
        }
    }
}
