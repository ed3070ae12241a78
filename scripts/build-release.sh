#!/usr/bin/env bash
# Builds the release hookwarden into target/release/hookwarden (or under
# $CARGO_TARGET_DIR) with the engineless hookwarden-hook beside it, and
# prints the path of hookwarden. With --musl-target it builds nothing and
# prints the musl target it would link for, or nothing.
#
# On Linux both programs are linked statically, for musl where that target
# and a musl C compiler (musl-gcc, from musl-tools: wasmtime compiles a few
# lines of C) are installed; scripts/setup.sh adds the target, and CI
# installs musl-tools. Every tool call starts a fresh process, so start-up
# is the product's latency. Measured side by side (built-in pack in the hook,
# median of 200, /bin/true 0.66 ms):
#   glibc static-pie                      2.67 ms
#   musl static-pie, dlmalloc             2.36 ms
#   musl static-pie, dlmalloc, RELR       2.22 ms   <- what this builds
#   musl static, not PIE                  2.02 ms
# glibc's start-up reads the CPU's cache sizes with CPUID, which traps to the
# hypervisor on a VM (~0.3 ms of every process here); musl's allocator is slow,
# so both programs use dlmalloc on musl (host/src/main.rs). RELR packs the
# ~29k relative relocations a position-independent binary applies at start.
# A non-PIE binary would save 0.2 ms more, but it gives up ASLR for the
# program's code, which a security tool should not.
#
# Without musl, hookwarden is linked static-pie against glibc (dynamic
# linking costs ~1 ms more per call: 4.45 vs 3.46 ms), and if that fails,
# dynamically.
#
# hookwarden-hook (no wasm engine: it asks `hookwarden serve`) is built the
# same way beside it.
#
# `cargo rustc` passes the flags to the final link only, so the dependencies
# (and proc-macros, which cannot be built with crt-static) build as usual.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"
out="$target_dir/release"
musl="$(uname -m)-unknown-linux-musl"
engine=(--release --locked -p hookwarden --bin hookwarden)
engineless=(--release --locked -p hookwarden --no-default-features --bin hookwarden-hook)

have_musl=
if [ "$(uname -s)" = Linux ] && rustup target list --installed 2>/dev/null | grep -qx "$musl"; then
    have_musl=1
fi
have_musl_cc=
if command -v musl-gcc >/dev/null 2>&1 || command -v "$(uname -m)-linux-musl-gcc" >/dev/null 2>&1; then
    have_musl_cc=1
fi
if [ "${1:-}" = --musl-target ]; then
    if [ -n "$have_musl" ] && [ -n "$have_musl_cc" ]; then echo "$musl"; fi
    exit 0
fi
static_glibc=
if [ "$(uname -s)" = Linux ] && ldd --version 2>&1 | grep -qiE 'glibc|gnu libc'; then
    static_glibc=1
fi

# Builds a program for $musl with packed relocations and copies it beside
# the others, where hookwarden-hook looks for hookwarden. (Not in place:
# cargo hard-links its own builds there.) Arguments: the program, then cargo's.
relr=(-C link-arg=-Wl,-z,pack-relative-relocs)
build_musl() {
    local program="$1"
    shift
    if ! cargo rustc "$@" --target "$musl" -- "${relr[@]}" >&2; then
        echo "build-release.sh: warning: linking with packed relocations failed (binutils" \
            "older than 2.38?); linking without, ~0.15 ms slower per call" >&2
        relr=()
        cargo rustc "$@" --target "$musl" >&2
    fi
    mkdir -p "$out"
    rm -f "$out/$program"
    cp "$target_dir/$musl/release/$program" "$out/$program"
}

if [ -n "$have_musl" ] && [ -n "$have_musl_cc" ]; then
    build_musl hookwarden "${engine[@]}"
elif [ -n "$static_glibc" ]; then
    if [ -n "$have_musl" ]; then
        echo "build-release.sh: no musl C compiler (apt install musl-tools); linking hookwarden" \
            "against glibc, ~0.4 ms slower per call" >&2
    fi
    if ! cargo rustc "${engine[@]}" -- -C target-feature=+crt-static >&2; then
        # Static glibc (libc.a) comes with libc6-dev / glibc-static.
        echo "build-release.sh: warning: the static-pie link failed (is the static glibc," \
            "libc6-dev or glibc-static, installed?); building a dynamically linked hookwarden," \
            "about 1 ms slower per call" >&2
        static_glibc=
        cargo build "${engine[@]}" >&2
    fi
else
    cargo build "${engine[@]}" >&2
fi

if [ -n "$have_musl" ]; then
    build_musl hookwarden-hook "${engineless[@]}"
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
