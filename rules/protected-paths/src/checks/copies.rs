//! Copies, moves, installs and links: `cp`, `mv`, `install`, `ln`, `rsync`,
//! `scp`. The destination is written (itself, or the source's name inside
//! it); `mv` also takes its sources away; `ln` also makes a link that
//! points at its target, so a link to a protected file is one too; the
//! sources of a copy are read.

use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::paths::{expand_home, normalize, parent, resolve};
use hookwarden_sdk::shell::{Word, basename};

use super::{At, is_remote};
use crate::judge::{Access, Hit, Op};

pub fn check(at: &At<'_>, hits: &mut Vec<Hit>) {
    let program = at.cmd.program.as_str();
    let with_value: &[&str] = match program {
        "cp" | "mv" | "ln" => &["-t", "--target-directory", "-S", "--suffix"],
        "install" => &[
            "-t",
            "--target-directory",
            "-S",
            "--suffix",
            "-m",
            "--mode",
            "-o",
            "--owner",
            "-g",
            "--group",
        ],
        "rsync" => &[
            "-e",
            "--rsh",
            "--exclude",
            "--include",
            "--filter",
            "-f",
            "--files-from",
            "--exclude-from",
            "--include-from",
            "-T",
            "--temp-dir",
            "--backup-dir",
            "--rsync-path",
            "--chmod",
            "--chown",
            "-B",
            "--log-file",
            "--password-file",
            "--port",
            "--suffix",
            "--partial-dir",
            "--compare-dest",
            "--copy-dest",
            "--link-dest",
            "-M",
        ],
        "scp" => &["-P", "-i", "-o", "-F", "-c", "-l", "-J", "-S", "-D", "-X"],
        _ => return,
    };
    let args = Args::parse(&at.cmd.args, with_value);
    if program == "install" && (args.has_short("d") || args.has_long("directory")) {
        for w in &args.operands {
            at.word(Op::write("creates the directory").places(false), w, hits);
        }
        return;
    }
    let target_dir = args
        .values(&["-t", "--target-directory"])
        .last()
        .map(|v| Word {
            text: v.text.to_owned(),
            literal: v.literal,
        });
    let operands: Vec<&Word> = args.operands.clone();
    let (dest, sources): (Option<Word>, Vec<&Word>) = match target_dir {
        Some(dir) => (Some(dir), operands),
        None if program == "ln" && operands.len() == 1 => (Some(Word::literal(".")), operands),
        None => match operands.split_last() {
            Some((dest, sources)) if !sources.is_empty() => {
                (Some((*dest).clone()), sources.to_vec())
            }
            _ => (None, Vec::new()),
        },
    };
    let Some(dest) = dest else { return };
    let recursive = args.has_short("rRa") || args.has_long("recursive") || args.has_long("archive");
    let no_clobber = args.has_short("n") && matches!(program, "cp" | "mv")
        || args.has_long("no-clobber")
        || args.has_long("ignore-existing")
        || args
            .values(&["--update"])
            .any(|v| v.text.starts_with("none"));
    let verb = match program {
        "cp" => "copies onto",
        "mv" => "moves onto",
        "install" => "installs onto",
        "ln" => "makes a link at",
        "rsync" => "syncs onto",
        _ => "copies onto",
    };
    let local_sources: Vec<&Word> = sources
        .iter()
        .copied()
        .filter(|w| !is_remote(&w.text))
        .collect();

    // The sources.
    match program {
        "mv" => {
            for src in &local_sources {
                at.word(Op::write("moves away").tree(true).places(false), src, hits);
            }
        }
        "rsync" if args.has_long("remove-source-files") => {
            for src in &local_sources {
                at.word(Op::write("moves away").tree(true).places(false), src, hits);
            }
        }
        "ln" => {
            let symbolic = args.has_short("s") || args.has_long("symbolic");
            for target in &local_sources {
                link_target(at, &dest, sources.len(), target, symbolic, hits);
            }
        }
        _ => {
            let verb = if is_remote(&dest.text) {
                "sends away"
            } else {
                "copies"
            };
            for src in &local_sources {
                at.word(Op::read(verb).tree(recursive), src, hits);
            }
        }
    }

    // The destination.
    if !is_remote(&dest.text) {
        // A link or copy of a system program under its own family's name
        // (`ln -s /usr/bin/python3 ~/.local/bin/python`) places no hijack.
        let alias = |src: &Word, name: &str| {
            matches!(program, "ln" | "cp" | "install")
                && src.literal
                && crate::hijack::is_system_alias(&normalize(&expand_home(&src.text)), name)
        };
        let dest_alias = match local_sources.as_slice() {
            [only] => alias(only, basename(&normalize(&expand_home(&dest.text)))),
            _ => false,
        };
        let secret_copy = program != "ln" && at.all_secret(&local_sources);
        let onto = Op::write(verb)
            .creating()
            .no_clobber(no_clobber)
            .secret_copy(secret_copy)
            .tree(recursive);
        // A directory's content copied in (`rsync -a dir/ dest`, `cp -r dir/. dest`):
        // what lands is unknown, so a destination holding protected paths is asked.
        let contents_of = recursive
            && local_sources
                .iter()
                .any(|s| s.text.ends_with('/') || s.text.ends_with("/."));
        if contents_of {
            at.word(
                Op::write("copies a directory's content into").access(Access::Extract),
                &dest,
                hits,
            );
        } else {
            at.word(
                Op::write(verb)
                    .creating()
                    .no_clobber(no_clobber)
                    .secret_copy(secret_copy)
                    .places(!dest_alias),
                &dest,
                hits,
            );
        }
        for src in &local_sources {
            if src.text.ends_with('/') || src.text.ends_with("/.") {
                continue;
            }
            let name = basename(&src.text);
            if matches!(name, "" | "/" | "." | "..") {
                continue;
            }
            let inside = format!("{}/{name}", dest.text.trim_end_matches('/'));
            let onto = onto.places(!alias(src, name));
            at.text(onto, &inside, dest.literal && src.literal, hits);
        }
    }
}

/// A link pointing at `target`: a relative symbolic target resolves from
/// the link's directory, a hard link's from the working directory.
fn link_target(
    at: &At<'_>,
    dest: &Word,
    n_targets: usize,
    target: &Word,
    symbolic: bool,
    hits: &mut Vec<Hit>,
) {
    let op = Op::write("makes a link pointing at").places(false);
    let text = expand_home(&target.text);
    if !symbolic || text.starts_with('/') || text.starts_with('~') || !target.literal {
        at.word(op, target, hits);
        return;
    }
    for cwd in at.cwds {
        // The link's directory: the destination if it is one (several
        // targets, `-t`, a trailing slash, `.`), else its parent.
        let Some(dest_path) = resolve(&dest.text, cwd.as_deref()) else {
            at.text_in(op, &text, true, None, hits);
            continue;
        };
        let is_dir =
            n_targets > 1 || dest.text.ends_with('/') || matches!(dest.text.as_str(), "." | "..");
        let link_dir = if is_dir {
            dest_path.clone()
        } else {
            parent(&dest_path).to_owned()
        };
        let resolved = normalize(&format!("{link_dir}/{text}"));
        at.text_in(op, &resolved, true, None, hits);
    }
}
