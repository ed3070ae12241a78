#!/usr/bin/env bash
# Installs what building hookwarden needs beyond a Rust toolchain: the
# wasm32-unknown-unknown target (the built-in rules, WASI-free), the
# wasm32-wasip2 target (rule authors' default; its linker ships with it) and,
# on Linux, the musl target for the engineless hookwarden-hook (it starts
# ~0.3 ms faster than on glibc; see scripts/build-release.sh).
set -euo pipefail
if ! command -v cargo >/dev/null 2>&1; then
    echo "hookwarden needs Rust (cargo) 1.95 or newer: https://rustup.rs" >&2
    exit 1
fi
if command -v rustup >/dev/null 2>&1; then
    rustup target add wasm32-unknown-unknown wasm32-wasip2 >/dev/null
    if [ "$(uname -s)" = Linux ]; then
        rustup target add "$(uname -m)-unknown-linux-musl" >/dev/null
    fi
else
    echo "warning: no rustup; make sure the wasm32-unknown-unknown and wasm32-wasip2 targets are installed" >&2
fi
