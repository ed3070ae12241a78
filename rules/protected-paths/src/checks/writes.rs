//! Programs that write the files they are given: `tee`, `touch`,
//! `truncate`, `dd of=`, `sed -i`, `perl -i`, `gawk -i inplace`, editors,
//! and the output options of `curl -o`, `wget -O`, `sort -o`. Without `-i`,
//! `sed`, `perl` and `awk` read their files instead.

use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::shell::Word;

use super::At;
use crate::judge::{Hit, Op};

const EDITORS: &[&str] = &[
    "vi", "vim", "nvim", "nano", "emacs", "ed", "ex", "pico", "micro", "kak", "hx",
];

pub fn check(at: &At<'_>, hits: &mut Vec<Hit>) {
    let cmd = at.cmd;
    match cmd.program.as_str() {
        "tee" => {
            let args = Args::parse(&cmd.args, &["--output-error"]);
            let verb = if args.has_short("a") || args.has_long("append") {
                "appends to"
            } else {
                "writes"
            };
            for w in &args.operands {
                at.word(Op::write(verb).creating(), w, hits);
            }
        }
        "touch" => {
            let args = Args::parse(&cmd.args, &["-d", "--date", "-r", "--reference", "-t"]);
            for w in &args.operands {
                at.word(Op::write("touches").places(false), w, hits);
            }
        }
        "truncate" => {
            let args = Args::parse(&cmd.args, &["-s", "--size", "-r", "--reference"]);
            for w in &args.operands {
                at.word(Op::write("truncates").places(false), w, hits);
            }
        }
        "dd" => {
            for w in &cmd.args {
                if let Some(path) = w.text.strip_prefix("of=") {
                    at.text(Op::write("writes").creating(), path, w.literal, hits);
                } else if let Some(path) = w.text.strip_prefix("if=") {
                    at.text(Op::read("reads"), path, w.literal, hits);
                }
            }
        }
        "sed" => sed(at, hits),
        "perl" => perl(at, hits),
        "awk" | "gawk" | "mawk" | "nawk" => awk(at, hits),
        "sort" => {
            let args = Args::parse(&cmd.args, &["-k", "-t", "-o", "--output", "-S", "-T"]);
            for v in args.values(&["-o", "--output"]) {
                at.text(Op::write("writes").creating(), v.text, v.literal, hits);
            }
            for w in &args.operands {
                at.word(Op::read("reads"), w, hits);
            }
        }
        "curl" => curl(at, hits),
        "wget" => {
            let args = Args::parse(
                &cmd.args,
                &[
                    "-O",
                    "--output-document",
                    "-o",
                    "--output-file",
                    "-a",
                    "--append-output",
                    "-P",
                    "--directory-prefix",
                    "-i",
                    "--input-file",
                    "--post-file",
                    "--body-file",
                    "--post-data",
                    "-U",
                    "--header",
                    "-e",
                    "-t",
                    "-T",
                    "--user",
                    "--password",
                ],
            );
            for v in args.values(&[
                "-O",
                "--output-document",
                "-o",
                "--output-file",
                "-a",
                "--append-output",
            ]) {
                at.text(
                    Op::write("downloads into").creating(),
                    v.text,
                    v.literal,
                    hits,
                );
            }
            for v in args.values(&["--post-file", "--body-file"]) {
                at.text(Op::read("uploads"), v.text, v.literal, hits);
            }
        }
        p if EDITORS.contains(&p) => {
            let args = Args::parse(
                &cmd.args,
                &["-c", "--cmd", "-S", "-u", "-i", "-T", "-s", "-w", "-W"],
            );
            for w in args.operands.iter().filter(|w| !w.text.starts_with('+')) {
                at.word(Op::write("opens for editing").creating(), w, hits);
            }
        }
        _ => {}
    }
}

/// `sed [-i[SUFFIX]] [-e SCRIPT | SCRIPT] FILE…`: with `-i` the files are
/// rewritten in place, else read. BSD's `sed -i '' …` gives an empty suffix.
fn sed(at: &At<'_>, hits: &mut Vec<Hit>) {
    let args = Args::parse(
        &at.cmd.args,
        &["-e", "--expression", "-f", "--file", "-l", "--line-length"],
    );
    let in_place = args.has_short("i") || args.has_long_prefix("in-place");
    let script_given =
        args.has("-e") || args.has("--expression") || args.has("-f") || args.has("--file");
    let mut files: Vec<&Word> = args.operands.clone();
    if in_place && files.first().is_some_and(|w| w.text.is_empty()) {
        files.remove(0);
    }
    if !script_given && !files.is_empty() {
        files.remove(0);
    }
    for v in args.values(&["-f", "--file"]) {
        at.text(Op::read("reads"), v.text, v.literal, hits);
    }
    let op = if in_place {
        Op::write("edits in place")
    } else {
        Op::read("reads")
    };
    for w in files {
        at.word(op, w, hits);
    }
}

/// `perl [-pi[EXT]] -e CODE FILE…` or `perl SCRIPT FILE…`.
fn perl(at: &At<'_>, hits: &mut Vec<Hit>) {
    let args = Args::parse(&at.cmd.args, &["-e", "-E", "-M", "-m", "-I", "-x", "-C"]);
    let in_place = args.has_short("i");
    let code_given = args.has("-e") || args.has("-E");
    let mut files: Vec<&Word> = args.operands.clone();
    if !code_given && !files.is_empty() {
        files.remove(0);
    }
    let op = if in_place {
        Op::write("edits in place")
    } else {
        Op::read("reads")
    };
    for w in files {
        at.word(op, w, hits);
    }
}

/// `awk [-f PROG | PROG] [VAR=VALUE…] FILE…`; gawk's `-i inplace` rewrites.
fn awk(at: &At<'_>, hits: &mut Vec<Hit>) {
    let args = Args::parse(
        &at.cmd.args,
        &[
            "-f",
            "--file",
            "-v",
            "--assign",
            "-F",
            "--field-separator",
            "-i",
            "--include",
            "-l",
            "--load",
        ],
    );
    let in_place = args
        .values(&["-i", "--include"])
        .any(|v| v.text == "inplace");
    let program_given = args.has("-f") || args.has("--file");
    let mut files: Vec<&Word> = args.operands.clone();
    if !program_given && !files.is_empty() {
        files.remove(0);
    }
    let op = if in_place {
        Op::write("edits in place")
    } else {
        Op::read("reads")
    };
    for w in files.into_iter().filter(|w| !w.text.contains('=')) {
        at.word(op, w, hits);
    }
}

/// `curl -o FILE` writes; `-d @FILE`, `-F name=@FILE`, `-T FILE` send a
/// file's content away.
fn curl(at: &At<'_>, hits: &mut Vec<Hit>) {
    const WITH_VALUE: &[&str] = &[
        "-o",
        "--output",
        "-d",
        "--data",
        "--data-binary",
        "--data-ascii",
        "--data-urlencode",
        "--data-raw",
        "-F",
        "--form",
        "--form-string",
        "-T",
        "--upload-file",
        "-H",
        "--header",
        "-X",
        "--request",
        "-u",
        "--user",
        "-A",
        "--user-agent",
        "-e",
        "--referer",
        "-b",
        "--cookie",
        "-c",
        "--cookie-jar",
        "-x",
        "--proxy",
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
        "-K",
        "--config",
        "--url",
        "-C",
        "--continue-at",
        "--retry",
        "-D",
        "--dump-header",
        "--resolve",
        "--json",
        "-y",
        "-Y",
        "-z",
        "--time-cond",
        "--output-dir",
    ];
    let args = Args::parse(&at.cmd.args, WITH_VALUE);
    for v in args.values(&[
        "-o",
        "--output",
        "-c",
        "--cookie-jar",
        "-D",
        "--dump-header",
    ]) {
        at.text(
            Op::write("downloads into").creating(),
            v.text,
            v.literal,
            hits,
        );
    }
    for v in args.values(&["-T", "--upload-file", "-K", "--config"]) {
        at.text(Op::read("uploads"), v.text, v.literal, hits);
    }
    for v in args.values(&[
        "-d",
        "--data",
        "--data-binary",
        "--data-ascii",
        "--data-urlencode",
        "--json",
    ]) {
        let file = v.text.split_once('@');
        if let Some((name, f)) = file
            && (name.is_empty() || !name.contains(['=', ' ']))
        {
            at.text(Op::read("uploads"), f, v.literal, hits);
        }
    }
    for v in args.values(&["-F", "--form"]) {
        if let Some((_, rest)) = v.text.split_once('=')
            && let Some(f) = rest.strip_prefix('@').or_else(|| rest.strip_prefix('<'))
        {
            let f = f.split(';').next().unwrap_or(f);
            at.text(Op::read("uploads"), f, v.literal, hits);
        }
    }
}
