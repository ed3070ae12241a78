//! The paths a simple command writes (creates, overwrites, appends to,
//! deletes, moves onto, re-links or re-permissions), as far as its syntax
//! tells: the host resolves facts for them and rules judge them.

use super::{SimpleCommand, Word};

/// Options that take a value, per program, so the value is not taken for an operand.
fn options_with_value(program: &str) -> &'static [&'static str] {
    match program {
        "cp" | "mv" | "install" | "ln" => &[
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
        "sed" => &["-e", "--expression", "-f", "--file", "-l"],
        "perl" => &["-e", "-E", "-M", "-I"],
        "truncate" => &["-s", "--size", "-r", "--reference"],
        "touch" => &["-d", "--date", "-r", "--reference", "-t"],
        "chmod" | "chown" | "chgrp" => &["--reference", "--from"],
        "tar" => &[
            "-f",
            "--file",
            "-C",
            "--directory",
            "-T",
            "--files-from",
            "-X",
            "--exclude-from",
        ],
        "unzip" => &["-d", "-x"],
        _ => &[],
    }
}

/// Non-option operands of `cmd`; everything after `--` counts.
fn operands(cmd: &SimpleCommand) -> Vec<&Word> {
    let with_value = options_with_value(&cmd.program);
    let mut out = Vec::new();
    let mut it = cmd.args.iter();
    while let Some(w) = it.next() {
        let t = w.text.as_str();
        if t == "--" {
            out.extend(it.by_ref());
            break;
        }
        if t.len() > 1 && t.starts_with('-') {
            if with_value.contains(&t) {
                it.next();
            }
            continue;
        }
        out.push(w);
    }
    out
}

/// The value of `-t DIR` / `--target-directory=DIR` / `-C DIR`-style options.
fn option_value<'a>(cmd: &'a SimpleCommand, names: &[&str]) -> Option<&'a Word> {
    let mut it = cmd.args.iter();
    while let Some(w) = it.next() {
        for name in names {
            if w.text == *name {
                return it.next();
            }
        }
    }
    None
}

impl SimpleCommand {
    /// The paths this command writes: redirection targets (`>`, `>>`, `&>`…,
    /// not `/dev/null` or file descriptors), and by program: `tee`, `touch`,
    /// `truncate`, `rm`, `rmdir`, `shred`, `chmod`/`chown`/`chgrp` operands;
    /// the destination of `cp`/`mv`/`install`/`ln`/`rsync`/`scp` (the last
    /// operand or `-t DIR`), and `mv`'s sources (they disappear); `sed -i` /
    /// `perl -i` files; `dd of=`; `tar -x -C DIR`, `unzip -d DIR`.
    pub fn write_targets(&self) -> Vec<Word> {
        let mut out: Vec<&Word> = self
            .redirects
            .iter()
            .filter(|r| r.is_write() && r.target.text != "/dev/null")
            .map(|r| &r.target)
            .collect();
        let ops = operands(self);
        match self.program.as_str() {
            "tee" | "touch" | "truncate" | "rm" | "rmdir" | "shred" | "unlink" => out.extend(ops),
            "chmod" | "chown" | "chgrp" => {
                let reference = self.args.iter().any(|w| w.text.starts_with("--reference"));
                out.extend(ops.into_iter().skip(usize::from(!reference)));
            }
            "cp" | "mv" | "install" | "ln" | "rsync" | "scp" => {
                if let Some(dir) = option_value(self, &["-t", "--target-directory"]) {
                    out.push(dir);
                    if self.program == "mv" {
                        out.extend(ops);
                    }
                } else if let Some((dest, sources)) = ops.split_last() {
                    out.push(dest);
                    if self.program == "mv" {
                        out.extend(sources.iter().copied());
                    }
                }
            }
            "sed" | "perl"
                if self.args.iter().any(|w| {
                    w.text.starts_with("-i")
                        || w.text.starts_with("--in-place")
                        || (w.text.starts_with("-p") && w.text.contains('i'))
                }) =>
            {
                // sed's first operand is the script unless -e/-f gave it.
                let script_given = self
                    .args
                    .iter()
                    .any(|w| matches!(w.text.as_str(), "-e" | "--expression" | "-f" | "--file"));
                let skip = usize::from(self.program == "sed" && !script_given);
                out.extend(ops.into_iter().skip(skip));
            }
            "dd" => {
                let mut owned: Vec<Word> = out.into_iter().cloned().collect();
                owned.extend(self.args.iter().filter_map(|w| {
                    let path = w.text.strip_prefix("of=")?;
                    Some(Word {
                        text: path.to_owned(),
                        literal: w.literal,
                    })
                }));
                return owned;
            }
            "tar" if self.extracts() => {
                if let Some(dir) = option_value(self, &["-C", "--directory"]) {
                    out.push(dir);
                }
            }
            "unzip" => {
                if let Some(dir) = option_value(self, &["-d"]) {
                    out.push(dir);
                }
            }
            _ => {}
        }
        out.into_iter().cloned().collect()
    }

    /// `tar` extracts: `-x`, `--extract`, `--get`, or bundled old-style
    /// options with an `x` (`tar xzf a.tgz`, `tar -xzf a.tgz`).
    fn extracts(&self) -> bool {
        self.args.iter().enumerate().any(|(i, w)| {
            let t = w.text.as_str();
            matches!(t, "--extract" | "--get")
                || (t.starts_with('-') && !t.starts_with("--") && t.contains('x'))
                || (i == 0 && !t.starts_with('-') && t.contains('x'))
        })
    }
}
