//! Server names that imitate a listed one.
//!
//! A name is compared with each listed name by its *skeleton*: lowercase,
//! look-alike letters folded to the Latin letter they imitate (Cyrillic
//! `а` → `a`, fullwidth `ｇ` → `g`, `0` → `o`, `rn` → `m`), separators
//! dropped and the usual affixes (`mcp`, `server`) removed. Equal skeletons,
//! or skeletons within a small edit distance (one edit up to 8 letters,
//! two beyond; none under 5, where one edit makes another word), make the
//! name a look-alike — unless it *is* the listed name.

/// Names of real, distinct MCP servers that lie within an edit or two of
/// each other (`mysql`/`mssql`, `slack`/`stack`, `notion`/`motion`): such a
/// name is a server of its own, judged as unlisted, not denied as a
/// look-alike — unless it only differs from a listed one in ways a reader
/// cannot see (letters that look alike, case, separators, affixes).
const KNOWN_SERVERS: &[&str] = &[
    "mysql",
    "mssql",
    "sqlite",
    "sqlite3",
    "postgres",
    "postgresql",
    "mongo",
    "mongodb",
    "mango",
    "redis",
    "slack",
    "stack",
    "stackoverflow",
    "chroma",
    "chrome",
    "openai",
    "openapi",
    "gmail",
    "email",
    "browserbase",
    "browseruse",
    "notion",
    "motion",
    "ollama",
    "llama",
    "trello",
    "tello",
    "tavily",
    "tally",
    "figma",
    "sigma",
    "github",
    "gitlab",
    "gitea",
    "git",
    "memory",
    "filesystem",
    "fetch",
    "time",
    "sentry",
    "linear",
    "jira",
    "docker",
    "podman",
    "kubernetes",
    "playwright",
    "puppeteer",
    "supabase",
    "firebase",
    "stripe",
    "vercel",
    "netlify",
    "heroku",
    "discord",
    "telegram",
    "twilio",
    "airtable",
    "asana",
    "todoist",
    "obsidian",
    "zotero",
    "brave",
    "exa",
    "perplexity",
    "context7",
    "serena",
    "tmux",
    "shell",
    "terminal",
    "snowflake",
    "bigquery",
    "duckdb",
    "neo4j",
    "qdrant",
    "pinecone",
    "weaviate",
    "milvus",
    "elastic",
    "elasticsearch",
    "grafana",
    "prometheus",
    "datadog",
    "newrelic",
    "pagerduty",
    "aws",
    "azure",
    "gcp",
    "cloudflare",
    "terraform",
    "pulumi",
    "ansible",
    "jenkins",
    "circleci",
    "zendesk",
    "hubspot",
    "salesforce",
    "shopify",
    "wordpress",
    "contentful",
    "sanity",
    "youtube",
    "spotify",
];

/// The listed name `name` imitates, if any.
pub fn imitated<'a>(name: &str, listed: impl IntoIterator<Item = &'a String>) -> Option<&'a str> {
    let skeleton = skeleton(name);
    if skeleton.is_empty() {
        return None;
    }
    // A known server's own name is only a look-alike by its looks.
    let known = KNOWN_SERVERS.contains(&name.to_lowercase().replace(['-', '_', '.'], "").as_str());
    listed
        .into_iter()
        .filter(|l| l.as_str() != name)
        .find(|l| {
            let other = self::skeleton(l);
            let len = skeleton.chars().count().min(other.chars().count());
            let allowed = match len {
                0..=4 => 0,
                5..=8 => 1,
                _ => 2,
            };
            skeleton == other || (!known && allowed > 0 && distance(&skeleton, &other) <= allowed)
        })
        .map(String::as_str)
}

/// The name reduced to what a reader sees.
pub fn skeleton(name: &str) -> String {
    let mut folded = String::new();
    for c in name.chars() {
        if let Some(c) = fold(c) {
            folded.push(c);
        }
    }
    let folded = folded.replace("rn", "m").replace("vv", "w");
    let mut s = folded.as_str();
    loop {
        let before = s.len();
        for affix in ["mcp", "server", "srv"] {
            if s.len() > affix.len() {
                s = s.strip_prefix(affix).unwrap_or(s);
                s = s.strip_suffix(affix).unwrap_or(s);
            }
        }
        if s.len() == before {
            break;
        }
    }
    s.to_owned()
}

/// A character as the Latin letter or digit it looks like; `None` for
/// separators and marks that a reader skips.
fn fold(c: char) -> Option<char> {
    let c = match c {
        // Fullwidth ASCII.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0)?,
        _ => c,
    };
    let c = c.to_lowercase().next().unwrap_or(c);
    Some(match c {
        'a'..='z' => match c {
            'l' => 'i',
            _ => c,
        },
        '0' => 'o',
        '1' | '|' => 'i',
        '2'..='9' => c,
        // Cyrillic and Greek letters that look Latin.
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' | 'ё' => 'e',
        'ɡ' => 'g',
        'һ' | 'η' => 'h',
        'і' | 'ї' | 'ι' | 'ӏ' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' | 'μ' => 'm',
        'п' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' | 'ц' => 'u',
        'ν' => 'v',
        'ѡ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'ᴢ' => 'z',
        // Separators and invisible characters.
        '-' | '_' | '.' | ' ' | '/' | ':' | '@' => return None,
        '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => return None,
        _ => c,
    })
}

/// Optimal-string-alignment edit distance (a swap of neighbours is one edit).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn look_alikes_of_listed_names_are_caught() {
        let l = listed(&["filesystem", "github", "memory", "git"]);
        for (name, original) in [
            ("filesytem", "filesystem"),
            ("fiIesystem", "filesystem"),
            ("github-mcp", "github"),
            ("mcp-github", "github"),
            ("github_server", "github"),
            ("GitHub", "github"),
            ("gіthub", "github"), // Cyrillic і
            ("githuh", "github"),
            ("rnemory", "memory"),
            ("mem0ry", "memory"),
            ("ｇｉｔｈｕｂ", "github"),
            ("git-mcp", "git"),
        ] {
            assert_eq!(imitated(name, &l), Some(original), "{name}");
        }
    }

    #[test]
    fn listed_names_and_other_servers_are_not_look_alikes() {
        let l = listed(&["filesystem", "github", "memory", "git"]);
        for name in [
            "filesystem",
            "github",
            "gitlab",
            "slack",
            "postgres",
            "gh",
            "fetch",
            "memcached",
            "sentry",
            "linear",
            "",
            "mcp",
        ] {
            assert_eq!(imitated(name, &l), None, "{name}");
        }
    }

    #[test]
    fn real_servers_close_to_each_other_are_not_look_alikes() {
        for (a, b) in [
            ("mysql", "mssql"),
            ("slack", "stack"),
            ("chroma", "chrome"),
            ("openai", "openapi"),
            ("gmail", "email"),
            ("notion", "motion"),
            ("ollama", "llama"),
            ("trello", "tello"),
            ("tavily", "tally"),
            ("figma", "sigma"),
            ("mongo", "mango"),
            ("sqlite", "sqlite3"),
            ("browserbase", "browser-use"),
        ] {
            assert_eq!(imitated(a, &listed(&[b])), None, "{a} vs {b}");
            assert_eq!(imitated(b, &listed(&[a])), None, "{b} vs {a}");
        }
        // What a reader cannot tell apart still is one.
        assert_eq!(imitated("mysql-mcp", &listed(&["mysql"])), Some("mysql"));
        assert_eq!(imitated("Slack", &listed(&["slack"])), Some("slack"));
        assert_eq!(imitated("nоtion", &listed(&["notion"])), Some("notion")); // Cyrillic о
    }

    #[test]
    fn edit_distance_counts_swaps_once() {
        assert_eq!(distance("github", "gihtub"), 1);
        assert_eq!(distance("abc", "abc"), 0);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
