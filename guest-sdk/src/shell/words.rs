//! Word conversion: brush-parser word pieces → unquoted text, with the
//! command substitutions a word holds and brace expansion.
//!
//! brush-parser keeps a word as its raw source text (`ast::Word::value`,
//! quotes included); `brush_parser::word::parse` splits it into pieces:
//! `Text`, `SingleQuotedText`, `AnsiCQuotedText` (escapes *not* decoded),
//! `DoubleQuotedSequence` (nested pieces), `EscapeSequence` (backslash
//! included), `TildeExpansion`, `ParameterExpansion`, `CommandSubstitution`
//! and `BackquotedCommandSubstitution` (the inner source text, unparsed),
//! `ArithmeticExpression` (raw text). Piece indices are byte offsets into the
//! word.

use std::sync::OnceLock;

use brush_parser::ParserOptions;
use brush_parser::word::{TildeExpr, WordPiece, WordPieceWithSource};

use super::Word;
use super::nesting::{self, Refusal};

/// Brace expansion stops beyond this many words from one word (the word is
/// kept as written, and the analysis is opaque: bash would expand it).
const MAX_BRACE_WORDS: usize = 1024;
/// ... or beyond this many characters from one word.
const MAX_BRACE_CHARS: usize = 64 * 1024;
/// Brace expansion nesting (`{a,{b,{c,…}}}`, `{a,b}{c,d}…` levels).
const MAX_BRACE_DEPTH: usize = 16;
/// Word grammar work per analysis (see [`nesting::word_cost`]).
const MAX_WORD_WORK: u64 = 1 << 21;
/// Characters of converted words per analysis (brace expansion multiplies).
const MAX_WORD_CHARS: usize = 1 << 20;
/// Words made by brace expansion per analysis (each costs a few µs).
const MAX_BRACE_TOTAL: usize = 16 * 1024;

/// What the word conversions of one analysis may still spend. A word over
/// budget is kept unconverted and the refusal recorded: the caller reports
/// it as opaque.
pub(super) struct Budget {
    work: u64,
    chars: usize,
    brace_words: usize,
    pub refused: Option<Refusal>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            work: MAX_WORD_WORK,
            chars: MAX_WORD_CHARS,
            brace_words: MAX_BRACE_TOTAL,
            refused: None,
        }
    }
}

impl Budget {
    /// May the word grammar run on `raw`?
    fn admit(&mut self, raw: &str, heredoc: bool) -> bool {
        if self.refused.is_some() {
            return false;
        }
        let cost = nesting::word_cost(raw, heredoc);
        if cost > nesting::MAX_WORD_COST {
            self.refused = Some(Refusal::TooDeep("expansions nested in a word"));
            return false;
        }
        if cost > self.work {
            self.refused = Some(Refusal::TooLarge("words to read"));
            return false;
        }
        self.work -= cost;
        true
    }

    fn spend_chars(&mut self, n: usize) -> bool {
        if n > self.chars {
            self.refused
                .get_or_insert(Refusal::TooLarge("expanded words"));
            return false;
        }
        self.chars -= n;
        true
    }
}

pub(super) fn options() -> &'static ParserOptions {
    static OPTIONS: OnceLock<ParserOptions> = OnceLock::new();
    OPTIONS.get_or_init(ParserOptions::default)
}

/// A command substitution found inside a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Sub {
    /// The source text of the inner command.
    pub text: String,
    /// `"$(…)"` or `` "`…`" ``.
    pub label: &'static str,
}

/// A converted word: one or more words (brace expansion) and the
/// substitutions it holds.
#[derive(Debug, Default)]
pub(super) struct Converted {
    pub words: Vec<Word>,
    pub subs: Vec<Sub>,
}

impl Converted {
    /// The first word (redirection targets and assignment values take one).
    pub fn first(self) -> (Word, Vec<Sub>) {
        let w = self.words.into_iter().next().unwrap_or_default();
        (w, self.subs)
    }
}

#[derive(Default)]
struct Builder {
    /// Characters with a flag: `true` when quoted (or otherwise not subject
    /// to brace expansion).
    chars: Vec<(char, bool)>,
    literal: bool,
    subs: Vec<Sub>,
}

impl Builder {
    fn push_str(&mut self, s: &str, quoted: bool) {
        self.chars.extend(s.chars().map(|c| (c, quoted)));
    }
}

/// Convert a raw word (as brush-parser's `ast::Word::value` holds it).
pub(super) fn convert(raw: &str, budget: &mut Budget) -> Converted {
    let mut b = Builder {
        literal: true,
        ..Builder::default()
    };
    if !budget.admit(raw, false) {
        // Kept as written, non-literal; the refusal makes the analysis opaque.
        return Converted {
            words: vec![Word {
                text: raw.to_string(),
                literal: false,
            }],
            subs: Vec::new(),
        };
    }
    match brush_parser::word::parse(raw, options()) {
        Ok(pieces) => pieces_into(&pieces, raw, false, &mut b, budget),
        Err(_) => {
            // Not a word brush-parser understands: keep it, as non-literal,
            // so that a program name like this is opaque.
            b.literal = false;
            b.push_str(&brush_parser::unquote_str(raw), true);
            scan_subs(raw, &mut b.subs, budget);
        }
    }
    let texts = match brace_expand(&b.chars, budget.chars, budget.brace_words) {
        Some(texts) => {
            if texts.len() > 1 {
                budget.brace_words -= texts.len();
            }
            texts
        }
        None => {
            budget
                .refused
                .get_or_insert(Refusal::TooLarge("a brace expansion"));
            vec![b.chars.iter().map(|(c, _)| *c).collect()]
        }
    };
    if !budget.spend_chars(texts.iter().map(String::len).sum()) {
        return Converted {
            words: vec![Word {
                text: raw.to_string(),
                literal: false,
            }],
            subs: b.subs,
        };
    }
    let words = texts
        .into_iter()
        .map(|text| Word {
            text,
            literal: b.literal,
        })
        .collect();
    Converted {
        words,
        subs: b.subs,
    }
}

/// The substitutions inside text where quotes are ordinary characters (a
/// here-document body, an arithmetic expression, a parameter expansion's
/// operand). Returns whether the text holds any expansion (or could not be
/// read: then the budget says why).
pub(super) fn scan_subs(text: &str, subs: &mut Vec<Sub>, budget: &mut Budget) -> bool {
    if !(text.contains('$') || text.contains('`')) {
        return false;
    }
    if !budget.admit(text, true) {
        return true;
    }
    let Ok(pieces) = brush_parser::word::parse_heredoc(text, options()) else {
        return true;
    };
    let mut b = Builder {
        literal: true,
        ..Builder::default()
    };
    pieces_into(&pieces, text, false, &mut b, budget);
    subs.extend(b.subs);
    !b.literal
}

fn raw_slice<'a>(raw: &'a str, p: &WordPieceWithSource) -> &'a str {
    raw.get(p.start_index..p.end_index).unwrap_or("$…")
}

fn pieces_into(
    pieces: &[WordPieceWithSource],
    raw: &str,
    quoted: bool,
    b: &mut Builder,
    budget: &mut Budget,
) {
    for p in pieces {
        match &p.piece {
            WordPiece::Text(s) => b.push_str(s, quoted),
            WordPiece::SingleQuotedText(s) => b.push_str(s, true),
            WordPiece::AnsiCQuotedText(s) => b.push_str(&decode_ansi_c(s), true),
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => {
                pieces_into(inner, raw, true, b, budget)
            }
            WordPiece::TildeExpansion(t) => {
                let s = match t {
                    TildeExpr::Home => "~".to_string(),
                    TildeExpr::UserHome(u) => format!("~{u}"),
                    TildeExpr::WorkingDir => "~+".to_string(),
                    TildeExpr::OldWorkingDir => "~-".to_string(),
                    TildeExpr::NthDirFromTopOfDirStack { n, plus_used } => {
                        format!("~{}{n}", if *plus_used { "+" } else { "" })
                    }
                    TildeExpr::NthDirFromBottomOfDirStack { n } => format!("~-{n}"),
                };
                b.push_str(&s, true);
            }
            WordPiece::ParameterExpansion(_) => {
                b.literal = false;
                let s = raw_slice(raw, p);
                b.push_str(s, true);
                // `${x:-$(cmd)}`, `${a[$(cmd)]}`: the operands may run commands.
                let inner = s
                    .strip_prefix("${")
                    .and_then(|s| s.strip_suffix('}'))
                    .unwrap_or("");
                scan_subs(inner, &mut b.subs, budget);
            }
            WordPiece::CommandSubstitution(inner) => {
                b.literal = false;
                b.push_str(raw_slice(raw, p), true);
                b.subs.push(Sub {
                    text: inner.clone(),
                    label: "$(…)",
                });
            }
            WordPiece::BackquotedCommandSubstitution(inner) => {
                b.literal = false;
                b.push_str(raw_slice(raw, p), true);
                b.subs.push(Sub {
                    text: unescape_backquoted(inner),
                    label: "`…`",
                });
            }
            WordPiece::EscapeSequence(s) => {
                let mut chars = s.chars();
                chars.next(); // the backslash
                let rest = chars.as_str();
                if rest != "\n" {
                    b.push_str(rest, true);
                }
            }
            WordPiece::ArithmeticExpression(e) => {
                b.literal = false;
                b.push_str(raw_slice(raw, p), true);
                scan_subs(&e.value, &mut b.subs, budget);
            }
        }
    }
}

/// Inside backquotes, `\\`, `` \` `` and `\$` lose their backslash.
fn unescape_backquoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&n) = chars.peek()
            && matches!(n, '\\' | '`' | '$')
        {
            out.push(n);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

/// Decode the escapes of `$'…'` (also used for `echo -e` and `printf`).
pub(super) fn decode_ansi_c(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let hex = |cs: &[char], max: usize| -> (u32, usize) {
        let mut v = 0u32;
        let mut n = 0;
        while n < max && n < cs.len() {
            match cs[n].to_digit(16) {
                Some(d) => v = v.saturating_mul(16).saturating_add(d),
                None => break,
            }
            n += 1;
        }
        (v, n)
    };
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' || i + 1 >= chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let e = chars[i + 1];
        i += 2;
        match e {
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'e' | 'E' => out.push('\x1b'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '\\' | '\'' | '"' | '?' => out.push(e),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                let mut n = 0;
                while n < 2 && i < chars.len() {
                    match chars[i].to_digit(8) {
                        Some(d) => v = v * 8 + d,
                        None => break,
                    }
                    i += 1;
                    n += 1;
                }
                out.push(char::from_u32(v & 0xff).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let max = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let (v, n) = hex(&chars[i..], max);
                if n == 0 {
                    out.push('\\');
                    out.push(e);
                } else {
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    i += n;
                }
            }
            'c' if i < chars.len() => {
                out.push(char::from_u32(chars[i] as u32 & 0x1f).unwrap_or('\u{fffd}'));
                i += 1;
            }
            _ => {
                out.push('\\');
                out.push(e);
            }
        }
    }
    out
}

/// Bash brace expansion of the unquoted braces in `chars`: `{a,b}`,
/// `{1..3}`, `{a..c}`, nested. Bounded: `None` past [`MAX_BRACE_WORDS`]
/// words (or the `words` the analysis has left), [`MAX_BRACE_CHARS`]
/// characters (or the `room` it has left), or [`MAX_BRACE_DEPTH`] levels.
fn brace_expand(chars: &[(char, bool)], room: usize, words: usize) -> Option<Vec<String>> {
    let plain = || chars.iter().map(|(c, _)| *c).collect::<String>();
    if !chars.iter().any(|&(c, q)| c == '{' && !q) {
        return Some(vec![plain()]);
    }
    let mut out = Vec::new();
    // Stop at what the analysis may still hold, too.
    let mut size = MAX_BRACE_CHARS.saturating_sub(room);
    let most = MAX_BRACE_WORDS.min(words);
    expand_into(chars, &mut out, &mut size, most, 0)?;
    if out.is_empty() {
        return Some(vec![plain()]);
    }
    Some(out)
}

/// `None` when the expansion grew beyond the bounds.
fn expand_into(
    chars: &[(char, bool)],
    out: &mut Vec<String>,
    size: &mut usize,
    most: usize,
    depth: usize,
) -> Option<()> {
    if depth > MAX_BRACE_DEPTH || *size > MAX_BRACE_CHARS {
        return None;
    }
    let Some((open, close, alternatives)) = find_brace(chars)? else {
        // One word always fits (the word itself, unexpanded).
        if out.len() >= most.max(1) {
            return None;
        }
        *size += chars.len();
        out.push(chars.iter().map(|(c, _)| *c).collect());
        return Some(());
    };
    for alt in alternatives {
        let mut next: Vec<(char, bool)> = chars[..open].to_vec();
        next.extend(alt);
        next.extend_from_slice(&chars[close + 1..]);
        expand_into(&next, out, size, most, depth + 1)?;
    }
    Some(())
}

type Alternatives = Vec<Vec<(char, bool)>>;

/// The first expandable brace expression: its `{` and `}` positions and
/// alternatives (`Some(None)`: there is none; `None`: a sequence too long).
#[allow(clippy::type_complexity)]
fn find_brace(chars: &[(char, bool)]) -> Option<Option<(usize, usize, Alternatives)>> {
    let mut start = 0;
    while let Some(rel) = chars[start..].iter().position(|&(c, q)| c == '{' && !q) {
        let open = start + rel;
        // `${` is not brace expansion (parameter expansions are quoted here,
        // but a literal `$` before `{` also disables it).
        let after_dollar = open > 0 && chars[open - 1] == ('$', false);
        let mut level = 0usize;
        let mut commas = Vec::new();
        let mut close = None;
        for (i, &(c, q)) in chars.iter().enumerate().skip(open + 1) {
            if q {
                continue;
            }
            match c {
                '{' => level += 1,
                '}' if level == 0 => {
                    close = Some(i);
                    break;
                }
                '}' => level -= 1,
                ',' if level == 0 => commas.push(i),
                _ => {}
            }
        }
        let Some(close) = close else {
            return Some(None);
        };
        if !after_dollar {
            if !commas.is_empty() {
                let mut alts = Vec::new();
                let mut from = open + 1;
                for &c in commas.iter().chain(std::iter::once(&close)) {
                    alts.push(chars[from..c].to_vec());
                    from = c + 1;
                }
                return Some(Some((open, close, alts)));
            }
            let body: String = chars[open + 1..close].iter().map(|(c, _)| *c).collect();
            if let Some(seq) = sequence(&body) {
                let alts = seq?
                    .into_iter()
                    .map(|s| s.chars().map(|c| (c, true)).collect())
                    .collect();
                return Some(Some((open, close, alts)));
            }
        }
        start = open + 1;
    }
    Some(None)
}

/// `1..5`, `5..1`, `1..10..2`, `a..e`; `Some(None)` when longer than
/// [`MAX_BRACE_WORDS`].
fn sequence(body: &str) -> Option<Option<Vec<String>>> {
    let parts: Vec<&str> = body.split("..").collect();
    if !(parts.len() == 2 || parts.len() == 3) {
        return None;
    }
    let step: i64 = match parts.get(2) {
        Some(s) => s.parse::<i64>().ok()?.checked_abs()?.max(1),
        None => 1,
    };
    let (a, b) = (parts[0], parts[1]);
    let (from, to, chars) = match (a.parse::<i64>(), b.parse::<i64>()) {
        (Ok(x), Ok(y)) => (x, y, false),
        _ => {
            let (mut ca, mut cb) = (a.chars(), b.chars());
            let (x, y) = (ca.next()?, cb.next()?);
            if ca.next().is_some() || cb.next().is_some() || !x.is_ascii() || !y.is_ascii() {
                return None;
            }
            (x as i64, y as i64, true)
        }
    };
    let count = to.checked_sub(from)?.checked_abs()? / step + 1;
    if count > MAX_BRACE_WORDS as i64 {
        return Some(None);
    }
    let dir = if to >= from { step } else { -step };
    let mut v = Vec::new();
    let mut x = from;
    for _ in 0..count {
        v.push(if chars {
            char::from_u32(x as u32)
                .map(String::from)
                .unwrap_or_default()
        } else {
            x.to_string()
        });
        x += dir;
    }
    Some(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(raw: &str) -> Converted {
        convert(raw, &mut Budget::default())
    }

    fn texts(raw: &str) -> Vec<String> {
        conv(raw).words.into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn unquoting() {
        assert_eq!(texts(r#"r"m""#), ["rm"]);
        assert_eq!(texts(r"\rm"), ["rm"]);
        assert_eq!(texts(r"$'\x72m'"), ["rm"]);
        assert_eq!(texts(r"$'\162m'"), ["rm"]);
        assert_eq!(texts(r"$'\u0072m'"), ["rm"]);
        assert_eq!(texts("'r'm"), ["rm"]);
        assert_eq!(texts(r#""a\"b\$c\\d\e""#), [r#"a"b$c\d\e"#]);
        assert_eq!(texts("~/x"), ["~/x"]);
        assert!(conv("~/x").words[0].literal);
        assert!(!conv("$HOME").words[0].literal);
        assert_eq!(texts("${HOME}/x"), ["${HOME}/x"]);
    }

    #[test]
    fn brace_expansion() {
        assert_eq!(texts("{rm,-rf,/}"), ["rm", "-rf", "/"]);
        assert_eq!(texts("a{b,c{d,e}}f"), ["abf", "acdf", "acef"]);
        assert_eq!(texts("x{1..3}"), ["x1", "x2", "x3"]);
        assert_eq!(texts("{a..c}"), ["a", "b", "c"]);
        assert_eq!(texts("'{a,b}'"), ["{a,b}"]);
        assert_eq!(texts("{}"), ["{}"]);
        assert_eq!(texts("{x}"), ["{x}"]);
        assert_eq!(texts("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}").len(), 128);
    }

    #[test]
    fn brace_expansion_past_the_bounds_is_refused() {
        for raw in [
            "{1..100000}",
            "{rm,x}{,}{,}{,}{,}{,}{,}{,}{,}{,}{,}",
            &"{a,b}".repeat(20),
            &format!("{{a,b}}{}", "x".repeat(70_000)),
        ] {
            let mut budget = Budget::default();
            let c = convert(raw, &mut budget);
            assert_eq!(c.words.len(), 1, "{raw}");
            assert_eq!(
                budget.refused,
                Some(Refusal::TooLarge("a brace expansion")),
                "{raw}"
            );
        }
    }

    #[test]
    fn deep_words_are_refused_not_parsed() {
        let deep = format!("{}x{}", "${x:-".repeat(30), "}".repeat(30));
        let mut budget = Budget::default();
        let c = convert(&deep, &mut budget);
        assert!(!c.words[0].literal);
        assert!(matches!(budget.refused, Some(Refusal::TooDeep(_))));
        let mut subs = Vec::new();
        let mut budget = Budget::default();
        assert!(scan_subs(
            &format!("{}1", "$((".repeat(30)),
            &mut subs,
            &mut budget
        ));
        assert!(budget.refused.is_some());
    }

    #[test]
    fn substitutions() {
        let c = conv(r#""$(rm -rf /)"x`id`${y:-$(whoami)}$((1+$(date)))"#);
        let subs: Vec<_> = c.subs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(subs, ["rm -rf /", "id", "whoami", "date"]);
        assert!(!c.words[0].literal);
    }
}
