//! What each network program reaches and sends, from its arguments.

use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::shell::{SimpleCommand, Word, is_shell};

use crate::hosts::{Dest, parse_authority, parse_remote, parse_url};

/// What one command does on the network.
#[derive(Debug, Default)]
pub struct NetUse {
    /// Where it connects.
    pub dests: Vec<Dest>,
    /// Local files it sends, as written.
    pub files: Vec<String>,
    /// It sends what it reads on stdin (`-d @-`, `nc host port`).
    pub sends_stdin: bool,
    /// It sends the repository (`git push URL`).
    pub sends_repo: bool,
    /// It hands a shell to the network (`nc -e /bin/sh`, `socat … EXEC:sh`).
    pub shell: bool,
    /// It only sets up a remote (`git remote add`): a connection later.
    pub label: &'static str,
}

/// The network use of `cmd`, if it is a network program.
pub fn net_use(cmd: &SimpleCommand) -> Option<NetUse> {
    let mut u = match cmd.program.as_str() {
        "curl" | "curlie" => curl(&cmd.args),
        "wget" | "wget2" => wget(&cmd.args),
        "http" | "https" | "xh" | "xhs" => httpie(&cmd.args),
        "aria2c" | "fetch" | "lwp-request" | "GET" | "POST" | "HEAD" => urls_only(&cmd.args),
        "nc" | "ncat" | "netcat" | "nc.openbsd" | "nc.traditional" => netcat(&cmd.args)?,
        "socat" => socat(&cmd.args),
        "telnet" | "ftp" | "tftp" | "lftp" | "mosh" => first_host(&cmd.args),
        "ssh" => ssh(&cmd.args),
        "sftp" => sftp(&cmd.args),
        "scp" => copy(&cmd.args, SCP_WITH_VALUE),
        "rsync" => copy(&cmd.args, RSYNC_WITH_VALUE),
        "git" => git(&cmd.args)?,
        "gh" => gh(&cmd.args)?,
        _ => NetUse::default(),
    };
    // `exec 3<>/dev/tcp/host/port`, `bash -i >& /dev/tcp/h/p 0>&1`.
    for r in &cmd.redirects {
        if let Some(rest) = r
            .target
            .text
            .strip_prefix("/dev/tcp/")
            .or_else(|| r.target.text.strip_prefix("/dev/udp/"))
        {
            let host = rest.split('/').next().unwrap_or(rest);
            u.dests.push(if r.target.literal {
                parse_authority(host)
            } else {
                Dest::Unknown(r.target.text.clone())
            });
            u.sends_stdin |= r.is_write();
            if is_shell(&cmd.program) || cmd.program.is_empty() {
                u.shell |= is_shell(&cmd.program);
            }
        }
    }
    if u.dests.is_empty() {
        None
    } else {
        if u.label.is_empty() {
            u.label = "connects to";
        }
        Some(u)
    }
}

const CURL_WITH_VALUE: &[&str] = &[
    "-d",
    "--data",
    "--data-ascii",
    "--data-binary",
    "--data-raw",
    "--data-urlencode",
    "--json",
    "-F",
    "--form",
    "--form-string",
    "-T",
    "--upload-file",
    "-H",
    "--header",
    "-o",
    "--output",
    "-u",
    "--user",
    "-X",
    "--request",
    "-A",
    "--user-agent",
    "-e",
    "--referer",
    "-x",
    "--proxy",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "-K",
    "--config",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-w",
    "--write-out",
    "-r",
    "--range",
    "-E",
    "--cert",
    "--key",
    "--cacert",
    "--capath",
    "--resolve",
    "--connect-to",
    "--retry",
    "--retry-delay",
    "--retry-max-time",
    "-C",
    "--continue-at",
    "-Y",
    "--speed-limit",
    "-y",
    "--speed-time",
    "--limit-rate",
    "--url",
    "-U",
    "--proxy-user",
    "--interface",
    "--dns-servers",
    "-z",
    "--time-cond",
    "--output-dir",
    "--variable",
    "-D",
    "--dump-header",
    "--trace",
    "--trace-ascii",
    "--stderr",
    "--max-filesize",
    "--max-redirs",
    "--oauth2-bearer",
    "--unix-socket",
    "--abstract-unix-socket",
    "-P",
    "--ftp-port",
    "-Q",
    "--quote",
    "--local-port",
    "--mail-from",
    "--mail-rcpt",
    "--aws-sigv4",
    "--ciphers",
    "--expect100-timeout",
];

fn curl(words: &[Word]) -> NetUse {
    let args = Args::parse(words, CURL_WITH_VALUE);
    let mut u = NetUse::default();
    let urls = args
        .operands
        .iter()
        .map(|w| (w.text.as_str(), w.literal))
        .chain(args.values(&["--url"]).map(|v| (v.text, v.literal)));
    for (text, literal) in urls {
        if let Some(d) = parse_url(text, literal, true) {
            u.dests.push(d);
        }
    }
    for v in args.values(&[
        "-d",
        "--data",
        "--data-ascii",
        "--data-binary",
        "--data-urlencode",
        "--json",
    ]) {
        // `@file`, and for --data-urlencode `name@file`.
        if let Some((_, file)) = v.text.split_once('@')
            && !v.text.contains('=')
        {
            file_or_stdin(&mut u, file);
        } else if let Some(file) = v.text.strip_prefix('@') {
            file_or_stdin(&mut u, file);
        }
    }
    for v in args.values(&["-F", "--form"]) {
        // `name=@file;type=…`, `name=<file`.
        if let Some((_, val)) = v.text.split_once('=')
            && let Some(file) = val.strip_prefix('@').or_else(|| val.strip_prefix('<'))
        {
            let file = file.split(';').next().unwrap_or(file);
            file_or_stdin(&mut u, file);
        }
    }
    for v in args.values(&["-T", "--upload-file"]) {
        if v.text == "." {
            u.sends_stdin = true;
        } else {
            file_or_stdin(&mut u, v.text);
        }
    }
    u
}

fn file_or_stdin(u: &mut NetUse, file: &str) {
    if file == "-" || file == "/dev/stdin" {
        u.sends_stdin = true;
    } else if !file.is_empty() {
        u.files.push(file.to_string());
    }
}

const WGET_WITH_VALUE: &[&str] = &[
    "-O",
    "--output-document",
    "-o",
    "--output-file",
    "-a",
    "--append-output",
    "-i",
    "--input-file",
    "-P",
    "--directory-prefix",
    "-U",
    "--user-agent",
    "--header",
    "--post-data",
    "--post-file",
    "--body-data",
    "--body-file",
    "--method",
    "-t",
    "--tries",
    "-T",
    "--timeout",
    "-w",
    "--wait",
    "-e",
    "--execute",
    "-Q",
    "--quota",
    "-B",
    "--base",
    "--user",
    "--password",
    "-l",
    "--level",
    "-A",
    "--accept",
    "-R",
    "--reject",
    "-D",
    "--domains",
    "-X",
    "--exclude-directories",
    "-I",
    "--include-directories",
    "--referer",
    "--load-cookies",
    "--save-cookies",
    "--ca-certificate",
    "--certificate",
    "--private-key",
    "--limit-rate",
    "--bind-address",
    "--config",
];

fn wget(words: &[Word]) -> NetUse {
    let args = Args::parse(words, WGET_WITH_VALUE);
    let mut u = urls_of(&args);
    for v in args.values(&["--post-file", "--body-file"]) {
        file_or_stdin(&mut u, v.text);
    }
    u
}

fn urls_of(args: &Args<'_>) -> NetUse {
    let mut u = NetUse::default();
    for w in &args.operands {
        if let Some(d) = parse_url(&w.text, w.literal, true) {
            u.dests.push(d);
        }
    }
    u
}

fn urls_only(words: &[Word]) -> NetUse {
    urls_of(&Args::parse(
        words,
        &["-d", "--dir", "-o", "--out", "-i", "--input-file"],
    ))
}

/// httpie and xh: `http [METHOD] URL [items]`; `field@file`, `field=@file`
/// and `@file` items upload files.
fn httpie(words: &[Word]) -> NetUse {
    let args = Args::parse(
        words,
        &[
            "-a",
            "--auth",
            "-A",
            "--auth-type",
            "-o",
            "--output",
            "--session",
            "--verify",
            "--cert",
            "--cert-key",
            "--proxy",
            "--timeout",
            "-p",
            "--print",
        ],
    );
    let mut u = NetUse::default();
    let mut ops = args.operands.iter().peekable();
    if let Some(first) = ops.peek()
        && first.text.chars().all(|c| c.is_ascii_uppercase())
    {
        ops.next();
    }
    if let Some(url) = ops.next() {
        // httpie takes `:3000/x` for localhost and bare hosts.
        let text = if url.text.starts_with(':') {
            format!("localhost{}", url.text)
        } else {
            url.text.clone()
        };
        if let Some(d) = parse_url(&text, url.literal, true) {
            u.dests.push(d);
        }
    }
    for item in ops {
        let t = item.text.as_str();
        if let Some(file) = t.strip_prefix('@') {
            u.files.push(file.to_string());
        } else if let Some((_, file)) = t.split_once("=@") {
            u.files.push(file.to_string());
        } else if let Some((key, file)) = t.split_once('@')
            && !key.contains(['=', ':'])
        {
            u.files.push(file.to_string());
        }
    }
    u
}

fn netcat(words: &[Word]) -> Option<NetUse> {
    let args = Args::parse(
        words,
        &[
            "-b",
            "-e",
            "-c",
            "-I",
            "-i",
            "-M",
            "-m",
            "-O",
            "-P",
            "-p",
            "-q",
            "-s",
            "-T",
            "-V",
            "-W",
            "-w",
            "-X",
            "-x",
            "--exec",
            "--sh-exec",
            "--lua-exec",
            "--proxy",
            "--source",
            "--source-port",
            "--wait",
            "--idle-timeout",
        ],
    );
    if args.has_short("l") || args.has_long("listen") {
        // A listener: the rule judges connections out, not servers.
        return None;
    }
    let mut u = NetUse::default();
    if let Some(host) = args.operands.first() {
        u.dests.push(if host.literal {
            parse_authority(&host.text)
        } else {
            Dest::Unknown(host.text.clone())
        });
    }
    u.sends_stdin = !args.has_short("z");
    u.shell = args.has("-e")
        || args.has("-c")
        || args.has("--exec")
        || args.has("--sh-exec")
        || args.has("--lua-exec");
    Some(u)
}

/// `socat ADDR ADDR`: `TCP:host:port`, `OPENSSL:host:port`, `EXEC:…`, `FILE:…`.
fn socat(words: &[Word]) -> NetUse {
    let args = Args::parse(words, &["-d", "-D", "-lf", "-T", "-b"]);
    let mut u = NetUse::default();
    for w in &args.operands {
        let t = w.text.as_str();
        let (kind, rest) = t.split_once([':', ',']).unwrap_or((t, ""));
        let kind = kind.to_ascii_uppercase();
        let host = rest.split([':', ',']).next().unwrap_or("");
        match kind.as_str() {
            "TCP" | "TCP4" | "TCP6" | "TCP-CONNECT" | "TCP4-CONNECT" | "TCP6-CONNECT"
            | "OPENSSL" | "SSL" | "OPENSSL-CONNECT" | "UDP" | "UDP4" | "UDP6" | "UDP-CONNECT"
            | "UDP-SENDTO" | "UDP4-SENDTO" | "UDP6-SENDTO" | "SCTP" | "SCTP-CONNECT" | "PROXY"
            | "SOCKS" | "SOCKS4" | "SOCKS4A" | "SOCKS5" => {
                u.dests.push(if w.literal {
                    parse_authority(host)
                } else {
                    Dest::Unknown(t.to_string())
                });
            }
            "EXEC" | "SYSTEM" => u.shell = true,
            "OPEN" | "FILE" | "GOPEN" | "CREATE" => u.files.push(rest.to_string()),
            "-" | "STDIN" | "STDIO" => u.sends_stdin = true,
            _ => {}
        }
    }
    u
}

fn first_host(words: &[Word]) -> NetUse {
    let args = Args::parse(
        words,
        &["-l", "-p", "-u", "-e", "-c", "-f", "-n", "-P", "-b"],
    );
    let mut u = NetUse::default();
    if let Some(w) = args.operands.first() {
        let dest = if w.text.contains("://") {
            parse_url(&w.text, w.literal, false)
        } else if w.literal {
            Some(parse_authority(&w.text))
        } else {
            Some(Dest::Unknown(w.text.clone()))
        };
        u.dests.extend(dest);
    }
    u
}

const SSH_WITH_VALUE: &[&str] = &[
    "-B", "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-P",
    "-p", "-Q", "-R", "-S", "-W", "-w",
];

fn ssh(words: &[Word]) -> NetUse {
    // Options end at the destination; what follows is the remote command.
    let mut end = words.len();
    let mut i = 0;
    while i < words.len() {
        let t = words[i].text.as_str();
        if !t.starts_with('-') || t == "-" {
            end = i + 1;
            break;
        }
        i += if SSH_WITH_VALUE.contains(&t) { 2 } else { 1 };
    }
    let args = Args::parse(&words[..end.min(words.len())], SSH_WITH_VALUE);
    let mut u = NetUse::default();
    if let Some(w) = args.operands.first() {
        u.dests.push(remote_host(w));
    }
    for v in args.values(&["-J"]) {
        for hop in v.text.split(',') {
            u.dests.push(if v.literal {
                parse_authority(hop.trim_start_matches("ssh://"))
            } else {
                Dest::Unknown(v.text.to_string())
            });
        }
    }
    u.sends_stdin = true;
    u
}

/// An ssh destination: `[user@]host`, `ssh://[user@]host[:port]`.
fn remote_host(w: &Word) -> Dest {
    if w.text.contains("://") {
        parse_url(&w.text, w.literal, false).unwrap_or(Dest::Unknown(w.text.clone()))
    } else if w.literal {
        parse_authority(&w.text)
    } else {
        Dest::Unknown(w.text.clone())
    }
}

fn sftp(words: &[Word]) -> NetUse {
    let args = Args::parse(
        words,
        &[
            "-B", "-b", "-c", "-D", "-F", "-i", "-J", "-l", "-o", "-P", "-R", "-S", "-s", "-X",
        ],
    );
    let mut u = NetUse::default();
    if let Some(w) = args.operands.first() {
        let dest = parse_remote(&w.text, w.literal).unwrap_or_else(|| remote_host(w));
        u.dests.push(dest);
    }
    // `sftp -b batchfile` can put any file.
    u.sends_stdin = true;
    u
}

const SCP_WITH_VALUE: &[&str] = &["-c", "-D", "-F", "-i", "-J", "-l", "-o", "-P", "-S", "-X"];

const RSYNC_WITH_VALUE: &[&str] = &[
    "-e",
    "--rsh",
    "--exclude",
    "--include",
    "-f",
    "--filter",
    "--files-from",
    "--exclude-from",
    "--include-from",
    "--password-file",
    "--port",
    "--log-file",
    "--chmod",
    "--chown",
    "-B",
    "--block-size",
    "--bwlimit",
    "--timeout",
    "--partial-dir",
    "-T",
    "--temp-dir",
    "--compare-dest",
    "--copy-dest",
    "--link-dest",
    "--backup-dir",
    "--suffix",
    "--max-size",
    "--min-size",
    "-M",
    "--remote-option",
    "--out-format",
    "--rsync-path",
    "--iconv",
    "--info",
    "--debug",
    "--usermap",
    "--groupmap",
    "--sockopts",
    "--address",
    "--contimeout",
    "--skip-compress",
    "--checksum-choice",
    "--compress-choice",
    "--max-delete",
    "--log-file-format",
    "--only-write-batch",
    "--write-batch",
    "--read-batch",
    "--modify-window",
];

/// scp and rsync: sources then a destination; remote ones are
/// `[user@]host:path`. Local sources copied to a remote are uploaded.
fn copy(words: &[Word], with_value: &[&str]) -> NetUse {
    let args = Args::parse(words, with_value);
    let mut u = NetUse::default();
    let Some((dest, sources)) = args.operands.split_last() else {
        return u;
    };
    let dest_remote = parse_remote(&dest.text, dest.literal);
    for s in sources {
        match parse_remote(&s.text, s.literal) {
            Some(d) => u.dests.push(d),
            None if dest_remote.is_some() => u.files.push(s.text.clone()),
            None => {}
        }
    }
    if let Some(d) = dest_remote {
        u.dests.push(d);
        if !u.files.is_empty() {
            u.label = "copies local files to";
        }
    }
    u
}

const GIT_GLOBAL_WITH_VALUE: &[&str] = &[
    "-C",
    "-c",
    "--git-dir",
    "--work-tree",
    "--namespace",
    "--config-env",
    "--super-prefix",
];

fn git(words: &[Word]) -> Option<NetUse> {
    let mut i = 0;
    while i < words.len() {
        let t = words[i].text.as_str();
        if GIT_GLOBAL_WITH_VALUE.contains(&t) {
            i += 2;
        } else if t.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    let sub = words.get(i)?.text.as_str();
    let rest = &words[i + 1..];
    let mut u = NetUse::default();
    let repo_arg = |args: &Args<'_>, n: usize| -> Option<Dest> {
        let w = args.operands.get(n)?;
        git_remote(w)
    };
    match sub {
        "clone" => {
            let args = Args::parse(
                rest,
                &[
                    "-o",
                    "--origin",
                    "-b",
                    "--branch",
                    "-u",
                    "--upload-pack",
                    "--reference",
                    "--depth",
                    "--shallow-since",
                    "--shallow-exclude",
                    "-c",
                    "--config",
                    "--separate-git-dir",
                    "-j",
                    "--jobs",
                    "--template",
                    "--filter",
                    "--bundle-uri",
                    "--server-option",
                ],
            );
            u.dests.extend(repo_arg(&args, 0));
        }
        "fetch" | "pull" | "ls-remote" => {
            let args = Args::parse(
                rest,
                &[
                    "--depth",
                    "--shallow-since",
                    "--shallow-exclude",
                    "-j",
                    "--jobs",
                    "--upload-pack",
                    "-o",
                    "--server-option",
                    "--refmap",
                    "--negotiation-tip",
                    "-s",
                    "--strategy",
                    "-X",
                    "--strategy-option",
                ],
            );
            u.dests.extend(repo_arg(&args, 0));
        }
        "push" => {
            let args = Args::parse(
                rest,
                &["--repo", "-o", "--push-option", "--receive-pack", "--exec"],
            );
            let target = repo_arg(&args, 0).or_else(|| {
                let v = args.value("--repo")?;
                git_remote(&Word {
                    text: v.text.to_string(),
                    literal: v.literal,
                })
            });
            if let Some(d) = target {
                u.dests.push(d);
                u.sends_repo = true;
                u.label = "pushes the repository to";
            }
        }
        "remote" => {
            let args = Args::parse(rest, &["-t", "-m", "--push"]);
            let ops: Vec<&str> = args.operand_texts().collect();
            let n = match ops.first().copied() {
                Some("add") => 2,
                Some("set-url") => args.operands.len().saturating_sub(1).max(2),
                _ => return None,
            };
            u.dests.extend(repo_arg(&args, n));
            u.label = "adds a remote at";
        }
        "submodule" => {
            let args = Args::parse(
                rest,
                &["-b", "--branch", "--name", "--reference", "--depth"],
            );
            if args.operands.first().map(|w| w.text.as_str()) == Some("add") {
                u.dests.extend(repo_arg(&args, 1));
            }
        }
        "archive" => {
            let args = Args::parse(
                rest,
                &["--remote", "-o", "--output", "--format", "--prefix"],
            );
            if let Some(v) = args.value("--remote") {
                u.dests.extend(git_remote(&Word {
                    text: v.text.to_string(),
                    literal: v.literal,
                }));
            }
        }
        _ => return None,
    }
    Some(u)
}

/// A git repository argument that names a remote host (not a remote name
/// like `origin`, nor a local path).
fn git_remote(w: &Word) -> Option<Dest> {
    let t = w.text.as_str();
    if t.contains("://") {
        return parse_url(t, w.literal, false);
    }
    if !w.literal && t.starts_with('$') {
        return Some(Dest::Unknown(t.to_string()));
    }
    parse_remote(t, w.literal)
}

/// `gh gist create FILE…`, `gh release upload TAG FILE…`: uploads to GitHub.
fn gh(words: &[Word]) -> Option<NetUse> {
    let args = Args::parse(
        words,
        &[
            "-d",
            "--desc",
            "--description",
            "-f",
            "--filename",
            "-R",
            "--repo",
            "--hostname",
        ],
    );
    let ops: Vec<&str> = args.operand_texts().collect();
    let files: Vec<String> = match ops.as_slice() {
        ["gist", "create" | "new", files @ ..] => files.iter().map(|f| f.to_string()).collect(),
        ["gist", "edit", _, files @ ..] => files.iter().map(|f| f.to_string()).collect(),
        ["release", "upload", _, files @ ..] => files
            .iter()
            .map(|f| f.split('#').next().unwrap_or(f).to_string())
            .collect(),
        _ => return None,
    };
    let host = args
        .value("--hostname")
        .map_or("github.com".to_string(), |v| v.text.to_string());
    let mut u = NetUse {
        files: files.into_iter().filter(|f| f != "-").collect(),
        label: "uploads to",
        ..NetUse::default()
    };
    u.sends_stdin = ops.contains(&"-") || u.files.is_empty();
    u.dests.push(parse_authority(&host));
    Some(u)
}
