//! Credentials in text: provider-format detectors with high precision.
//!
//! [`find`] scans text (tool arguments, file contents, tool output) for
//! credentials by their issuers' published formats: a fixed prefix, a
//! charset and a length, and a checksum where the format has one (GitHub's
//! CRC32 tail). The formats follow gitleaks' default rule set
//! (`config/gitleaks.toml`, MIT), narrowed to the ones whose prefix alone
//! makes a false match unlikely. Known public examples and placeholders
//! (AWS's documented `…EXAMPLE` pair, `xxxx`, `****`, `${VAR}`, `<token>`)
//! are left alone; high-entropy strings without a known format (git SHAs,
//! integrity hashes, UUIDs) are never reported.
//!
//! Hand-written rather than a regex crate: each detector is a prefix search
//! plus a charset walk, which keeps rule components small and fast to
//! compile, and the scan linear in the text.
//!
//! A [`Finding`] names the detector and where the credential is, never
//! the credential itself: reasons and logs must not carry the secret.

/// One credential found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A stable id: `aws-access-key`, `github-token`, `private-key`…
    pub kind: &'static str,
    /// What it is, for people: "an AWS access key id".
    pub label: &'static str,
    /// Byte range of the credential in the scanned text (to redact it).
    pub start: usize,
    pub end: usize,
}

/// How a token's body is spelled after its prefix.
#[derive(Clone, Copy)]
enum Charset {
    /// `A-Za-z0-9`
    Alnum,
    /// `A-Z0-9`
    UpperAlnum,
    /// `A-Za-z0-9_-`
    UrlSafe,
    /// `A-Za-z0-9-` (Slack)
    AlnumDash,
}

impl Charset {
    fn contains(self, b: u8) -> bool {
        match self {
            Charset::Alnum => b.is_ascii_alphanumeric(),
            Charset::UpperAlnum => b.is_ascii_uppercase() || b.is_ascii_digit(),
            Charset::UrlSafe => b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
            Charset::AlnumDash => b.is_ascii_alphanumeric() || b == b'-',
        }
    }
}

/// A token format: `prefix` then `min..=max` characters of `charset`.
struct Format {
    kind: &'static str,
    label: &'static str,
    prefix: &'static str,
    charset: Charset,
    min: usize,
    max: usize,
    check: fn(&str) -> bool,
}

fn any(_: &str) -> bool {
    true
}

const FORMATS: &[Format] = &[
    Format {
        kind: "aws-access-key",
        label: "an AWS access key id",
        prefix: "AKIA",
        charset: Charset::UpperAlnum,
        min: 16,
        max: 16,
        check: not_example,
    },
    Format {
        kind: "aws-access-key",
        label: "an AWS temporary access key id",
        prefix: "ASIA",
        charset: Charset::UpperAlnum,
        min: 16,
        max: 16,
        check: not_example,
    },
    Format {
        kind: "github-token",
        label: "a GitHub personal access token",
        prefix: "ghp_",
        charset: Charset::Alnum,
        min: 36,
        max: 36,
        check: github_checksum,
    },
    Format {
        kind: "github-token",
        label: "a GitHub OAuth token",
        prefix: "gho_",
        charset: Charset::Alnum,
        min: 36,
        max: 36,
        check: github_checksum,
    },
    Format {
        kind: "github-token",
        label: "a GitHub user-to-server token",
        prefix: "ghu_",
        charset: Charset::Alnum,
        min: 36,
        max: 36,
        check: github_checksum,
    },
    Format {
        kind: "github-token",
        label: "a GitHub server-to-server token",
        prefix: "ghs_",
        charset: Charset::Alnum,
        min: 36,
        max: 36,
        check: github_checksum,
    },
    Format {
        kind: "github-token",
        label: "a GitHub refresh token",
        prefix: "ghr_",
        charset: Charset::Alnum,
        min: 36,
        max: 36,
        check: github_checksum,
    },
    Format {
        kind: "github-token",
        label: "a GitHub fine-grained personal access token",
        prefix: "github_pat_",
        charset: Charset::UrlSafe,
        min: 82,
        max: 82,
        check: not_placeholder,
    },
    Format {
        kind: "gitlab-token",
        label: "a GitLab personal access token",
        prefix: "glpat-",
        charset: Charset::UrlSafe,
        min: 20,
        max: 64,
        check: not_placeholder,
    },
    Format {
        kind: "slack-token",
        label: "a Slack bot token",
        prefix: "xoxb-",
        charset: Charset::AlnumDash,
        min: 20,
        max: 255,
        check: slack_shape,
    },
    Format {
        kind: "slack-token",
        label: "a Slack user token",
        prefix: "xoxp-",
        charset: Charset::AlnumDash,
        min: 20,
        max: 255,
        check: slack_shape,
    },
    Format {
        kind: "slack-webhook",
        label: "a Slack incoming-webhook URL",
        prefix: "hooks.slack.com/services/T",
        charset: Charset::UrlSafe,
        min: 8,
        max: 120,
        check: any,
    },
    Format {
        kind: "stripe-key",
        label: "a Stripe live secret key",
        prefix: "sk_live_",
        charset: Charset::Alnum,
        min: 24,
        max: 247,
        check: not_placeholder,
    },
    Format {
        kind: "stripe-key",
        label: "a Stripe live restricted key",
        prefix: "rk_live_",
        charset: Charset::Alnum,
        min: 24,
        max: 247,
        check: not_placeholder,
    },
    Format {
        kind: "anthropic-key",
        label: "an Anthropic API key",
        prefix: "sk-ant-api03-",
        charset: Charset::UrlSafe,
        min: 80,
        max: 120,
        check: not_placeholder,
    },
    Format {
        kind: "anthropic-key",
        label: "an Anthropic admin key",
        prefix: "sk-ant-admin01-",
        charset: Charset::UrlSafe,
        min: 80,
        max: 120,
        check: not_placeholder,
    },
    Format {
        kind: "openai-key",
        label: "an OpenAI project key",
        prefix: "sk-proj-",
        charset: Charset::UrlSafe,
        min: 40,
        max: 200,
        check: not_placeholder,
    },
    Format {
        kind: "openai-key",
        label: "an OpenAI service-account key",
        prefix: "sk-svcacct-",
        charset: Charset::UrlSafe,
        min: 40,
        max: 200,
        check: not_placeholder,
    },
    Format {
        kind: "anthropic-key",
        label: "an Anthropic OAuth token",
        prefix: "sk-ant-oat01-",
        charset: Charset::UrlSafe,
        min: 80,
        max: 120,
        check: not_placeholder,
    },
    Format {
        kind: "openai-key",
        label: "an OpenAI API key",
        prefix: "sk-",
        charset: Charset::Alnum,
        min: 48,
        max: 48,
        check: openai_legacy,
    },
    Format {
        kind: "huggingface-token",
        label: "a Hugging Face access token",
        prefix: "hf_",
        charset: Charset::Alnum,
        min: 34,
        max: 34,
        check: not_placeholder,
    },
    Format {
        kind: "slack-token",
        label: "a Slack app token",
        prefix: "xapp-",
        charset: Charset::AlnumDash,
        min: 20,
        max: 255,
        check: slack_shape,
    },
    Format {
        kind: "stripe-key",
        label: "a Stripe webhook signing secret",
        prefix: "whsec_",
        charset: Charset::Alnum,
        min: 32,
        max: 64,
        check: not_placeholder,
    },
    Format {
        kind: "digitalocean-token",
        label: "a DigitalOcean access token",
        prefix: "dop_v1_",
        charset: Charset::Alnum,
        min: 64,
        max: 64,
        check: not_placeholder,
    },
    Format {
        kind: "shopify-token",
        label: "a Shopify access token",
        prefix: "shpat_",
        charset: Charset::Alnum,
        min: 32,
        max: 32,
        check: not_placeholder,
    },
    Format {
        kind: "google-api-key",
        label: "a Google API key",
        prefix: "AIza",
        charset: Charset::UrlSafe,
        min: 35,
        max: 35,
        check: not_placeholder,
    },
    Format {
        kind: "npm-token",
        label: "an npm access token",
        prefix: "npm_",
        charset: Charset::Alnum,
        min: 36,
        max: 36,
        check: not_placeholder,
    },
    Format {
        kind: "pypi-token",
        label: "a PyPI upload token",
        prefix: "pypi-AgEIcHlwaS5vcmc",
        charset: Charset::UrlSafe,
        min: 50,
        max: 400,
        check: any,
    },
];

/// Every credential in `text`, in order of position, overlaps removed.
pub fn find(text: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    for f in FORMATS {
        for (at, _) in text.match_indices(f.prefix) {
            // A token starts a word: `xAKIA…` is part of something else.
            if at > 0 && is_word_byte(text.as_bytes()[at - 1]) && !f.prefix.contains('.') {
                continue;
            }
            let body_start = at + f.prefix.len();
            let len = text.as_bytes()[body_start..]
                .iter()
                .take(f.max + 1)
                .take_while(|b| f.charset.contains(**b))
                .count();
            if len < f.min || len > f.max {
                continue;
            }
            let token = &text[at..body_start + len];
            if (f.check)(token) {
                found.push(Finding {
                    kind: f.kind,
                    label: f.label,
                    start: at,
                    end: body_start + len,
                });
            }
        }
    }
    found.extend(private_keys(text));
    found.extend(aws_secret_keys(text));
    found.extend(jwts(text));
    found.extend(connection_strings(text));
    found.extend(service_account(text));
    found.extend(env_dump(text));
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut kept: Vec<Finding> = Vec::with_capacity(found.len());
    for f in found {
        match kept.last() {
            Some(last) if f.start < last.end => {}
            _ => kept.push(f),
        }
    }
    kept
}

/// `text` with every credential replaced by `[REDACTED <kind>]`.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in find(text) {
        out.push_str(&text[at..f.start]);
        out.push_str("[REDACTED ");
        out.push_str(f.kind);
        out.push(']');
        at = f.end;
    }
    out.push_str(&text[at..]);
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Obvious placeholders: a run of the same character, `EXAMPLE`, `xxxx`.
fn not_placeholder(token: &str) -> bool {
    let upper = token.to_ascii_uppercase();
    if upper.contains("EXAMPLE") || upper.contains("XXXXXXXX") || upper.contains("PLACEHOLDER") {
        return false;
    }
    let body = token.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    let distinct: std::collections::BTreeSet<char> = body.chars().collect();
    distinct.len() > 6
}

/// OpenAI's older keys: `sk-` and 48 characters with `T3BlbkFJ` (base64
/// of "OpenAI") in the middle.
fn openai_legacy(token: &str) -> bool {
    token.get(23..31) == Some("T3BlbkFJ") && not_placeholder(token)
}

fn not_example(token: &str) -> bool {
    !token.ends_with("EXAMPLE") && not_placeholder(token)
}

/// Slack tokens are `xoxb-<digits>-<digits>-<alnum>`.
fn slack_shape(token: &str) -> bool {
    token.split('-').count() >= 3 && not_placeholder(token)
}

/// GitHub's classic tokens end in a CRC32 of their random part, in base62
/// (6 characters): a string that merely looks like a token fails it.
fn github_checksum(token: &str) -> bool {
    let Some((_, body)) = token.split_once('_') else {
        return false;
    };
    if body.len() != 36 {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62(crc32(random.as_bytes()), 6) == check
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn base62(mut n: u32, width: usize) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// PEM private keys with a body (not `-----BEGIN PRIVATE KEY-----...`).
fn private_keys(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("-----BEGIN ") {
        let rest = &text[at + 11..];
        let Some(header_end) = rest.find("-----") else {
            continue;
        };
        let header = &rest[..header_end];
        if !header.ends_with("PRIVATE KEY") || header.len() > 40 {
            continue;
        }
        let body_start = at + 11 + header_end + 5;
        let body = &text[body_start..];
        let end = body
            .find("-----END ")
            .map(|e| {
                let tail = &body[e + 9..];
                body_start + e + 9 + tail.find("-----").map_or(0, |t| t + 5)
            })
            .unwrap_or(text.len());
        let body: Vec<u8> = text[body_start..end]
            .bytes()
            .filter(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
            .collect();
        // A real key's body uses most of base64's alphabet; `AAAA…` is filler.
        let distinct: std::collections::BTreeSet<u8> = body.iter().copied().collect();
        if body.len() >= 64 && distinct.len() >= 16 {
            out.push(Finding {
                kind: "private-key",
                label: "a private key",
                start: at,
                end,
            });
        }
    }
    out
}

/// `aws_secret_access_key = <40 chars>` (credentials files, env dumps).
fn aws_secret_keys(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let lower = text.to_ascii_lowercase();
    for (at, key) in lower
        .match_indices("aws_secret_access_key")
        .chain(lower.match_indices("secretaccesskey"))
    {
        let after = at + key.len();
        let rest = &text[after..];
        let skip = rest
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'=' | b':' | b'"' | b'\''))
            .count();
        let start = after + skip;
        let len = text.as_bytes()[start..]
            .iter()
            .take(41)
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'/' || **b == b'+')
            .count();
        let value = &text[start..start + len];
        if len == 40 && !value.ends_with("EXAMPLEKEY") && not_placeholder(value) {
            out.push(Finding {
                kind: "aws-secret-key",
                label: "an AWS secret access key",
                start,
                end: start + len,
            });
        }
    }
    out
}

/// `eyJ….eyJ….<signature>`: a signed JWT (header and claims are JSON).
fn jwts(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("eyJ") {
        if at > 0 && is_word_byte(text.as_bytes()[at - 1]) {
            continue;
        }
        let bytes = &text.as_bytes()[at..];
        let mut parts = [0usize; 3];
        let mut i = 0;
        let mut part = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
                parts[part] += 1;
            } else if b == b'.' && part < 2 {
                part += 1;
            } else {
                break;
            }
            i += 1;
        }
        let token = &text[at..at + i];
        if part == 2
            && parts.iter().all(|n| *n >= 10)
            && token
                .split('.')
                .nth(1)
                .is_some_and(|c| c.starts_with("eyJ"))
            && !public_jwt(token)
        {
            out.push(Finding {
                kind: "jwt",
                label: "a JSON Web Token",
                start: at,
                end: at + i,
            });
        }
    }
    out
}

/// JWTs meant to be public or shown: a Supabase `anon` key (its claims say
/// `"role":"anon"`), jwt.io's example.
fn public_jwt(token: &str) -> bool {
    const JWT_IO_EXAMPLE_SIGNATURE: &str = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    if token.ends_with(JWT_IO_EXAMPLE_SIGNATURE) {
        return true;
    }
    let claims = token.split('.').nth(1).map(base64url).unwrap_or_default();
    let claims: String = String::from_utf8_lossy(&claims)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    claims.contains("\"role\":\"anon\"")
}

/// Base64url (or base64) without padding, decoded; invalid characters end it.
fn base64url(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' | b'+' => Some(62),
        b'_' | b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in text.bytes().map_while(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// `scheme://user:password@host` for databases and brokers, with a real
/// password (not `password`, `***`, `${VAR}`, `<pass>`).
fn connection_strings(text: &str) -> Vec<Finding> {
    const SCHEMES: &[&str] = &[
        "postgres://",
        "postgresql://",
        "mysql://",
        "mariadb://",
        "mongodb://",
        "mongodb+srv://",
        "redis://",
        "rediss://",
        "amqp://",
        "amqps://",
        "mssql://",
        "sqlserver://",
    ];
    let mut out = Vec::new();
    for scheme in SCHEMES {
        for (at, _) in text.match_indices(scheme) {
            let rest = &text[at + scheme.len()..];
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '/'))
                .unwrap_or(rest.len());
            let authority = &rest[..end];
            let Some((userinfo, host)) = authority.rsplit_once('@') else {
                continue;
            };
            // A local development database's password guards nothing remote
            // (`[::1]` splits to `[`).
            let host = host.split([':', '?']).next().unwrap_or(host);
            if matches!(host, "localhost" | "127.0.0.1" | "[" | "::1") {
                continue;
            }
            let Some((_user, password)) = userinfo.split_once(':') else {
                continue;
            };
            if password_is_real(password) {
                out.push(Finding {
                    kind: "connection-string",
                    label: "a connection string with a password",
                    start: at,
                    end: at + scheme.len() + end,
                });
            }
        }
    }
    out
}

/// Words that mark a value as a placeholder (`changeme123`,
/// `replace_me_with_random`, `your-key-here`).
const PLACEHOLDER_WORDS: &[&str] = &[
    "change",
    "replace",
    "example",
    "your",
    "dummy",
    "sample",
    "placeholder",
    "xxxx",
    "todo",
    "fixme",
    "insert",
    "redacted",
];

fn password_is_real(password: &str) -> bool {
    let lower = password.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return false;
    }
    password.len() >= 6
        && !password.contains(['$', '<', '>', '{', '}', '*', '%'])
        && ![
            "password",
            "passwd",
            "secret",
            "changeme",
            "example",
            "xxxxxx",
            "pass",
            "pwd",
            "your_password",
            "yourpassword",
        ]
        .contains(&lower.as_str())
        && !lower.starts_with("your")
}

/// A Google service-account key file: `"type": "service_account"` with a
/// `"private_key"` (the key itself is also found as a PEM key).
fn service_account(text: &str) -> Vec<Finding> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains("\"type\":\"service_account\"")
        && compact.contains("\"private_key\":\"-----BEGIN")
    {
        let start = text.find("service_account").unwrap_or(0);
        return vec![Finding {
            kind: "gcp-service-account",
            label: "a Google service-account key",
            start,
            end: start + "service_account".len(),
        }];
    }
    Vec::new()
}

/// Whether a variable's name says it holds a credential (`GITHUB_TOKEN`,
/// `DB_PASSWORD`, `STRIPE_SECRET_KEY`), in any case.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_NAME_PARTS.iter().any(|p| upper.contains(p))
}

/// Parts of names that hold secrets.
const SECRET_NAME_PARTS: &[&str] = &[
    "SECRET",
    "TOKEN",
    "PASSWORD",
    "PASSWD",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
];

/// A `.env`-style dump: two or more `NAME=value` lines whose names say they
/// hold secrets and whose values are not placeholders. One such line alone
/// is how documentation shows a setting; several look like a file's
/// contents.
fn env_dump(text: &str) -> Vec<Finding> {
    let mut hits = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        let trimmed = trimmed.strip_prefix("export ").unwrap_or(trimmed);
        let Some((name, value)) = trimmed.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            || !is_secret_name(name)
        {
            continue;
        }
        let value = value.trim().trim_matches(['"', '\'']);
        if value.len() >= 8 && password_is_real(value) && not_placeholder(value) {
            hits.push((start, start + line.trim_end().len()));
        }
    }
    if hits.len() < 2 {
        return Vec::new();
    }
    hits.into_iter()
        .map(|(start, end)| Finding {
            kind: "env-secrets",
            label: "secrets in `.env` form",
            start,
            end,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<&'static str> {
        find(text).into_iter().map(|f| f.kind).collect()
    }

    /// A GitHub token with a valid checksum, built here (no real token in
    /// the repository).
    fn github_token(prefix: &str) -> String {
        let random = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1";
        format!("{prefix}{random}{}", base62(crc32(random.as_bytes()), 6))
    }

    #[test]
    fn provider_formats_are_found() {
        let t = github_token("ghp_");
        assert_eq!(kinds(&format!("token: {t}")), ["github-token"]);
        assert_eq!(kinds("key AKIAZ7QW3ERT5YUI9OP2 here"), ["aws-access-key"]);
        assert_eq!(
            kinds("aws_secret_access_key = hQ7x9Lk2Vb4Nm6Zp8Rt1Wy3Sd5Fg7Hj9Kl1Qw3Er"),
            ["aws-secret-key"]
        );
        assert_eq!(kinds("glpat-Ab3De5Gh7Jk9Lm1Np3Qr"), ["gitlab-token"]);
        assert_eq!(
            kinds("xoxb-1234567890-9876543210-Ab3De5Gh7Jk9Lm1N"),
            ["slack-token"]
        );
        assert_eq!(kinds("sk_live_Ab3De5Gh7Jk9Lm1Np3Qr5St7Vw"), ["stripe-key"]);
        assert_eq!(
            kinds("npm_Ab3De5Gh7Jk9Lm1Np3Qr5St7Vw9Xy1Za3BcD"),
            ["npm-token"]
        );
        assert_eq!(
            kinds("AIzaSyAb3De5Gh7Jk9Lm1Np3Qr5St7Vw9Xy1Za3"),
            ["google-api-key"]
        );
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(kinds(jwt), ["jwt"]);
        assert_eq!(
            kinds("DATABASE_URL=postgres://app:Zq8vT3mKp2@db.internal:5432/app"),
            ["connection-string"]
        );
        let pem = format!(
            "-----BEGIN OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----\n",
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
        );
        assert_eq!(kinds(&pem), ["private-key"]);
        let env = "STRIPE_SECRET=Zq8vT3mKp2Lw9\nGITHUB_TOKEN=Rt5yU7iO9pQ1w\nDEBUG=1\n";
        assert_eq!(kinds(env), ["env-secrets", "env-secrets"]);
    }

    #[test]
    fn examples_placeholders_and_hashes_are_left_alone() {
        for text in [
            "AKIAIOSFODNN7EXAMPLE",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            // A token-shaped string whose checksum is wrong.
            "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1zzzzzz",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "sk-test-xxxx",
            "sk_test_Ab3De5Gh7Jk9Lm1Np3Qr5St7Vw",
            "sha512-Ab3De5Gh7Jk9Lm1Np3Qr5St7Vw9Xy1Za3Bc5De7Fg9Hi1Jk3Lm5No7Pq9Rs1Tu3Vw5Xy7Za9==",
            "commit 3f2a9c1e8b7d6f5a4c3b2a1f0e9d8c7b6a5f4e3d",
            "id 123e4567-e89b-12d3-a456-426614174000",
            "postgres://user:password@localhost/db",
            "postgres://user:${DB_PASSWORD}@localhost/db",
            "mysql://root@localhost/app",
            "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
            "API_KEY=your-api-key-here\nSECRET=changeme",
            "GITHUB_TOKEN=Rt5yU7iO9pQ1w",
            "see https://docs.github.com/en/authentication for ghp_ tokens",
        ] {
            assert!(find(text).is_empty(), "{text}: {:?}", find(text));
        }
    }

    #[test]
    fn public_tokens_fillers_and_local_databases_are_left_alone() {
        let jwt_io = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        // {"iss":"supabase","role":"anon"}
        let anon = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJvbGUiOiJhbm9uIn0.Zq8vT3mKp2Lw9XcRt5yU7iO9pQ1wE3";
        let filler_pem = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----",
            "A".repeat(200)
        );
        for text in [
            jwt_io,
            anon,
            filler_pem.as_str(),
            "DATABASE_URL=postgres://postgres:postgres123@localhost:5432/app",
            "DB_PASSWORD=changeme123\nSECRET_KEY=replace_me_with_random\n",
        ] {
            assert!(find(text).is_empty(), "{text}: {:?}", find(text));
        }
        assert_eq!(base64url("eyJyb2xlIjoiYW5vbiJ9"), br#"{"role":"anon"}"#);
    }

    #[test]
    fn more_provider_formats() {
        let legacy = format!(
            "sk-{}T3BlbkFJ{}",
            "Ab3De5Gh7Jk9Lm1Np3Qr", "St7Vw9Xy1Za3Bc5De7Fg"
        );
        assert_eq!(kinds(&legacy), ["openai-key"]);
        assert_eq!(
            kinds("hf_Ab3De5Gh7Jk9Lm1Np3Qr5St7Vw9Xy1Za3B"),
            ["huggingface-token"]
        );
        assert_eq!(
            kinds("xapp-1-A0123456789-1234567890123-abcdef0123456789"),
            ["slack-token"]
        );
        // `sk-` with 48 characters but no `T3BlbkFJ` is something else.
        let other = format!("sk-{}", &"Ab3De5Gh7Jk9Lm1Np3Qr".repeat(3)[..48]);
        assert!(find(&other).is_empty());
    }

    #[test]
    fn redaction_replaces_the_secret_and_keeps_the_rest() {
        let t = github_token("ghp_");
        assert_eq!(
            redact(&format!("push with {t} now")),
            "push with [REDACTED github-token] now"
        );
    }

    #[test]
    fn the_checksum_is_githubs() {
        // CRC32 of "123456789" is the standard check value.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(base62(61, 2), "0z");
    }
}
