//! What a hook and a server say to each other: one request, one response,
//! each a little-endian `u32` length and that many bytes of JSON.

use crate::plan::PlannedRule;
use crate::prepare::Prepared;
use hookwarden_event::{ActionKind, HookEvent, RuleOutcome};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::io::{Read, Write};
use std::path::Path;

/// Requests are at most this big: the largest payload a hook accepts plus
/// room for the configuration and facts.
pub const MAX_REQUEST_BYTES: usize = (64 << 20) + (16 << 20);
/// Responses: one verdict per rule, each with bounded text.
pub const MAX_RESPONSE_BYTES: usize = 16 << 20;

/// Judge one prepared event under a configuration.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request<'a> {
    /// [`build_id`] of the hook: a server of another build (another
    /// wire format or built-in pack) must not answer for it.
    pub build: Cow<'a, str>,
    /// The requirements file the hook loaded, and its text; `None` for the
    /// built-in defaults.
    pub requirements: Option<Requirements<'a>>,
    pub prepared: Prepared<'a>,
}

/// Only the build of a request: what a server can still read of a request
/// from a build whose wire format it does not know.
#[derive(Debug, Deserialize)]
pub struct BuildOf<'a> {
    #[serde(borrow)]
    pub build: Cow<'a, str>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Requirements<'a> {
    pub path: Cow<'a, Path>,
    pub text: Cow<'a, str>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Response {
    /// One entry per rule of the plan, in plan order: the rule's outcome,
    /// or `None` where the rule's own metadata does not select the event.
    /// Anything else is not a judgement (see [`accept`]).
    Judged(Vec<Option<RuleOutcome>>),
    /// The server will not judge this request (another build, another
    /// configuration, one it cannot read); the hook runs the rules itself.
    Refused(String),
}

/// The outcomes of a [`Response::Judged`] for `rules` (the hook's own plan)
/// on an event of `hook` and `action`, if it is a complete judgement: one
/// entry per planned rule, each naming that rule, an outcome for every rule
/// whose configured selectors pick the event and none for a rule they rule
/// out. A server that answers anything else (`[]`, a rule missing, another
/// configuration's rules) does not judge the call.
pub fn accept(
    rules: &[PlannedRule],
    hook: HookEvent,
    kinds: &[ActionKind],
    judged: Vec<Option<RuleOutcome>>,
) -> Result<Vec<RuleOutcome>, String> {
    if judged.len() != rules.len() {
        return Err(format!(
            "the server judged {} rule(s); this call planned {}",
            judged.len(),
            rules.len()
        ));
    }
    let mut outcomes = Vec::with_capacity(rules.len());
    for (rule, entry) in rules.iter().zip(judged) {
        match (rule.selects_any(hook, kinds), entry) {
            (Some(false), Some(_)) => {
                return Err(format!(
                    "the server ran rule `{}`, which does not select this event",
                    rule.id
                ));
            }
            (Some(true), None) => {
                return Err(format!(
                    "the server skipped rule `{}`, which selects this event",
                    rule.id
                ));
            }
            (_, Some(outcome)) if outcome.rule_id != rule.id => {
                return Err(format!(
                    "the server answered for rule `{}` where this call planned `{}`",
                    outcome.rule_id, rule.id
                ));
            }
            (_, Some(outcome)) => outcomes.push(outcome),
            (_, None) => {}
        }
    }
    Ok(outcomes)
}

/// Identifies what a hook or server would do with a request: the wire
/// format, this crate's version, the digest of the sources that judge
/// (host and shell analysis, [`hookwarden_build_id`]) and of every built-in
/// rule. Built once per process: a hook call needs it for the socket's
/// name and again for its request.
pub fn build_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let mut id = format!(
            "2/{}/{}",
            env!("CARGO_PKG_VERSION"),
            hookwarden_build_id::SOURCE_DIGEST
        );
        for m in crate::builtin::modules() {
            id.push('/');
            id.push_str(m.sha256);
        }
        id
    })
}

/// A short name for [`build_id`]: 16 hex digits of its 64-bit FNV-1a
/// hash. It names the default socket, so that hooks of different builds
/// (two installed versions, say) each get a server of their own instead of
/// stopping each other's.
pub fn build_tag() -> String {
    let hash = build_id().bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

pub fn write_frame(out: &mut impl Write, value: &impl Serialize) -> std::io::Result<()> {
    let body = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    let len = u32::try_from(body.len()).map_err(std::io::Error::other)?;
    let mut frame = Vec::with_capacity(4 + body.len());
    frame.extend_from_slice(&len.to_le_bytes());
    frame.extend_from_slice(&body);
    out.write_all(&frame)?;
    out.flush()
}

/// Read one frame of at most `max` bytes.
pub fn read_frame(input: &mut impl Read, max: usize) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    input.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a frame of {len} bytes is over the limit of {max}"),
        ));
    }
    let mut body = vec![0u8; len];
    input.read_exact(&mut body)?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_id_names_the_sources_and_every_builtin_rule() {
        // Same version and pack, other host code (the shell analysis runs
        // here): another build, whose server a hook must not ask.
        let digest = hookwarden_build_id::SOURCE_DIGEST;
        assert_eq!(digest.len(), 64);
        assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()));
        let id = build_id();
        assert!(id.starts_with(&format!("2/{}/{digest}/", env!("CARGO_PKG_VERSION"))));
        for m in crate::builtin::modules() {
            assert!(id.contains(m.sha256), "{id} lacks {}", m.name);
        }
    }

    #[test]
    fn frames_round_trip_and_oversized_ones_are_refused() {
        let mut wire = Vec::new();
        write_frame(&mut wire, &Response::Refused("no".into())).unwrap();
        let body = read_frame(&mut wire.as_slice(), 1024).unwrap();
        let back: Response = serde_json::from_slice(&body).unwrap();
        assert!(matches!(back, Response::Refused(m) if m == "no"));

        let err = read_frame(&mut wire.as_slice(), 3).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        // A frame cut short is an error, not a shorter message.
        let err = read_frame(&mut &wire[..wire.len() - 1], 1024).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    }
}
