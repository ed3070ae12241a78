//! Connections and uploads by network programs, judged against the policy.

use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::downloads::pipe_writer;
use hookwarden_sdk::shell::{Analysis, SimpleCommand};

use super::programs::{NetUse, net_use};
use super::{Hit, Severity};
use crate::Policy;
use crate::hosts::{Class, Dest};
use crate::secrets::{is_secret, is_secret_variable, variables_in};

/// Programs whose file operands end up in their output.
const READERS: &[&str] = &[
    "cat", "tac", "head", "tail", "base64", "base32", "basenc", "xxd", "od", "hexdump", "gzip",
    "bzip2", "xz", "zstd", "tar", "zip", "7z", "openssl", "gpg", "sed", "awk", "grep", "egrep",
    "cut", "strings", "jq", "yq", "sort", "uniq", "nl", "less", "more", "pv", "dd", "cpio",
];

/// Programs that print the whole environment.
const ENV_DUMPERS: &[&str] = &["env", "printenv", "set", "export", "declare"];

/// What a command sends besides its own arguments.
#[derive(Default)]
struct Sent {
    /// Local files (or directories), as written.
    files: Vec<String>,
    /// Secrets: files, `the environment`, `$TOKEN`s.
    secrets: Vec<String>,
}

pub fn check(analysis: &Analysis, policy: &Policy, hits: &mut Vec<Hit>) {
    for (i, cmd) in analysis.commands.iter().enumerate() {
        let Some(u) = net_use(cmd) else {
            continue;
        };
        judge(analysis, i, cmd, &u, policy, hits);
    }
}

fn judge(
    analysis: &Analysis,
    i: usize,
    cmd: &SimpleCommand,
    u: &NetUse,
    policy: &Policy,
    hits: &mut Vec<Hit>,
) {
    let sent = sent_by(analysis, i, u, policy);
    let outside: Vec<(Class, &Dest)> = u
        .dests
        .iter()
        .map(|d| (policy.allowlist.classify(d), d))
        .filter(|(c, _)| !policy.is_fine(*c))
        .collect();
    let hosts = |list: &[(Class, &Dest)]| {
        list.iter()
            .map(|(_, d)| d.describe())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let all_hosts = u
        .dests
        .iter()
        .map(Dest::describe)
        .collect::<Vec<_>>()
        .join(", ");

    if !sent.secrets.is_empty() {
        hits.push(Hit::new(
            cmd,
            Severity::Deny,
            "network-egress.secret-upload",
            format!(
                "sends {} to {all_hosts}; secrets never leave the machine, allowed hosts included",
                sent.secrets.join(", ")
            ),
        ));
        return;
    }
    if u.shell {
        hits.push(Hit::new(
            cmd,
            Severity::Deny,
            "network-egress.network-shell",
            format!("hands a shell to the network ({all_hosts}): a reverse or bind shell"),
        ));
        return;
    }
    if outside.is_empty() {
        return;
    }
    let uploads = !sent.files.is_empty() || u.sends_repo;
    if uploads && let Some(severity) = policy.uploads.severity() {
        let what = if u.sends_repo {
            "the repository".to_string()
        } else {
            sent.files.join(", ")
        };
        hits.push(Hit::new(
            cmd,
            severity,
            "network-egress.upload",
            format!(
                "uploads {what} to {}, which is not on the domain allowlist (uploads are how data leaves)",
                hosts(&outside)
            ),
        ));
        return;
    }
    for (class, dest) in &outside {
        let (answer, id, why) = match class {
            Class::Private => (
                policy.private_networks,
                "network-egress.private-network",
                "a private network address",
            ),
            Class::LinkLocal => (
                crate::Answer::Ask,
                "network-egress.link-local",
                "a link-local address, where cloud metadata endpoints hand out credentials",
            ),
            Class::PublicIp => (
                policy.unlisted_hosts,
                "network-egress.ip-address",
                "an IP address, not a domain on the allowlist",
            ),
            Class::Unknown => (
                policy.unlisted_hosts,
                "network-egress.unknown-host",
                "a host only known at run time",
            ),
            _ => (
                policy.unlisted_hosts,
                "network-egress.unlisted-host",
                "not on the domain allowlist",
            ),
        };
        if let Some(severity) = answer.severity() {
            hits.push(Hit::new(
                cmd,
                severity,
                id,
                format!("{} {}: {why}", u.label, dest.describe()),
            ));
        }
    }
}

/// Files, secrets and the environment command `i` sends: named in its
/// arguments, read from stdin (a pipe or `<`), or substituted into it.
fn sent_by(analysis: &Analysis, i: usize, u: &NetUse, policy: &Policy) -> Sent {
    let cmd = &analysis.commands[i];
    let mut sent = Sent::default();
    let add = |sent: &mut Sent, file: &str| {
        if is_secret(file, &policy.secret_files) {
            sent.secrets.push(file.to_string());
        } else {
            sent.files.push(file.to_string());
        }
    };
    for f in &u.files {
        add(&mut sent, f);
    }
    // Commands whose output reaches the network through this one.
    let mut sources = vec![i];
    if u.sends_stdin {
        for r in &cmd.redirects {
            if r.fd.is_none_or(|fd| fd == 0) && r.op == "<" {
                add(&mut sent, &r.target.text);
            }
            if r.op == "<<<" {
                secret_variables(&r.target.text, &mut sent.secrets);
            }
        }
        let mut at = i;
        while let Some(w) = pipe_writer(analysis, at) {
            sources.push(w);
            at = w;
        }
    }
    // Substitutions consumed by any of them.
    for (k, c) in analysis.commands.iter().enumerate() {
        if let Some(consumer) = &c.substituted_into
            && let Some(j) = (0..k)
                .rev()
                .find(|&j| &analysis.commands[j].program == consumer)
            && sources.contains(&j)
            && !sources.contains(&k)
        {
            sources.push(k);
        }
    }
    for &s in &sources {
        let c = &analysis.commands[s];
        for w in c.args.iter().filter(|w| !w.literal) {
            secret_variables(&w.text, &mut sent.secrets);
        }
        if s == i {
            continue;
        }
        if ENV_DUMPERS.contains(&c.program.as_str()) && c.args.is_empty() {
            sent.secrets.push("the environment".into());
        }
        for r in &c.redirects {
            if r.fd.is_none_or(|fd| fd == 0) && r.op == "<" {
                add(&mut sent, &r.target.text);
            }
        }
        if READERS.contains(&c.program.as_str()) {
            for f in read_operands(c) {
                add(&mut sent, &f);
            }
        }
    }
    // A secret variable sent to an allowed host is the normal way to use an
    // API token; only the hosts outside the allowlist make it a leak.
    let outside = u
        .dests
        .iter()
        .any(|d| !policy.is_fine(policy.allowlist.classify(d)));
    if !outside {
        sent.secrets.retain(|s| !s.starts_with('$'));
    }
    sent.secrets.dedup();
    sent
}

fn secret_variables(text: &str, out: &mut Vec<String>) {
    for v in variables_in(text) {
        if is_secret_variable(v) {
            out.push(format!("${v}"));
        }
    }
}

/// The files a reader program reads.
fn read_operands(c: &SimpleCommand) -> Vec<String> {
    let with_value: &[&str] = match c.program.as_str() {
        "tar" => &[
            "-f",
            "--file",
            "-C",
            "--directory",
            "-T",
            "--files-from",
            "-X",
            "--exclude",
        ],
        "grep" | "egrep" => &["-e", "-f", "-m", "-A", "-B", "-C", "--regexp"],
        "sed" => &["-e", "-f", "--expression"],
        "head" | "tail" => &["-n", "-c"],
        "cut" => &["-d", "-f", "-c", "-b"],
        "openssl" | "gpg" => &["-in", "-out", "-k", "-r", "--recipient", "-o", "--output"],
        "jq" | "yq" => &["--arg", "--argjson"],
        _ => &[],
    };
    if c.program == "dd" {
        return c
            .arg_texts()
            .filter_map(|a| a.strip_prefix("if="))
            .map(str::to_string)
            .collect();
    }
    let args = Args::parse(&c.args, with_value);
    let mut ops: Vec<String> = args
        .operands
        .iter()
        .filter(|w| w.literal && w.text != "-")
        .map(|w| w.text.clone())
        .collect();
    if matches!(c.program.as_str(), "openssl" | "gpg")
        && let Some(v) = args.value("-in")
    {
        ops.push(v.text.to_string());
    }
    match c.program.as_str() {
        // The first operand is a script or pattern.
        "sed" | "awk" | "grep" | "egrep" | "jq" | "yq"
            if !args.has("-e") && !args.has("-f") && !ops.is_empty() =>
        {
            ops.remove(0);
        }
        // `tar czf - .`: old-style bundled options come first.
        "tar"
            if ops
                .first()
                .is_some_and(|o| o.chars().all(|c| c.is_ascii_alphabetic())) =>
        {
            ops.remove(0);
        }
        _ => {}
    }
    ops
}
