//! Web fetches and MCP calls whose arguments carry a URL.

use hookwarden_sdk::{McpCall, WebFetch};
use serde_json::Value;

use super::Hit;
use crate::hosts::{Class, Dest, parse_url, urls_in_text};
use crate::{Answer, Policy};

pub fn web_fetch(fetch: &WebFetch, policy: &Policy, hits: &mut Vec<Hit>) {
    let dest =
        parse_url(&fetch.url, true, true).unwrap_or_else(|| Dest::Unknown(fetch.url.clone()));
    judge(
        &fetch.url,
        &dest,
        policy.web_fetch,
        "network-egress.web-fetch",
        "fetches",
        policy,
        hits,
    );
}

/// Keys whose string value names a host even without a scheme.
const HOST_KEYS: &[&str] = &[
    "url", "uri", "endpoint", "host", "hostname", "domain", "base_url", "baseUrl",
];

pub fn mcp_call(call: &McpCall, policy: &Policy, hits: &mut Vec<Hit>) {
    let mut found: Vec<(String, Dest)> = Vec::new();
    match serde_json::from_str::<Value>(&call.arguments) {
        Ok(v) => collect(&v, None, &mut found),
        Err(_) => found = urls_in_text(&call.arguments),
    }
    let what = format!("MCP tool {}.{}", call.server, call.tool);
    for (url, dest) in found {
        judge(
            &url,
            &dest,
            policy.mcp_urls,
            "network-egress.mcp-url",
            &format!("{what} reaches"),
            policy,
            hits,
        );
    }
}

fn collect(v: &Value, key: Option<&str>, out: &mut Vec<(String, Dest)>) {
    match v {
        Value::String(s) => {
            let urls = urls_in_text(s);
            if urls.is_empty()
                && key.is_some_and(|k| HOST_KEYS.contains(&k))
                && let Some(d) = parse_url(s, true, true)
            {
                out.push((s.clone(), d));
            }
            out.extend(urls);
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, key, out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| collect(x, Some(k), out)),
        _ => {}
    }
}

fn judge(
    url: &str,
    dest: &Dest,
    answer: Answer,
    id: &'static str,
    verb: &str,
    policy: &Policy,
    hits: &mut Vec<Hit>,
) {
    let class = policy.allowlist.classify(dest);
    if policy.is_fine(class) {
        return;
    }
    let why = match class {
        Class::LinkLocal => {
            "a link-local address, where cloud metadata endpoints hand out credentials"
        }
        Class::Private => "a private network address",
        Class::PublicIp => "an IP address, not a domain on the allowlist",
        Class::Unknown => "a URL the rule cannot read",
        _ => "not on the domain allowlist",
    };
    if let Some(severity) = answer.severity() {
        hits.push(Hit {
            severity,
            id,
            message: format!("{verb} {}: {why}", dest.describe()),
            subject: url.to_string(),
            via: Vec::new(),
        });
    }
}
