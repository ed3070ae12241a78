//! Bounds on how deep, and how long, brush-parser works on a command line,
//! checked before it runs.
//!
//! brush-parser 0.4 recurses once per nesting level, with no limit, in three
//! places, and its two PEG grammars backtrack:
//!
//! 1. the tokenizer (`next_token_until` → `consume_nested_construct` →
//!    `next_token_until` …) on every nested `$(`, `$((`, `$[` and `${`;
//! 2. the token grammar (`compound_list` → `and_or` → `pipeline` → `command`
//!    → `compound_command` → `brace_group` → `compound_list` …) on every
//!    `{ }`, `( )`, `if`, loop, `case`, function body, `coproc`, process
//!    substitution, on the parentheses of `(( ))` and of `[[ ]]`, and on `!`,
//!    `&&` and `||` inside `[[ ]]` (which also build an AST as deep, walked
//!    and dropped recursively);
//! 3. the word grammar (`brush_parser::word`) on nested `$( )`, `${ }`,
//!    `$(( ))`, quotes and parentheses inside a word.
//!
//! A deep enough input overflows the stack (an abort: the hook then answers
//! nothing), and some shallow ones take exponential time: the token grammar
//! tries `((` as arithmetic at every pair of `(` tokens and re-parses on
//! failure, parses the last item of a `case` twice, and retries a failed
//! process substitution as a redirection; the word grammar retries nested
//! expansions under several alternatives.
//!
//! So each layer is measured first, by code that does not recurse and runs in
//! linear time and memory:
//!
//! - [`tokenizer`] is brush-parser's tokenizer state machine ported as is,
//!   with its recursion turned into an explicit stack: its depth *is* the
//!   tokenizer's recursion depth (same quoting, escapes, comments, extglob,
//!   here-documents, operators, branch for branch; the tests compare its
//!   tokens with brush-parser's).
//! - [`Structure`] reads brush-parser's own tokens (so quoting and
//!   here-documents are exactly brush-parser's) and follows the token
//!   grammar: a stack of open constructs, pushed on every token that makes the
//!   grammar recurse, popped only on a closer that grammar accepts in that
//!   position (a reserved word only in command position, `)` of a `case`
//!   pattern closes nothing, `]]` only after a complete test operand). The
//!   first token it cannot place in the grammar *freezes* it: from there on
//!   every token that could open a construct pushes and nothing pops. Its
//!   depth is at least the grammar's, because the grammar only recurses on
//!   the tokens that push here, and it only returns from a construct on the
//!   closers that pop here: up to the first token the grammar rejects, both
//!   read the tokens the same way (the grammar reads nothing past a token it
//!   rejects); past a token this reader could not place, it only pushes. It
//!   also removes the exponential cases: a pair of `(` tokens that bash would
//!   not read as `((…))` arithmetic (bash needs `((` and `))` written
//!   together, around balanced parentheses) gets a newline token between
//!   them, so brush-parser reads nested subshells (as bash does) instead of
//!   trying arithmetic first; arithmetic it would try and fail, and regex
//!   parentheses left open inside `[[ ]]`, are refused; `case` bodies and
//!   process substitutions (parsed up to twice each) are charged in a cost
//!   that grows per such level around each token (3× per `case` body, as
//!   measured; 2× per process substitution).
//! - [`word_depth`] follows the word grammar's nesting inside one word; a word
//!   is refused when its length times 3 to the power of its depth is over a
//!   budget (the grammar backtracks at most about 3× per level, measured).
//!
//! The tokenizer model also refuses what makes brush-parser's tokenizer
//! quadratic or loop (many here-documents on a line, long here-document
//! tags, tokens held back behind a here-document: an empty tag at the end of
//! the input makes it loop forever), and texts of more than 24 Ki tokens
//! (brush-parser takes about 2 µs a token, twice that when the parse fails).
//!
//! A refusal is an opaque part of the analysis (`TooDeep`, `TooLarge`, or a
//! parse error for input brush-parser would reject anyway): a rule then asks
//! instead of allowing. Over-counting only ever costs that; under-counting
//! would crash the hook, so every doubt resolves to pushing.
//!
//! There is no library for this: the bound has to follow brush-parser's own
//! reading (its quirks included), not bash's, so it is written against
//! brush-parser 0.4's source; the tests check it against brush-parser's
//! tokens and ASTs, and must be rerun when brush-parser is upgraded.

use brush_parser::{SourcePosition, SourceSpan, Token};
use std::sync::Arc;

mod tokenizer;

#[cfg(test)]
mod tests;

/// Nesting levels accepted per parse, in each of the three layers (and,
/// summed over nested parses, twice that: see `walk::MAX_TOTAL_NESTING`).
///
/// The evaluation corpora (1381 commands) need at most 2 nested expansions,
/// 1 nested command and 3 levels inside a word. At this limit the deepest
/// accepted input (function bodies, the costliest level, through `bash -c`)
/// needs about 200 KiB of stack optimized and 660 KiB in a debug build
/// (`shell::tests::the_deepest_accepted_input_fits_a_small_stack` runs it on
/// 1 MiB).
pub(super) const MAX_NESTING: usize = 24;

/// Token visits the token grammar may spend, counting a token once per
/// re-parse it can get (3× per enclosing `case` body, 2× per process
/// substitution). Measured up to about 20 ms per 100k visits (a failing
/// `case`), so at most about 50 ms.
const MAX_PARSE_COST: u64 = 1 << 18;

/// Word grammar budget: `len × 3^depth` per word.
pub(super) const MAX_WORD_COST: u64 = 1 << 20;

/// Why a text is not handed to brush-parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// Nested deeper than [`MAX_NESTING`] (what is nested).
    TooDeep(&'static str),
    /// Shaped so that parsing it costs too much (what).
    TooLarge(&'static str),
    /// brush-parser would reject it (after exponential work, or a panic).
    Malformed(&'static str),
}

/// Phase 1: the tokenizer's recursion depth.
pub(super) fn tokenizer_depth(text: &str) -> Result<usize, Refusal> {
    tokenizer::depth(text, MAX_NESTING)
}

/// What [`check_tokens`] measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Shape {
    /// The deepest nesting the token grammar can reach.
    pub depth: usize,
    /// Token visits, with re-parses.
    pub cost: u64,
    /// The reader met a token it could not place (and froze).
    pub frozen: bool,
    /// Simple commands (at least; frozen: every word after a separator).
    pub commands: usize,
}

/// Phase 2: checks brush-parser's tokens before they are parsed, and
/// rewrites `( (` pairs that are not arithmetic (see the module doc).
pub(super) fn check_tokens(tokens: Vec<Token>) -> Result<(Vec<Token>, Shape), Refusal> {
    let mut s = Structure::new(&tokens);
    s.run()?;
    let shape = Shape {
        depth: s.max_depth,
        cost: s.cost,
        frozen: s.frozen,
        commands: s.commands,
    };
    let newlines = std::mem::take(&mut s.newlines);
    if newlines.is_empty() {
        return Ok((tokens, shape));
    }
    // A newline token after each `(` listed.
    let mut out = Vec::with_capacity(tokens.len() + newlines.len());
    let mut next = newlines.iter().peekable();
    for (i, t) in tokens.into_iter().enumerate() {
        let at = t.location().end.clone();
        out.push(t);
        if next.peek() == Some(&&i) {
            next.next();
            out.push(Token::Operator(
                "\n".to_string(),
                SourceSpan {
                    start: at.clone(),
                    end: Arc::new(SourcePosition::clone(&at)),
                },
            ));
        }
    }
    Ok((out, shape))
}

// ---------------------------------------------------------------------------
// Phase 2: the token grammar.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Cond,
    Body,
    Else,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Brace,
    Subshell,
    /// `<(…)` / `>(…)`, parsed again as a redirection when it fails.
    ProcSubst(Ret),
    /// `a=(…)`
    Array(Ret),
    If(Phase),
    /// `while`/`until`/`for`; `brace` for `for ((…)) { … }`.
    Loop {
        phase: Phase,
        brace: bool,
    },
    Case,
    /// A `case` item's commands, parsed twice when it is the last item.
    CaseBody,
    Coproc,
    Test,
    TestParen,
    /// `!`, `&&`, `||` inside `[[ ]]` (one AST level each).
    TestOp,
    RegexParen,
    /// After a token the reader could not place.
    Frozen,
}

/// Where a construct that sits inside a simple command returns to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ret {
    Prefix,
    Args,
    After,
}

/// What `[[ … ]]` expects next.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Want {
    /// An expression: `!`, `(`, an operand.
    Expr,
    /// The operator after a left operand.
    BinOp,
    /// A right operand (any word, `]]` included).
    Right,
    /// After a complete test: `&&`, `||`, `)`, `]]`.
    Op,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Pos {
    /// Where a command starts: reserved words are keywords. `time` and `!`
    /// only at the start of a pipeline (`pipe`: after `|`).
    Cmd {
        pipe: bool,
        bang: bool,
    },
    /// After assignments and redirections at a command's start.
    Prefix,
    /// After a command's name: every word is an argument.
    Args,
    /// After a compound command: redirections, separators, closers.
    After,
    /// A redirection's target (`n` words: 3 for a here-document).
    Redir {
        ret: Ret,
        n: u8,
    },
    ForName,
    ForAfterName,
    ForWords,
    ForDo,
    ArithForBody,
    CaseWord,
    CaseIn,
    CasePattern,
    /// A pattern word (after `(` or `|`).
    CasePatWord,
    CasePatNext,
    FuncName,
    /// A function body: only a compound command.
    FuncBody,
    CoprocStart,
    Test(Want),
    Regex,
    ArrayElems,
}

struct Entry {
    kind: Kind,
    /// How many times brush-parser may parse what is inside (1 to 3).
    factor: u8,
}

struct Structure<'a> {
    tokens: &'a [Token],
    /// For each `(` operator token, the `)` operator it is matched with,
    /// counting operator parentheses only (as `(( ))` pieces do).
    matching: Vec<Option<usize>>,
    /// `;` operator tokens before each index.
    semis: Vec<u32>,
    /// Operator parenthesis depth before each index.
    parens: Vec<u32>,
    /// `(` tokens to follow with a newline token.
    newlines: Vec<usize>,
    i: usize,
    pos: Pos,
    stack: Vec<Entry>,
    /// Entries with factor 2 and 3 on the stack.
    twice: u32,
    thrice: u32,
    max_depth: usize,
    cost: u64,
    frozen: bool,
    commands: usize,
}

fn word(t: Option<&Token>) -> Option<&str> {
    match t {
        Some(Token::Word(w, _)) => Some(w.as_str()),
        _ => None,
    }
}

fn op(t: Option<&Token>) -> Option<&str> {
    match t {
        Some(Token::Operator(o, _)) => Some(o.as_str()),
        _ => None,
    }
}

/// brush-parser's reserved words (bash extensions included).
fn is_reserved(w: &str) -> bool {
    matches!(
        w,
        "!" | "{"
            | "}"
            | "case"
            | "do"
            | "done"
            | "elif"
            | "else"
            | "esac"
            | "fi"
            | "for"
            | "if"
            | "in"
            | "then"
            | "until"
            | "while"
            | "[["
            | "]]"
            | "function"
            | "select"
            | "coproc"
    )
}

/// `name=…` / `name+=…`: an assignment for brush-parser. Only the plain form
/// (a subscripted name is read as a command word: over-counting is safe).
fn is_assignment(w: &str) -> bool {
    let Some(eq) = w.find('=') else { return false };
    let name = w[..eq].strip_suffix('+').unwrap_or(&w[..eq]);
    is_name(name)
}

fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `name=` / `name+=` / `name[…]=`, the word before an array's `(`.
fn is_array_start(w: &str) -> bool {
    let Some(w) = w.strip_suffix('=') else {
        return false;
    };
    let w = w.strip_suffix('+').unwrap_or(w);
    let name = match w.find('[') {
        Some(b) if w.ends_with(']') => &w[..b],
        Some(_) => return false,
        None => w,
    };
    is_name(name)
}

fn is_redirect(o: &str) -> bool {
    matches!(
        o,
        "<" | ">" | ">>" | "<&" | ">&" | "<>" | ">|" | "&>" | "&>>" | "<<<" | "<<" | "<<-"
    )
}

/// Redirections whose target may be a process substitution.
fn takes_procsubst(o: &str) -> bool {
    matches!(o, "<" | ">" | ">>" | "<>" | ">|")
}

const UNARY_TESTS: &[&str] = &[
    "-a", "-b", "-c", "-d", "-e", "-f", "-g", "-h", "-k", "-n", "-o", "-p", "-r", "-s", "-t", "-u",
    "-v", "-w", "-x", "-z", "-G", "-L", "-N", "-O", "-R", "-S",
];

fn is_binary_test(t: Option<&Token>) -> bool {
    match t {
        Some(Token::Word(w, _)) => matches!(
            w.as_str(),
            "-eq"
                | "-ne"
                | "-lt"
                | "-le"
                | "-gt"
                | "-ge"
                | "-ef"
                | "-nt"
                | "-ot"
                | "=="
                | "="
                | "!="
                | "=~"
        ),
        Some(Token::Operator(o, _)) => o == "<" || o == ">",
        None => false,
    }
}

/// Words that may open a construct, for the frozen reader.
fn may_open(w: &str) -> bool {
    matches!(
        w,
        "{" | "if"
            | "while"
            | "until"
            | "for"
            | "select"
            | "case"
            | "[["
            | "!"
            | "coproc"
            | "function"
            | "do"
            | "then"
            | "else"
            | "elif"
            | "in"
    )
}

impl<'a> Structure<'a> {
    fn new(tokens: &'a [Token]) -> Structure<'a> {
        let n = tokens.len();
        let mut matching = vec![None; n];
        let mut semis = Vec::with_capacity(n + 1);
        let mut parens = Vec::with_capacity(n + 1);
        let mut open: Vec<usize> = Vec::new();
        let mut count = 0u32;
        for (i, t) in tokens.iter().enumerate() {
            semis.push(count);
            parens.push(open.len() as u32);
            match op(Some(t)) {
                Some("(") => open.push(i),
                Some(")") => {
                    if let Some(o) = open.pop() {
                        matching[o] = Some(i);
                    }
                }
                Some(";") => count += 1,
                _ => {}
            }
        }
        semis.push(count);
        parens.push(open.len() as u32);
        Structure {
            tokens,
            matching,
            semis,
            parens,
            newlines: Vec::new(),
            i: 0,
            pos: Pos::Cmd {
                pipe: false,
                bang: true,
            },
            stack: Vec::new(),
            twice: 0,
            thrice: 0,
            max_depth: 0,
            cost: 0,
            frozen: false,
            commands: 0,
        }
    }

    fn tok(&self, k: usize) -> Option<&'a Token> {
        self.tokens.get(k)
    }

    /// Opens a construct whose content brush-parser may parse `factor`
    /// times (a `case` item: twice, measured closer to 3×; a process
    /// substitution: twice when it fails).
    fn push(&mut self, kind: Kind, factor: u8) -> Result<(), Refusal> {
        self.stack.push(Entry { kind, factor });
        match factor {
            2 => self.twice += 1,
            3 => self.thrice += 1,
            _ => {}
        }
        self.reach(self.stack.len())
    }

    fn reach(&mut self, depth: usize) -> Result<(), Refusal> {
        self.max_depth = self.max_depth.max(depth);
        if depth > MAX_NESTING {
            return Err(Refusal::TooDeep("nested commands"));
        }
        Ok(())
    }

    fn pop(&mut self) -> Option<Kind> {
        let e = self.stack.pop()?;
        match e.factor {
            2 => self.twice -= 1,
            3 => self.thrice -= 1,
            _ => {}
        }
        Some(e.kind)
    }

    fn top(&self) -> Option<Kind> {
        self.stack.last().map(|e| e.kind)
    }

    /// A `coproc`'s command ends with the command.
    fn pop_coprocs(&mut self) {
        while self.top() == Some(Kind::Coproc) {
            self.pop();
        }
    }

    /// Charges the current token (once per parse it can get).
    fn charge(&mut self) -> Result<(), Refusal> {
        let visits = 3u64
            .saturating_pow(self.thrice)
            .saturating_mul(2u64.saturating_pow(self.twice));
        self.cost = self.cost.saturating_add(visits);
        if self.cost > MAX_PARSE_COST {
            return Err(Refusal::TooLarge("commands parsed again and again"));
        }
        Ok(())
    }

    fn freeze(&mut self) {
        self.frozen = true;
    }

    fn run(&mut self) -> Result<(), Refusal> {
        while self.i < self.tokens.len() {
            let i = self.i;
            self.i += 1;
            if self.frozen {
                self.frozen_token(i)?;
            } else {
                self.token(i)?;
            }
        }
        // At the end: regex parentheses still open make brush-parser
        // backtrack exponentially before it fails.
        if self.stack.iter().any(|e| e.kind == Kind::RegexParen) {
            return Err(Refusal::Malformed(OPEN_REGEX));
        }
        Ok(())
    }

    /// The `( (` at `i`, `i + 1`: arithmetic as bash reads it? Then the
    /// index of its last `)`.
    fn arithmetic_at(&self, i: usize) -> Option<usize> {
        let (first, second) = (self.tok(i)?, self.tok(i + 1)?);
        if op(Some(second)) != Some("(") || !adjacent(first, second) {
            return None;
        }
        let close = self.matching[i + 1]?;
        let last = self.tok(close + 1)?;
        if op(Some(last)) != Some(")") || !adjacent(self.tok(close)?, last) {
            return None;
        }
        // A `;` inside stops brush-parser's arithmetic pieces.
        if self.semis[close] != self.semis[i + 2] {
            return None;
        }
        Some(close + 1)
    }

    /// Emits the tokens `from..=to` of an arithmetic command as they are
    /// (brush-parser reads them as pieces, recursing on parentheses).
    fn skip_arithmetic(&mut self, from: usize, to: usize) -> Result<(), Refusal> {
        let base = self.parens[from] as usize;
        let deepest = (from..=to)
            .map(|k| self.parens[k] as usize)
            .max()
            .unwrap_or(base);
        self.reach(self.stack.len() + 1 + deepest.saturating_sub(base))?;
        for _ in from..=to {
            self.charge()?;
        }
        self.i = to + 1;
        Ok(())
    }

    /// A `(` token at `i` where brush-parser may try `((` arithmetic (a
    /// compound command's place): keeps real arithmetic (consumed, returns
    /// true), else emits the `(`, followed by a newline token when another
    /// `(` follows, so that the pair is read as nested subshells and never
    /// tried as arithmetic.
    fn open_paren(&mut self, i: usize) -> Result<bool, Refusal> {
        if op(self.tok(i + 1)) == Some("(") {
            if let Some(end) = self.arithmetic_at(i) {
                self.skip_arithmetic(i, end)?;
                return Ok(true);
            }
            self.charge()?;
            self.newlines.push(i);
            return Ok(false);
        }
        self.charge()?;
        Ok(false)
    }

    fn frozen_token(&mut self, i: usize) -> Result<(), Refusal> {
        if matches!(self.tokens[i], Token::Word(..))
            && (i == 0 || op(self.tok(i - 1)).is_some_and(|o| !is_redirect(o)))
        {
            self.commands += 1;
        }
        match &self.tokens[i] {
            Token::Word(w, _) => {
                if may_open(w) {
                    self.push(Kind::Frozen, 1)?;
                }
                if w == "case" {
                    self.push(Kind::Frozen, 3)?;
                }
                self.charge()
            }
            Token::Operator(o, _) => match o.as_str() {
                "(" => {
                    let procsubst = i > 0 && op(self.tok(i - 1)).is_some_and(takes_procsubst);
                    // Positions are unknown here: real `((…))` stays (read
                    // on, token by token, as it may be subshells), any other
                    // `( (` is split.
                    if op(self.tok(i + 1)) == Some("(") && self.arithmetic_at(i).is_none() {
                        self.newlines.push(i);
                    }
                    self.charge()?;
                    self.push(Kind::Frozen, if procsubst { 2 } else { 1 })
                }
                "&&" | "||" => {
                    self.push(Kind::Frozen, 1)?;
                    self.charge()
                }
                _ => self.charge(),
            },
        }
    }

    fn token(&mut self, i: usize) -> Result<(), Refusal> {
        let t = &self.tokens[i];
        let w = word(Some(t));
        let o = op(Some(t));
        match self.pos {
            Pos::Cmd { pipe, bang } => self.at_command(i, pipe, bang),
            Pos::Prefix => match w {
                Some(w) if is_reserved(w) => self.keyword(i, w, false),
                Some(w) => {
                    if is_array_start(w) && op(self.tok(i + 1)) == Some("(") {
                        return self.array(i, Ret::Prefix);
                    }
                    if !is_assignment(w) && !self.io_number(i) {
                        self.pos = Pos::Args;
                    }
                    self.charge()
                }
                None => self.operator(i, o.unwrap_or(""), Ret::Prefix),
            },
            Pos::Args => match w {
                Some(w) => {
                    if is_array_start(w) && op(self.tok(i + 1)) == Some("(") {
                        return self.array(i, Ret::Args);
                    }
                    self.charge()
                }
                None => self.operator(i, o.unwrap_or(""), Ret::Args),
            },
            Pos::After => match w {
                Some(w)
                    if matches!(
                        w,
                        "}" | "fi" | "done" | "esac" | "then" | "else" | "elif" | "do"
                    ) =>
                {
                    self.keyword(i, w, false)
                }
                Some(_) if self.io_number(i) => self.charge(),
                Some(_) => {
                    self.freeze();
                    self.frozen_token(i)
                }
                None => self.operator(i, o.unwrap_or(""), Ret::After),
            },
            Pos::Redir { ret, n } => {
                if n == 1 && matches!(o, Some("<" | ">")) && op(self.tok(i + 1)) == Some("(") {
                    // `> >(…)`: a process substitution as the target.
                    self.charge()?;
                    self.charge()?;
                    self.i = i + 2;
                    self.push(Kind::ProcSubst(ret), 2)?;
                    self.pos = Pos::Cmd {
                        pipe: false,
                        bang: true,
                    };
                    return Ok(());
                }
                if w.is_none() {
                    self.freeze();
                    return self.frozen_token(i);
                }
                self.pos = if n > 1 {
                    Pos::Redir { ret, n: n - 1 }
                } else {
                    match ret {
                        Ret::Prefix => Pos::Prefix,
                        Ret::Args => Pos::Args,
                        Ret::After => Pos::After,
                    }
                };
                self.charge()
            }
            Pos::ForName => {
                if w.is_some() {
                    self.pos = Pos::ForAfterName;
                    return self.charge();
                }
                if o == Some("(") && op(self.tok(i + 1)) == Some("(") {
                    return self.arithmetic_for(i);
                }
                self.freeze();
                self.frozen_token(i)
            }
            Pos::ForAfterName => match (w, o) {
                (_, Some("\n")) => self.charge(),
                (Some("in"), _) => {
                    self.pos = Pos::ForWords;
                    self.charge()
                }
                (Some("do"), _) => self.loop_body(),
                (_, Some(";")) => {
                    self.pos = Pos::ForDo;
                    self.charge()
                }
                _ => {
                    self.freeze();
                    self.frozen_token(i)
                }
            },
            Pos::ForWords => match (w, o) {
                (Some(_), _) => self.charge(),
                (_, Some(";" | "\n")) => {
                    self.pos = Pos::ForDo;
                    self.charge()
                }
                _ => {
                    self.freeze();
                    self.frozen_token(i)
                }
            },
            Pos::ForDo | Pos::ArithForBody => match (w, o) {
                (_, Some("\n")) => self.charge(),
                (_, Some(";")) if self.pos == Pos::ArithForBody => {
                    self.pos = Pos::ForDo;
                    self.charge()
                }
                (Some("do"), _) => self.loop_body(),
                (Some("{"), _) if self.pos == Pos::ArithForBody => {
                    if let Some(e) = self.stack.last_mut() {
                        e.kind = Kind::Loop {
                            phase: Phase::Body,
                            brace: true,
                        };
                    }
                    self.push(Kind::Brace, 1)?;
                    self.pos = Pos::Cmd {
                        pipe: false,
                        bang: true,
                    };
                    self.charge()
                }
                _ => {
                    self.freeze();
                    self.frozen_token(i)
                }
            },
            Pos::CaseWord => {
                if w.is_some() {
                    self.pos = Pos::CaseIn;
                    return self.charge();
                }
                self.freeze();
                self.frozen_token(i)
            }
            Pos::CaseIn => match (w, o) {
                (_, Some("\n")) => self.charge(),
                (Some("in"), _) => {
                    self.pos = Pos::CasePattern;
                    self.charge()
                }
                _ => {
                    self.freeze();
                    self.frozen_token(i)
                }
            },
            Pos::CasePattern => match (w, o) {
                (_, Some("\n")) => self.charge(),
                (_, Some("(")) => {
                    self.pos = Pos::CasePatWord;
                    self.charge()
                }
                (Some("esac"), _) if !self.is_pattern(i) => {
                    // `esac` ends the case unless it is a pattern.
                    self.pop();
                    self.pos = Pos::After;
                    self.charge()
                }
                (Some(_), _) => {
                    self.pos = Pos::CasePatNext;
                    self.charge()
                }
                _ => {
                    self.freeze();
                    self.frozen_token(i)
                }
            },
            Pos::CasePatWord => {
                if w.is_some() {
                    self.pos = Pos::CasePatNext;
                    return self.charge();
                }
                self.freeze();
                self.frozen_token(i)
            }
            Pos::CasePatNext => match o {
                Some("|") => {
                    self.pos = Pos::CasePatWord;
                    self.charge()
                }
                // The pattern's `)` closes nothing; the item's commands
                // start (and may be parsed twice).
                Some(")") => {
                    self.push(Kind::CaseBody, 3)?;
                    self.pos = Pos::Cmd {
                        pipe: false,
                        bang: true,
                    };
                    self.charge()
                }
                _ => {
                    self.freeze();
                    self.frozen_token(i)
                }
            },
            Pos::FuncName => {
                if w.is_some_and(|w| !w.ends_with('=')) {
                    self.charge()?;
                    if op(self.tok(i + 1)) == Some("(") && op(self.tok(i + 2)) == Some(")") {
                        self.charge()?;
                        self.charge()?;
                        self.i = i + 3;
                    }
                    self.pos = Pos::FuncBody;
                    return Ok(());
                }
                self.freeze();
                self.frozen_token(i)
            }
            Pos::FuncBody => match (w, o) {
                (_, Some("\n")) => self.charge(),
                (Some("{" | "if" | "while" | "until" | "for" | "case" | "coproc"), _)
                | (_, Some("(")) => self.at_command(i, false, false),
                _ => {
                    self.freeze();
                    self.frozen_token(i)
                }
            },
            Pos::CoprocStart => {
                if o == Some("\n") {
                    return self.charge();
                }
                if let Some(w) = w
                    && !w.ends_with('=')
                {
                    // `coproc NAME { …; }`: a name, then a compound command.
                    let mut k = i + 1;
                    while op(self.tok(k)) == Some("\n") {
                        k += 1;
                    }
                    if word(self.tok(k)) == Some("{") || op(self.tok(k)) == Some("(") {
                        self.pos = Pos::Cmd {
                            pipe: false,
                            bang: false,
                        };
                        return self.charge();
                    }
                }
                self.at_command(i, false, false)
            }
            Pos::Test(want) => self.test(i, want),
            Pos::Regex => self.regex(i),
            Pos::ArrayElems => match (w, o) {
                (Some(_), _) | (_, Some("\n")) => self.charge(),
                (_, Some(")")) => {
                    let ret = match self.pop() {
                        Some(Kind::Array(r)) => r,
                        _ => Ret::Args,
                    };
                    self.pos = match ret {
                        Ret::Prefix => Pos::Prefix,
                        Ret::Args => Pos::Args,
                        Ret::After => Pos::After,
                    };
                    self.charge()
                }
                _ => {
                    self.freeze();
                    self.frozen_token(i)
                }
            },
        }
    }

    /// `word (| word)* )` from `i`: a `case` pattern (brush-parser tries an
    /// item before `esac`). Past a long run, assume a pattern (no pop).
    fn is_pattern(&self, i: usize) -> bool {
        let mut k = i;
        for _ in 0..4096 {
            if word(self.tok(k)).is_none() {
                return false;
            }
            match op(self.tok(k + 1)) {
                Some(")") => return true,
                Some("|") => k += 2,
                _ => return false,
            }
        }
        true
    }

    /// `2>…`: a redirection's fd number, written against its operator.
    fn io_number(&self, i: usize) -> bool {
        let (Some(Token::Word(w, _)), Some(next)) = (self.tok(i), self.tok(i + 1)) else {
            return false;
        };
        w.chars().all(|c| c.is_ascii_digit())
            && op(Some(next)).is_some_and(|o| o.starts_with(['<', '>']))
            && adjacent(&self.tokens[i], next)
    }

    fn array(&mut self, i: usize, ret: Ret) -> Result<(), Refusal> {
        self.charge()?;
        self.charge()?;
        self.i = i + 2;
        self.push(Kind::Array(ret), 1)?;
        self.pos = Pos::ArrayElems;
        Ok(())
    }

    fn loop_body(&mut self) -> Result<(), Refusal> {
        if let Some(e) = self.stack.last_mut() {
            e.kind = Kind::Loop {
                phase: Phase::Body,
                brace: false,
            };
        }
        self.pos = Pos::Cmd {
            pipe: false,
            bang: true,
        };
        self.charge()
    }

    /// `for ((init; cond; step))`: brush-parser stops each part at a `;`,
    /// and backtracks exponentially when one is inside parentheses.
    fn arithmetic_for(&mut self, i: usize) -> Result<(), Refusal> {
        let close = self.matching[i + 1].ok_or(Refusal::Malformed(BAD_FOR))?;
        if op(self.tok(close + 1)) != Some(")") {
            return Err(Refusal::Malformed(BAD_FOR));
        }
        let base = self.parens[i + 2];
        let nested_semi =
            (i + 2..close).any(|k| op(self.tok(k)) == Some(";") && self.parens[k] != base);
        if nested_semi {
            return Err(Refusal::Malformed(BAD_FOR));
        }
        self.skip_arithmetic(i, close + 1)?;
        self.pos = Pos::ArithForBody;
        Ok(())
    }

    /// A token in command position.
    fn at_command(&mut self, i: usize, pipe: bool, bang: bool) -> Result<(), Refusal> {
        let t = &self.tokens[i];
        match t {
            Token::Word(w, _) => {
                let w = w.as_str();
                if is_reserved(w) {
                    return self.keyword(i, w, !pipe && bang);
                }
                if w == "time" && !pipe && bang && !self.after_prefix_word(i) {
                    // `time [-p]`, a pipeline prefix.
                    self.charge()?;
                    if word(self.tok(i + 1)) == Some("-p") {
                        self.charge()?;
                        self.i = i + 2;
                    }
                    self.pos = Pos::Cmd {
                        pipe: false,
                        bang: true,
                    };
                    return Ok(());
                }
                // `name ( )`: a function definition.
                if !w.ends_with('=')
                    && op(self.tok(i + 1)) == Some("(")
                    && op(self.tok(i + 2)) == Some(")")
                {
                    self.charge()?;
                    self.charge()?;
                    self.charge()?;
                    self.i = i + 3;
                    self.pos = Pos::FuncBody;
                    return Ok(());
                }
                if is_array_start(w) && op(self.tok(i + 1)) == Some("(") {
                    return self.array(i, Ret::Prefix);
                }
                self.commands += 1;
                self.pos = if is_assignment(w) || self.io_number(i) {
                    Pos::Prefix
                } else {
                    Pos::Args
                };
                self.charge()
            }
            Token::Operator(o, _) => match o.as_str() {
                "\n" => self.charge(),
                "(" => {
                    if self.open_paren(i)? {
                        self.pos = Pos::After;
                        return Ok(());
                    }
                    self.push(Kind::Subshell, 1)?;
                    self.pos = Pos::Cmd {
                        pipe: false,
                        bang: true,
                    };
                    Ok(())
                }
                ")" | ";;" | ";&" | ";;&" => self.operator(i, o, Ret::Args),
                o if is_redirect(o) => {
                    self.commands += 1;
                    self.operator(i, o, Ret::Prefix)
                }
                _ => {
                    self.freeze();
                    self.frozen_token(i)
                }
            },
        }
    }

    /// After `!`, `time` or `time -p`, where `time` is a command name.
    fn after_prefix_word(&self, i: usize) -> bool {
        let prev = |k: usize| i.checked_sub(k).and_then(|k| word(self.tok(k)));
        matches!(prev(1), Some("!" | "time")) || (prev(1) == Some("-p") && prev(2) == Some("time"))
    }

    /// A reserved word where it is one (`start`: a pipeline may start).
    fn keyword(&mut self, i: usize, w: &str, start: bool) -> Result<(), Refusal> {
        let cmd = Pos::Cmd {
            pipe: false,
            bang: true,
        };
        match w {
            "{" => {
                self.push(Kind::Brace, 1)?;
                self.pos = cmd;
            }
            "if" => {
                self.push(Kind::If(Phase::Cond), 1)?;
                self.pos = cmd;
            }
            "while" | "until" => {
                self.push(
                    Kind::Loop {
                        phase: Phase::Cond,
                        brace: false,
                    },
                    1,
                )?;
                self.pos = cmd;
            }
            "for" => {
                self.push(
                    Kind::Loop {
                        phase: Phase::Cond,
                        brace: false,
                    },
                    1,
                )?;
                self.pos = Pos::ForName;
            }
            "case" => {
                self.push(Kind::Case, 1)?;
                self.pos = Pos::CaseWord;
            }
            "[[" => {
                self.push(Kind::Test, 1)?;
                self.pos = Pos::Test(Want::Expr);
            }
            "function" => self.pos = Pos::FuncName,
            "coproc" => {
                self.push(Kind::Coproc, 1)?;
                self.pos = Pos::CoprocStart;
            }
            "!" if start || matches!(self.pos, Pos::Cmd { bang: true, .. }) => {
                self.pos = Pos::Cmd {
                    pipe: false,
                    bang: true,
                };
            }
            _ => {
                self.pop_coprocs();
                let ok = match (w, self.top()) {
                    ("}", Some(Kind::Brace)) => {
                        self.pop();
                        if matches!(self.top(), Some(Kind::Loop { brace: true, .. })) {
                            self.pop();
                        }
                        self.pos = Pos::After;
                        true
                    }
                    ("then", Some(Kind::If(Phase::Cond))) => {
                        self.set_top(Kind::If(Phase::Body));
                        self.pos = cmd;
                        true
                    }
                    ("elif", Some(Kind::If(Phase::Body))) => {
                        self.set_top(Kind::If(Phase::Cond));
                        self.pos = cmd;
                        true
                    }
                    ("else", Some(Kind::If(Phase::Body))) => {
                        self.set_top(Kind::If(Phase::Else));
                        self.pos = cmd;
                        true
                    }
                    ("fi", Some(Kind::If(Phase::Body | Phase::Else))) => {
                        self.pop();
                        self.pos = Pos::After;
                        true
                    }
                    (
                        "do",
                        Some(Kind::Loop {
                            phase: Phase::Cond,
                            brace: false,
                        }),
                    ) => {
                        self.set_top(Kind::Loop {
                            phase: Phase::Body,
                            brace: false,
                        });
                        self.pos = cmd;
                        true
                    }
                    (
                        "done",
                        Some(Kind::Loop {
                            phase: Phase::Body,
                            brace: false,
                        }),
                    ) => {
                        self.pop();
                        self.pos = Pos::After;
                        true
                    }
                    ("esac", Some(Kind::CaseBody)) => {
                        self.pop();
                        if self.top() == Some(Kind::Case) {
                            self.pop();
                            self.pos = Pos::After;
                            true
                        } else {
                            false
                        }
                    }
                    _ => false,
                };
                if !ok {
                    self.freeze();
                    return self.frozen_token(i);
                }
            }
        }
        self.charge()
    }

    fn set_top(&mut self, kind: Kind) {
        if let Some(e) = self.stack.last_mut() {
            e.kind = kind;
        }
    }

    /// An operator after a word or a compound command.
    fn operator(&mut self, i: usize, o: &str, ret: Ret) -> Result<(), Refusal> {
        match o {
            ";" | "&" | "\n" | "&&" | "||" => {
                self.pop_coprocs();
                self.pos = Pos::Cmd {
                    pipe: false,
                    bang: true,
                };
                self.charge()
            }
            "|" | "|&" => {
                self.pop_coprocs();
                self.pos = Pos::Cmd {
                    pipe: true,
                    bang: false,
                };
                self.charge()
            }
            ";;" | ";&" | ";;&" => {
                self.pop_coprocs();
                if self.top() != Some(Kind::CaseBody) {
                    self.freeze();
                    return self.frozen_token(i);
                }
                self.pop();
                self.pos = Pos::CasePattern;
                self.charge()
            }
            ")" => {
                self.pop_coprocs();
                match self.top() {
                    Some(Kind::Subshell) => {
                        self.pop();
                        self.pos = Pos::After;
                    }
                    Some(Kind::ProcSubst(r)) => {
                        self.pop();
                        self.pos = match r {
                            Ret::Prefix => Pos::Prefix,
                            Ret::Args => Pos::Args,
                            Ret::After => Pos::After,
                        };
                    }
                    _ => {
                        self.freeze();
                        return self.frozen_token(i);
                    }
                }
                self.charge()
            }
            o if is_redirect(o) => {
                if takes_procsubst(o) && op(self.tok(i + 1)) == Some("(") {
                    // `<(…)` is a subshell directly (never tried as `((`).
                    self.charge()?;
                    self.charge()?;
                    self.i = i + 2;
                    self.push(Kind::ProcSubst(ret), 2)?;
                    self.pos = Pos::Cmd {
                        pipe: false,
                        bang: true,
                    };
                    return Ok(());
                }
                let n = if matches!(o, "<<" | "<<-") { 3 } else { 1 };
                self.pos = Pos::Redir { ret, n };
                self.charge()
            }
            _ => {
                self.freeze();
                self.frozen_token(i)
            }
        }
    }

    /// Inside `[[ … ]]`.
    fn test(&mut self, i: usize, want: Want) -> Result<(), Refusal> {
        let t = &self.tokens[i];
        let w = word(Some(t));
        let o = op(Some(t));
        let next = match (want, w, o) {
            (Want::Expr | Want::Op, _, Some("\n")) => want,
            (Want::Expr, Some("!"), _) => {
                self.push(Kind::TestOp, 1)?;
                Want::Expr
            }
            (Want::Expr, _, Some("(")) => {
                self.push(Kind::TestParen, 1)?;
                Want::Expr
            }
            (Want::Expr, Some(w), _) => {
                if is_binary_test(self.tok(i + 1)) {
                    Want::BinOp
                } else if UNARY_TESTS.contains(&w) {
                    Want::Right
                } else {
                    Want::Op
                }
            }
            (Want::BinOp, Some("=~"), _) => {
                self.pos = Pos::Regex;
                return self.charge();
            }
            (Want::BinOp, _, _) if is_binary_test(Some(t)) => Want::Right,
            (Want::Right, Some(_), _) => Want::Op,
            (Want::Op, _, Some("&&" | "||")) => {
                self.push(Kind::TestOp, 1)?;
                Want::Expr
            }
            (Want::Op, _, Some(")")) => {
                while self.top() == Some(Kind::TestOp) {
                    self.pop();
                }
                if self.top() != Some(Kind::TestParen) {
                    self.freeze();
                    return self.frozen_token(i);
                }
                self.pop();
                Want::Op
            }
            (Want::Op, Some("]]"), _) => {
                while self.top() == Some(Kind::TestOp) {
                    self.pop();
                }
                if self.top() != Some(Kind::Test) {
                    self.freeze();
                    return self.frozen_token(i);
                }
                self.pop();
                self.pos = Pos::After;
                return self.charge();
            }
            _ => {
                self.freeze();
                return self.frozen_token(i);
            }
        };
        self.pos = Pos::Test(next);
        self.charge()
    }

    /// After `=~`: words, `|` and parentheses, to `]]` or another operator.
    fn regex(&mut self, i: usize) -> Result<(), Refusal> {
        let t = &self.tokens[i];
        let open = self.top() == Some(Kind::RegexParen);
        match (word(Some(t)), op(Some(t))) {
            (Some("]]"), _) if open => Err(Refusal::Malformed(OPEN_REGEX)),
            (Some("]]"), _) => self.test(i, Want::Op),
            (_, Some("(")) => {
                self.push(Kind::RegexParen, 1)?;
                self.charge()
            }
            (_, Some(")")) if open => {
                self.pop();
                self.charge()
            }
            // Inside parentheses any other token is part of the regex.
            _ if open => self.charge(),
            (Some(_), _) | (_, Some("|")) => self.charge(),
            _ => self.test(i, Want::Op),
        }
    }
}

const BAD_FOR: &str = "a `for ((…))` header brush-parser cannot read";
const OPEN_REGEX: &str = "an unclosed `(` in a `[[ … =~ … ]]` regex";

/// Written with nothing between them.
fn adjacent(a: &Token, b: &Token) -> bool {
    a.location().end.index == b.location().start.index
}

// ---------------------------------------------------------------------------
// The word grammar.

/// Contexts of the word grammar (`brush_parser::word`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum W {
    /// Unquoted word text.
    Top,
    /// `"…"`
    Double,
    /// `$( … )` and a `( … )` inside it (command text).
    Command,
    /// `${ … }`
    Brace,
    /// `$(( … ))`, `$[ … ]` and a `( … )` inside them.
    Arith,
}

/// The deepest nesting the word grammar reaches on `raw` (a word as
/// brush-parser's tokenizer returns it, or, with `heredoc`, text whose
/// quotes are ordinary characters: a here-document body, an arithmetic
/// expression, a parameter expansion's operand).
///
/// Counts one level per `"…"`, `$(`, `${`, `$[`, and per `(` inside command
/// or arithmetic text (`$((` is two); closers pop only the construct they
/// close. Single quotes and backquotes are skipped to their end when they
/// have one (as the grammar does: `'…'` needs a later `'`), else read as a
/// character.
pub(super) fn word_depth(raw: &str, heredoc: bool) -> usize {
    let b = raw.as_bytes();
    // The last `'` and the positions of unescaped backquotes are found
    // forward from each opener; to stay linear, remember where a search
    // found nothing.
    let last_quote = raw.rfind('\'');
    let mut no_backquote_after = usize::MAX;
    let mut stack: Vec<(W, u8)> = vec![(W::Top, 0)];
    let mut max = 0usize;
    let mut i = 0;
    while i < b.len() {
        let (ctx, close) = *stack.last().expect("stack");
        let c = b[i];
        let rest = &b[i..];
        if c == b'\\' {
            i += 2;
            continue;
        }
        let quotes = ctx != W::Double && !(heredoc && stack.len() == 1);
        if c == b'\'' && quotes {
            if rest.starts_with(b"'") && i > 0 && b[i - 1] == b'$' {
                // `$'…'`: backslash escapes, to the next unescaped `'`.
                let mut k = i + 1;
                while k < b.len() && b[k] != b'\'' {
                    k += if b[k] == b'\\' { 2 } else { 1 };
                }
                if k < b.len() {
                    i = k + 1;
                    continue;
                }
            } else if last_quote.is_some_and(|q| q > i) {
                i += 1 + raw[i + 1..].find('\'').expect("a later quote") + 1;
                continue;
            }
            i += 1;
            continue;
        }
        if c == b'`' {
            if i < no_backquote_after {
                let mut k = i + 1;
                while k < b.len() && b[k] != b'`' {
                    k += if b[k] == b'\\' { 2 } else { 1 };
                }
                if k < b.len() {
                    i = k + 1;
                    continue;
                }
                no_backquote_after = i;
            }
            i += 1;
            continue;
        }
        let mut open = |w: W, close: u8, n: usize, stack: &mut Vec<(W, u8)>| {
            for _ in 0..n {
                stack.push((w, close));
            }
            max = max.max(stack.len() - 1);
        };
        if c == b'"' && !(heredoc && stack.len() == 1) {
            if ctx == W::Double {
                stack.pop();
            } else {
                open(W::Double, b'"', 1, &mut stack);
            }
            i += 1;
            continue;
        }
        if rest.starts_with(b"$((") {
            open(W::Arith, b')', 2, &mut stack);
            i += 3;
            continue;
        }
        if rest.starts_with(b"$(") {
            open(W::Command, b')', 1, &mut stack);
            i += 2;
            continue;
        }
        if rest.starts_with(b"${") {
            open(W::Brace, b'}', 1, &mut stack);
            i += 2;
            continue;
        }
        if rest.starts_with(b"$[") {
            open(W::Arith, b']', 1, &mut stack);
            i += 2;
            continue;
        }
        match c {
            // In command, arithmetic and `${ }` text (whose operands are also
            // read as arithmetic), `(` nests.
            b'(' if matches!(ctx, W::Command | W::Arith | W::Brace) => {
                let w = if ctx == W::Brace { W::Arith } else { ctx };
                open(w, b')', 1, &mut stack);
            }
            b')' | b'}' | b']' if close == c && stack.len() > 1 => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    max
}

/// Whether the word grammar may run on `raw` (see [`MAX_WORD_COST`]).
pub(super) fn word_cost(raw: &str, heredoc: bool) -> u64 {
    let depth = word_depth(raw, heredoc) as u32;
    (raw.len() as u64 + 1).saturating_mul(3u64.saturating_pow(depth))
}
