//! Listeners: binding a Unix socket creates a file at its path, and on
//! hookwarden's socket path a listener answers every hook call in its
//! place. `socat UNIX-LISTEN:PATH` (and its `CREATE:`/`OPEN:` addresses,
//! which write their file), `nc -lU PATH`, `ncat --listen --unixsock PATH`,
//! and an interpreter's inline script that opens a server
//! (`python3 -c "…s.bind('PATH')…"`): every path that script names is
//! judged as the socket.

use hookwarden_sdk::cli_args::Args;

use super::At;
use super::unreadable::{inline_code, tokens};
use crate::judge::{Hit, Op};

const LISTEN: Op = Op::write("listens on");

pub fn check(at: &At<'_>, hits: &mut Vec<Hit>) {
    match at.cmd.program.as_str() {
        "socat" => socat(at, hits),
        "nc" | "netcat" | "ncat" | "nc.openbsd" | "nc.traditional" => netcat(at, hits),
        _ => script(at, hits),
    }
}

/// `socat [-lf LOG] ADDRESS ADDRESS`, an address being
/// `TYPE:PARAMS[,OPTION…]`. socat's options are single-dash words
/// (`-lf`, `-d`), which a GNU parser would split.
fn socat(at: &At<'_>, hits: &mut Vec<Hit>) {
    let mut words = at.cmd.args.iter();
    while let Some(w) = words.next() {
        if w.text == "-lf" {
            if let Some(log) = words.next() {
                at.word(Op::write("logs to").creating(), log, hits);
            }
            continue;
        }
        let Some((kind, rest)) = w.text.split_once(':') else {
            continue;
        };
        let mut options = rest.split(',');
        let path = options.next().unwrap_or(rest);
        let op = match kind.to_ascii_uppercase().as_str() {
            "UNIX-LISTEN" | "UNIX-RECVFROM" | "UNIX-RECV" => LISTEN,
            "OPEN" | "GOPEN" if options.any(|o| o == "rdonly") => Op::read("reads"),
            "CREATE" | "CREAT" | "OPEN" | "GOPEN" | "PIPE" => Op::write("writes"),
            _ => continue,
        };
        at.text(op, path, w.literal, hits);
    }
}

/// `nc -l -U PATH`: listening on a Unix socket creates it. (`nc -U PATH`
/// only connects.)
fn netcat(at: &At<'_>, hits: &mut Vec<Hit>) {
    let args = Args::parse(
        &at.cmd.args,
        &[
            "-I",
            "-i",
            "-M",
            "-m",
            "-O",
            "-P",
            "-p",
            "-s",
            "-T",
            "-V",
            "-W",
            "-w",
            "-X",
            "-x",
            "-q",
            "-e",
            "-c",
            "-g",
            "-G",
            "-o",
            "--sh-exec",
            "--exec",
            "--lua-exec",
            "--output",
            "--hex-dump",
            "--max-conns",
            "--proxy",
            "--proxy-type",
            "--proxy-auth",
            "--allow",
            "--deny",
            "--source",
            "--source-port",
            "--wait",
        ],
    );
    let listens = args.has_short("l") || args.has_long("listen");
    let unix = args.has_short("U") || args.has_long("unixsock");
    if listens && unix {
        for w in &args.operands {
            at.word(LISTEN, w, hits);
        }
    }
}

/// An inline script that opens a server: the protected paths it names are
/// judged as the socket it binds (the unreadable check only asks).
fn script(at: &At<'_>, hits: &mut Vec<Hit>) {
    const SERVES: &[&str] = &["bind", "listen", "Server"];
    let op = Op::write("runs a script that opens a server socket, naming");
    for code in inline_code(at.cmd) {
        if !SERVES.iter().any(|s| code.contains(s)) {
            continue;
        }
        for token in tokens(code) {
            at.text(op, token, true, hits);
        }
    }
}
