//! The AST walker: finds every simple command, looks through wrappers and
//! nested shells.

use brush_parser::ast;

use std::fmt;

use super::container;
use super::inline;
use super::nesting::{self, Refusal};
use super::words::{self, Converted, Sub};
use super::wrappers::{self, Skip};
use super::{
    Analysis, Opaque, OpaqueReason, Redirect, SimpleCommand, Word, basename, is_shell, put_variable,
};

/// Nested re-parses (`bash -c 'bash -c …'`) followed.
const MAX_DEPTH: usize = 8;
/// Input bytes analysed (per parse).
const MAX_INPUT: usize = 256 * 1024;
/// Input bytes parsed in one analysis, nested parses included (each
/// substitution is parsed again on its own: nesting multiplies the work).
const MAX_TOTAL_INPUT: usize = 4 * MAX_INPUT;
/// Tokens parsed in one analysis, nested parses included (a nested parse
/// reads its tokens again). Each parse is also held to 24 Ki tokens.
const MAX_TOTAL_TOKENS: usize = 32 * 1024;
/// Nesting summed over a chain of nested parses (`$(…)` in `bash -c '…'`
/// in …): the walker recurses through all of them at once. Each parse is
/// also held to [`nesting::MAX_NESTING`].
const MAX_TOTAL_NESTING: usize = 2 * nesting::MAX_NESTING;
/// Parses in one analysis (each substitution and nested shell is one).
const MAX_PARSES: usize = 512;
/// Commands reported in one analysis.
const MAX_COMMANDS: usize = 4096;
/// Arguments, redirections and assignments reported in one analysis (a
/// redirection of a `{ …; }` is reported on every command inside).
const MAX_ITEMS: usize = 1 << 16;
/// Passes of a `for` loop over literal values walked one by one.
const MAX_UNROLLED: usize = 8;
/// Snippets are cut to this many characters.
const SNIPPET_CHARS: usize = 200;

pub(super) struct Analyzer {
    out: Analysis,
    parses: usize,
    parsed_bytes: usize,
    tokens_left: usize,
    items: usize,
    too_large: bool,
    budget: words::Budget,
    /// What the pipeline element being walked reads on stdin, when a
    /// literal `echo`/`printf`/here-document on its left spells it out
    /// (`None`: unknown). Taken by `xargs`/`parallel`, which turn it into
    /// arguments.
    stdin_text: Option<String>,
    /// Variables the top level of the command line assigns once, with a
    /// literal value, where every later use sees it: `x=~; rm -rf $x` is
    /// `rm -rf ~`. `None`: assigned in a way the analysis cannot follow.
    vars: std::collections::HashMap<String, Option<String>>,
    /// The command line as given (for [`Analyzer::assigned_once`]).
    top_text: String,
    /// How often each name appears in `top_text` other than as a use
    /// (`$name`, `${name…}`), counted on first need.
    name_counts: Option<std::collections::HashMap<String, usize>>,
    /// `top_text` mentions `IFS` (see [`Analyzer::substitute`]).
    mentions_ifs: bool,
    /// Functions the top level defines once, by name (`None`: defined more
    /// than once): a call with literal arguments walks the body again with
    /// `$1`, `$2`… bound.
    functions: std::collections::HashMap<String, Option<ast::FunctionDefinition>>,
    /// Function bodies walked for a call so far (at most [`MAX_UNROLLED`]).
    calls_walked: usize,
}

/// An argument `xargs`/`parallel` read from a stdin the analysis cannot see:
/// not literal, so rules treat it as a value known only at run time.
const UNKNOWN_INPUT: &str = "$(items read from stdin)";

#[derive(Clone, Default)]
struct Ctx {
    via: Vec<String>,
    depth: usize,
    /// Nesting of the enclosing parses, summed.
    nesting: usize,
    background: bool,
    in_function: Option<String>,
    substituted_into: Option<String>,
    /// Redirections of enclosing compound commands.
    redirects: Vec<Redirect>,
    /// Inside something that may not run, or runs apart from the shell
    /// that follows (`a && …`, a pipeline, a compound command, a function,
    /// the background): an assignment here is not tracked.
    conditional: bool,
    /// Values of variables this shell level is known to hold here: a
    /// `for` loop's variable in one unrolled pass, `$0`, `$1`… of
    /// `sh -c 'script' a b`.
    bindings: Vec<(String, String)>,
    /// A nested parse the top-level shell itself runs (`eval '…'`, a
    /// `trap`): it sees the variables the top level assigns.
    top_shell: bool,
}

impl Ctx {
    fn nested(&self, label: impl Into<String>) -> Ctx {
        let label = label.into();
        let mut c = self.clone();
        c.top_shell = matches!(label.as_str(), "eval" | "trap")
            && (self.top_shell || self.depth == 0 && self.via.is_empty());
        c.via.push(label);
        c.redirects.clear();
        c.bindings.clear();
        c.substituted_into = None;
        c.background = false;
        c
    }
}

/// What a pipeline element resolved to.
#[derive(Default)]
struct Head {
    /// The program that runs (after wrappers).
    name: Option<String>,
    /// The reported command for it, if any.
    primary: Option<usize>,
    /// Commands at this level (for compound commands: all of them).
    members: Vec<usize>,
    /// A shell that reads its script from stdin (no `-c`, no script file).
    stdin_script: bool,
    /// The snippet, for opaque reports about the pipe.
    snippet: String,
}

/// The parts of a simple command, collected.
struct Acc<'a> {
    argv: &'a mut Vec<Word>,
    env: &'a mut Vec<(String, String)>,
    redirects: &'a mut Vec<Redirect>,
    pending: &'a mut Pending,
}

/// The substitutions a command's words hold, walked once the command is
/// resolved (their output goes to it).
struct Pending {
    subs: Vec<Sub>,
    procsubs: Vec<(&'static str, String)>,
}

fn cut(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= SNIPPET_CHARS {
        return s.to_string();
    }
    let mut out: String = s.chars().take(SNIPPET_CHARS).collect();
    out.push('…');
    out
}

/// [`cut`] of a syntax node's text, without formatting all of it (a deep
/// compound command's text is as long as the input, once per level).
fn snippet(node: &impl fmt::Display) -> String {
    /// Stops the formatting once it has enough.
    struct Capped(String);
    impl fmt::Write for Capped {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0.push_str(s);
            if self.0.len() > 4 * SNIPPET_CHARS {
                Err(fmt::Error)
            } else {
                Ok(())
            }
        }
    }
    let mut w = Capped(String::new());
    let _ = fmt::write(&mut w, format_args!("{node}"));
    cut(&w.0)
}

fn refusal(r: Refusal) -> OpaqueReason {
    match r {
        Refusal::TooDeep(_) => OpaqueReason::TooDeep,
        Refusal::TooLarge(_) => OpaqueReason::TooLarge,
        Refusal::Malformed(what) => OpaqueReason::ParseError(what.to_string()),
    }
}

impl Analyzer {
    pub(super) fn run(command: &str) -> Analysis {
        let mut a = Analyzer {
            out: Analysis::default(),
            parses: 0,
            parsed_bytes: 0,
            tokens_left: MAX_TOTAL_TOKENS,
            items: 0,
            too_large: false,
            budget: words::Budget::default(),
            stdin_text: None,
            vars: std::collections::HashMap::new(),
            top_text: command.to_string(),
            name_counts: None,
            mentions_ifs: command.contains("IFS"),
            functions: std::collections::HashMap::new(),
            calls_walked: 0,
        };
        a.analyze_text(command, &Ctx::default());
        a.out
    }

    fn opaque(&mut self, reason: OpaqueReason, snippet: &str, ctx: &Ctx) {
        if self.out.opaque.len() >= 64 {
            return;
        }
        self.out.opaque.push(Opaque {
            reason,
            snippet: cut(snippet),
            via: ctx.via.clone(),
        });
    }

    fn analyze_text(&mut self, text: &str, ctx: &Ctx) {
        if ctx.depth > MAX_DEPTH {
            self.opaque(OpaqueReason::TooDeep, text, ctx);
            return;
        }
        self.parses += 1;
        self.parsed_bytes = self.parsed_bytes.saturating_add(text.len());
        if text.len() > MAX_INPUT || self.parses > MAX_PARSES || self.parsed_bytes > MAX_TOTAL_INPUT
        {
            self.opaque(OpaqueReason::TooLarge, text, ctx);
            return;
        }
        if text.trim().is_empty() {
            return;
        }
        match parse(
            text,
            &mut self.tokens_left,
            ctx.nesting,
            MAX_COMMANDS - self.out.commands.len().min(MAX_COMMANDS),
        ) {
            Ok((program, depth)) => {
                let mut c = ctx.clone();
                c.nesting += depth;
                for list in &program.complete_commands {
                    self.walk_list(list, &c);
                }
            }
            Err(reason) => self.opaque(reason, text, ctx),
        }
    }

    /// Convert a word, reporting it when the word budget refuses it.
    fn conv(&mut self, raw: &str, ctx: &Ctx) -> Converted {
        let c = words::convert(raw, &mut self.budget);
        self.check_budget(raw, ctx);
        c
    }

    /// [`words::scan_subs`], reporting a refusal.
    fn scan_subs(&mut self, text: &str, subs: &mut Vec<Sub>, ctx: &Ctx) -> bool {
        let expands = words::scan_subs(text, subs, &mut self.budget);
        self.check_budget(text, ctx);
        expands
    }

    fn check_budget(&mut self, text: &str, ctx: &Ctx) {
        if let Some(r) = self.budget.refused.take() {
            self.opaque(refusal(r), text, ctx);
        }
    }

    /// Room for `n` more reported items (arguments, redirections…)?
    fn room(&mut self, n: usize, snippet: &str, ctx: &Ctx) -> bool {
        self.items = self.items.saturating_add(n);
        if self.items <= MAX_ITEMS {
            return true;
        }
        if !self.too_large {
            self.too_large = true;
            self.opaque(OpaqueReason::TooLarge, snippet, ctx);
        }
        false
    }

    /// Parse `text` as a nested script.
    fn nested(&mut self, text: &str, ctx: &Ctx, label: impl Into<String>) {
        let mut c = ctx.nested(label);
        c.depth += 1;
        self.analyze_text(text, &c);
    }

    fn walk_list(&mut self, list: &ast::CompoundList, ctx: &Ctx) {
        for item in &list.0 {
            if self.too_large {
                // Already opaque: the rest would only cost time.
                return;
            }
            if matches!(item.1, ast::SeparatorOperator::Async) && !ctx.background {
                let mut c = ctx.clone();
                c.background = true;
                self.walk_and_or(&item.0, &c);
            } else {
                self.walk_and_or(&item.0, ctx);
            }
        }
    }

    fn walk_and_or(&mut self, list: &ast::AndOrList, ctx: &Ctx) {
        self.walk_pipeline(&list.first, ctx);
        let later = Ctx {
            conditional: true,
            ..ctx.clone()
        };
        for next in &list.additional {
            match next {
                ast::AndOr::And(p) | ast::AndOr::Or(p) => self.walk_pipeline(p, &later),
            }
        }
    }

    fn walk_pipeline(&mut self, pipeline: &ast::Pipeline, ctx: &Ctx) {
        let mut prev: Option<Head> = None;
        let piped;
        let ctx = if pipeline.seq.len() > 1 || ctx.background {
            piped = Ctx {
                conditional: true,
                ..ctx.clone()
            };
            &piped
        } else {
            ctx
        };
        for cmd in &pipeline.seq {
            self.stdin_text = prev.as_ref().and_then(|left| self.text_printed_by(left));
            let head = self.walk_command(cmd, ctx);
            self.stdin_text = None;
            if let Some(left) = &prev {
                for &i in &left.members {
                    if self.out.commands[i].piped_into.is_none() {
                        self.out.commands[i].piped_into = head.name.clone();
                    }
                }
                for &i in &head.members {
                    if self.out.commands[i].piped_from.is_none() {
                        self.out.commands[i].piped_from = left.name.clone();
                    }
                }
                if head.stdin_script {
                    self.script_from_pipe(left, &head, ctx);
                }
            }
            prev = Some(head);
        }
    }

    /// What `left` prints, when the command line spells it out: a literal
    /// `echo`/`printf`, or `cat` of a here-document or here-string.
    fn text_printed_by(&self, left: &Head) -> Option<String> {
        let cmd = self.out.commands.get(left.primary?)?;
        match cmd.program.as_str() {
            "echo" | "printf" => printed_text(cmd),
            "cat" if cmd.args.is_empty() => cmd
                .redirects
                .iter()
                .find(|r| matches!(r.op.as_str(), "<<" | "<<-" | "<<<"))
                .filter(|r| r.target.literal)
                .map(|r| r.target.text.clone()),
            _ => None,
        }
    }

    /// The items `xargs`/`parallel` read from stdin: the words (or, with
    /// `by_line`, the lines) of the text piped in, or one unknown item.
    fn stdin_items(&mut self, by_line: bool) -> Vec<Word> {
        match self.stdin_text.take() {
            Some(text) if by_line && !text.trim().is_empty() => text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(Word::literal)
                .collect(),
            Some(text) if !text.trim().is_empty() => {
                text.split_whitespace().map(Word::literal).collect()
            }
            _ => vec![Word {
                text: UNKNOWN_INPUT.into(),
                literal: false,
            }],
        }
    }

    /// `left | sh`: what the shell runs is what `left` prints.
    fn script_from_pipe(&mut self, left: &Head, right: &Head, ctx: &Ctx) {
        let shell = right.name.clone().unwrap_or_default();
        let snippet = format!("{} | {}", left.snippet, right.snippet);
        let Some(idx) = left.primary else {
            self.opaque(OpaqueReason::ShellOfNonLiteral, &snippet, ctx);
            return;
        };
        let cmd = self.out.commands[idx].clone();
        let label = if shell == "ssh" { "ssh" } else { "pipe-to-sh" };
        match cmd.program.as_str() {
            "echo" | "printf" => match printed_text(&cmd) {
                Some(text) => self.nested(&text, ctx, label),
                None => self.opaque(OpaqueReason::ShellOfNonLiteral, &snippet, ctx),
            },
            "cat" if cmd.args.is_empty() => {
                if let Some(r) = cmd
                    .redirects
                    .iter()
                    .find(|r| matches!(r.op.as_str(), "<<" | "<<-" | "<<<"))
                {
                    self.nested(&r.target.text.clone(), ctx, label);
                }
            }
            // Reading a file or a download: the content is unknown but not
            // hidden; rules see `piped_into` (e.g. `curl … | sh`).
            "cat" | "curl" | "wget" | "fetch" | "aria2c" | "http" | "https" | "xh" | "tee" => {}
            p if is_decoder(p, &cmd) => {
                self.opaque(OpaqueReason::EncodedPayloadToShell, &snippet, ctx)
            }
            _ => self.opaque(OpaqueReason::ShellOfNonLiteral, &snippet, ctx),
        }
    }

    fn walk_command(&mut self, cmd: &ast::Command, ctx: &Ctx) -> Head {
        match cmd {
            ast::Command::Simple(sc) => self.walk_simple(sc, ctx),
            ast::Command::Compound(cc, redirects) => {
                let mut c = ctx.clone();
                c.conditional = true;
                if let Some(list) = redirects {
                    for r in &list.0 {
                        let (red, pending) = self.convert_redirect(r, ctx);
                        c.redirects.push(red);
                        self.walk_pending(pending, ctx, None);
                    }
                }
                let start = self.out.commands.len();
                self.walk_compound(cc, &c);
                let members = (start..self.out.commands.len())
                    .filter(|&i| self.out.commands[i].via.len() == ctx.via.len())
                    .collect();
                Head {
                    members,
                    snippet: snippet(cc),
                    ..Head::default()
                }
            }
            ast::Command::Function(f) => {
                let name = self.conv(&f.fname.value, ctx).first().0.text;
                self.out.functions.push(name.clone());
                if ctx.depth == 0 && ctx.via.is_empty() && ctx.in_function.is_none() {
                    let def = (!self.functions.contains_key(&name)).then(|| f.clone());
                    self.functions.insert(name.clone(), def);
                }
                let mut c = ctx.clone();
                c.in_function = Some(name);
                c.background = false;
                c.conditional = true;
                if let Some(list) = &f.body.1 {
                    for r in &list.0 {
                        let (red, pending) = self.convert_redirect(r, ctx);
                        c.redirects.push(red);
                        self.walk_pending(pending, ctx, None);
                    }
                }
                self.walk_compound(&f.body.0, &c);
                Head::default()
            }
            ast::Command::ExtendedTest(test, _) => {
                self.walk_test(&test.expr, ctx);
                Head::default()
            }
        }
    }

    fn walk_test(&mut self, e: &ast::ExtendedTestExpr, ctx: &Ctx) {
        match e {
            ast::ExtendedTestExpr::And(a, b) | ast::ExtendedTestExpr::Or(a, b) => {
                self.walk_test(a, ctx);
                self.walk_test(b, ctx);
            }
            ast::ExtendedTestExpr::Not(a) | ast::ExtendedTestExpr::Parenthesized(a) => {
                self.walk_test(a, ctx)
            }
            ast::ExtendedTestExpr::UnaryTest(_, w) => self.walk_word_subs(&w.value, ctx),
            ast::ExtendedTestExpr::BinaryTest(_, a, b) => {
                self.walk_word_subs(&a.value, ctx);
                self.walk_word_subs(&b.value, ctx);
            }
        }
    }

    /// Walk only the substitutions of a word (for, case, test operands).
    fn walk_word_subs(&mut self, raw: &str, ctx: &Ctx) {
        if raw.contains('$') || raw.contains('`') {
            let subs = self.conv(raw, ctx).subs;
            self.walk_pending(
                Pending {
                    subs,
                    procsubs: Vec::new(),
                },
                ctx,
                None,
            );
        }
    }

    fn walk_arith(&mut self, text: &str, ctx: &Ctx) {
        let mut subs = Vec::new();
        self.scan_subs(text, &mut subs, ctx);
        self.walk_pending(
            Pending {
                subs,
                procsubs: Vec::new(),
            },
            ctx,
            None,
        );
    }

    fn walk_compound(&mut self, cc: &ast::CompoundCommand, ctx: &Ctx) {
        use ast::CompoundCommand as C;
        match cc {
            C::Arithmetic(a) => self.walk_arith(&a.expr.value, ctx),
            C::ArithmeticForClause(f) => {
                for e in [&f.initializer, &f.condition, &f.updater]
                    .into_iter()
                    .flatten()
                {
                    self.walk_arith(&e.value, ctx);
                }
                self.walk_list(&f.body.list, ctx);
            }
            C::BraceGroup(b) => self.walk_list(&b.list, ctx),
            C::Subshell(s) => self.walk_list(&s.list, ctx),
            C::ForClause(f) => {
                for w in f.values.iter().flatten() {
                    self.walk_word_subs(&w.value, ctx);
                }
                // `for d in ~ /srv; do rm -rf "$d"; done`: a few literal
                // values, the variable set nowhere else: one pass per value.
                let mut values = Vec::new();
                let mut literal = f.values.is_some() && ctx.bindings.is_empty();
                for w in f.values.iter().flatten() {
                    if !literal {
                        break;
                    }
                    for word in self.conv(&w.value, ctx).words {
                        literal &= word.literal;
                        values.push(word.text);
                    }
                }
                if literal
                    && (1..=MAX_UNROLLED).contains(&values.len())
                    && self.assigned_once(&f.variable_name)
                {
                    for value in values {
                        let mut c = ctx.clone();
                        c.bindings.push((f.variable_name.clone(), value));
                        self.walk_list(&f.body.list, &c);
                    }
                } else {
                    self.walk_list(&f.body.list, ctx);
                }
            }
            C::CaseClause(c) => {
                self.walk_word_subs(&c.value.value, ctx);
                for item in &c.cases {
                    for p in &item.patterns {
                        self.walk_word_subs(&p.value, ctx);
                    }
                    if let Some(list) = &item.cmd {
                        self.walk_list(list, ctx);
                    }
                }
            }
            C::IfClause(i) => {
                self.walk_list(&i.condition, ctx);
                self.walk_list(&i.then, ctx);
                for e in i.elses.iter().flatten() {
                    if let Some(cond) = &e.condition {
                        self.walk_list(cond, ctx);
                    }
                    self.walk_list(&e.body, ctx);
                }
            }
            C::WhileClause(w) | C::UntilClause(w) => {
                self.walk_list(&w.0, ctx);
                self.walk_list(&w.1.list, ctx);
            }
            C::Coprocess(c) => {
                let mut bg = ctx.clone();
                bg.background = true;
                self.walk_command(&c.body, &bg);
            }
        }
    }

    /// Walk the substitutions found in a command's words.
    fn walk_pending(&mut self, pending: Pending, ctx: &Ctx, consumer: Option<&str>) {
        for sub in pending.subs {
            let mut c = ctx.nested(sub.label);
            c.substituted_into = consumer.map(str::to_string);
            if sub.label == "$(…)" && comment_reaches_end(&sub.text) {
                // brush-parser ends `$(` at a `)` inside a comment; bash
                // reads on, to a `)` on a later line: what runs is unseen.
                self.opaque(OpaqueReason::ShellOfNonLiteral, &sub.text, &c);
                continue;
            }
            self.analyze_text(&sub.text, &c);
        }
        for (label, text) in pending.procsubs {
            let mut c = ctx.nested(label);
            c.substituted_into = consumer.map(str::to_string);
            self.analyze_text(&text, &c);
        }
    }

    fn convert_redirect(&mut self, r: &ast::IoRedirect, ctx: &Ctx) -> (Redirect, Pending) {
        let mut pending = Pending {
            subs: Vec::new(),
            procsubs: Vec::new(),
        };
        let redirect = match r {
            ast::IoRedirect::File(fd, kind, target) => {
                let target = match target {
                    ast::IoFileRedirectTarget::Filename(w)
                    | ast::IoFileRedirectTarget::Duplicate(w) => {
                        let (w, subs) = self.conv(&w.value, ctx).first();
                        pending.subs = subs;
                        w
                    }
                    ast::IoFileRedirectTarget::Fd(n) => Word::literal(n.to_string()),
                    ast::IoFileRedirectTarget::ProcessSubstitution(k, sub) => {
                        pending.procsubs.push(procsub(k, sub));
                        Word {
                            text: format!("{k}(…)"),
                            literal: false,
                        }
                    }
                };
                Redirect {
                    fd: *fd,
                    op: kind.to_string(),
                    target,
                }
            }
            ast::IoRedirect::HereDocument(fd, doc) => {
                let body = doc.doc.value.clone();
                let expands =
                    doc.requires_expansion && self.scan_subs(&body, &mut pending.subs, ctx);
                Redirect {
                    fd: *fd,
                    op: if doc.remove_tabs { "<<-" } else { "<<" }.to_string(),
                    target: Word {
                        text: body,
                        literal: !expands,
                    },
                }
            }
            ast::IoRedirect::HereString(fd, w) => {
                let (w, subs) = self.conv(&w.value, ctx).first();
                pending.subs = subs;
                Redirect {
                    fd: *fd,
                    op: "<<<".to_string(),
                    target: w,
                }
            }
            ast::IoRedirect::OutputAndError(w, append) => {
                let (w, subs) = self.conv(&w.value, ctx).first();
                pending.subs = subs;
                Redirect {
                    fd: None,
                    op: if *append { "&>>" } else { "&>" }.to_string(),
                    target: w,
                }
            }
        };
        (redirect, pending)
    }

    fn walk_simple(&mut self, sc: &ast::SimpleCommand, ctx: &Ctx) -> Head {
        let snippet = snippet(sc);
        if !self.room(ctx.redirects.len(), &snippet, ctx) {
            return Head::default();
        }
        let mut argv: Vec<Word> = Vec::new();
        let mut env = Vec::new();
        let mut redirects = ctx.redirects.clone();
        let mut pending = Pending {
            subs: Vec::new(),
            procsubs: Vec::new(),
        };
        let mut acc = Acc {
            argv: &mut argv,
            env: &mut env,
            redirects: &mut redirects,
            pending: &mut pending,
        };
        for item in sc.prefix.iter().flat_map(|p| p.0.iter()) {
            self.take_item(item, true, &mut acc, ctx);
        }
        if let Some(w) = &sc.word_or_name {
            let conv = self.conv(&w.value, ctx);
            acc.argv.extend(conv.words);
            acc.pending.subs.extend(conv.subs);
        }
        for item in sc.suffix.iter().flat_map(|s| s.0.iter()) {
            self.take_item(item, false, &mut acc, ctx);
        }

        if argv.is_empty() {
            // `x=value` alone: it sets a shell variable.
            for (name, value) in &env {
                self.record_assignment(name, value, ctx);
            }
        }
        let argv = self.substitute(argv, ctx);
        // Redirection targets too (`x=~/.bashrc; echo y >> $x`), not
        // here-document bodies.
        let targets = redirects.iter().map(|r| r.target.clone()).collect();
        for (r, target) in redirects.iter_mut().zip(self.substitute(targets, ctx)) {
            if !matches!(r.op.as_str(), "<<" | "<<-") {
                r.target = target;
            }
        }
        self.read_assignment(&argv, &redirects, ctx);
        self.call_function(&argv, ctx);
        let head = self.resolve(argv, env, redirects, ctx, &snippet);
        let consumer = head.name.clone();
        self.walk_pending(pending, ctx, consumer.as_deref());
        head
    }

    /// Track `name=value` when the analysis can follow it: at the top level
    /// of the command line (not in a nested shell, a condition, a pipeline,
    /// a loop or a function), the name assigned nowhere else, the value
    /// literal (or `$(mktemp …)`, a fresh temp path).
    fn record_assignment(&mut self, name: &str, value: &str, ctx: &Ctx) {
        let followed = !ctx.conditional
            && ctx.depth == 0
            && ctx.via.is_empty()
            && !self.vars.contains_key(name)
            && self.assigned_once(name);
        let known = if !followed {
            None
        } else if is_plain_mktemp(value) {
            Some("/tmp/tmp.XXXXXXXXXX".to_string())
        } else if value.contains(['$', '`']) {
            None
        } else {
            // Tilde expansion happens in assignments: `x=~/a`.
            Some(value.to_string())
        };
        self.vars.insert(name.to_string(), known);
    }

    /// The text `head` reads on stdin, when the line spells it out: its
    /// here-document or here-string, or what a literal `echo`/`printf` on
    /// its left prints; with whether it is literal.
    fn stdin_input(&mut self, head: &Head) -> Option<(String, bool)> {
        let redirected = head.primary.and_then(|k| {
            self.out.commands[k]
                .redirects
                .iter()
                .rev()
                .find(|r| matches!(r.op.as_str(), "<<" | "<<-" | "<<<"))
                .map(|r| (r.target.text.clone(), r.target.literal))
        });
        redirected.or_else(|| self.stdin_text.take().map(|t| (t, true)))
    }

    /// `read [-r] name <<< word`: `name` holds the word (one line, read's
    /// trimming done), tracked like an assignment.
    fn read_assignment(&mut self, argv: &[Word], redirects: &[Redirect], ctx: &Ctx) {
        let [read, rest @ ..] = argv else { return };
        if read.text != "read" || !argv.iter().all(|w| w.literal) {
            return;
        }
        let names: Vec<&Word> = rest.iter().filter(|w| w.text != "-r").collect();
        let [name] = names[..] else { return };
        // The here-string must be all read's stdin: no other redirection
        // of fd 0 after or beside it (`<<< a < file`, `0< <(…)`).
        let stdin: Vec<&Redirect> = redirects
            .iter()
            .filter(|r| r.fd == Some(0) || r.fd.is_none() && r.op.starts_with('<'))
            .collect();
        let [input] = stdin[..] else { return };
        if input.op != "<<<" {
            return;
        }
        let value = input.target.text.trim_matches([' ', '\t', '\n']);
        // Without -r, read would undo backslashes: none may be there.
        if input.target.literal && !value.contains(['\n', '\\']) && !name.text.starts_with('-') {
            self.record_assignment(&name.text, value, ctx);
        }
    }

    /// `f ~` where the top level defines `f(){ rm -rf "$1"; }` once: the
    /// body walked again with `$1`, `$2`… bound to the literal arguments (a
    /// few calls per command line, no recursion into a function being
    /// walked).
    fn call_function(&mut self, argv: &[Word], ctx: &Ctx) {
        let [name, args @ ..] = argv else { return };
        if !name.literal
            || ctx.depth != 0
            || !ctx.via.is_empty()
            || ctx.in_function.as_deref() == Some(name.text.as_str())
            || args.len() > 10
            || !args.iter().all(|w| w.literal)
            || self.calls_walked >= MAX_UNROLLED
        {
            return;
        }
        let Some(Some(def)) = self.functions.get(&name.text).cloned() else {
            return;
        };
        if rebinds_positionals(&def.to_string()) {
            return;
        }
        self.calls_walked += 1;
        let mut c = ctx.clone();
        c.in_function = Some(name.text.clone());
        c.background = false;
        c.conditional = true;
        c.bindings = args
            .iter()
            .enumerate()
            .map(|(k, w)| ((k + 1).to_string(), w.text.clone()))
            .collect();
        if let Some(list) = &def.body.1 {
            for r in &list.0 {
                let (red, _) = self.convert_redirect(r, ctx);
                c.redirects.push(red);
            }
        }
        self.walk_compound(&def.body.0, &c);
    }

    /// `name` appears once in the command line other than as `$name` or
    /// `${name…}`: its assignment. `read name`, `for name in`, `export name`,
    /// `unset name`, a second assignment or an `eval` that assigns it would
    /// each show it again.
    fn assigned_once(&mut self, name: &str) -> bool {
        // Counted once per analysis: a line of many assignments must not
        // scan itself once per name.
        let counts = self
            .name_counts
            .get_or_insert_with(|| count_names(&self.top_text));
        counts.get(name) == Some(&1)
    }

    /// The words with tracked variables put in (top level only: a nested
    /// shell does not see unexported variables).
    ///
    /// A word no longer says whether an expansion in it was quoted, so a
    /// value the shell would split or that splitting could change is not
    /// put in: one with whitespace (`x="rm -rf /"; $x` runs `rm`), or any
    /// value when the command line mentions `IFS`. Such uses stay run-time
    /// values.
    fn substitute(&self, argv: Vec<Word>, ctx: &Ctx) -> Vec<Word> {
        let top = (ctx.depth == 0 && ctx.via.is_empty() || ctx.top_shell) && !self.vars.is_empty();
        if !top && ctx.bindings.is_empty() || self.mentions_ifs {
            return argv;
        }
        let splits = |value: &str| value.contains([' ', '\t', '\n']);
        argv.into_iter()
            .map(|w| {
                if w.literal || !w.text.contains('$') {
                    return w;
                }
                let mut text = w.text.clone();
                for (name, value) in &ctx.bindings {
                    if !splits(value) {
                        text = put_variable(&text, name, value);
                    }
                }
                // Only the names the word uses: a line may track thousands.
                let used = if top {
                    referenced_names(&text)
                } else {
                    Vec::new()
                };
                for name in used {
                    let Some(Some(value)) = self.vars.get(&name) else {
                        continue;
                    };
                    if !splits(value) {
                        text = put_variable(&text, &name, value);
                    }
                }
                let literal = !text.contains(['$', '`']);
                Word { text, literal }
            })
            .collect()
    }

    fn take_item(
        &mut self,
        item: &ast::CommandPrefixOrSuffixItem,
        in_prefix: bool,
        acc: &mut Acc<'_>,
        ctx: &Ctx,
    ) {
        match item {
            ast::CommandPrefixOrSuffixItem::IoRedirect(r) => {
                let (red, p) = self.convert_redirect(r, ctx);
                acc.redirects.push(red);
                acc.pending.subs.extend(p.subs);
                acc.pending.procsubs.extend(p.procsubs);
            }
            ast::CommandPrefixOrSuffixItem::Word(w) => {
                let conv = self.conv(&w.value, ctx);
                acc.argv.extend(conv.words);
                acc.pending.subs.extend(conv.subs);
            }
            ast::CommandPrefixOrSuffixItem::AssignmentWord(a, w) => {
                if in_prefix {
                    let value = match &a.value {
                        ast::AssignmentValue::Scalar(v) => {
                            let (v, subs) = self.conv(&v.value, ctx).first();
                            acc.pending.subs.extend(subs);
                            v.text
                        }
                        ast::AssignmentValue::Array(items) => {
                            for (k, v) in items {
                                for word in k.iter().chain(std::iter::once(v)) {
                                    let subs = self.conv(&word.value, ctx).subs;
                                    acc.pending.subs.extend(subs);
                                }
                            }
                            "(…)".to_string()
                        }
                    };
                    let name = match &a.name {
                        ast::AssignmentName::VariableName(n) => n.clone(),
                        ast::AssignmentName::ArrayElementName(n, i) => format!("{n}[{i}]"),
                    };
                    acc.env.push((name, value));
                } else {
                    // `export X=$(…)`, `declare -a y=(…)`: an argument.
                    let conv = self.conv(&w.value, ctx);
                    acc.argv.extend(conv.words);
                    acc.pending.subs.extend(conv.subs);
                }
            }
            ast::CommandPrefixOrSuffixItem::ProcessSubstitution(k, sub) => {
                acc.pending.procsubs.push(procsub(k, sub));
                acc.argv.push(Word {
                    text: format!("{k}(…)"),
                    literal: false,
                });
            }
        }
    }

    fn emit(
        &mut self,
        argv: &[Word],
        env: Vec<(String, String)>,
        redirects: Vec<Redirect>,
        via: &[String],
        ctx: &Ctx,
        snippet: &str,
    ) -> Option<usize> {
        if self.out.commands.len() >= MAX_COMMANDS {
            if !self.too_large {
                self.too_large = true;
                self.opaque(OpaqueReason::TooLarge, snippet, ctx);
            }
            return None;
        }
        // The inherited redirections were counted by `walk_simple`.
        let own = redirects.len().saturating_sub(ctx.redirects.len());
        if !self.room(argv.len() + own + env.len(), snippet, ctx) {
            return None;
        }
        let (program_path, args) = match argv.split_first() {
            Some((p, rest)) => (p.text.clone(), rest.to_vec()),
            None => (String::new(), Vec::new()),
        };
        self.out.commands.push(SimpleCommand {
            program: basename(&program_path).to_string(),
            program_path,
            args,
            redirects,
            env,
            via: via.to_vec(),
            piped_into: None,
            piped_from: None,
            substituted_into: ctx.substituted_into.clone(),
            background: ctx.background,
            in_function: ctx.in_function.clone(),
            snippet: snippet.to_string(),
        });
        Some(self.out.commands.len() - 1)
    }

    fn plain(
        &mut self,
        argv: &[Word],
        env: Vec<(String, String)>,
        redirects: Vec<Redirect>,
        via: &[String],
        ctx: &Ctx,
        snippet: &str,
    ) -> Head {
        let primary = self.emit(argv, env, redirects, via, ctx, snippet);
        Head {
            name: argv.first().map(|w| basename(&w.text).to_string()),
            primary,
            members: primary.into_iter().collect(),
            stdin_script: false,
            snippet: snippet.to_string(),
        }
    }

    /// Resolve wrappers and nested shells; report the command(s).
    fn resolve(
        &mut self,
        mut argv: Vec<Word>,
        mut env: Vec<(String, String)>,
        redirects: Vec<Redirect>,
        ctx: &Ctx,
        snippet: &str,
    ) -> Head {
        let mut via = ctx.via.clone();
        let mut i = 0;
        loop {
            let Some(first) = argv.get(i) else {
                if i == 0 && redirects.len() > ctx.redirects.len() {
                    // Redirections only: `> /dev/sda`.
                    return self.plain(&[], env, redirects, &via, ctx, snippet);
                }
                return Head {
                    snippet: snippet.to_string(),
                    ..Head::default()
                };
            };
            // A program named by an expansion, or by a glob (`/???/?m`,
            // `/usr/bin/r?`): which one runs is only known at run time.
            let globbed =
                !matches!(first.text.as_str(), "[" | "[[") && first.text.contains(['*', '?', '[']);
            if !first.literal || globbed {
                self.opaque(
                    OpaqueReason::DynamicProgram(first.text.clone()),
                    snippet,
                    ctx,
                );
                return Head {
                    snippet: snippet.to_string(),
                    ..Head::default()
                };
            }
            let name = basename(&first.text).to_string();
            let rest = &argv[i + 1..];
            let vctx = Ctx {
                via: via.clone(),
                ..ctx.clone()
            };
            // `flock FILE -c 'cmd'` runs a string, not the words after it.
            let flock_string = name == "flock"
                && rest.iter().any(|w| {
                    let t = w.text.as_str();
                    t == "--command"
                        || t.starts_with("--command=")
                        || (t.starts_with('-') && !t.starts_with("--") && t.contains('c'))
                });
            if let Some(spec) = wrappers::spec(&name).filter(|_| !flock_string) {
                match wrappers::skip(spec, rest, &mut env) {
                    Skip::Command(n) if n < rest.len() => {
                        if name == "xargs" {
                            // The command runs with what xargs reads as its arguments.
                            let (replace, from_file) = xargs_input_options(&rest[..n]);
                            let items = if from_file {
                                vec![Word {
                                    text: UNKNOWN_INPUT.into(),
                                    literal: false,
                                }]
                            } else {
                                // With a replace string, each line is one item.
                                self.stdin_items(replace.is_some())
                            };
                            let fed = feed_input(&argv[i + 1 + n..], replace.as_deref(), &items);
                            argv.truncate(i + 1 + n);
                            argv.extend(fed);
                        }
                        via.push(name);
                        i += 1 + n;
                        continue;
                    }
                    Skip::SplitString { text, rest: after } => {
                        let mut script = text.text.clone();
                        let mut literal = text.literal;
                        for w in &rest[after.min(rest.len())..] {
                            script.push(' ');
                            script.push_str(&w.text);
                            literal &= w.literal;
                        }
                        return self.run_string(&name, "env -S", &script, literal, &vctx, snippet);
                    }
                    // No command follows, or an option says none runs.
                    _ => return self.plain(&argv[i..], env, redirects, &via, ctx, snippet),
                }
            }
            return match name.as_str() {
                n if is_shell(n) => self.resolve_shell(&argv[i..], env, redirects, &vctx, snippet),
                "eval" => {
                    let literal = rest.iter().all(|w| w.literal);
                    let text = join(rest);
                    if literal {
                        self.nested(&text, &vctx, "eval");
                    } else {
                        self.opaque(OpaqueReason::EvalOfNonLiteral, snippet, &vctx);
                    }
                    named(name, snippet)
                }
                // Options whose value is a command a shell runs:
                // `script -c`, `flock FILE -c`, `tar --to-command=`,
                // `tar --checkpoint-action=exec=`, `git -c alias.x='!…'`,
                // `git -c core.sshCommand=…`, `vim -c '!…'`.
                "script" | "flock" | "tar" | "gtar" | "bsdtar" | "git" | "vim" | "vi" | "nvim"
                | "ex" | "view" => {
                    let mut carried = command_options(&name, rest);
                    if name == "git" {
                        carried.extend(git_env_commands(&env));
                    }
                    for (label, text, literal) in carried {
                        self.run_string(&name, &label, &text, literal, &vctx, snippet);
                    }
                    self.plain(&argv[i..], env, redirects, &via, ctx, snippet)
                }
                // `make -f - <<< $'all:\n\trm -rf ~'`: the recipes of a
                // makefile read from stdin run in a shell.
                "make" | "gmake" if makefile_from_stdin(rest) => {
                    let head = self.plain(&argv[i..], env, redirects, &via, ctx, snippet);
                    match self.stdin_input(&head) {
                        Some((text, literal)) => {
                            for recipe in text.lines().filter_map(recipe_of) {
                                let recipe = recipe.trim_start_matches(['@', '-', '+']);
                                self.run_string(
                                    &name,
                                    "make recipe",
                                    recipe,
                                    literal,
                                    &vctx,
                                    snippet,
                                );
                            }
                        }
                        None => self.opaque(OpaqueReason::ShellOfNonLiteral, snippet, &vctx),
                    }
                    head
                }
                // `alias x='rm -rf ~'`: the value is shell text that runs
                // wherever the alias is used (`shopt -s expand_aliases`,
                // a later line): judged as if it ran.
                "alias" => {
                    for w in rest {
                        if let Some((_, value)) = w.text.split_once('=') {
                            self.run_string(&name, "alias", value, w.literal, &vctx, snippet);
                        }
                    }
                    self.plain(&argv[i..], env, redirects, &via, ctx, snippet)
                }
                "trap" => {
                    match rest.first() {
                        Some(w) if !w.text.starts_with('-') && rest.len() > 1 => {
                            self.run_string(&name, "trap", &w.text, w.literal, &vctx, snippet);
                        }
                        _ => {}
                    }
                    named(name, snippet)
                }
                "ssh" => {
                    let host = wrappers::skip_simple_options(rest, "BbcDEeFIiJLlmOoPpQRSWw", &[]);
                    let cmd = rest.get(host + 1..).unwrap_or(&[]);
                    if cmd.is_empty() {
                        let mut head = self.plain(&argv[i..], env, redirects, &via, ctx, snippet);
                        head.stdin_script = true;
                        self.heredoc_script(&mut head, &vctx, "ssh");
                        return head;
                    }
                    // The ssh command itself is reported too: its host matters.
                    let head = self.plain(&argv[i..], env, redirects, &via, ctx, snippet);
                    let literal = cmd.iter().all(|w| w.literal);
                    self.run_string(&name, "ssh", &join(cmd), literal, &vctx, snippet);
                    head
                }
                // `docker run -v /:/host alpine rm -rf /host/etc`: what the
                // container does to host directories it mounts.
                "docker" | "podman" | "nerdctl" => {
                    let head = self.plain(&argv[i..], env, redirects, &via, ctx, snippet);
                    if let Some((text, literal)) = container::host_view(rest) {
                        let label = format!("{name} run");
                        self.run_string(&name, &label, &text, literal, &vctx, snippet);
                    }
                    head
                }
                "su" | "runuser" => {
                    let pos = rest.iter().position(|w| {
                        w.text == "-c" || w.text == "--command" || w.text.starts_with("--command=")
                    });
                    match pos {
                        Some(p) => {
                            let w = &rest[p];
                            let (text, literal) = match w.text.strip_prefix("--command=") {
                                Some(t) => (t.to_string(), w.literal),
                                None => match rest.get(p + 1) {
                                    Some(s) => (s.text.clone(), s.literal),
                                    None => return named(name, snippet),
                                },
                            };
                            let label = format!("{name} -c");
                            self.run_string(&name, &label, &text, literal, &vctx, snippet)
                        }
                        // `runuser -u root -- rm -rf /etc` runs the command.
                        None if name == "runuser"
                            && rest
                                .iter()
                                .any(|w| w.text == "-u" || w.text.starts_with("--user")) =>
                        {
                            let start = wrappers::skip_simple_options(
                                rest,
                                "ugG",
                                &["--user", "--group", "--supp-group"],
                            );
                            if start >= rest.len() {
                                return self.plain(&argv[i..], env, redirects, &via, ctx, snippet);
                            }
                            via.push(name);
                            i += 1 + start;
                            continue;
                        }
                        None => self.plain(&argv[i..], env, redirects, &via, ctx, snippet),
                    }
                }
                // `crontab - <<< '* * * * * rm -rf ~'`, `echo … | crontab`:
                // the table read from stdin; each entry's command is shell.
                "crontab"
                    if {
                        let start = wrappers::skip_simple_options(rest, "u", &[]);
                        let listing = rest[..start.min(rest.len())].iter().any(|w| {
                            w.text
                                .strip_prefix('-')
                                .is_some_and(|o| !o.starts_with('u') && o.contains(['l', 'r', 'e']))
                        });
                        !listing && rest.get(start).is_none_or(|w| w.text == "-")
                    } =>
                {
                    let head = self.plain(&argv[i..], env, redirects, &via, ctx, snippet);
                    if let Some((text, literal)) = self.stdin_input(&head) {
                        for entry in text.lines().filter_map(cron_command) {
                            self.run_string(&name, "crontab", entry, literal, &vctx, snippet);
                        }
                    }
                    head
                }
                // `at now <<< 'rm -rf ~'`, `echo … | batch`: the commands
                // come from standard input.
                "at" | "batch"
                    if !rest.iter().any(|w| {
                        w.text.starts_with('-')
                            && w.text[1..].contains(['f', 'l', 'r', 'd', 'c', 'V'])
                    }) =>
                {
                    let mut head = self.plain(&argv[i..], env, redirects, &via, ctx, snippet);
                    head.stdin_script = true;
                    self.heredoc_script(&mut head, &vctx, "at");
                    head
                }
                "watch" => {
                    let start = wrappers::skip_simple_options(
                        rest,
                        "nq",
                        &["--interval", "--equexit", "--differences"],
                    );
                    let exec = rest[..start].iter().any(|w| {
                        w.text == "--exec"
                            || (w.text.starts_with('-')
                                && !w.text.starts_with("--")
                                && w.text.contains('x'))
                    });
                    let cmd = &rest[start..];
                    if cmd.is_empty() {
                        return self.plain(&argv[i..], env, redirects, &via, ctx, snippet);
                    }
                    if exec {
                        via.push(name);
                        i += 1 + start;
                        continue;
                    }
                    let literal = cmd.iter().all(|w| w.literal);
                    self.run_string(&name, "watch", &join(cmd), literal, &vctx, snippet)
                }
                "parallel" => {
                    let start = wrappers::skip_simple_options(
                        rest,
                        "jJSaIEX",
                        &[
                            "--jobs",
                            "--sshlogin",
                            "--arg-file",
                            "--delay",
                            "--timeout",
                            "--joblog",
                        ],
                    );
                    let cmd_end = rest[start..]
                        .iter()
                        .position(|w| w.text.starts_with(":::"))
                        .map_or(rest.len(), |p| start + p);
                    let raw = &rest[start..cmd_end];
                    if raw.is_empty() {
                        // `parallel ::: 'cmd1' 'cmd2'`: each argument is a command.
                        for w in rest.get(cmd_end + 1..).unwrap_or(&[]) {
                            if w.text.starts_with(":::") {
                                continue;
                            }
                            self.run_string(&name, "parallel", &w.text, w.literal, &vctx, snippet);
                        }
                        return named(name, snippet);
                    }
                    // Its inputs: the words after `:::` (files after `::::`
                    // or `-a` are unknown), else what it reads from stdin.
                    let unknown = || Word {
                        text: UNKNOWN_INPUT.into(),
                        literal: false,
                    };
                    let arg_file = rest[..start]
                        .iter()
                        .any(|w| w.text == "-a" || w.text.starts_with("--arg-file"));
                    let items: Vec<Word> = if cmd_end < rest.len() {
                        let mut items = Vec::new();
                        let mut from_file = false;
                        for w in &rest[cmd_end..] {
                            match w.text.as_str() {
                                ":::" | ":::+" => from_file = false,
                                "::::" | "::::+" => from_file = true,
                                _ if from_file => items.push(unknown()),
                                _ => items.push(w.clone()),
                            }
                        }
                        items
                    } else if arg_file {
                        vec![unknown()]
                    } else {
                        self.stdin_items(true)
                    };
                    if raw.len() == 1 && raw[0].text.contains(char::is_whitespace) {
                        // `parallel 'rm -rf {}' ::: x`: a script per input.
                        let mut script = feed_input(raw, Some("{}"), &items);
                        let mut text = script.remove(0);
                        for extra in script {
                            text.text.push(' ');
                            text.text.push_str(&extra.text);
                            text.literal &= extra.literal;
                        }
                        return self.run_string(
                            &name,
                            "parallel",
                            &text.text,
                            text.literal,
                            &vctx,
                            snippet,
                        );
                    }
                    let cmd = feed_input(raw, Some("{}"), &items);
                    via.push(name);
                    let sub: Vec<Word> = cmd.to_vec();
                    let c = Ctx {
                        via: via.clone(),
                        ..ctx.clone()
                    };
                    let head = self.resolve(sub, env, redirects, &c, snippet);
                    return head;
                }
                "find" => {
                    let head = self.plain(&argv[i..], env, redirects, &via, ctx, snippet);
                    let mut j = 0;
                    while j < rest.len() {
                        if matches!(
                            rest[j].text.as_str(),
                            "-exec" | "-execdir" | "-ok" | "-okdir"
                        ) {
                            let end = rest[j + 1..]
                                .iter()
                                .position(|w| w.text == ";" || w.text == "+")
                                .map_or(rest.len(), |p| j + 1 + p);
                            let sub = rest[j + 1..end].to_vec();
                            let mut c = vctx.clone();
                            c.via.push("find -exec".to_string());
                            c.redirects.clear();
                            self.resolve(sub, Vec::new(), Vec::new(), &c, snippet);
                            j = end;
                        }
                        j += 1;
                    }
                    head
                }
                n if inline::Lang::of(n).is_some() => {
                    let head = self.plain(&argv[i..], env, redirects, &via, ctx, snippet);
                    self.inline_code(n, rest, &head, &vctx, snippet);
                    head
                }
                _ => self.plain(&argv[i..], env, redirects, &via, ctx, snippet),
            };
        }
    }

    /// `python3 -c CODE`, `node -e CODE`, `perl <<EOF`, `echo CODE | ruby`:
    /// the shell strings the code runs are analysed as shell, and the
    /// commands it runs or amounts to are reported (see [`inline`]).
    fn inline_code(&mut self, program: &str, args: &[Word], head: &Head, ctx: &Ctx, snippet: &str) {
        let Some(lang) = inline::Lang::of(program) else {
            return;
        };
        let codes: Vec<String> = match inline::code_in(lang, program, args) {
            inline::Code::Args(codes) => codes.iter().map(|c| c.to_string()).collect(),
            inline::Code::Stdin => {
                let heredoc = head.primary.and_then(|i| {
                    self.out.commands[i]
                        .redirects
                        .iter()
                        .rev()
                        .find(|r| {
                            r.fd.is_none_or(|fd| fd == 0)
                                && matches!(r.op.as_str(), "<<" | "<<-" | "<<<")
                        })
                        .map(|r| r.target.text.clone())
                });
                heredoc
                    .or_else(|| self.stdin_text.take())
                    .into_iter()
                    .collect()
            }
            inline::Code::None => Vec::new(),
        };
        let mut c = ctx.nested(lang.label());
        c.depth += 1;
        for code in codes {
            let found = inline::read(lang, &code);
            for shell in found.shell {
                match shell {
                    Some(text) => self.nested(&text, ctx, lang.label()),
                    None => self.opaque(OpaqueReason::ShellOfNonLiteral, snippet, &c),
                }
            }
            for argv in found.commands {
                if c.depth <= MAX_DEPTH {
                    self.resolve(argv, Vec::new(), Vec::new(), &c, snippet);
                }
            }
        }
    }

    /// A wrapper runs `text` as a shell script.
    fn run_string(
        &mut self,
        program: &str,
        label: &str,
        text: &str,
        literal: bool,
        ctx: &Ctx,
        snippet: &str,
    ) -> Head {
        if literal {
            self.nested(text, ctx, label);
        } else {
            self.opaque(OpaqueReason::ShellOfNonLiteral, snippet, ctx);
        }
        named(program.to_string(), snippet)
    }

    /// `bash [options] [-c script | file] …`
    fn resolve_shell(
        &mut self,
        argv: &[Word],
        env: Vec<(String, String)>,
        redirects: Vec<Redirect>,
        ctx: &Ctx,
        snippet: &str,
    ) -> Head {
        let name = basename(&argv[0].text).to_string();
        let args = &argv[1..];
        let (mut has_c, mut has_s) = (false, false);
        let mut j = 0;
        while j < args.len() {
            let t = args[j].text.as_str();
            if t == "--" || t == "-" {
                j += 1;
                break;
            }
            if let Some(long) = t.strip_prefix("--") {
                j += if matches!(long, "rcfile" | "init-file") {
                    2
                } else {
                    1
                };
                continue;
            }
            if t.len() > 1 && (t.starts_with('-') || t.starts_with('+')) {
                let mut takes = 0;
                for c in t.chars().skip(1) {
                    match c {
                        'c' => has_c = true,
                        's' => has_s = true,
                        'o' | 'O' => takes += 1,
                        _ => {}
                    }
                }
                j += 1 + takes;
                continue;
            }
            break;
        }
        if has_c {
            return match args.get(j) {
                Some(script) => {
                    let label = format!("{name} -c");
                    // `sh -c 'rm -rf "$1"' _ ~`: `$0`, `$1`… are the words after.
                    let positional = &args[j + 1..];
                    if script.literal
                        && !positional.is_empty()
                        && positional.len() <= 10
                        && positional.iter().all(|w| w.literal && w.text != "{}")
                        && !rebinds_positionals(&script.text)
                    {
                        let mut c = ctx.nested(label);
                        c.depth += 1;
                        c.bindings = positional
                            .iter()
                            .enumerate()
                            .map(|(k, w)| (k.to_string(), w.text.clone()))
                            .collect();
                        self.analyze_text(&script.text, &c);
                        return named(name, snippet);
                    }
                    self.run_string(&name, &label, &script.text, script.literal, ctx, snippet)
                }
                None => named(name, snippet),
            };
        }
        let mut head = self.plain(argv, env, redirects, &ctx.via, ctx, snippet);
        if j >= args.len() || has_s {
            head.stdin_script = true;
            self.heredoc_script(&mut head, ctx, "sh");
        }
        head
    }

    /// A shell reading stdin from a here-document or here-string runs it.
    fn heredoc_script(&mut self, head: &mut Head, ctx: &Ctx, kind: &str) {
        let Some(idx) = head.primary else { return };
        let found = self.out.commands[idx]
            .redirects
            .iter()
            .rev()
            .find(|r| {
                r.fd.is_none_or(|fd| fd == 0) && matches!(r.op.as_str(), "<<" | "<<-" | "<<<" | "<")
            })
            .cloned();
        let Some(r) = found else { return };
        head.stdin_script = false;
        let label = match (kind, r.op.as_str()) {
            ("ssh", _) => "ssh".to_string(),
            (_, "<<<") => "herestring-to-sh".to_string(),
            (_, "<") => return,
            _ => "heredoc-to-sh".to_string(),
        };
        if r.op == "<<<" && !r.target.literal {
            self.opaque(OpaqueReason::ShellOfNonLiteral, &head.snippet.clone(), ctx);
            return;
        }
        // An unquoted here-document's expansions are done by the outer
        // shell; the inner parse sees them as expansions, which is what
        // matters (a program name from one is opaque).
        self.nested(&r.target.text, ctx, label);
    }
}

/// Parses `text`, after checking that brush-parser's recursion and
/// backtracking on it stay bounded (see [`nesting`]). Returns the program
/// and its nesting.
fn parse(
    text: &str,
    tokens_left: &mut usize,
    outer: usize,
    commands_left: usize,
) -> Result<(brush_parser::ast::Program, usize), OpaqueReason> {
    let options = words::options();
    let lexed = nesting::tokenizer_depth(text).map_err(refusal)?;
    let tokens = brush_parser::uncached_tokenize_str(text, &options.tokenizer_options())
        .map_err(|e| OpaqueReason::ParseError(cut(&e.to_string())))?;
    *tokens_left = tokens_left
        .checked_sub(tokens.len())
        .ok_or(OpaqueReason::TooLarge)?;
    let (tokens, shape) = nesting::check_tokens(tokens).map_err(refusal)?;
    if shape.commands > commands_left {
        // More commands than can be reported: opaque anyway, so unparsed.
        return Err(OpaqueReason::TooLarge);
    }
    let depth = lexed.max(shape.depth);
    if outer + depth > MAX_TOTAL_NESTING {
        return Err(OpaqueReason::TooDeep);
    }
    let program = brush_parser::parse_tokens(&tokens, options)
        .map_err(|e| OpaqueReason::ParseError(cut(&e.to_string())))?;
    Ok((program, depth))
}

fn named(name: String, snippet: &str) -> Head {
    Head {
        name: Some(name),
        snippet: snippet.to_string(),
        ..Head::default()
    }
}

/// The names `text` expands (`$name`, `${name…}`), each once.
fn referenced_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, _) in text.match_indices('$') {
        let rest = text[i + 1..].strip_prefix('{').unwrap_or(&text[i + 1..]);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// Each name (a maximal run of letters, digits and `_`) in `text`, with how
/// often it appears other than right after `$`, `${`, `${#` or `${!`.
fn count_names(text: &str) -> std::collections::HashMap<String, usize> {
    let bytes = text.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut counts = std::collections::HashMap::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_name(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_name(bytes[i]) {
            i += 1;
        }
        let before = &bytes[..start];
        let use_ = before.ends_with(b"$")
            || before.ends_with(b"${")
            || before.ends_with(b"${#")
            || before.ends_with(b"${!");
        if !use_ {
            *counts.entry(text[start..i].to_string()).or_insert(0) += 1;
        }
    }
    counts
}

/// A git setting whose value is a command git runs (besides `alias.*`,
/// which runs one only after `!`).
fn git_runs(key: &str) -> bool {
    key.starts_with("alias.")
        || matches!(
            key,
            "core.sshcommand"
                | "core.pager"
                | "core.editor"
                | "core.fsmonitor"
                | "core.hookspath"
                | "sequence.editor"
                | "diff.external"
                | "credential.helper"
                | "gpg.program"
                | "core.askpass"
        )
        || [
            ".textconv",
            ".command",
            ".cmd",
            ".clean",
            ".smudge",
            ".process",
        ]
        .iter()
        .any(|end| key.ends_with(end))
}

/// Commands git takes from its environment (`GIT_SSH_COMMAND=… git fetch`,
/// `GIT_CONFIG_KEY_0`/`GIT_CONFIG_VALUE_0` pairs), with whether each is
/// literal.
fn git_env_commands(env: &[(String, String)]) -> Vec<(String, String, bool)> {
    let literal = |v: &str| !v.contains(['$', '`']);
    let mut out = Vec::new();
    for (name, value) in env {
        let runs = matches!(
            name.as_str(),
            "GIT_SSH_COMMAND"
                | "GIT_SSH"
                | "GIT_EDITOR"
                | "GIT_SEQUENCE_EDITOR"
                | "GIT_PAGER"
                | "GIT_EXTERNAL_DIFF"
                | "GIT_ASKPASS"
                | "GIT_PROXY_COMMAND"
        );
        if runs {
            out.push((format!("git {name}"), value.clone(), literal(value)));
        }
        if let Some(n) = name.strip_prefix("GIT_CONFIG_KEY_")
            && git_runs(&value.to_ascii_lowercase())
        {
            let cmd = env
                .iter()
                .find(|(k, _)| k.strip_prefix("GIT_CONFIG_VALUE_") == Some(n))
                .map(|(_, v)| v.trim_start_matches('!').to_string());
            match cmd {
                Some(c) => {
                    let lit = literal(&c);
                    out.push(("git GIT_CONFIG".into(), c, lit));
                }
                None => out.push(("git GIT_CONFIG".into(), String::new(), false)),
            }
        }
    }
    out
}

/// `make -f -`, `-sf -`, `--file -`, `--makefile=-`, `-f /dev/stdin`: the
/// makefile is read from standard input.
fn makefile_from_stdin(args: &[Word]) -> bool {
    let stdin = |t: &str| matches!(t, "-" | "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0");
    args.iter().enumerate().any(|(k, w)| {
        let t = w.text.as_str();
        let next = args.get(k + 1).map(|n| n.text.as_str());
        let takes_file = matches!(t, "--file" | "--makefile")
            || t.starts_with('-') && !t.starts_with("--") && t.ends_with('f');
        takes_file && next.is_some_and(stdin)
            || ["--file=", "--makefile=", "-f"]
                .iter()
                .any(|p| t.strip_prefix(p).is_some_and(stdin))
    })
}

/// The shell a makefile line runs: a recipe line (after a tab), or the part
/// of a rule line after `;` (`all: ; rm -rf build`).
fn recipe_of(line: &str) -> Option<&str> {
    if let Some(recipe) = line.strip_prefix('\t') {
        return Some(recipe);
    }
    let (head, recipe) = line.split_once(';')?;
    (head.contains(':') && !head.contains('=') && !head.trim_start().starts_with('#'))
        .then_some(recipe.trim_start())
}

/// The command of one crontab line: after five time fields or an `@`
/// nickname; comments, blank lines and `NAME=value` lines have none.
fn cron_command(line: &str) -> Option<&str> {
    let line = line.trim_start();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let first = line.split_whitespace().next()?;
    if first.contains('=') && !first.starts_with(['*', '@']) {
        return None;
    }
    let fields = if first.starts_with('@') { 1 } else { 5 };
    let mut rest = line;
    for _ in 0..fields {
        rest = rest.trim_start();
        let end = rest.find(char::is_whitespace)?;
        rest = &rest[end..];
    }
    Some(rest.trim()).filter(|c| !c.is_empty())
}

/// A script that moves or resets its positional parameters (`shift`,
/// `set -- …`, `getopts`): `$1` there is not the first argument throughout.
fn rebinds_positionals(script: &str) -> bool {
    script
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| matches!(w, "shift" | "set" | "getopts"))
}

fn join(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn procsub(
    kind: &ast::ProcessSubstitutionKind,
    sub: &ast::SubshellCommand,
) -> (&'static str, String) {
    let label = match kind {
        ast::ProcessSubstitutionKind::Read => "<(…)",
        ast::ProcessSubstitutionKind::Write => ">(…)",
    };
    (label, sub.list.to_string())
}

/// Programs that turn an encoded payload into text.
fn is_decoder(program: &str, cmd: &SimpleCommand) -> bool {
    match program {
        "base64" | "base32" | "basenc" | "uudecode" | "gunzip" | "zcat" | "bunzip2" | "bzcat"
        | "unxz" | "xzcat" | "unzstd" | "zstdcat" | "rev" | "tr" => true,
        "xxd" | "gzip" | "bzip2" | "xz" | "zstd" | "openssl" | "gpg" => cmd.arg_texts().any(|a| {
            a == "-d"
                || a == "-r"
                || a == "--decode"
                || a == "-decode"
                || a == "--decompress"
                || a == "dec"
                || a.starts_with("-d")
                || a == "enc"
        }),
        _ => false,
    }
}

/// What `echo …` / `printf …` prints, when all its words are literal.
/// The shell commands `program`'s options carry, with how to name each in
/// `via` and whether it is literal.
fn command_options(program: &str, args: &[Word]) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let mut push = |label: &str, text: &str, literal: bool| {
        out.push((label.to_string(), text.to_string(), literal));
    };
    let value_of = |k: usize, prefix: &str| -> Option<(String, bool)> {
        let w = &args[k];
        match w.text.strip_prefix(prefix) {
            Some("") => args.get(k + 1).map(|v| (v.text.clone(), v.literal)),
            Some(v) => Some((v.trim_start_matches('=').to_string(), w.literal)),
            None => None,
        }
    };
    for (k, w) in args.iter().enumerate() {
        let t = w.text.as_str();
        match program {
            "script" | "flock" => {
                // `-c CMD`, also bundled as the last short option (`-qc CMD`).
                let short_c = t.len() > 1
                    && t.starts_with('-')
                    && !t.starts_with("--")
                    && t.ends_with('c')
                    && t[1..].chars().all(|c| c.is_ascii_alphabetic());
                if short_c || t == "--command" {
                    if let Some(v) = args.get(k + 1) {
                        push(&format!("{program} -c"), &v.text, v.literal);
                    }
                } else if let Some(v) = t.strip_prefix("--command=") {
                    push(&format!("{program} -c"), v, w.literal);
                }
            }
            "tar" | "gtar" | "bsdtar" => {
                const RUN: [&str; 5] = [
                    "--to-command",
                    "--use-compress-program",
                    "--info-script",
                    "--new-volume-script",
                    "--rsh-command",
                ];
                // Long options may be cut short while unambiguous
                // (`--to-com=…`), and `-I` / `-F` are the short forms.
                let name = t.split('=').next().unwrap_or(t);
                let long = name.len() >= 5 && RUN.iter().any(|full| full.starts_with(name));
                if long && let Some((v, lit)) = value_of(k, name) {
                    push("tar --to-command", &v, lit);
                }
                for short in ["-I", "-F"] {
                    if t.starts_with(short)
                        && let Some((v, lit)) = value_of(k, short)
                    {
                        push("tar --to-command", &v, lit);
                    }
                }
                if let Some(action) = t.strip_prefix("--checkpoint-action=")
                    && let Some(cmd) = action.strip_prefix("exec=")
                {
                    push("tar --checkpoint-action", cmd, w.literal);
                }
            }
            "git" => {
                // `-c key=value` before the subcommand; `--config-env
                // key=ENVVAR` takes the value from the environment.
                let setting = match t {
                    "-c" | "--config-env" => args.get(k + 1).cloned(),
                    _ => t.strip_prefix("--config-env=").map(|v| Word {
                        text: v.into(),
                        literal: w.literal,
                    }),
                };
                if let Some(v) = setting {
                    let Some((key, value)) = v.text.split_once('=') else {
                        continue;
                    };
                    let from_env = t.starts_with("--config-env");
                    let key = key.to_ascii_lowercase();
                    if from_env && git_runs(&key) {
                        push("git -c", &format!("${value}"), false);
                        continue;
                    }
                    let shell = if key.starts_with("alias.") {
                        value.strip_prefix('!')
                    } else if git_runs(&key) {
                        Some(value.strip_prefix('!').unwrap_or(value))
                    } else {
                        None
                    };
                    if let Some(cmd) = shell.filter(|c| key != "core.hookspath" || c.is_empty()) {
                        push("git -c", cmd, v.literal);
                    }
                }
            }
            // `vim -es -c '!rm -rf ~'`, `+'!…'`, `--cmd`.
            _ => {
                let cmd = if t == "-c" || t == "--cmd" {
                    args.get(k + 1).map(|v| (v.text.clone(), v.literal))
                } else {
                    t.strip_prefix('+').map(|v| (v.to_string(), w.literal))
                };
                if let Some((cmd, lit)) = cmd {
                    let cmd = cmd.trim_start_matches(':').trim_start();
                    if let Some(shell) = cmd.strip_prefix('!') {
                        push("vim !", shell, lit);
                    } else if let Some(rest) = cmd.strip_prefix("call system(") {
                        push(
                            "vim !",
                            rest.trim_end_matches(')').trim_matches(['\'', '"']),
                            lit,
                        );
                    }
                }
            }
        }
    }
    out
}

/// `$(mktemp)`, `$(mktemp -d)`, `$(mktemp -t x.XXXX)`: a new path in the
/// temp directory (no `-p`/`--tmpdir` elsewhere, no template with a `/`).
fn is_plain_mktemp(value: &str) -> bool {
    let inner = value
        .strip_prefix("$(")
        .and_then(|v| v.strip_suffix(')'))
        .or_else(|| value.strip_prefix('`').and_then(|v| v.strip_suffix('`')));
    let Some(inner) = inner else { return false };
    let mut words = inner.split_whitespace();
    words.next() == Some("mktemp")
        && words.all(|w| {
            matches!(w, "-d" | "--directory" | "-q" | "--quiet" | "-u" | "-t")
                || (!w.starts_with('-') && !w.contains(['/', '$', '`']))
        })
}

/// `xargs`'s options that decide how its input becomes arguments: the
/// replace string (`-I X`, `-i`, `--replace[=X]`, BSD `-J X`), and whether
/// it reads a file instead of stdin (`-a F`, `--arg-file=F`).
fn xargs_input_options(options: &[Word]) -> (Option<String>, bool) {
    let mut replace = None;
    let mut from_file = false;
    let mut it = options.iter().map(|w| w.text.as_str());
    while let Some(t) = it.next() {
        if let Some(long) = t.strip_prefix("--") {
            let (name, value) = long
                .split_once('=')
                .map_or((long, None), |(n, v)| (n, Some(v)));
            match name {
                "replace" => {
                    replace = Some(value.filter(|v| !v.is_empty()).unwrap_or("{}").to_string())
                }
                "arg-file" => from_file = true,
                _ => {}
            }
            continue;
        }
        let Some(cluster) = t.strip_prefix('-') else {
            continue;
        };
        for (k, c) in cluster.char_indices() {
            let attached = &cluster[k + c.len_utf8()..];
            match c {
                'I' | 'J' => {
                    let v = if attached.is_empty() {
                        it.next().unwrap_or("{}")
                    } else {
                        attached
                    };
                    replace = Some(v.to_string());
                    break;
                }
                'i' => {
                    replace = Some(if attached.is_empty() { "{}" } else { attached }.to_string());
                    break;
                }
                'a' => {
                    from_file = true;
                    break;
                }
                // Options whose value is attached or next: the rest is a value.
                'd' | 'E' | 'L' | 'n' | 'P' | 's' => {
                    if attached.is_empty() {
                        it.next();
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    (replace, from_file)
}

/// `command` run with `items` as its input arguments: put where the
/// replace string stands, or appended. With several items, or an unknown
/// one, a word holding the replace string becomes unknown.
fn feed_input(command: &[Word], replace: Option<&str>, items: &[Word]) -> Vec<Word> {
    let replaced = replace.filter(|r| command.iter().any(|w| w.text.contains(*r)));
    match replaced {
        Some(r) => command
            .iter()
            .map(|w| {
                if !w.text.contains(r) {
                    return w.clone();
                }
                match items {
                    [one] if one.literal => Word {
                        text: w.text.replace(r, &one.text),
                        literal: w.literal,
                    },
                    _ => Word {
                        text: w.text.replace(r, UNKNOWN_INPUT),
                        literal: false,
                    },
                }
            })
            .collect(),
        None => command.iter().chain(items).cloned().collect(),
    }
}

fn printed_text(cmd: &SimpleCommand) -> Option<String> {
    if !cmd.args.iter().all(|w| w.literal) {
        return None;
    }
    let args: Vec<&str> = cmd.arg_texts().collect();
    if cmd.program == "echo" {
        let mut escapes = false;
        let mut k = 0;
        while let Some(a) = args.get(k) {
            if a.len() > 1
                && a.starts_with('-')
                && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
            {
                escapes |= a.contains('e');
                k += 1;
            } else {
                break;
            }
        }
        let text = args[k..].join(" ");
        return Some(if escapes {
            words::decode_ansi_c(&text)
        } else {
            text
        });
    }
    // printf FORMAT [ARGS…]: a small subset of the format language.
    let (fmt, rest) = args.split_first()?;
    let mut out = String::new();
    let mut rest = rest.iter();
    for _round in 0..64 {
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            // Skip flags, width and precision.
            while chars.peek().is_some_and(|c| "-+ #0123456789.".contains(*c)) {
                chars.next();
            }
            match chars.next() {
                Some('%') => out.push('%'),
                Some('b') => {
                    out.push_str(&words::decode_ansi_c(rest.next().copied().unwrap_or("")))
                }
                Some(_) => out.push_str(rest.next().copied().unwrap_or("")),
                None => out.push('%'),
            }
        }
        if rest.len() == 0 {
            break;
        }
    }
    Some(words::decode_ansi_c(&out))
}

/// Whether the last line of a `$(…)` body may hold a comment, one that
/// would run past the `)` brush-parser took for its end (`$(# )`). Quotes are
/// not followed: a `#` that could start a word counts (only an odd command
/// writes one there).
fn comment_reaches_end(body: &str) -> bool {
    let last = body.rsplit('\n').next().unwrap_or(body);
    let mut prev = None;
    for c in last.chars() {
        if c == '#'
            && prev.is_none_or(|p: char| p.is_whitespace() || matches!(p, ';' | '&' | '|' | '('))
        {
            return true;
        }
        prev = Some(c);
    }
    false
}
