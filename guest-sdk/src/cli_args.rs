//! GNU-style argument lists, split into options and operands.
//!
//! Rules that judge a program's arguments (`rm -rf`, `curl -d @f`,
//! `pip install -i URL`) need to know which words are options, which are
//! option values and which are operands. [`Args::parse`] does that the way
//! GNU `getopt_long` does, given the options that take a value:
//!
//! - short options bundle (`-rf`), and a value-taking one takes the rest of
//!   its bundle (`-ofile`) or, at the end of it, the next word (`-sSLo file`);
//! - long options take `--name=value` or `--name value`;
//! - options may follow operands (`cp a b -v`); everything after `--` is an
//!   operand, and so is a lone `-`.
//!
//! ```
//! use hookwarden_sdk::cli_args::Args;
//! use hookwarden_sdk::shell::Word;
//!
//! let words: Vec<Word> = ["-sSLo", "out", "--data=@x", "https://h/", "-H", "A: b"]
//!     .into_iter().map(Word::literal).collect();
//! let args = Args::parse(&words, &["-o", "--data", "-H"]);
//! assert!(args.has_short("L"));
//! assert_eq!(args.value("--data").unwrap().text, "@x");
//! assert_eq!(args.value("-o").unwrap().text, "out");
//! assert_eq!(args.operand_texts().collect::<Vec<_>>(), ["https://h/"]);
//! ```

use crate::shell::Word;

/// An option's value: a slice of the word it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptValue<'a> {
    pub text: &'a str,
    /// The word it came from holds no expansion (see [`Word::literal`]).
    pub literal: bool,
}

/// One option as given: `name` is `-o` or `--output` (no `=value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt<'a> {
    pub name: String,
    pub value: Option<OptValue<'a>>,
}

/// A GNU-style argument list split into options and operands.
#[derive(Debug, Default, Clone)]
pub struct Args<'a> {
    /// Every short option letter given (`-rf -v` → `rfv`), values excluded.
    pub short: String,
    /// Long options without their dashes or `=value`
    /// (`--force-with-lease=x` → `force-with-lease`).
    pub long: Vec<&'a str>,
    /// Every option in order, with its value when it takes one.
    pub options: Vec<Opt<'a>>,
    /// The operands, in order.
    pub operands: Vec<&'a Word>,
}

impl<'a> Args<'a> {
    /// Split `args`. `with_value` names the options that take a value, as
    /// written: `-o` (short) or `--output` (long).
    pub fn parse(args: &'a [Word], with_value: &[&str]) -> Args<'a> {
        let mut out = Args::default();
        let mut it = args.iter();
        while let Some(w) = it.next() {
            let t = w.text.as_str();
            if t == "--" {
                out.operands.extend(it.by_ref());
                break;
            }
            if let Some(long) = t.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (long, None),
                };
                out.long.push(name);
                let dashed = &t[..2 + name.len()];
                let value = match inline {
                    Some(v) => Some(OptValue {
                        text: v,
                        literal: w.literal,
                    }),
                    None if with_value.contains(&dashed) => it.next().map(value_of),
                    None => None,
                };
                out.options.push(Opt {
                    name: dashed.to_string(),
                    value,
                });
            } else if t.len() > 1 && t.starts_with('-') {
                for (i, c) in t.char_indices().skip(1) {
                    let name = format!("-{c}");
                    if with_value.contains(&name.as_str()) {
                        let rest = &t[i + c.len_utf8()..];
                        let value = if rest.is_empty() {
                            it.next().map(value_of)
                        } else {
                            Some(OptValue {
                                text: rest,
                                literal: w.literal,
                            })
                        };
                        out.short.push(c);
                        out.options.push(Opt { name, value });
                        break;
                    }
                    out.short.push(c);
                    out.options.push(Opt { name, value: None });
                }
            } else {
                out.operands.push(w);
            }
        }
        out
    }

    /// Any of `letters` was given as a short option.
    pub fn has_short(&self, letters: &str) -> bool {
        self.short.chars().any(|c| letters.contains(c))
    }

    /// `--name` was given (with or without a value).
    pub fn has_long(&self, name: &str) -> bool {
        self.long.contains(&name)
    }

    /// A long option starting with `prefix` was given.
    pub fn has_long_prefix(&self, prefix: &str) -> bool {
        self.long.iter().any(|l| l.starts_with(prefix))
    }

    /// The option `name` (`-o`, `--output`) was given.
    pub fn has(&self, name: &str) -> bool {
        self.options.iter().any(|o| o.name == name)
    }

    /// The last value given to any of `names` (`-o`, `--output`).
    pub fn value(&self, name: &str) -> Option<OptValue<'a>> {
        self.values(&[name]).last()
    }

    /// Every value given to any of `names`, in order.
    pub fn values<'s>(&'s self, names: &'s [&str]) -> impl Iterator<Item = OptValue<'a>> + 's {
        self.options
            .iter()
            .filter(move |o| names.contains(&o.name.as_str()))
            .filter_map(|o| o.value)
    }

    /// The operand texts.
    pub fn operand_texts(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.operands.iter().map(|w| w.text.as_str())
    }
}

fn value_of(w: &Word) -> OptValue<'_> {
    OptValue {
        text: &w.text,
        literal: w.literal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<Word> {
        list.iter().map(|s| Word::literal(*s)).collect()
    }

    #[test]
    fn bundles_and_values() {
        let w = words(&["-rf", "-v", "a", "--", "-b"]);
        let a = Args::parse(&w, &[]);
        assert_eq!(a.short, "rfv");
        assert!(a.has_short("f"));
        assert_eq!(a.operand_texts().collect::<Vec<_>>(), ["a", "-b"]);

        let w = words(&["-fsSLo", "install.sh", "-dhello", "https://x/"]);
        let a = Args::parse(&w, &["-o", "-d"]);
        assert_eq!(a.value("-o").unwrap().text, "install.sh");
        assert_eq!(a.value("-d").unwrap().text, "hello");
        assert_eq!(a.operand_texts().collect::<Vec<_>>(), ["https://x/"]);
        assert_eq!(a.short, "fsSLod");
    }

    #[test]
    fn long_options() {
        let w = words(&["--repo", "r", "--force-with-lease=x", "--mirror", "o", "-"]);
        let a = Args::parse(&w, &["--repo"]);
        assert_eq!(a.long, ["repo", "force-with-lease", "mirror"]);
        assert_eq!(a.value("--repo").unwrap().text, "r");
        assert_eq!(a.value("--force-with-lease").unwrap().text, "x");
        assert!(a.has("--mirror") && a.has_long_prefix("force"));
        assert_eq!(a.operand_texts().collect::<Vec<_>>(), ["o", "-"]);
    }

    #[test]
    fn values_keep_literalness_and_order() {
        let mut w = words(&["-d", "@a", "--data", "@b"]);
        w.push(Word {
            text: "$X".into(),
            literal: false,
        });
        let a = Args::parse(&w, &["-d", "--data"]);
        let v: Vec<_> = a.values(&["-d", "--data"]).map(|v| v.text).collect();
        assert_eq!(v, ["@a", "@b"]);
        assert!(!a.operands[0].literal);
        // A value-taking option at the very end has no value.
        let w = words(&["-o"]);
        assert_eq!(Args::parse(&w, &["-o"]).value("-o"), None);
    }
}
