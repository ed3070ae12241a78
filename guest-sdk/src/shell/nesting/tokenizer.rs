//! Phase 1: how deep brush-parser's tokenizer recurses on a text.
//!
//! brush-parser's `Tokenizer::next_token_until` calls itself (through
//! `consume_nested_construct` for `$(`, `$((`, `$[`, and directly for `${`)
//! once per nested expansion, with no limit. This module is a port of that
//! state machine (brush-parser 0.4.0, `src/tokenizer.rs`) made iterative: the
//! recursion becomes an explicit stack of [`Level`]s, one per open expansion,
//! and everything else (quoting, escapes, comments, operators, extglob
//! patterns, here-document bodies and the token reordering they cause) is
//! kept as brush-parser does it, branch for branch, so that the expansions
//! this model opens and closes are exactly the ones brush-parser's tokenizer
//! opens and closes. Its tokens are compared with brush-parser's in the tests.
//!
//! It also refuses the shapes on which that tokenizer is quadratic: many
//! here-documents on one line, long here-document tags, many tokens held back
//! behind a here-document (brush-parser keeps them in `Vec`s it drains with
//! `remove(0)`, and compares the tag on every body line).

use std::collections::VecDeque;

use super::Refusal;

/// Tokens in one text: brush-parser (with the walk after it) takes about
/// 2 µs a token, twice that when the parse fails (the PEG parses again to
/// report the error), so this bounds the time of any text whose depth and
/// cost pass the other checks.
pub(crate) const MAX_TOKENS: usize = 24 * 1024;
/// Here-documents opened on one line.
const MAX_HEREDOCS_PER_LINE: usize = 32;
/// Bytes in a here-document tag (compared on every body line).
const MAX_HEREDOC_TAG: usize = 64;
/// Tokens held back until a here-document body is read.
const MAX_HELD_TOKENS: usize = 512;

/// brush-parser 0.4 panics (`unwrap` on the end of input) when a token held
/// back behind a here-document closes an expansion at the end of the text.
const HELD_END: &str = "a here-document token closes an expansion at the end of the input";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Reason {
    EndOfInput,
    UnescapedNewLine,
    SpecifiedTerminatingChar,
    NonNewLineBlank,
    HereDocumentBodyStart,
    HereDocumentBodyEnd,
    HereDocumentEndTag,
    OperatorStart,
    OperatorEnd,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    pub text: String,
    pub operator: bool,
}

#[derive(Clone, Debug)]
struct Res {
    reason: Reason,
    token: Option<Tok>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    AnsiC,
    Single,
    Double,
}

/// `TokenParseState`: the token being built by one `next_token_until` call.
struct State {
    text: String,
    operator: bool,
    escape: bool,
    quote: Quote,
}

impl State {
    fn new() -> State {
        State {
            text: String::new(),
            operator: false,
            escape: false,
            quote: Quote::None,
        }
    }

    fn pop(&mut self) -> Tok {
        self.escape = false;
        self.quote = Quote::None;
        Tok {
            text: std::mem::take(&mut self.text),
            operator: std::mem::take(&mut self.operator),
        }
    }

    fn started(&self) -> bool {
        !self.text.is_empty()
    }

    fn unquoted(&self) -> bool {
        !self.escape && self.quote == Quote::None
    }

    fn is_operator(&self, op: &str) -> bool {
        self.operator && self.text == op
    }
}

enum Here {
    None,
    NextTokenIsHereTag { remove_tabs: bool },
    CurrentTokenIsHereTag { remove_tabs: bool, operator: Res },
    NextLineIsHereDoc,
    InHereDocs,
}

struct HereTag {
    tag: String,
    quoted: bool,
    remove_tabs: bool,
    tokens: Vec<Res>,
    after: Vec<Res>,
}

/// The state brush-parser keeps across tokens (`CrossTokenParseState`).
struct Cross {
    here: Here,
    tags: Vec<HereTag>,
    queued: VecDeque<Res>,
    arithmetic: bool,
    /// Tokens held in `tags[..].after` and nested `pending` lists.
    held: usize,
}

/// What a level's `next_token_until` is nested in: the loop of
/// `consume_nested_construct` (`$(`, `$((`, `$[`) or the `${` loop.
struct Nest {
    terminator: char,
    /// `"("` for `$(` / `$((`; `"["` for `$[` (never an operator, as in
    /// brush-parser); `None` for `${`, which does not count.
    opener: Option<&'static str>,
    count: u32,
    arithmetic: bool,
    pending: VecDeque<Res>,
    drain: bool,
}

/// One active `next_token_until` call.
struct Level {
    state: State,
    terminator: Option<char>,
    include_space: bool,
    /// `None` for the outermost call.
    nest: Option<Nest>,
}

/// What a step of the innermost call did.
enum Step {
    Continue,
    Done(Res),
    /// An expansion started: a level was pushed.
    Pushed,
    /// brush-parser's tokenizer fails here (it stops, so do we).
    Error,
}

pub(crate) struct Model {
    chars: Vec<char>,
    pos: usize,
    cross: Cross,
    levels: Vec<Level>,
    pub(crate) max_depth: usize,
    limit: usize,
    /// Tokens produced (brush-parser's parse time grows with them).
    count: usize,
    /// Tokens produced, kept only when asked (tests compare them).
    pub(crate) tokens: Option<Vec<Tok>>,
}

/// The deepest nesting of expansions brush-parser's tokenizer reaches on
/// `text`, or a refusal once it passes `limit` (or the text is shaped so
/// that tokenizing it is quadratic).
pub(crate) fn depth(text: &str, limit: usize) -> Result<usize, Refusal> {
    let mut m = Model::new(text, limit, false);
    m.run()?;
    Ok(m.max_depth)
}

impl Model {
    pub(crate) fn new(text: &str, limit: usize, keep_tokens: bool) -> Model {
        Model {
            chars: text.chars().collect(),
            pos: 0,
            cross: Cross {
                here: Here::None,
                tags: Vec::new(),
                queued: VecDeque::new(),
                arithmetic: false,
                held: 0,
            },
            levels: vec![Level {
                state: State::new(),
                terminator: None,
                include_space: false,
                nest: None,
            }],
            max_depth: 0,
            limit,
            count: 0,
            tokens: keep_tokens.then(Vec::new),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// Runs to the end of the text (or to where brush-parser's tokenizer
    /// would fail).
    pub(crate) fn run(&mut self) -> Result<(), Refusal> {
        loop {
            match self.step()? {
                Step::Continue | Step::Pushed => {}
                Step::Error => return Ok(()),
                Step::Done(res) => {
                    if self.levels.len() == 1 {
                        // `Parser::tokenize`: collect until the end of input.
                        let end = res.reason == Reason::EndOfInput;
                        if res.token.is_some() {
                            self.count += 1;
                            if self.count > MAX_TOKENS {
                                return Err(Refusal::TooLarge("tokens"));
                            }
                        }
                        if let (Some(tokens), Some(t)) = (&mut self.tokens, res.token) {
                            tokens.push(t);
                        }
                        if end {
                            return Ok(());
                        }
                        self.levels[0].state = State::new();
                    } else if !self.deliver(res)? {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// A nested `next_token_until` returned `res` to the loop it is nested
    /// in (the body of `consume_nested_construct` / the `${` loop). Returns
    /// false where brush-parser's tokenizer fails.
    fn deliver(&mut self, res: Res) -> Result<bool, Refusal> {
        let mut next = Some(res);
        loop {
            let depth = self.levels.len();
            let (head, tail) = self.levels.split_at_mut(depth - 1);
            let parent = &mut head[depth - 2].state;
            let level = &mut tail[0];
            let nest = level.nest.as_mut().expect("nested level");
            let cur = match next.take() {
                Some(r) => {
                    if matches!(
                        r.reason,
                        Reason::HereDocumentBodyStart
                            | Reason::HereDocumentBodyEnd
                            | Reason::HereDocumentEndTag
                    ) {
                        nest.pending.push_back(r);
                        self.cross.held += 1;
                        if self.cross.held > MAX_HELD_TOKENS {
                            return Err(Refusal::TooLarge("tokens held back by here-documents"));
                        }
                        level.state = State::new();
                        return Ok(true);
                    }
                    r
                }
                None => {
                    if nest.drain && !nest.pending.is_empty() {
                        if nest.pending.len() == 1 {
                            nest.drain = false;
                        }
                        self.cross.held = self.cross.held.saturating_sub(1);
                        nest.pending.pop_front().expect("pending")
                    } else {
                        // The loop calls `next_token_until` again.
                        level.state = State::new();
                        return Ok(true);
                    }
                }
            };
            if cur.reason == Reason::UnescapedNewLine && !nest.pending.is_empty() {
                nest.pending.push_back(cur);
                self.cross.held += 1;
                nest.drain = true;
                continue;
            }
            if let Some(t) = &cur.token {
                parent.text.push_str(&t.text);
                if t.operator && Some(t.text.as_str()) == nest.opener {
                    nest.count += 1;
                }
            }
            match cur.reason {
                Reason::HereDocumentBodyStart => parent.text.push('\n'),
                Reason::NonNewLineBlank => parent.text.push(' '),
                Reason::SpecifiedTerminatingChar => {
                    let done = match nest.opener {
                        Some(_) => {
                            nest.count -= 1;
                            nest.count == 0
                        }
                        None => true,
                    };
                    if done {
                        // The closing character ends the construct.
                        let arithmetic = nest.arithmetic;
                        self.cross.held = self.cross.held.saturating_sub(nest.pending.len());
                        self.levels.pop();
                        let c = self.next().ok_or(Refusal::Malformed(HELD_END))?;
                        self.levels.last_mut().expect("parent").state.text.push(c);
                        if arithmetic {
                            self.cross.arithmetic = false;
                        }
                        return Ok(true);
                    }
                    let c = *self
                        .chars
                        .get(self.pos)
                        .ok_or(Refusal::Malformed(HELD_END))?;
                    self.pos += 1;
                    parent.text.push(c);
                }
                // Unterminated expansion.
                Reason::EndOfInput => return Ok(false),
                _ => {}
            }
        }
    }

    /// Opens a nested `next_token_until` (an expansion).
    fn push(&mut self, nest: Nest) -> Result<Step, Refusal> {
        let (terminator, include_space) = match nest.opener {
            Some(_) => (Some(nest.terminator), true),
            None => (Some('}'), false),
        };
        self.levels.push(Level {
            state: State::new(),
            terminator,
            include_space,
            nest: Some(nest),
        });
        let depth = self.levels.len() - 1;
        self.max_depth = self.max_depth.max(depth);
        if depth > self.limit {
            return Err(Refusal::TooDeep("nested expansions"));
        }
        Ok(Step::Pushed)
    }

    /// One iteration of `next_token_until`'s loop, for the innermost call.
    fn step(&mut self) -> Result<Step, Refusal> {
        if let Some(r) = self.cross.queued.pop_front() {
            return Ok(Step::Done(r));
        }
        let level = self.levels.len() - 1;
        let terminator = self.levels[level].terminator;
        let include_space = self.levels[level].include_space;
        let Some(c) = self.peek() else {
            let state = &self.levels[level].state;
            if state.escape || state.quote != Quote::None {
                return Ok(Step::Error);
            }
            if !matches!(self.cross.here, Here::None) {
                return match self.remove_here_end_tag(false)? {
                    EndTag::Done(r) => Ok(Step::Done(r)),
                    EndTag::Held => Ok(Step::Continue),
                    // An unterminated here-document.
                    EndTag::No | EndTag::Fail => Ok(Step::Error),
                };
            }
            return self.delimit(Reason::EndOfInput);
        };

        if matches!(self.cross.here, Here::InHereDocs) {
            let state = &self.levels[level].state;
            let strip = self.cross.tags.first().is_some_and(|t| t.remove_tabs)
                && (!state.started() || state.text.ends_with('\n'))
                && c == '\t';
            self.pos += 1;
            if strip {
                return Ok(Step::Continue);
            }
            self.levels[level].state.text.push(c);
            if c == '\n' {
                return match self.remove_here_end_tag(true)? {
                    EndTag::Done(r) => Ok(Step::Done(r)),
                    EndTag::No | EndTag::Held => Ok(Step::Continue),
                    EndTag::Fail => Ok(Step::Error),
                };
            }
            return Ok(Step::Continue);
        }

        let state = &self.levels[level].state;
        if state.unquoted() && terminator == Some(c) {
            return self.delimit(Reason::SpecifiedTerminatingChar);
        }

        if state.operator {
            let mut hypothetical = state.text.clone();
            hypothetical.push(c);
            if state.unquoted() && is_operator(&hypothetical) {
                self.pos += 1;
                self.levels[level].state.text.push(c);
                return Ok(Step::Continue);
            }
            if self.cross.arithmetic {
                if state.is_operator(")") && c == ')' {
                    self.cross.arithmetic = false;
                }
            } else if state.is_operator("<<") {
                self.cross.here = Here::NextTokenIsHereTag { remove_tabs: false };
            } else if state.is_operator("<<-") {
                self.cross.here = Here::NextTokenIsHereTag { remove_tabs: true };
            } else if state.is_operator("(") && c == '(' {
                self.cross.arithmetic = true;
            }
            let reason = if state.text == "\n" {
                Reason::UnescapedNewLine
            } else {
                Reason::OperatorEnd
            };
            return self.delimit(reason);
        }

        // `does_char_newly_affect_quoting`
        let affects = !state.escape
            && match state.quote {
                Quote::Double | Quote::AnsiC => c == '\\',
                Quote::Single => false,
                Quote::None => matches!(c, '\\' | '\'' | '"'),
            };
        if affects {
            self.pos += 1;
            let state = &mut self.levels[level].state;
            match c {
                '\\' => {
                    if self.chars.get(self.pos) == Some(&'\n') {
                        // A line continuation: neither character is kept.
                        self.pos += 1;
                    } else {
                        state.escape = true;
                        state.text.push(c);
                    }
                }
                '\'' => {
                    state.quote = if state.text.ends_with('$') {
                        Quote::AnsiC
                    } else {
                        Quote::Single
                    };
                    state.text.push(c);
                }
                _ => {
                    state.quote = Quote::Double;
                    state.text.push(c);
                }
            }
            return Ok(Step::Continue);
        }
        if !state.escape && matches!(state.quote, Quote::Single | Quote::AnsiC) && c == '\'' {
            self.pos += 1;
            let state = &mut self.levels[level].state;
            state.quote = Quote::None;
            state.text.push(c);
            return Ok(Step::Continue);
        }
        if !state.escape && state.quote == Quote::Double && c == '"' {
            self.pos += 1;
            let state = &mut self.levels[level].state;
            state.quote = Quote::None;
            state.text.push(c);
            return Ok(Step::Continue);
        }
        if state.escape {
            self.pos += 1;
            let state = &mut self.levels[level].state;
            state.escape = false;
            state.text.push(c);
            return Ok(Step::Continue);
        }
        if (state.unquoted() || state.quote == Quote::Double) && (c == '$' || c == '`') {
            self.pos += 1;
            if c == '$' {
                let after = self.peek();
                let state = &mut self.levels[level].state;
                state.text.push('$');
                match after {
                    Some('(') => {
                        self.pos += 1;
                        state.text.push('(');
                        let arithmetic = self.peek() == Some('(');
                        if arithmetic {
                            self.pos += 1;
                            self.levels[level].state.text.push('(');
                            self.cross.arithmetic = true;
                        }
                        return self.push(Nest {
                            terminator: ')',
                            opener: Some("("),
                            count: if arithmetic { 2 } else { 1 },
                            arithmetic,
                            pending: VecDeque::new(),
                            drain: false,
                        });
                    }
                    Some('[') => {
                        self.pos += 1;
                        state.text.push('[');
                        self.cross.arithmetic = true;
                        return self.push(Nest {
                            terminator: ']',
                            opener: Some("["),
                            count: 1,
                            arithmetic: true,
                            pending: VecDeque::new(),
                            drain: false,
                        });
                    }
                    Some('{') => {
                        self.pos += 1;
                        state.text.push('{');
                        return self.push(Nest {
                            terminator: '}',
                            opener: None,
                            count: 1,
                            arithmetic: false,
                            pending: VecDeque::new(),
                            drain: false,
                        });
                    }
                    _ => return Ok(Step::Continue),
                }
            }
            // Backquotes: read to the next unescaped backquote, no nesting.
            self.levels[level].state.text.push('`');
            let mut escaping = false;
            loop {
                let Some(b) = self.next() else {
                    return Ok(Step::Error);
                };
                self.levels[level].state.text.push(b);
                if !escaping && b == '\\' {
                    escaping = true;
                } else {
                    if !escaping && b == '`' {
                        return Ok(Step::Continue);
                    }
                    escaping = false;
                }
            }
        }
        if c == '('
            && state.unquoted()
            && !state.operator
            && state.text.ends_with(['@', '!', '?', '+', '*'])
        {
            // An extglob pattern: parentheses counted, quotes ignored.
            self.pos += 1;
            self.levels[level].state.text.push(c);
            let mut depth = 1;
            let mut escape = false;
            while depth > 0 {
                let Some(e) = self.next() else {
                    return Ok(Step::Error);
                };
                self.levels[level].state.text.push(e);
                match e {
                    _ if escape => escape = false,
                    '\\' => escape = true,
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
            }
            return Ok(Step::Continue);
        }
        if state.unquoted() && matches!(c, '&' | '(' | ')' | ';' | '\n' | '|' | '<' | '>') {
            if state.started() {
                return self.delimit(Reason::OperatorStart);
            }
            self.pos += 1;
            let state = &mut self.levels[level].state;
            state.operator = true;
            state.text.push(c);
            return Ok(Step::Continue);
        }
        if state.unquoted() && (c == ' ' || c == '\t') {
            if state.started() {
                let r = self.delimit(Reason::NonNewLineBlank);
                self.pos += 1;
                return r;
            }
            if include_space {
                self.levels[level].state.text.push(c);
            }
            self.pos += 1;
            return Ok(Step::Continue);
        }
        if !state.operator && (state.started() || terminator == Some('}')) {
            self.pos += 1;
            self.levels[level].state.text.push(c);
            return Ok(Step::Continue);
        }
        if c == '#' {
            // A comment, to the end of the line (the newline is kept).
            while !matches!(self.peek(), Some('\n') | None) {
                self.pos += 1;
            }
            return Ok(Step::Continue);
        }
        if state.started() {
            return self.delimit(Reason::Other);
        }
        self.pos += 1;
        self.levels[level].state.text.push(c);
        Ok(Step::Continue)
    }

    /// `delimit_current_token` for the innermost call.
    fn delimit(&mut self, reason: Reason) -> Result<Step, Refusal> {
        let level = self.levels.len() - 1;
        match self.delimit_at(level, reason)? {
            Some(Some(r)) => Ok(Step::Done(r)),
            Some(None) => Ok(Step::Continue),
            None => Ok(Step::Error),
        }
    }

    /// `Some(Some(result))`: the call returns it; `Some(None)`: the call
    /// goes on (the token was held back); `None`: brush-parser fails.
    fn delimit_at(&mut self, level: usize, reason: Reason) -> Result<Option<Option<Res>>, Refusal> {
        let state = &mut self.levels[level].state;
        if !state.started() && reason != Reason::HereDocumentBodyEnd {
            return Ok(Some(Some(Res {
                reason,
                token: None,
            })));
        }
        let cross = &mut self.cross;
        match std::mem::replace(&mut cross.here, Here::None) {
            Here::NextTokenIsHereTag { remove_tabs } => {
                let operator = Res {
                    reason,
                    token: Some(state.pop()),
                };
                cross.here = Here::CurrentTokenIsHereTag {
                    remove_tabs,
                    operator,
                };
                Ok(Some(None))
            }
            Here::CurrentTokenIsHereTag {
                remove_tabs,
                operator,
            } => {
                if state.text == "\n" {
                    return Ok(None);
                }
                cross.here = Here::NextLineIsHereDoc;
                let tag = format!("{}\n", state.text.trim_ascii_start());
                if tag.len() > MAX_HEREDOC_TAG {
                    return Err(Refusal::TooLarge("a here-document tag"));
                }
                let quoted = tag.contains(['\\', '\'', '"']);
                let tag_token = Res {
                    reason,
                    token: Some(state.pop()),
                };
                cross.tags.push(HereTag {
                    tag,
                    quoted,
                    remove_tabs,
                    tokens: vec![operator, tag_token],
                    after: Vec::new(),
                });
                if cross.tags.len() > MAX_HEREDOCS_PER_LINE {
                    return Err(Refusal::TooLarge("here-documents on one line"));
                }
                Ok(Some(None))
            }
            Here::NextLineIsHereDoc => {
                cross.here = if state.text == "\n" {
                    Here::InHereDocs
                } else {
                    Here::NextLineIsHereDoc
                };
                let Some(last) = cross.tags.last_mut() else {
                    return Ok(None);
                };
                last.after.push(Res {
                    reason,
                    token: Some(state.pop()),
                });
                cross.held += 1;
                if cross.held > MAX_HELD_TOKENS {
                    return Err(Refusal::TooLarge("tokens held back by here-documents"));
                }
                Ok(Some(None))
            }
            Here::InHereDocs => {
                let done = cross.tags.remove(0);
                cross.held = cross.held.saturating_sub(done.after.len());
                cross.queued.extend(done.tokens);
                cross.queued.push_back(Res {
                    reason: Reason::HereDocumentBodyStart,
                    token: None,
                });
                cross.queued.push_back(Res {
                    reason,
                    token: Some(state.pop()),
                });
                let end = if done.quoted {
                    unquote(&done.tag)
                } else {
                    done.tag
                };
                state.text.push_str(end.trim_end_matches('\n'));
                cross.queued.push_back(Res {
                    reason: Reason::HereDocumentEndTag,
                    token: Some(state.pop()),
                });
                cross.queued.extend(done.after);
                cross.here = if cross.tags.is_empty() {
                    Here::None
                } else {
                    Here::InHereDocs
                };
                if cross.queued.len() > MAX_HELD_TOKENS {
                    return Err(Refusal::TooLarge("tokens held back by here-documents"));
                }
                Ok(Some(None))
            }
            Here::None => Ok(Some(Some(Res {
                reason,
                token: Some(state.pop()),
            }))),
        }
    }

    /// `remove_here_end_tag`: whether the body being read ends here.
    fn remove_here_end_tag(&mut self, ends_with_newline: bool) -> Result<EndTag, Refusal> {
        let Some(tag) = self.cross.tags.first() else {
            return Ok(EndTag::No);
        };
        let full = if tag.quoted {
            unquote(&tag.tag)
        } else {
            tag.tag.clone()
        };
        let tag_str = if ends_with_newline {
            full.as_str()
        } else {
            full.strip_suffix('\n').unwrap_or(&full)
        };
        let level = self.levels.len() - 1;
        let state = &mut self.levels[level].state;
        if let Some(rest) = state.text.strip_suffix(tag_str)
            && (rest.is_empty() || rest.ends_with('\n'))
        {
            let keep = rest.len();
            state.text.truncate(keep);
            return Ok(match self.delimit_at(level, Reason::HereDocumentBodyEnd)? {
                Some(Some(r)) => EndTag::Done(r),
                Some(None) => EndTag::Held,
                None => EndTag::Fail,
            });
        }
        Ok(EndTag::No)
    }
}

/// What `remove_here_end_tag` found.
enum EndTag {
    /// Not the end of a body.
    No,
    /// The body ended and the call returns this.
    Done(Res),
    /// The body ended; the call goes on.
    Held,
    /// brush-parser fails.
    Fail,
}

fn is_operator(s: &str) -> bool {
    matches!(
        s,
        "&" | "&&"
            | "("
            | ")"
            | ";"
            | ";;"
            | "\n"
            | "|"
            | "||"
            | "<"
            | ">"
            | ">|"
            | "<<"
            | ">>"
            | "<&"
            | ">&"
            | "<<-"
            | "<>"
            | "<<<"
            | "&>"
            | "&>>"
            | ";;&"
            | ";&"
            | "|&"
    )
}

/// `brush_parser::unquote_str`.
fn unquote(s: &str) -> String {
    brush_parser::unquote_str(s)
}
