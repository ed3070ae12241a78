//! Servers that publish the work tree to the network: `python3 -m
//! http.server` binds every interface unless told `--bind 127.0.0.1`;
//! `php -S 0.0.0.0:8000`.

use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::shell::SimpleCommand;

use super::Hit;
use crate::Policy;
use crate::hosts::{Class, parse_authority};

pub fn check(cmd: &SimpleCommand, policy: &Policy, hits: &mut Vec<Hit>) {
    let Some(severity) = policy.local_servers.severity() else {
        return;
    };
    let bind = if cmd.program.starts_with("python") {
        let args: Vec<&str> = cmd.arg_texts().collect();
        let Some(m) = args.iter().position(|a| *a == "-m") else {
            return;
        };
        if !matches!(
            args.get(m + 1).copied(),
            Some("http.server" | "SimpleHTTPServer")
        ) {
            return;
        }
        let rest = &cmd.args[m + 2..];
        let parsed = Args::parse(
            rest,
            &["-b", "--bind", "-d", "--directory", "-p", "--protocol"],
        );
        match parsed.value("-b").or(parsed.value("--bind")) {
            Some(v) => v.text.to_string(),
            None => "0.0.0.0 (every interface)".to_string(),
        }
    } else if cmd.program == "php" {
        let parsed = Args::parse(&cmd.args, &["-S", "-t", "-c", "-d"]);
        match parsed.value("-S") {
            Some(v) => v.text.to_string(),
            None => return,
        }
    } else {
        return;
    };
    let host = bind.split_whitespace().next().unwrap_or("");
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) && !h.ends_with(':') => h,
        _ => host,
    };
    if host != "0.0.0.0"
        && host != "::"
        && policy.allowlist.classify(&parse_authority(host)) == Class::Loopback
    {
        return;
    }
    hits.push(Hit::new(
        cmd,
        severity,
        "network-egress.serves-files",
        format!(
            "serves local files to the network, bound to {bind}; bind it to 127.0.0.1 to keep it on this machine"
        ),
    ));
}
