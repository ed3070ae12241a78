//! Deletes: `rm` (a directory holding protected paths counts with `-r`),
//! `rmdir`, `unlink`, `shred`, and `find START… -delete` / `-exec rm`.

use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::shell::{Word, basename};

use super::At;
use crate::judge::{Hit, Op};

pub fn check(at: &At<'_>, hits: &mut Vec<Hit>) {
    let cmd = at.cmd;
    match cmd.program.as_str() {
        "rm" => {
            let args = Args::parse(&cmd.args, &[]);
            let recursive = args.has_short("rR") || args.has_long("recursive");
            for w in &args.operands {
                at.word(Op::write("deletes").tree(recursive).places(false), w, hits);
            }
        }
        "rmdir" | "unlink" => {
            let args = Args::parse(&cmd.args, &[]);
            for w in &args.operands {
                at.word(Op::write("deletes").places(false), w, hits);
            }
        }
        "shred" => {
            let args = Args::parse(
                &cmd.args,
                &["-n", "--iterations", "-s", "--size", "--random-source"],
            );
            for w in &args.operands {
                at.word(Op::write("shreds").places(false), w, hits);
            }
        }
        "find" => find(at, hits),
        _ => {}
    }
}

/// `find START… EXPR` deletes under each start when the expression has
/// `-delete` or runs `rm`.
fn find(at: &At<'_>, hits: &mut Vec<Hit>) {
    let args = &at.cmd.args;
    let mut i = 0;
    while i < args.len()
        && matches!(
            args[i].text.as_str(),
            "-H" | "-L" | "-P" | "-O0" | "-O1" | "-O2" | "-O3"
        )
    {
        i += 1;
    }
    let starts: Vec<&Word> = args[i..]
        .iter()
        .take_while(|w| !w.text.starts_with('-') && !matches!(w.text.as_str(), "(" | "!" | ")"))
        .collect();
    let expression = &args[i + starts.len()..];
    let deletes = expression.iter().enumerate().any(|(j, w)| {
        w.text == "-delete"
            || (matches!(w.text.as_str(), "-exec" | "-execdir" | "-ok" | "-okdir")
                && expression
                    .get(j + 1)
                    .is_some_and(|p| matches!(basename(&p.text), "rm" | "shred" | "unlink")))
    });
    if !deletes {
        return;
    }
    let dot = Word::literal(".");
    let starts = if starts.is_empty() {
        vec![&dot]
    } else {
        starts
    };
    for start in starts {
        at.word(
            Op::write("deletes files under").tree(true).places(false),
            start,
            hits,
        );
    }
}
