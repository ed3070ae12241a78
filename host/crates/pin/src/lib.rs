//! SHA-256 pins of rule modules: the digest an admin writes in
//! `requirements.toml`, parsed strictly and printed the way `sha256sum` does;
//! and [`current_uid`], the user whose files are trusted besides root's.

use sha2::{Digest as _, Sha256};
use std::fmt;
use std::str::FromStr;

/// The SHA-256 of a module's bytes, as admins write it in a pin: 64 lowercase
/// hex digits (an optional `sha256:` prefix is accepted when parsing).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Digest([u8; 32]);

impl Sha256Digest {
    pub fn of(bytes: &[u8]) -> Sha256Digest {
        Sha256Digest(Sha256::digest(bytes).into())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{self}")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("`{input}` is not a SHA-256 digest: expected 64 hex digits{detail}")]
pub struct DigestParseError {
    input: String,
    detail: String,
}

impl FromStr for Sha256Digest {
    type Err = DigestParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hex = s.trim();
        let hex = hex.strip_prefix("sha256:").unwrap_or(hex);
        let err = |detail: String| DigestParseError {
            input: s.chars().take(80).collect(),
            detail,
        };
        if hex.len() != 64 {
            return Err(err(format!(", got {}", hex.len())));
        }
        let mut out = [0u8; 32];
        for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
            let pair = std::str::from_utf8(pair).map_err(|_| err(String::new()))?;
            out[i] = u8::from_str_radix(pair, 16)
                .map_err(|_| err(format!(" (bad digit pair `{pair}`)")))?;
        }
        Ok(Sha256Digest(out))
    }
}

impl<'de> serde::Deserialize<'de> for Sha256Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Sha256Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The user whose files and sockets we trust besides root's: the
/// effective uid, the one that owns the files this process creates. The
/// artifact stores and the resident server's socket both check owners
/// against it.
pub fn current_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_round_trips_and_matches_known_vector() {
        let d = Sha256Digest::of(b"abc");
        assert_eq!(
            d.to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(d.to_string().parse::<Sha256Digest>().unwrap(), d);
        assert_eq!(format!("sha256:{d}").parse::<Sha256Digest>().unwrap(), d);
        assert_eq!(
            d.to_string()
                .to_uppercase()
                .parse::<Sha256Digest>()
                .unwrap(),
            d
        );
    }

    #[test]
    fn bad_digests_are_rejected_with_a_reason() {
        assert!(
            "abc"
                .parse::<Sha256Digest>()
                .unwrap_err()
                .to_string()
                .contains("got 3")
        );
        let bad = "zz".repeat(32);
        assert!(bad.parse::<Sha256Digest>().is_err());
    }
}
