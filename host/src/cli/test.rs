//! `hookwarden test RULE.wasm CASES…`: run a rule component against fixtures.

use crate::fixtures::CaseFile;
use hookwarden_event::Decision;
use hookwarden_runtime::{Limits, ModuleSource, Runtime};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct TestArgs {
    /// The rule component (.wasm) under test.
    pub rule: PathBuf,
    /// Case files (TOML).
    #[arg(required = true)]
    pub cases: Vec<PathBuf>,
    /// Print passing cases too.
    #[arg(long, short)]
    pub verbose: bool,
}

pub fn run(args: TestArgs) -> i32 {
    let runtime = match Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hookwarden: cannot start the wasm engine: {e:#}");
            return 2;
        }
    };
    let rule = match ModuleSource::from_file(&args.rule).and_then(|s| runtime.load(&s, None)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hookwarden: {e}");
            return 2;
        }
    };
    let limits = Limits::default();
    // An MCP call is also judged as what it does (a view per effect), for
    // the actions the rule selects, as in a hook call.
    let selected = match runtime.describe(&rule, &limits) {
        Ok(meta) => meta.actions,
        Err(e) => {
            eprintln!("hookwarden: {e}");
            return 2;
        }
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut tally = Tally::default();
    for file in &args.cases {
        let cases = match CaseFile::load(file) {
            Ok(c) => c,
            Err(e) => {
                println!("FAIL  {e}");
                failed += 1;
                continue;
            }
        };
        let dir = file.parent().unwrap_or(std::path::Path::new("."));
        for (i, case) in cases.cases.iter().enumerate() {
            let outcome = case
                .prepare(i, &cases.defaults, dir)
                .and_then(|p| {
                    let views = crate::prepare::effect_views(&p.event);
                    let views = views
                        .iter()
                        .filter(|v| selected.is_empty() || selected.contains(&v.action.kind()));
                    std::iter::once(&p.event)
                        .chain(views)
                        .map(|event| {
                            runtime
                                .evaluate(&rule, event, &p.config_json, &limits)
                                .map_err(|e| format!("rule failed: {e}"))
                        })
                        .reduce(|a, b| Ok(merge(a?, b?)))
                        .unwrap_or_else(|| Err("no event".into()))
                })
                .map(|verdict| (case.check(&verdict), verdict));
            let name = case.display_name(i);
            tally.count(case.expect, outcome.as_ref().ok().map(|(_, v)| v.decision));
            match outcome {
                Ok((None, verdict)) => {
                    passed += 1;
                    if args.verbose {
                        println!("ok    {name}: {}", verdict.decision);
                    }
                }
                Ok((Some(problem), _)) => {
                    failed += 1;
                    println!("FAIL  {name}: {problem}");
                }
                Err(e) => {
                    failed += 1;
                    println!("FAIL  {name}: {e}");
                }
            }
        }
    }
    println!(
        "{}: {passed} passed, {failed} failed",
        rule_name(&args.rule)
    );
    println!("{}: {tally}", rule_name(&args.rule));
    if failed == 0 && passed > 0 { 0 } else { 1 }
}

/// What a corpus says about a rule: how its cases are labelled, and how
/// the failures split into misses (weaker than expected: the rule let
/// something through) and false blocks (an allow case asked or denied).
#[derive(Default)]
struct Tally {
    labelled: [usize; 3],
    misses: usize,
    false_blocks: usize,
    stricter: usize,
    errors: usize,
}

impl Tally {
    fn count(&mut self, expected: Decision, got: Option<Decision>) {
        self.labelled[expected as usize] += 1;
        match got {
            None => self.errors += 1,
            Some(got) if got < expected => self.misses += 1,
            Some(got) if expected == Decision::Allow && got != Decision::Allow => {
                self.false_blocks += 1
            }
            Some(got) if got > expected => self.stricter += 1,
            Some(_) => {}
        }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [allow, ask, deny] = self.labelled;
        write!(
            f,
            "{} cases (deny {deny}, ask {ask}, allow {allow}); misses {}, false blocks {}, \
             stricter than expected {}, errors {}",
            allow + ask + deny,
            self.misses,
            self.false_blocks,
            self.stricter,
            self.errors
        )
    }
}

fn rule_name(path: &std::path::Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().replace('_', "-"))
        .unwrap_or_default()
}

/// The verdicts of a rule on an event's views, as one (as the host merges
/// a rule's outcomes in a hook call).
fn merge(a: hookwarden_event::Verdict, b: hookwarden_event::Verdict) -> hookwarden_event::Verdict {
    let outcome = |verdict| hookwarden_event::RuleOutcome {
        rule_id: String::new(),
        verdict,
        failure: None,
    };
    outcome(a).merge(outcome(b)).verdict
}
