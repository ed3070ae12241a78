//! Helpers shared by the adapters' golden tests: fixtures, rendering an
//! answer into JSON, key checks, and the never-panic sweep.
#![allow(dead_code)] // each test crate uses a different subset

use hookwarden_agents::{Adapter, Answer, AskFallback, Parsed, PayloadError, RenderOptions};
use hookwarden_event::{Decision, Verdict};
use serde_json::Value;

pub fn fixtures_dir(agent: &str) -> String {
    format!("{}/tests/fixtures/{agent}", env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(agent: &str, name: &str) -> Vec<u8> {
    let path = format!("{}/{name}", fixtures_dir(agent));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every fixture of `agent`, sorted by name.
pub fn all_fixtures(agent: &str) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(fixtures_dir(agent))
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let bytes = fixture(agent, &name);
            (name, bytes)
        })
        .collect();
    all.sort();
    all
}

pub fn parse_ok(a: &dyn Adapter, agent: &str, name: &str, hint: Option<&str>) -> Parsed {
    a.parse(&fixture(agent, name), hint)
        .unwrap_or_else(|e| panic!("{agent}/{name}: {e}"))
}

/// The rendered answer: its stdout as JSON (`None` when empty; it must be
/// one line of compact JSON otherwise), its exit code and its stderr.
pub struct Rendered {
    pub json: Option<Value>,
    pub exit_code: i32,
    pub stderr: String,
}

pub fn rendered(hook: &str, answer: Answer) -> Rendered {
    let out = answer.stdout.strip_suffix('\n').unwrap_or(&answer.stdout);
    assert!(!out.contains('\n'), "{hook}: one line: {out:?}");
    let json = (!out.is_empty()).then(|| {
        let v: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{out}: {e}"));
        assert!(v.is_object(), "{hook}: not an object: {out}");
        assert_eq!(v.to_string(), out, "compact JSON");
        v
    });
    match answer.exit_code {
        0 => assert!(answer.stderr.is_empty(), "{hook}: stderr on exit 0"),
        2 => {
            assert!(
                !answer.stderr.trim().is_empty(),
                "{hook}: exit 2 needs a reason"
            );
        }
        other => panic!("{hook}: exit code {other}"),
    }
    Rendered {
        json,
        exit_code: answer.exit_code,
        stderr: answer.stderr,
    }
}

pub fn verdict(decision: Decision, reason: &str, context: Option<&str>) -> Verdict {
    let mut v = Verdict::new(decision, reason);
    v.context = context.map(str::to_owned);
    v
}

pub fn render(
    a: &dyn Adapter,
    hook: &str,
    decision: Decision,
    context: Option<&str>,
    fallback: AskFallback,
) -> Rendered {
    let options = RenderOptions {
        ask_fallback: fallback,
    };
    rendered(
        hook,
        a.render(hook, &verdict(decision, "because", context), &options),
    )
}

/// The sorted keys of an object.
pub fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    k.sort();
    k
}

pub fn non_empty(v: &Value) -> &str {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    assert!(!s.trim().is_empty(), "empty");
    s
}

/// Every key of `answer` is one of `allowed`.
pub fn only_keys(hook: &str, answer: &Value, allowed: &[&str]) {
    for k in keys(answer) {
        assert!(
            allowed.contains(&k),
            "{hook}: unexpected key `{k}` in {answer}"
        );
    }
}

/// Every verdict the aggregator can produce, rendered for every name in
/// `hooks` with both fallbacks, goes through `check`.
pub fn for_every_answer(a: &dyn Adapter, hooks: &[&str], check: impl Fn(&str, &Rendered)) {
    for hook in hooks {
        for decision in [Decision::Allow, Decision::Ask, Decision::Deny] {
            for reason in ["because", "", " \n "] {
                for context in [None, Some("ctx"), Some(""), Some("line 1\nline \"2\"")] {
                    for fallback in [AskFallback::Deny, AskFallback::Allow] {
                        let options = RenderOptions {
                            ask_fallback: fallback,
                        };
                        let v = verdict(decision, reason, context);
                        check(hook, &rendered(hook, a.render(hook, &v, &options)));
                    }
                }
            }
        }
    }
}

/// `e` is a missing or wrongly typed `field`, and says so.
pub fn assert_field_error(e: &PayloadError, field: &str, says: &str) {
    let message = e.to_string();
    assert!(
        matches!(e, PayloadError::Missing { field: f } | PayloadError::WrongType { field: f, .. } | PayloadError::EmbeddedNotJson { field: f, .. } if *f == field),
        "expected an error about `{field}`: {message}"
    );
    assert!(message.contains(&format!("`{field}`")), "{message}");
    assert!(message.contains(says), "{message}");
}

/// Empty, truncated, non-JSON and non-object payloads are refused with the
/// matching error.
pub fn assert_refuses_broken_json(a: &dyn Adapter) {
    for empty in [&b""[..], b"  \n\t"] {
        let e = a.parse(empty, None).unwrap_err();
        assert!(matches!(e, PayloadError::Empty), "{e}");
    }
    let e = a
        .parse(b"{\"hook_event_name\":\"x\",\n\"cwd\":", None)
        .unwrap_err();
    assert!(matches!(e, PayloadError::NotJson(_)), "{e}");
    assert!(e.to_string().contains("line 2 column 6"), "{e}");
    let e = a.parse(b"\xff\xfe\x00garbage", None).unwrap_err();
    assert!(matches!(e, PayloadError::NotJson(_)), "{e}");
    for (payload, found) in [
        (&b"[1]"[..], "an array"),
        (b"\"PreToolUse\"", "a string"),
        (b"null", "null"),
        (b"42", "a number"),
    ] {
        let e = a.parse(payload, None).unwrap_err();
        assert!(
            matches!(e, PayloadError::NotAnObject { found: f } if f == found),
            "{e}"
        );
        assert!(e.to_string().contains("not an object"), "{e}");
    }
}

/// A tiny deterministic generator, so the "garbage" is the same every run.
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u8
    }
}

/// Nothing panics, whatever the bytes: every fixture parses (with the hint
/// `hint(name)` gives), every strict prefix of one is refused, bytes flipped
/// to non-UTF-8, random bytes and random JSON-ish tokens are survived, and
/// whatever name is sniffed, the fail-mode deny renders.
pub fn assert_never_panics(a: &dyn Adapter, agent: &str, hint: &dyn Fn(&str) -> Option<String>) {
    let opts = RenderOptions::default();
    let deny = Verdict::new(Decision::Deny, "x");
    let check = |payload: &[u8], hint: Option<&str>| {
        let parsed = a.parse(payload, hint);
        let _ = a.parse(payload, Some("PreToolUse"));
        let name = match &parsed {
            Ok(p) => p.hook_name.clone(),
            Err(e) => e
                .payload_hook_name()
                .map(str::to_owned)
                .or_else(|| a.sniff_hook_name(payload))
                .unwrap_or_default(),
        };
        rendered(&name, a.render(&name, &deny, &opts));
        parsed
    };
    let fixtures = all_fixtures(agent);
    assert!(!fixtures.is_empty());
    for (name, bytes) in fixtures {
        let h = hint(&name);
        assert!(check(&bytes, h.as_deref()).is_ok(), "{name}");
        let end_of_json = bytes.trim_ascii_end().len();
        for end in 0..end_of_json {
            assert!(
                check(&bytes[..end], h.as_deref()).is_err(),
                "{name}[..{end}]"
            );
        }
        for at in (0..bytes.len()).step_by(5) {
            let mut broken = bytes.clone();
            broken[at] = 0xff;
            let _ = check(&broken, h.as_deref());
        }
    }
    let mut rng = Lcg(7);
    let tokens: [&[u8]; 14] = [
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"",
        b":",
        b",",
        b"\"hook_event_name\"",
        b"\"tool_input\"",
        b"\"toolArgs\"",
        b"\"{\\\"command\\\":1}\"",
        b"null",
        b"\\",
        b"\xc3",
    ];
    for _ in 0..2000 {
        let len = rng.next() as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next()).collect();
        assert!(check(&bytes, None).is_err());
        let mut soup = Vec::new();
        for _ in 0..(rng.next() % 40) {
            soup.extend_from_slice(tokens[rng.next() as usize % tokens.len()]);
        }
        let _ = check(&soup, None);
    }
    assert!(check("[".repeat(1 << 20).as_bytes(), None).is_err());
    assert!(check("{\"a\":".repeat(1 << 18).as_bytes(), None).is_err());
}
