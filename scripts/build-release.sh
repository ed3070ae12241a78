#!/usr/bin/env bash
# Builds the release hookwarden into target/release/hookwarden (or under
# $CARGO_TARGET_DIR) with the engineless hookwarden-hook beside it, and
# prints the path of hookwarden.
#
# Every tool call starts a fresh process, so start-up is the product's
# latency. On Linux:
#
# - hookwarden is linked static-pie against glibc, with packed (RELR)
#   relocations. Dynamic linking cost ~1 ms more per call (4.45 vs 3.46 ms);
#   RELR replaces ~29k relocation entries with a few KB (pack in the hook,
#   side by side: 2.80 ms without, 2.45 ms with). It stays position-
#   independent (ASLR). Built for musl instead (with dlmalloc), a call
#   started ~0.3 ms sooner, but each extra rule cost more (175-179 vs 160 µs)
#   and the pack's cold compile missed its 1 s budget (0.91-1.25 vs 0.80 s:
#   Cranelift allocates and copies on several threads).
# - hookwarden-hook (no wasm engine: it asks `hookwarden serve`) is built for
#   musl where that target is installed (scripts/setup.sh adds it), also with
#   RELR: glibc's start-up reads the CPU's cache sizes with CPUID, which traps
#   to the hypervisor on a VM and cost ~0.3 ms of every process here (a
#   static hello-world: 0.59 ms glibc, 0.30 ms musl).
#
# Each build is run once after linking; if packed relocations do not work
# with this toolchain (binutils < 2.38, glibc < 2.36), it is linked without.
# `cargo rustc` passes the flags to the final link only, so the dependencies
# (and proc-macros, which cannot be built with crt-static) build as usual.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"
out="$target_dir/release"
musl="$(uname -m)-unknown-linux-musl"
engine=(--release --locked -p hookwarden --bin hookwarden)
engineless=(--release --locked -p hookwarden --no-default-features --bin hookwarden-hook)
relr=(-C link-arg=-Wl,-z,pack-relative-relocs)

# `cargo rustc` with the flags after `--`, retried without packed
# relocations if the link fails or the program does not start. Arguments:
# the program's path once built, cargo's arguments, `--`, rustc's flags.
build_checked() {
    local program="$1"
    shift
    if cargo rustc "$@" "${relr[@]}" >&2 && "$program" --version >/dev/null 2>&1; then
        return 0
    fi
    echo "build-release.sh: warning: $program with packed relocations failed; linking" \
        "without them (~0.3 ms slower per call)" >&2
    cargo rustc "$@" >&2
}

glibc=
if [ "$(uname -s)" = Linux ] && ldd --version 2>&1 | grep -qiE 'glibc|gnu libc'; then
    glibc=1
fi

if [ -n "$glibc" ]; then
    if ! build_checked "$out/hookwarden" "${engine[@]}" -- -C target-feature=+crt-static; then
        # Static glibc (libc.a) comes with libc6-dev / glibc-static.
        echo "build-release.sh: warning: the static-pie link failed (is the static glibc," \
            "libc6-dev or glibc-static, installed?); building a dynamically linked hookwarden," \
            "about 1 ms slower per call" >&2
        cargo build "${engine[@]}" >&2
    fi
else
    cargo build "${engine[@]}" >&2
fi

if [ "$(uname -s)" = Linux ] && rustup target list --installed 2>/dev/null | grep -qx "$musl"; then
    build_checked "$target_dir/$musl/release/hookwarden-hook" "${engineless[@]}" --target "$musl" --
    # Beside hookwarden, where hookwarden-hook looks for it.
    # (Not in place: cargo hard-links its own build there.)
    rm -f "$out/hookwarden-hook"
    cp "$target_dir/$musl/release/hookwarden-hook" "$out/hookwarden-hook"
else
    echo "build-release.sh: no $musl target; hookwarden-hook is built for the host libc" \
        "(~0.3 ms slower to start on a VM)" >&2
    if [ -z "$glibc" ] ||
        ! build_checked "$out/hookwarden-hook" "${engineless[@]}" -- -C target-feature=+crt-static; then
        cargo build "${engineless[@]}" >&2
    fi
fi
echo "$out/hookwarden"
