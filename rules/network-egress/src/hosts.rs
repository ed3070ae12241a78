//! Where a connection goes: host extraction from URLs, `user@host:path`
//! remotes and bare host names, normalized with the `url` crate (IDNA,
//! lower case, the many spellings of an IPv4 address), then classified
//! against the admin's allowlist.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// A destination as written on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest {
    /// A host the rule could read.
    Host(Host),
    /// The host comes from an expansion (`curl "$URL"`) or does not parse.
    Unknown(String),
}

impl Dest {
    /// How the destination reads in a reason.
    pub fn describe(&self) -> String {
        match self {
            Dest::Host(h) => h.to_string(),
            Dest::Unknown(t) => format!("`{t}`"),
        }
    }
}

/// What a destination is, as far as the policy goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// `localhost`, `127.0.0.0/8`, `::1`, `0.0.0.0`.
    Loopback,
    /// On the admin's allowlist.
    Allowed,
    /// RFC 1918, CGNAT (`100.64.0.0/10`), IPv6 unique-local.
    Private,
    /// Link-local (`169.254.0.0/16`, `fe80::/10`): where cloud metadata
    /// endpoints (instance credentials) live.
    LinkLocal,
    /// A public IP address.
    PublicIp,
    /// A domain not on the allowlist.
    Unlisted,
    /// Only known at run time.
    Unknown,
}

/// The admin's domain allowlist. Entries are checked when the config is
/// read and compiled to globs only when a domain needs classifying: most
/// commands name no host, and the default list is dozens of patterns.
pub struct Allowlist {
    /// Whether [`crate::DEFAULT_DOMAINS`] (checked by a unit test) come first.
    defaults: bool,
    entries: Vec<String>,
    patterns: std::cell::OnceCell<Vec<glob::Pattern>>,
}

impl Allowlist {
    /// Check `*.github.com`-style patterns; `key` names the config key in
    /// errors. `defaults`: also allow [`crate::DEFAULT_DOMAINS`].
    pub fn new<'a>(
        defaults: bool,
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Allowlist, String> {
        let mut checked = Vec::new();
        for (key, entry) in entries {
            let p = entry.trim().trim_end_matches('.').to_ascii_lowercase();
            if p.is_empty() || p.contains(['/', ':', '@', ' ']) {
                return Err(format!(
                    "`{key}`: `{entry}` is not a domain pattern (write `example.com` or `*.example.com`)"
                ));
            }
            // Letters, digits, `-`, `_`, `.` and the wildcards `*` and `?`:
            // with nothing else, every entry compiles (no `[` classes, no `***`).
            if !p
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.*?".contains(c))
                || p.contains("***")
            {
                return Err(format!(
                    "`{key}`: `{entry}` is not a valid pattern (use letters, digits, `-`, `.`, `*` and `?`)"
                ));
            }
            checked.push(p);
        }
        Ok(Allowlist {
            defaults,
            entries: checked,
            patterns: std::cell::OnceCell::new(),
        })
    }

    pub fn allows(&self, domain: &str) -> bool {
        let d = domain.trim_end_matches('.').to_ascii_lowercase();
        let patterns = self.patterns.get_or_init(|| {
            // An entry that does not compile allows nothing (cannot happen
            // after the check in `new`).
            let defaults = crate::DEFAULT_DOMAINS.iter().filter(|_| self.defaults);
            defaults
                .copied()
                .chain(self.entries.iter().map(String::as_str))
                .filter_map(|e| glob::Pattern::new(e).ok())
                .collect()
        });
        patterns.iter().any(|p| p.matches(&d))
    }

    pub fn classify(&self, dest: &Dest) -> Class {
        match dest {
            Dest::Unknown(_) => Class::Unknown,
            Dest::Host(Host::Domain(d)) => {
                let d = d.trim_end_matches('.');
                if d == "localhost" || d.ends_with(".localhost") {
                    Class::Loopback
                } else if self.allows(d) {
                    Class::Allowed
                } else {
                    Class::Unlisted
                }
            }
            Dest::Host(Host::Ipv4(ip)) => classify_ip(IpAddr::V4(*ip)),
            Dest::Host(Host::Ipv6(ip)) => classify_ip(IpAddr::V6(*ip)),
        }
    }
}

fn classify_ip(ip: IpAddr) -> Class {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return classify_v4(v4);
            }
            if v6.is_loopback() || v6.is_unspecified() {
                Class::Loopback
            } else if (v6.segments()[0] & 0xfe00) == 0xfc00 {
                Class::Private
            } else if (v6.segments()[0] & 0xffc0) == 0xfe80 {
                Class::LinkLocal
            } else {
                Class::PublicIp
            }
        }
    }
}

fn classify_v4(ip: Ipv4Addr) -> Class {
    let o = ip.octets();
    if ip.is_loopback() || ip.is_unspecified() {
        Class::Loopback
    } else if ip.is_private() || (o[0] == 100 && (o[1] & 0xc0) == 64) {
        Class::Private
    } else if ip.is_link_local() {
        Class::LinkLocal
    } else {
        Class::PublicIp
    }
}

/// The host of `authority` (`user@host:port`, `[::1]:22`, `host`).
pub fn parse_authority(authority: &str) -> Dest {
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if authority.is_empty()
        || authority.contains(['$', '`', '*', '{', '}', ' '])
        || authority.starts_with('-')
    {
        return Dest::Unknown(authority.to_string());
    }
    // A bare IPv6 address without brackets.
    if authority.matches(':').count() > 1
        && !authority.starts_with('[')
        && let Ok(v6) = authority.parse::<Ipv6Addr>()
    {
        return Dest::Host(Host::Ipv6(v6));
    }
    match Url::parse(&format!("http://{authority}/")) {
        Ok(u) => match u.host() {
            Some(h) => Dest::Host(h.to_owned()),
            None => Dest::Unknown(authority.to_string()),
        },
        Err(_) => Dest::Unknown(authority.to_string()),
    }
}

/// The destination of a URL, or of a bare `host[:port][/path]` when
/// `bare_hosts` (curl and wget default to http for those). `None` when the
/// text is not a network address (a local path, `file://`, an option).
pub fn parse_url(text: &str, literal: bool, bare_hosts: bool) -> Option<Dest> {
    let text = text.trim();
    if text.is_empty() || text.starts_with('-') {
        return None;
    }
    let (scheme, rest) = match text.split_once("://") {
        Some((s, r)) if !s.is_empty() && s.chars().all(is_scheme_char) => {
            (Some(s.to_ascii_lowercase()), r)
        }
        _ => (None, text),
    };
    match scheme.as_deref() {
        Some("file") => return None,
        Some(_) => {}
        None => {
            if !bare_hosts || text.starts_with(['/', '.', '~', '@']) {
                return None;
            }
            // Not a host: no dot, no port, and not localhost.
            let head = authority_of(rest);
            if !literal && head.contains(['$', '`']) {
                return Some(Dest::Unknown(text.to_string()));
            }
            if !(head.contains('.') || head.contains(':') || head == "localhost") {
                return None;
            }
        }
    }
    let authority = authority_of(rest);
    if authority.is_empty() {
        return None;
    }
    if !literal && authority.contains(['$', '`']) {
        return Some(Dest::Unknown(text.to_string()));
    }
    Some(match parse_authority(authority) {
        Dest::Unknown(_) => Dest::Unknown(text.to_string()),
        d => d,
    })
}

fn authority_of(rest: &str) -> &str {
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

fn is_scheme_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')
}

/// A remote in scp/rsync/git syntax: `[user@]host:path` (the host holds no
/// `/`), `host::module` (rsync), or a URL. `None` for a local path.
pub fn parse_remote(text: &str, literal: bool) -> Option<Dest> {
    if text.contains("://") {
        return parse_url(text, literal, false);
    }
    if text.starts_with(['/', '.', '~']) {
        return None;
    }
    let (host, _) = if let Some(rest) = text.strip_prefix('[') {
        // `[::1]:path`
        let end = rest.find(']')?;
        let after = &rest[end + 1..];
        after.strip_prefix(':')?;
        return Some(parse_authority(&text[..end + 2]));
    } else {
        text.split_once(':')?
    };
    if host.is_empty() || host.contains('/') {
        return None;
    }
    if !literal && host.contains(['$', '`']) {
        return Some(Dest::Unknown(text.to_string()));
    }
    Some(parse_authority(host))
}

/// Every `scheme://host` URL written in free text (a JSON argument, an
/// unreadable command line), in order.
pub fn urls_in_text(text: &str) -> Vec<(String, Dest)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text[from..].find("://") {
        let at = from + pos;
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_scheme_char(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let end = text[at + 3..]
            .find(|c: char| c.is_whitespace() || "\"'<>`|;,()[]{}\\".contains(c))
            .map_or(text.len(), |e| at + 3 + e);
        from = at + 3;
        if start == at {
            continue;
        }
        let url = &text[start..end];
        if let Some(dest) = parse_url(url, true, false) {
            out.push((url.to_string(), dest));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow() -> Allowlist {
        Allowlist::new(
            false,
            [
                ("a", "*.github.com"),
                ("a", "github.com"),
                ("a", "crates.io"),
            ],
        )
        .unwrap()
    }

    fn class(text: &str) -> Class {
        allow().classify(&parse_url(text, true, true).unwrap())
    }

    #[test]
    fn hosts_from_urls() {
        assert_eq!(class("https://api.github.com/repos/x"), Class::Allowed);
        assert_eq!(class("HTTPS://API.GitHub.com./x"), Class::Allowed);
        assert_eq!(class("github.com"), Class::Allowed);
        assert_eq!(class("https://crates.io:443/api"), Class::Allowed);
        assert_eq!(class("https://user:pw@crates.io/"), Class::Allowed);
        assert_eq!(class("https://github.com.evil.io/"), Class::Unlisted);
        assert_eq!(class("https://evilgithub.com/"), Class::Unlisted);
        assert_eq!(class("http://localhost:8080/x"), Class::Loopback);
        assert_eq!(class("localhost:3000"), Class::Loopback);
        assert_eq!(class("http://127.1/"), Class::Loopback);
        assert_eq!(class("http://2130706433/"), Class::Loopback);
        assert_eq!(class("http://0x7f000001/"), Class::Loopback);
        assert_eq!(class("http://[::1]:80/"), Class::Loopback);
        assert_eq!(class("http://192.168.1.10/"), Class::Private);
        assert_eq!(class("http://10.0.0.1/"), Class::Private);
        assert_eq!(class("http://172.20.0.1/"), Class::Private);
        assert_eq!(class("http://169.254.169.254/latest"), Class::LinkLocal);
        assert_eq!(class("http://8.8.8.8/"), Class::PublicIp);
        assert_eq!(class("http://[::ffff:127.0.0.1]/"), Class::Loopback);
        assert_eq!(parse_url("./local/file", true, true), None);
        assert_eq!(parse_url("file:///etc/passwd", true, true), None);
        assert_eq!(parse_url("output", true, true), None);
        assert!(matches!(
            parse_url("$URL/x", false, true),
            Some(Dest::Unknown(_))
        ));
        assert_eq!(
            allow().classify(&parse_url("https://api.github.com/$REPO", false, true).unwrap()),
            Class::Allowed
        );
    }

    #[test]
    fn remotes() {
        let c = |t: &str| parse_remote(t, true).map(|d| allow().classify(&d));
        assert_eq!(c("git@github.com:org/repo.git"), Some(Class::Allowed));
        assert_eq!(c("user@evil.io:/tmp/x"), Some(Class::Unlisted));
        assert_eq!(c("backup::module/x"), Some(Class::Unlisted));
        assert_eq!(c("rsync://mirror.evil.io/x"), Some(Class::Unlisted));
        assert_eq!(c("ssh://git@github.com/org/x"), Some(Class::Allowed));
        assert_eq!(c("./dir/a:b"), None);
        assert_eq!(c("dir/a:b"), None);
        assert_eq!(c("src/"), None);
        assert_eq!(c("[::1]:/tmp"), Some(Class::Loopback));
    }

    #[test]
    fn urls_in_free_text() {
        let found =
            urls_in_text(r#"{"url":"https://evil.io/x?a=1","b":"see http://localhost:1/"}"#);
        let hosts: Vec<_> = found.iter().map(|(_, d)| d.describe()).collect();
        assert_eq!(hosts, ["evil.io", "localhost"]);
        assert!(urls_in_text("no urls here: a://").is_empty());
    }

    #[test]
    fn bad_patterns_are_errors() {
        assert!(Allowlist::new(false, [("allowed_domains", "https://x.com")]).is_err());
        assert!(Allowlist::new(false, [("allowed_domains", "[x")]).is_err());
        assert!(Allowlist::new(false, [("allowed_domains", "***.x.com")]).is_err());
        // The defaults are not checked on each call: they must pass here.
        let defaults = crate::DEFAULT_DOMAINS
            .iter()
            .map(|d| ("allowed_domains", *d));
        let checked = Allowlist::new(false, defaults).unwrap();
        assert_eq!(checked.entries.len(), crate::DEFAULT_DOMAINS.len());
        let compiled = crate::DEFAULT_DOMAINS
            .iter()
            .filter_map(|d| glob::Pattern::new(d).ok());
        assert_eq!(compiled.count(), crate::DEFAULT_DOMAINS.len());
        assert!(Allowlist::new(true, []).unwrap().allows("api.github.com"));
    }
}
