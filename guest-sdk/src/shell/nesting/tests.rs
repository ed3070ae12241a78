//! The scanners against brush-parser itself.

use brush_parser::ast;

use super::tokenizer::Model;
use super::*;

/// A small deterministic generator (no dependency for tests).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

fn brush_tokens(text: &str) -> Option<Vec<(String, bool)>> {
    let opts = brush_parser::TokenizerOptions::default();
    let text = text.to_string();
    let r = std::panic::catch_unwind(move || brush_parser::uncached_tokenize_str(&text, &opts));
    match r {
        Ok(Ok(tokens)) => Some(
            tokens
                .iter()
                .map(|t| (t.to_str().to_string(), matches!(t, Token::Operator(..))))
                .collect(),
        ),
        _ => None,
    }
}

fn model_tokens(text: &str) -> (Result<(), Refusal>, Vec<(String, bool)>, usize) {
    let mut m = Model::new(text, usize::MAX, true);
    let r = m.run();
    let tokens = m
        .tokens
        .take()
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.text, t.operator))
        .collect();
    (r, tokens, m.max_depth)
}

const TRICKY: &[&str] = &[
    "echo a b",
    "a&&b||c;d|e&f",
    "echo 'a b' \"c $(d e) f\" g\\ h",
    "echo $'a\\'b' $\"x\"",
    "echo $(a $(b $(c)))",
    "echo ${a:-${b:-$(c)}} $((1 + (2 * 3))) $[1+2]",
    "echo `a \\`b\\``",
    "echo @(a|b) !(x) ?(y) +(z) *(w)",
    "a # comment ) }\nb",
    "cat <<EOF\nbody $(x) }\nEOF\necho after",
    "cat <<-'EOF'\n\tbody\n\tEOF\n",
    "cat <<A <<B\na\nA\nb\nB\n",
    "x=$(cat <<EOF\nhi )\nEOF\n)",
    "git commit -m \"$(cat <<'EOF'\nFix (don't crash)\nEOF\n)\"",
    "(( a << 2 )); echo $(( 1 << 2 ))",
    "a=(1 2 3); f() { :; }",
    "case x in a) echo;; (b|c) echo;; esac",
    "[[ a =~ ^(a|b)$ ]] && echo",
    "echo ${x#\"}\"} ${y//\\}/a}",
    "echo \"a\nb\" 'c\nd'",
    "echo a\\\nb",
    "cat <<EOF x\n$(a\nEOF\n)",
    "echo $( case x in a) b;; esac )",
    "echo $(echo # )\n)",
];

#[test]
fn the_tokenizer_model_matches_brush_parser() {
    let mut cases: Vec<String> = TRICKY.iter().map(|s| s.to_string()).collect();
    let pieces = [
        "a", "b", " ", " ", "\n", "\t", "'", "\"", "\\", "$(", "$((", "${", "$[", ")", "}", "]",
        "(", "`", "<<", "<<-", "EOF", "'EOF'", "\nEOF\n", "#", ";", ";;", "|", "&", "@(", "$",
        "x=", "{", ">", "<", "!", "$'", ":-", "*(",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20000 {
        let n = 1 + rng.below(30);
        cases.push((0..n).map(|_| rng.pick(&pieces)).collect());
    }
    let (mut compared, mut refused) = (0, 0);
    for text in cases {
        let (r, mine, _) = model_tokens(&text);
        if r.is_err() {
            // Refused inputs never reach brush-parser (some make it loop).
            refused += 1;
            continue;
        }
        if let Some(theirs) = brush_tokens(&text) {
            assert_eq!(mine, theirs, "tokens of {text:?}");
            compared += 1;
        }
    }
    assert!(compared > 2000, "only {compared} comparable cases");
    assert!(refused < 200, "{refused} refused");
}

#[test]
fn tokenizer_depth_counts_nested_expansions() {
    assert_eq!(tokenizer_depth("echo a"), Ok(0));
    assert_eq!(tokenizer_depth("echo $(a $(b ${c:-$(d)}))"), Ok(4));
    assert_eq!(tokenizer_depth("echo \"$(a \"$(b)\")\""), Ok(2));
    // Quoted, commented, here-document text opens nothing.
    assert_eq!(tokenizer_depth("echo '$(a $(b' \\$(c # $(d\n"), Ok(0));
    assert_eq!(tokenizer_depth("cat <<'E'\n$($($(\nE\n"), Ok(0));
    // Closers that close nothing do not lower the count.
    let decoys = format!("{}{}", "$(echo ')' ".repeat(40), ")".repeat(40));
    assert_eq!(
        tokenizer_depth(&decoys),
        Err(Refusal::TooDeep("nested expansions"))
    );
    let deep = format!("echo {}x{}", "${a:-".repeat(100), "}".repeat(100));
    assert_eq!(
        tokenizer_depth(&deep),
        Err(Refusal::TooDeep("nested expansions"))
    );
}

#[test]
fn here_document_loops_are_refused() {
    // brush-parser 0.4's tokenizer loops forever, allocating, on an empty
    // here-document tag at the end of the input.
    for text in ["cat <<\"a$( <x$ ", "<<\" $[ <x "] {
        assert!(
            matches!(tokenizer_depth(text), Err(Refusal::TooLarge(_))),
            "{text:?}"
        );
    }
}

#[test]
fn quadratic_here_documents_are_refused() {
    let many = format!("cat {}\n{}", "<<A ".repeat(100), "A\n".repeat(100));
    assert!(matches!(tokenizer_depth(&many), Err(Refusal::TooLarge(_))));
    let long_tag = format!("cat <<'{}'\n\n", "A".repeat(100));
    assert!(matches!(
        tokenizer_depth(&long_tag),
        Err(Refusal::TooLarge(_))
    ));
    let held = format!("cat <<A {}\nA\n", "a ".repeat(1000));
    assert!(matches!(tokenizer_depth(&held), Err(Refusal::TooLarge(_))));
    assert_eq!(
        tokenizer_depth("cat <<A <<B | sort > out\na\nA\nb\nB\n"),
        Ok(0)
    );
}

// ---------------------------------------------------------------------------
// Phase 2 against the AST brush-parser builds.

fn shape_of(text: &str) -> Result<(Vec<Token>, Shape), Refusal> {
    let tokens = brush_parser::uncached_tokenize_str(text, &Default::default()).expect("tokens");
    check_tokens(tokens)
}

fn parse_checked(text: &str) -> Option<(ast::Program, Shape)> {
    let (tokens, shape) = shape_of(text).ok()?;
    let program = brush_parser::parse_tokens(&tokens, &Default::default()).ok()?;
    Some((program, shape))
}

/// The nesting of a parsed program, as the grammar built it.
fn list_depth(l: &ast::CompoundList) -> usize {
    l.0.iter()
        .flat_map(|i| {
            std::iter::once(&i.0.first).chain(i.0.additional.iter().map(|a| match a {
                ast::AndOr::And(p) | ast::AndOr::Or(p) => p,
            }))
        })
        .flat_map(|p| p.seq.iter())
        .map(command_depth)
        .max()
        .unwrap_or(0)
}

fn redirects_depth(r: Option<&ast::RedirectList>) -> usize {
    r.map_or(0, |r| r.0.iter().map(redirect_depth).max().unwrap_or(0))
}

fn redirect_depth(r: &ast::IoRedirect) -> usize {
    match r {
        ast::IoRedirect::File(_, _, ast::IoFileRedirectTarget::ProcessSubstitution(_, s)) => {
            1 + list_depth(&s.list)
        }
        _ => 0,
    }
}

fn command_depth(c: &ast::Command) -> usize {
    match c {
        ast::Command::Simple(s) => s
            .prefix
            .iter()
            .flat_map(|p| p.0.iter())
            .chain(s.suffix.iter().flat_map(|p| p.0.iter()))
            .map(|item| match item {
                ast::CommandPrefixOrSuffixItem::IoRedirect(r) => redirect_depth(r),
                ast::CommandPrefixOrSuffixItem::ProcessSubstitution(_, s) => {
                    1 + list_depth(&s.list)
                }
                _ => 0,
            })
            .max()
            .unwrap_or(0),
        ast::Command::Compound(cc, r) => compound_depth(cc).max(redirects_depth(r.as_ref())),
        // A function's body is one construct deeper, like a group.
        ast::Command::Function(f) => compound_depth(&f.body.0),
        ast::Command::ExtendedTest(t, _) => 1 + test_depth(&t.expr),
    }
}

fn test_depth(e: &ast::ExtendedTestExpr) -> usize {
    match e {
        ast::ExtendedTestExpr::And(a, b) | ast::ExtendedTestExpr::Or(a, b) => {
            1 + test_depth(a).max(test_depth(b))
        }
        ast::ExtendedTestExpr::Not(a) | ast::ExtendedTestExpr::Parenthesized(a) => {
            1 + test_depth(a)
        }
        _ => 0,
    }
}

fn compound_depth(cc: &ast::CompoundCommand) -> usize {
    use ast::CompoundCommand as C;
    1 + match cc {
        C::Arithmetic(a) => paren_depth(&a.expr.value),
        C::ArithmeticForClause(f) => list_depth(&f.body.list),
        C::BraceGroup(b) => list_depth(&b.list),
        C::Subshell(s) => list_depth(&s.list),
        C::ForClause(f) => list_depth(&f.body.list),
        C::CaseClause(c) => c
            .cases
            .iter()
            .filter_map(|i| i.cmd.as_ref())
            .map(|l| 1 + list_depth(l))
            .max()
            .unwrap_or(0),
        C::IfClause(i) => std::iter::once(&i.condition)
            .chain(std::iter::once(&i.then))
            .chain(
                i.elses
                    .iter()
                    .flatten()
                    .flat_map(|e| e.condition.iter().chain([&e.body])),
            )
            .map(list_depth)
            .max()
            .unwrap_or(0),
        C::WhileClause(w) | C::UntilClause(w) => list_depth(&w.0).max(list_depth(&w.1.list)),
        C::Coprocess(c) => command_depth(&c.body),
    }
}

fn paren_depth(s: &str) -> usize {
    let (mut d, mut max) = (0usize, 0usize);
    for c in s.chars() {
        match c {
            '(' => {
                d += 1;
                max = max.max(d);
            }
            ')' => d = d.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Random commands of every construct brush-parser nests, with reserved
/// words and closers as arguments (decoys).
fn gen_list(rng: &mut Rng, depth: usize, out: &mut String) {
    let n = 1 + rng.below(3);
    for k in 0..n {
        if k > 0 {
            out.push_str(rng.pick(&["; ", "\n", " && ", " || ", " | ", " & "]));
        }
        gen_command(rng, depth, out);
    }
}

const DECOYS: &[&str] = &[
    "}", "fi", "done", "esac", "]]", "then", "{", "if", "case", "in", "do", "!", "'}'", "\")\"",
    "x", "-f", "a=b",
];

fn gen_command(rng: &mut Rng, depth: usize, out: &mut String) {
    let kind = if depth == 0 { 0 } else { rng.below(16) };
    match kind {
        0..=3 => {
            out.push_str(rng.pick(&["echo", "cat", "rm", "a=1 echo", "time echo", "! echo"]));
            for _ in 0..rng.below(4) {
                out.push(' ');
                out.push_str(rng.pick(DECOYS));
            }
            if rng.below(5) == 0 {
                out.push_str(" <(");
                gen_list(rng, depth.saturating_sub(1), out);
                out.push(')');
            }
            if rng.below(7) == 0 {
                out.push_str(" 2> >(");
                gen_list(rng, depth.saturating_sub(1), out);
                out.push(')');
            }
            if rng.below(6) == 0 {
                out.push_str(" <<EOF\n} fi ) esac\nEOF\n");
            }
        }
        4 => {
            out.push_str("{ ");
            gen_list(rng, depth - 1, out);
            out.push_str("; }");
        }
        5 => {
            out.push('(');
            gen_list(rng, depth - 1, out);
            out.push(')');
        }
        6 => {
            out.push_str("if ");
            gen_list(rng, depth - 1, out);
            out.push_str("; then ");
            gen_list(rng, depth - 1, out);
            if rng.below(2) == 0 {
                out.push_str("; else ");
                gen_list(rng, depth - 1, out);
            }
            out.push_str("; fi");
        }
        7 => {
            out.push_str(rng.pick(&["while ", "until "]));
            gen_list(rng, depth - 1, out);
            out.push_str("; do ");
            gen_list(rng, depth - 1, out);
            out.push_str("; done");
        }
        8 => {
            out.push_str(rng.pick(&[
                "for x in a } fi; do ",
                "for x do ",
                "for ((i=0; i<(2); i++)); do ",
            ]));
            gen_list(rng, depth - 1, out);
            out.push_str("; done");
        }
        9 => {
            out.push_str("case $x in\n");
            for _ in 0..1 + rng.below(2) {
                out.push_str(rng.pick(&["a) ", "(b|c) ", "esac) ", "*) "]));
                gen_list(rng, depth - 1, out);
                out.push_str(";;\n");
            }
            if rng.below(2) == 0 {
                out.push_str("z) ");
                gen_list(rng, depth - 1, out);
                out.push('\n');
            }
            out.push_str("esac");
        }
        10 => {
            out.push_str(rng.pick(&[
                "[[ -f x && ( a == b || ! c ) ]]",
                "[[ a =~ ^(x|(y))$ ]]",
                "[[ ]] == a ]]",
                "[[ ! ! a ]]",
            ]));
        }
        11 => {
            out.push_str(rng.pick(&["f() ", "function g ", "function h() "]));
            out.push_str("{ ");
            gen_list(rng, depth - 1, out);
            out.push_str("; }");
        }
        12 => out.push_str(rng.pick(&["(( (a) + ((b)) ))", "((x++))", "( (echo a) )"])),
        13 => {
            out.push_str("coproc ");
            gen_command(rng, depth - 1, out);
        }
        14 => {
            out.push_str("{ ");
            gen_list(rng, depth - 1, out);
            out.push_str("; } > out 2>&1");
        }
        _ => {
            out.push_str("a=(1 } fi) echo $(");
            gen_list(rng, depth - 1, out);
            out.push(')');
        }
    }
}

#[test]
fn structure_is_never_shallower_than_the_ast() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let (mut parsed, mut costly) = (0, 0);
    for _ in 0..8000 {
        let mut text = String::new();
        let depth = 1 + rng.below(5);
        gen_list(&mut rng, depth, &mut text);
        let (tokens, shape) = match shape_of(&text) {
            Ok(r) => r,
            Err(Refusal::TooDeep(_)) => continue,
            // Refused for cost: conservative (a process substitution is
            // only parsed twice when it fails); rare here.
            Err(Refusal::TooLarge(_)) => {
                costly += 1;
                continue;
            }
            Err(e) => panic!("{text:?}: {e:?}"),
        };
        let Ok(program) = brush_parser::parse_tokens(&tokens, &Default::default()) else {
            continue;
        };
        // Input brush-parser reads, the reader reads too.
        assert!(!shape.frozen, "{text:?} froze the reader");
        let real = program
            .complete_commands
            .iter()
            .map(list_depth)
            .max()
            .unwrap_or(0);
        assert!(
            shape.depth >= real,
            "{text:?}: measured {} < AST {real}",
            shape.depth
        );
        parsed += 1;
        // Mutated: a token dropped or repeated. Wherever it still parses,
        // the bound still holds.
        let words: Vec<&str> = text.split(' ').collect();
        let cut = rng.below(words.len());
        let mut mutated: Vec<&str> = words.clone();
        if rng.below(2) == 0 {
            mutated.remove(cut);
        } else {
            mutated.insert(cut, words[cut]);
        }
        let mutated = mutated.join(" ");
        let Ok(tokens) = brush_parser::uncached_tokenize_str(&mutated, &Default::default()) else {
            continue;
        };
        if let Ok((tokens, shape)) = check_tokens(tokens)
            && let Ok(program) = brush_parser::parse_tokens(&tokens, &Default::default())
        {
            let real = program
                .complete_commands
                .iter()
                .map(list_depth)
                .max()
                .unwrap_or(0);
            assert!(shape.depth >= real, "{mutated:?}: {} < {real}", shape.depth);
        }
    }
    assert!(parsed >= 2500, "{parsed}");
    assert!(costly < 400, "{costly} refused for cost");
}

#[test]
fn pairs_of_parentheses_are_read_as_bash_reads_them() {
    let compound = |text: &str| {
        let (program, _) = parse_checked(text).expect("parses");
        let item = &program.complete_commands[0].0[0].0.first.seq[0];
        match item {
            ast::Command::Compound(ast::CompoundCommand::Arithmetic(_), _) => "arith",
            ast::Command::Compound(ast::CompoundCommand::Subshell(_), _) => "subshell",
            _ => "other",
        }
    };
    assert_eq!(compound("((x = (1 + 2) * 3))"), "arith");
    assert_eq!(compound("(( x ))"), "arith");
    // bash: nested subshells (space between, or not closed by `))`).
    assert_eq!(compound("( (rm -rf ~) )"), "subshell");
    assert_eq!(compound("((rm -rf ~) )"), "subshell");
    assert_eq!(compound("((rm; ls))"), "subshell");
}

#[test]
fn exponential_shapes_are_refused_or_linear() {
    for text in [
        format!("(({}x ;{}))", "( ".repeat(20), ") ".repeat(20)),
        format!("{}x ;{}", "( ".repeat(20), ") ".repeat(20)),
        format!("[[ a =~ {}x ]]", "( ".repeat(20)),
        format!("for (({}; ; )) do :; done", "( ".repeat(20)),
    ] {
        let t = std::time::Instant::now();
        let r = shape_of(&text).and_then(|(tokens, _)| {
            brush_parser::parse_tokens(&tokens, &Default::default())
                .map(|_| ())
                .map_err(|_| Refusal::Malformed("parse"))
        });
        assert!(
            t.elapsed() < std::time::Duration::from_secs(2),
            "{text:?}: {:?} ({r:?})",
            t.elapsed()
        );
    }
    // Nested `case`s whose last item has no `;;`: parsed twice per level.
    for k in 1..=MAX_NESTING / 2 {
        let padding = "echo a b c; ".repeat(200);
        let text = format!(
            "{}{padding}\n{}",
            "case a in a) ".repeat(k),
            "esac\n".repeat(k)
        );
        let t = std::time::Instant::now();
        if let Ok((tokens, _)) = shape_of(&text) {
            brush_parser::parse_tokens(&tokens, &Default::default()).expect("parses");
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(2),
            "{k}: {:?}",
            t.elapsed()
        );
    }
}

#[test]
fn word_depth_follows_the_word_grammar() {
    assert_eq!(word_depth("abc", false), 0);
    assert_eq!(word_depth("\"$(a \"$(b)\")\"", false), 4);
    assert_eq!(word_depth("${a:-${b}}", false), 2);
    assert_eq!(word_depth("$((1+(2)))", false), 3);
    assert_eq!(word_depth("'$(${(('", false), 0);
    assert_eq!(word_depth("$(echo ')')x", false), 1);
    // A here-document body: quotes are text.
    assert_eq!(word_depth("'$(a)'", true), 1);
    // Closers that close nothing keep the depth.
    assert_eq!(word_depth("${a:-)))$(}}}", false), 2);
}

/// Measures the evaluation corpora (`../shared/eval/*.tsv`, not part of the
/// repository): `cargo test -p hookwarden-sdk --features parser -- --ignored
/// corpus_nesting --nocapture`.
#[test]
#[ignore]
fn corpus_nesting() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/eval");
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("no corpora at {dir}");
        return;
    };
    let decode = |s: &str| {
        let mut out = String::new();
        let mut cs = s.chars();
        while let Some(c) = cs.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match cs.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        }
        out
    };
    let mut hist = [[0usize; 12]; 3];
    let (mut rows, mut deep, mut large, mut frozen, mut max_word_cost) = (0, 0, 0, 0, 0u64);
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().is_none_or(|x| x != "tsv") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("corpus");
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let Some(cmd) = line.split('\t').nth(1) else {
                continue;
            };
            let cmd = decode(cmd);
            rows += 1;
            let lexed = tokenizer_depth(&cmd).unwrap_or(99);
            let Ok(tokens) = brush_parser::uncached_tokenize_str(&cmd, &Default::default()) else {
                continue;
            };
            let words: Vec<String> = tokens
                .iter()
                .filter(|t| matches!(t, Token::Word(..)))
                .map(|t| t.to_str().to_string())
                .collect();
            let wdepth = words
                .iter()
                .map(|w| word_depth(w, false))
                .max()
                .unwrap_or(0);
            max_word_cost = words
                .iter()
                .map(|w| word_cost(w, false))
                .max()
                .unwrap_or(0)
                .max(max_word_cost);
            let raw = tokens.clone();
            let shape = check_tokens(tokens).map(|(_, s)| s);
            if shape.as_ref().is_ok_and(|s| s.frozen) {
                frozen += 1;
                if brush_parser::parse_tokens(&raw, &Default::default()).is_ok() {
                    eprintln!("frozen on valid input: {cmd:?}");
                }
            }
            let sdepth = shape.as_ref().map_or(99, |s| s.depth);
            for (k, d) in [lexed, sdepth, wdepth].into_iter().enumerate() {
                hist[k][d.min(11)] += 1;
            }
            let a = crate::shell::analyze(&cmd);
            if a.opaque
                .iter()
                .any(|o| o.reason == crate::shell::OpaqueReason::TooDeep)
            {
                deep += 1;
                eprintln!("TooDeep: {:?}", cmd.chars().take(120).collect::<String>());
            }
            if a.opaque
                .iter()
                .any(|o| o.reason == crate::shell::OpaqueReason::TooLarge)
            {
                large += 1;
                eprintln!("TooLarge: {:?}", cmd.chars().take(120).collect::<String>());
            }
        }
    }
    eprintln!("rows {rows}: TooDeep {deep}, TooLarge {large}, frozen reader {frozen}");
    eprintln!("depth histograms (0..=10, 11+): tokenizer {:?}", hist[0]);
    eprintln!("                                 grammar   {:?}", hist[1]);
    eprintln!("                                 words     {:?}", hist[2]);
    eprintln!("largest word cost {max_word_cost} (budget {MAX_WORD_COST})");
}
