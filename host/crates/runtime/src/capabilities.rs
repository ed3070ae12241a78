//! Which imports a rule component may have.
//!
//! Rules are built for `wasm32-wasip2`, whose standard library imports a few
//! WASI interfaces even when the rule never uses them. Those are linked to a
//! context that grants nothing (see [`crate::sandbox`]). Anything else —
//! `wasi:sockets`, `wasi:http`, or an interface we do not know — is refused at
//! load, before the component is instantiated.

/// Import name prefixes a rule may have. Each is inert in the sandbox:
/// `cli` has no arguments, environment or stdin and captured output;
/// `filesystem` has no preopened directory; `clocks` are frozen; `random`
/// only feeds hash tables.
pub const ALLOWED_IMPORT_PREFIXES: &[&str] = &[
    // Our own contract's type definitions (an instance with types only).
    "hookwarden:rule/types@",
    "wasi:cli/",
    "wasi:io/",
    "wasi:clocks/",
    "wasi:random/",
    "wasi:filesystem/",
];

/// The first import (by name) that a rule may not have, if any.
pub fn forbidden_import<'a>(imports: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    imports
        .into_iter()
        .find(|name| !ALLOWED_IMPORT_PREFIXES.iter().any(|p| name.starts_with(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_imports_pass_and_network_is_refused() {
        let std_imports = [
            "hookwarden:rule/types@0.3.0",
            "wasi:cli/environment@0.2.6",
            "wasi:cli/exit@0.2.6",
            "wasi:io/streams@0.2.6",
            "wasi:clocks/wall-clock@0.2.6",
            "wasi:filesystem/preopens@0.2.6",
            "wasi:random/random@0.2.6",
        ];
        assert_eq!(forbidden_import(std_imports), None);
        assert_eq!(
            forbidden_import(["wasi:io/error@0.2.6", "wasi:sockets/tcp@0.2.6"]),
            Some("wasi:sockets/tcp@0.2.6")
        );
        assert_eq!(
            forbidden_import(["wasi:http/outgoing-handler@0.2.6"]),
            Some("wasi:http/outgoing-handler@0.2.6")
        );
        assert_eq!(forbidden_import(["acme:evil/x"]), Some("acme:evil/x"));
    }
}
