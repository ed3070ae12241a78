//! Programs that show or send the content of the files they are given:
//! `cat`, `less`, `head`, `base64`, `xxd`, `grep`, `jq`, `diff`, `gpg -d`…
//! Only secrets count (see `Category::is_secret`). `sed`, `awk`, `perl`,
//! `sort`, `curl` and the copies are judged with their writes.

use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::shell::Word;

use super::At;
use crate::judge::{Hit, Op};

/// Readers whose every operand is a file, with their value-taking options.
fn plain_reader(program: &str) -> Option<&'static [&'static str]> {
    Some(match program {
        "cat" | "tac" | "nl" | "less" | "more" | "most" | "view" | "paste" | "comm" | "diff"
        | "cmp" | "sdiff" | "diff3" | "colordiff" | "rev" | "fold" | "fmt" | "expand"
        | "column" | "iconv" | "dos2unix" | "unix2dos" | "pr" => &[
            "-n",
            "-f",
            "-t",
            "-s",
            "-w",
            "-W",
            "-o",
            "-d",
            "--from-file",
            "--to-file",
            "-I",
            "-x",
            "-X",
        ],
        "head" | "tail" => &[
            "-n",
            "--lines",
            "-c",
            "--bytes",
            "-s",
            "--sleep-interval",
            "--pid",
        ],
        "base64" | "base32" | "basenc" => &["-w", "--wrap"],
        "xxd" => &["-l", "-s", "-c", "-g", "-o", "-n", "-C"],
        "od" => &["-A", "-j", "-N", "-t", "-w", "-S"],
        "hexdump" | "hd" => &["-n", "-s", "-e", "-f"],
        "strings" => &["-n", "-t", "-e", "-T"],
        "cut" => &[
            "-d",
            "-f",
            "-c",
            "-b",
            "--delimiter",
            "--fields",
            "--output-delimiter",
        ],
        "uniq" => &["-f", "-s", "-w"],
        "bat" | "batcat" => &[
            "-l",
            "--language",
            "-r",
            "--line-range",
            "-H",
            "--highlight-line",
            "--style",
            "--theme",
            "-m",
            "--map-syntax",
            "--tabs",
            "--wrap",
            "--terminal-width",
        ],
        "gpg" | "gpg2" => &[
            "-o",
            "--output",
            "-r",
            "--recipient",
            "-u",
            "--local-user",
            "--homedir",
            "--passphrase",
            "--passphrase-file",
        ],
        _ => return None,
    })
}

pub fn check(at: &At<'_>, hits: &mut Vec<Hit>) {
    let cmd = at.cmd;
    let program = cmd.program.as_str();
    if program == "openssl" {
        // `openssl rsa -in key`, `openssl enc -in f`.
        let mut it = cmd.args.iter();
        while let Some(w) = it.next() {
            if matches!(w.text.as_str(), "-in" | "-inkey" | "-kfile")
                && let Some(f) = it.next()
            {
                at.word(Op::read("reads"), f, hits);
            }
        }
        return;
    }
    if let Some(with_value) = plain_reader(program) {
        let args = Args::parse(&cmd.args, with_value);
        let operands: Vec<&Word> = if program == "uniq" {
            args.operands.iter().take(1).copied().collect()
        } else {
            args.operands.clone()
        };
        for w in operands {
            at.word(Op::read("reads"), w, hits);
        }
        return;
    }
    match program {
        "grep" | "egrep" | "fgrep" | "rg" | "ag" | "ack" | "zgrep" => {
            let args = Args::parse(
                &cmd.args,
                &[
                    "-e",
                    "--regexp",
                    "-f",
                    "--file",
                    "-m",
                    "--max-count",
                    "-A",
                    "-B",
                    "-C",
                    "--after-context",
                    "--before-context",
                    "--context",
                    "--include",
                    "--exclude",
                    "--exclude-dir",
                    "-d",
                    "-D",
                    "-g",
                    "--glob",
                    "-t",
                    "-T",
                    "--type",
                    "--type-not",
                    "-j",
                    "--threads",
                    "-M",
                    "--max-columns",
                    "--color",
                    "-E",
                    "--encoding",
                    "--label",
                ],
            );
            let pattern_given =
                args.has("-e") || args.has("--regexp") || args.has("-f") || args.has("--file");
            let skip = usize::from(!pattern_given);
            for w in args.operands.iter().skip(skip) {
                at.word(Op::read("searches"), w, hits);
            }
        }
        "jq" | "yq" | "gojq" => jq(at, hits),
        _ => {}
    }
}

/// `jq [OPTIONS] FILTER [FILE…]`; `--arg`/`--argjson` take two words,
/// `--rawfile`/`--slurpfile` read their second.
fn jq(at: &At<'_>, hits: &mut Vec<Hit>) {
    let args = &at.cmd.args;
    let mut files: Vec<&Word> = Vec::new();
    let mut filter_given = false;
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        match t {
            "--arg" | "--argjson" => i += 2,
            "--rawfile" | "--slurpfile" => {
                if let Some(f) = args.get(i + 2) {
                    files.push(f);
                }
                i += 2;
            }
            "-f" | "--from-file" => {
                filter_given = true;
                i += 1;
            }
            "--indent" | "--tab" | "-L" => i += usize::from(t != "--tab"),
            "--args" | "--jsonargs" => break,
            _ if t.starts_with('-') && t.len() > 1 => {}
            _ if !filter_given => filter_given = true,
            _ => files.push(&args[i]),
        }
        i += 1;
    }
    for w in files {
        at.word(Op::read("reads"), w, hits);
    }
}
