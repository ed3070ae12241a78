//! Statements that destroy data, given to database clients: SQL `DROP`,
//! `TRUNCATE`, `DELETE`/`UPDATE` without `WHERE`, `ALTER TABLE … DROP`;
//! Mongo's `drop()`, `dropDatabase()`, `deleteMany({})`; Redis's
//! `FLUSHALL`/`FLUSHDB`. The statements are read from the client's options
//! (`psql -c`, `mysql -e`, `mongosh --eval`, `sqlite3 db 'SQL'`…), from
//! here-documents and here-strings, and from what `echo`/`printf`/`cat`
//! pipe into the client. A script file (`psql -f x.sql`) is not read:
//! migrations run that way every day.

use hookwarden_sdk::shell::SimpleCommand;

use super::{Family, Finding, Severity};

/// SQL clients and the options that carry statements.
const SQL_CLIENTS: &[(&str, &[&str])] = &[
    ("psql", &["-c", "--command"]),
    ("mysql", &["-e", "--execute"]),
    ("mariadb", &["-e", "--execute"]),
    ("sqlite3", &["-cmd"]),
    ("duckdb", &["-c", "-cmd"]),
    ("cockroach", &["-e", "--execute"]),
    ("clickhouse-client", &["-q", "--query"]),
    ("clickhouse", &["-q", "--query"]),
    ("cqlsh", &["-e", "--execute"]),
    ("sqlcmd", &["-q", "-Q"]),
    ("snowsql", &["-q", "--query"]),
    ("bq", &["--query"]),
    ("trino", &["--execute"]),
    ("usql", &["-c", "--command"]),
    ("pgcli", &["-e"]),
    ("mycli", &["-e", "--execute"]),
];

const MONGO_CLIENTS: &[(&str, &[&str])] = &[("mongosh", &["--eval"]), ("mongo", &["--eval"])];

/// Programs whose output is text the command line spells out.
const TEXT_SOURCES: &[&str] = &["echo", "printf", "cat", ""];

pub fn check(cmd: &SimpleCommand, earlier: &[SimpleCommand], found: &mut Vec<Finding>) {
    let program = cmd.program.as_str();
    if program == "redis-cli" || program == "valkey-cli" || program == "keydb-cli" {
        redis(cmd, earlier, found);
        return;
    }
    let (mongo, options) = match SQL_CLIENTS.iter().find(|(p, _)| *p == program) {
        Some((_, o)) => (false, *o),
        None => match MONGO_CLIENTS.iter().find(|(p, _)| *p == program) {
            Some((_, o)) => (true, *o),
            None => return,
        },
    };
    let mut texts = statements_given(cmd, options, earlier);
    // `sqlite3 db.sqlite 'DROP TABLE t'`, `bq query 'DELETE …'`: the
    // statement is an operand.
    if matches!(program, "sqlite3" | "duckdb" | "bq") {
        texts.extend(
            cmd.args
                .iter()
                .filter(|w| !w.text.starts_with('-'))
                .skip(1)
                .map(|w| w.text.clone()),
        );
    }
    for text in texts {
        let what = if mongo {
            mongo_destroys(&text)
        } else {
            sql_destroys(&text)
        };
        if let Some((severity, what)) = what {
            found.push(Finding {
                family: Family::Databases,
                severity,
                what,
            });
            return;
        }
    }
}

/// The statement texts given to `cmd`: option values, here-documents and
/// here-strings, and literal text piped in by `echo`/`printf`/`cat`.
fn statements_given(
    cmd: &SimpleCommand,
    options: &[&str],
    earlier: &[SimpleCommand],
) -> Vec<String> {
    let mut out = Vec::new();
    let mut args = cmd.args.iter().peekable();
    while let Some(w) = args.next() {
        let t = w.text.as_str();
        for o in options {
            if t == *o {
                if let Some(v) = args.peek() {
                    out.push(v.text.clone());
                }
            } else if let Some(v) = t.strip_prefix(o) {
                // `--command=…`, `-e…`
                let v = v.strip_prefix('=').unwrap_or(v);
                if !v.is_empty() && (o.starts_with("--") == t.starts_with("--")) {
                    out.push(v.to_string());
                }
            }
        }
    }
    for r in &cmd.redirects {
        if matches!(r.op.as_str(), "<<" | "<<-" | "<<<") {
            out.push(r.target.text.clone());
        }
    }
    // The nearest earlier command writing into this one's pipe.
    if cmd.piped_from.is_some()
        && let Some(src) = earlier
            .iter()
            .rev()
            .find(|c| c.piped_into.as_deref() == Some(cmd.program.as_str()))
        && TEXT_SOURCES.contains(&src.program.as_str())
    {
        out.extend(
            src.args
                .iter()
                .filter(|w| !w.text.starts_with('-'))
                .map(|w| w.text.clone()),
        );
        out.extend(
            src.redirects
                .iter()
                .filter(|r| matches!(r.op.as_str(), "<<" | "<<-" | "<<<"))
                .map(|r| r.target.text.clone()),
        );
    }
    out
}

/// Upper-cased words of SQL, with comments and string literals dropped and
/// `;` kept as a word of its own.
fn sql_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    let flush = |cur: &mut String, words: &mut Vec<String>| {
        if !cur.is_empty() {
            words.push(std::mem::take(cur).to_ascii_uppercase());
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                flush(&mut cur, &mut words);
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                }
                words.push("'…'".into());
            }
            '-' if chars.peek() == Some(&'-') => {
                flush(&mut cur, &mut words);
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                flush(&mut cur, &mut words);
                let mut prev = ' ';
                for d in chars.by_ref() {
                    if prev == '*' && d == '/' {
                        break;
                    }
                    prev = d;
                }
            }
            ';' => {
                flush(&mut cur, &mut words);
                words.push(";".into());
            }
            c if c.is_alphanumeric() || c == '_' || c == '.' || c == '"' || c == '`' => cur.push(c),
            _ => flush(&mut cur, &mut words),
        }
    }
    flush(&mut cur, &mut words);
    words
}

/// What the SQL destroys, if anything.
pub fn sql_destroys(text: &str) -> Option<(Severity, String)> {
    let words = sql_words(text);
    for stmt in words.split(|w| w == ";") {
        let mut it = stmt.iter().map(String::as_str);
        let first = it.next()?;
        let rest: Vec<&str> = it.collect();
        let has = |w: &str| rest.contains(&w);
        let what = match first {
            "DROP" => {
                let object = rest.first().copied().unwrap_or("");
                Some((
                    Severity::Deny,
                    format!("drops a {}", object.to_ascii_lowercase()),
                ))
            }
            "TRUNCATE" => Some((
                Severity::Deny,
                "deletes every row of a table (TRUNCATE)".into(),
            )),
            "DELETE" if !has("WHERE") => Some((
                Severity::Deny,
                "deletes every row of a table (DELETE without WHERE)".into(),
            )),
            "UPDATE" if !has("WHERE") => Some((
                Severity::Ask,
                "overwrites every row of a table (UPDATE without WHERE)".into(),
            )),
            "ALTER" if has("DROP") => Some((
                Severity::Deny,
                "drops part of a table (ALTER … DROP)".into(),
            )),
            "FLUSHALL" | "FLUSHDB" => {
                Some((Severity::Deny, format!("deletes every key ({first})")))
            }
            _ => None,
        };
        if what.is_some() {
            return what;
        }
    }
    None
}

/// What the Mongo shell code destroys, if anything.
fn mongo_destroys(text: &str) -> Option<(Severity, String)> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for (call, what) in [
        (".dropDatabase(", "drops a database"),
        (".drop(", "drops a collection"),
        (".dropCollection(", "drops a collection"),
        (".deleteMany({})", "deletes every document of a collection"),
        (".deleteMany()", "deletes every document of a collection"),
        (".remove({})", "deletes every document of a collection"),
        (".dropIndexes(", "drops indexes"),
    ] {
        if compact.contains(call) {
            return Some((Severity::Deny, what.into()));
        }
    }
    None
}

/// `redis-cli FLUSHALL`, also through `-n 2`, piped in or in a here-string.
fn redis(cmd: &SimpleCommand, earlier: &[SimpleCommand], found: &mut Vec<Finding>) {
    let mut texts: Vec<String> = cmd.args.iter().map(|w| w.text.clone()).collect();
    texts.extend(statements_given(cmd, &[], earlier));
    for t in texts {
        if t.split_whitespace()
            .any(|w| w.eq_ignore_ascii_case("flushall") || w.eq_ignore_ascii_case("flushdb"))
        {
            found.push(Finding {
                family: Family::Databases,
                severity: Severity::Deny,
                what: "deletes every key of the Redis database (FLUSHALL/FLUSHDB)".into(),
            });
            return;
        }
    }
}
