//! Archives: `tar -x`/`unzip` unpack into a directory (`-C DIR`, `-d DIR`,
//! else the working directory), writing what the archive holds; `tar -c`
//! and `zip` read what they pack.

use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::paths::resolve;
use hookwarden_sdk::shell::Word;

use super::At;
use crate::judge::{Access, Hit, Op};

const EXTRACT: Op = Op::write("extracts an archive into").access(Access::Extract);

pub fn check(at: &At<'_>, hits: &mut Vec<Hit>) {
    match at.cmd.program.as_str() {
        "tar" | "bsdtar" | "gtar" => tar(at, hits),
        "unzip" => {
            let args = Args::parse(&at.cmd.args, &["-d", "-P", "-x"]);
            let dir = args.value("-d");
            match dir {
                Some(d) => at.text(EXTRACT, d.text, d.literal, hits),
                None => at.text(EXTRACT, ".", true, hits),
            }
            for member in args.operands.iter().skip(1) {
                members(at, dir.map(|d| d.text), member, hits);
            }
        }
        "zip" => {
            let args = Args::parse(
                &at.cmd.args,
                &["-b", "-n", "-t", "-tt", "-x", "-i", "-P", "-O"],
            );
            let recursive = args.has_short("r") || args.has_long("recurse-paths");
            for w in args.operands.iter().skip(1) {
                at.word(Op::read("archives").tree(recursive), w, hits);
            }
        }
        _ => {}
    }
}

fn tar(at: &At<'_>, hits: &mut Vec<Hit>) {
    // Old-style bundled options (`tar xzf a.tgz`) read as `-xzf`.
    let mut words: Vec<Word> = at.cmd.args.clone();
    if let Some(first) = words.first_mut()
        && !first.text.starts_with('-')
        && !first.text.is_empty()
        && first.text.chars().all(|c| c.is_ascii_alphabetic())
    {
        first.text.insert(0, '-');
    }
    let args = Args::parse(
        &words,
        &[
            "-f",
            "--file",
            "-C",
            "--directory",
            "-T",
            "--files-from",
            "-X",
            "--exclude-from",
            "-b",
            "--blocking-factor",
            "-g",
            "--listed-incremental",
            "-H",
            "--format",
            "-I",
            "--use-compress-program",
            "--exclude",
            "-V",
            "--label",
            "-K",
            "-N",
            "--newer",
            "--transform",
            "--xform",
            "--strip-components",
            "--owner",
            "--group",
            "--mode",
        ],
    );
    let dir = args.values(&["-C", "--directory"]).last();
    if args.has_short("x") || args.has_long("extract") || args.has_long("get") {
        match dir {
            Some(d) => at.text(EXTRACT, d.text, d.literal, hits),
            None => at.text(EXTRACT, ".", true, hits),
        }
        for member in &args.operands {
            members(at, dir.map(|d| d.text), member, hits);
        }
    } else if args.has_short("cru") || args.has_long("create") || args.has_long("append") {
        let op = Op::read("archives").tree(true);
        for w in &args.operands {
            match dir {
                Some(d) if d.literal && w.literal => {
                    for cwd in at.cwds {
                        let base = resolve(d.text, cwd.as_deref());
                        at.text_in(op, &w.text, true, base.as_deref(), hits);
                    }
                }
                _ => at.word(op, w, hits),
            }
        }
    }
}

/// A member named for extraction lands at `dir/member`.
fn members(at: &At<'_>, dir: Option<&str>, member: &Word, hits: &mut Vec<Hit>) {
    let text = match dir {
        Some(d) => format!("{}/{}", d.trim_end_matches('/'), member.text),
        None => member.text.clone(),
    };
    at.text(
        Op::write("extracts onto").tree(true),
        &text,
        member.literal,
        hits,
    );
}
