#!/usr/bin/env bash
# Builds the release hookwarden into target/release/hookwarden (or under
# $CARGO_TARGET_DIR) with the engineless hookwarden-hook beside it, and
# prints the path of hookwarden.
#
# On Linux with glibc, hookwarden is linked static-pie: every tool call starts
# a fresh process, and loading libc, libm and libgcc_s and relocating against
# them cost about 1 ms of each call (measured side by side: 4.45 ms dynamic vs
# 3.46 ms static-pie median for the built-in pack). static-pie keeps ASLR; a
# non-PIE static binary would save ~0.2 ms more without it.
#
# hookwarden-hook (no wasm engine: it asks `hookwarden serve`) is built for
# musl where that target is installed (scripts/setup.sh adds it): glibc's
# start-up reads the CPU's cache sizes with CPUID, which traps to the
# hypervisor on a VM and cost ~0.3 ms of every process here (a static
# hello-world: 0.59 ms glibc, 0.30 ms musl). hookwarden itself stays on glibc:
# musl's allocator made the rules' own work slower than the start-up saves
# (built-in pack in the hook: 3.59 ms musl vs 3.02 ms glibc).
#
# `cargo rustc` passes the flag to the final link only, so the dependencies
# (and proc-macros, which cannot be built with crt-static) build as usual.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${CARGO_TARGET_DIR:-target}/release"
static_glibc=
if [ "$(uname -s)" = Linux ] && ldd --version 2>&1 | grep -qiE 'glibc|gnu libc'; then
    static_glibc=1
fi
if [ -n "$static_glibc" ]; then
    if ! cargo rustc --release --locked -p hookwarden --bin hookwarden \
        -- -C target-feature=+crt-static >&2; then
        # Static glibc (libc.a) comes with libc6-dev / glibc-static.
        echo "build-release.sh: warning: the static-pie link failed (is the static glibc," \
            "libc6-dev or glibc-static, installed?); building a dynamically linked hookwarden," \
            "about 1 ms slower per call" >&2
        static_glibc=
        cargo build --release --locked -p hookwarden --bin hookwarden >&2
    fi
else
    cargo build --release --locked -p hookwarden --bin hookwarden >&2
fi

musl="$(uname -m)-unknown-linux-musl"
engineless=(--release --locked -p hookwarden --no-default-features --bin hookwarden-hook)
if [ "$(uname -s)" = Linux ] && rustup target list --installed 2>/dev/null | grep -qx "$musl"; then
    cargo build "${engineless[@]}" --target "$musl" >&2
    # Beside hookwarden, where hookwarden-hook looks for it.
    # (Not in place: cargo hard-links its own build there.)
    rm -f "$out/hookwarden-hook"
    cp "${CARGO_TARGET_DIR:-target}/$musl/release/hookwarden-hook" "$out/hookwarden-hook"
else
    echo "build-release.sh: no $musl target; hookwarden-hook is built for the host libc" \
        "(~0.3 ms slower to start on a VM)" >&2
    if [ -n "$static_glibc" ]; then
        cargo rustc "${engineless[@]}" -- -C target-feature=+crt-static >&2
    else
        cargo build "${engineless[@]}" >&2
    fi
fi
echo "$out/hookwarden"
