#!/usr/bin/env bash
# Fuzz hookwarden's attack surface for a bounded time: the agent payload
# adapters, the shell analysis (raw and structure-aware) and the resident
# server's protocol (see fuzz/README.md).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Runs each target (default: all) for SECONDS (default 30) with libFuzzer,
# starting from the committed seeds in fuzz/seeds/<target>, and exits 1 on
# any crash, panic, stack overflow, per-input timeout or out-of-memory,
# printing the saved reproducer. Stable Rust only: cargo-fuzz builds with
# `--sanitizer none` (no -Z flags). Installs cargo-fuzz if missing.
#
# Environment:
#   HOOKWARDEN_FUZZ_TARGET_DIR  build and work directory (default fuzz/target;
#                               never the main target directory)
#   HOOKWARDEN_FUZZ_TIMEOUT     seconds one input may take (default 10)
#   HOOKWARDEN_FUZZ_RSS_MB      memory limit of a fuzzing process (default 2048)
#   HOOKWARDEN_FUZZ_STACK_KIB   stack of the thread running the shell
#                               analysis (default 2048, as `hookwarden serve`'s
#                               worker threads)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CARGO_FUZZ_VERSION=0.13.2
ALL_TARGETS=(agents shell shell_structured protocol)

seconds=${1:-30}
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (targets: ${ALL_TARGETS[*]})" >&2
    exit 2
fi
shift $(($# > 0 ? 1 : 0))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
    [ -f "fuzz/fuzz_targets/$t.rs" ] || { echo "fuzz.sh: no target '$t' (targets: ${ALL_TARGETS[*]})" >&2; exit 2; }
done

per_input=${HOOKWARDEN_FUZZ_TIMEOUT:-10}
rss_mb=${HOOKWARDEN_FUZZ_RSS_MB:-2048}
target_dir=${HOOKWARDEN_FUZZ_TARGET_DIR:-$ROOT/fuzz/target}
mkdir -p "$target_dir"
target_dir=$(cd "$target_dir" && pwd)
# The fuzz build has its own flags; never share the caller's target dir.
unset CARGO_TARGET_DIR

# --- tools -----------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
    echo "fuzz.sh: needs Rust (cargo) 1.95 or newer: https://rustup.rs" >&2
    exit 1
fi
if ! command -v c++ >/dev/null 2>&1 && ! command -v g++ >/dev/null 2>&1 && ! command -v clang++ >/dev/null 2>&1; then
    echo "fuzz.sh: needs a C++ compiler to build libFuzzer (e.g. apt-get install g++)" >&2
    exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz $CARGO_FUZZ_VERSION" >&2
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi
have=$(cargo fuzz --version 2>/dev/null | awk '{print $2}')
if [ "$have" != "$CARGO_FUZZ_VERSION" ]; then
    echo "fuzz.sh: note: using cargo-fuzz $have (this script was written for $CARGO_FUZZ_VERSION)" >&2
fi

# --- build -----------------------------------------------------------------
# The host crate (for its protocol module) embeds the built-in rule pack,
# which its build script would compile to wasm. The fuzz targets never run
# rules: embed empty stand-ins instead (HOOKWARDEN_BUILTIN_DIR, host/build.rs).
stub="$target_dir/builtin-stub"
mkdir -p "$stub"
rules=$(sed -n '/^const BUILTIN_RULES/,/^];/p' host/build.rs | grep -o '"[a-z0-9-]*"' | tr -d '"')
if [ -z "$rules" ]; then
    echo "fuzz.sh: cannot read BUILTIN_RULES from host/build.rs" >&2
    exit 1
fi
for r in $rules; do
    : >"$stub/${r//-/_}.wasm"
done
export HOOKWARDEN_BUILTIN_DIR=$stub

triple=$(rustc -vV | sed -n 's/^host: //p')
build_started=$(date +%s)
echo "fuzz.sh: building ${targets[*]} (cargo-fuzz $have, --sanitizer none, release + debug assertions) in $target_dir" >&2
for t in "${targets[@]}"; do
    cargo fuzz build --fuzz-dir fuzz --sanitizer none --target-dir "$target_dir" "$t"
done
build_secs=$(($(date +%s) - build_started))

# --- run -------------------------------------------------------------------
# Per target: libFuzzer flags beyond the common ones.
flags_for() {
    case $1 in
        agents) echo "-max_len=16384 -dict=$ROOT/fuzz/dict/json.dict" ;;
        shell) echo "-max_len=20000 -dict=$ROOT/fuzz/dict/shell.dict" ;;
        shell_structured) echo "-max_len=4096" ;;
        protocol) echo "-max_len=16384 -dict=$ROOT/fuzz/dict/json.dict" ;;
    esac
}

failed=()
summary=()
for t in "${targets[@]}"; do
    bin="$target_dir/$triple/release/$t"
    corpus="$target_dir/corpus/$t"
    artifacts="$target_dir/artifacts/$t"
    log="$target_dir/logs/$t.log"
    seeds="$ROOT/fuzz/seeds/$t"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    rm -f "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-* "$artifacts"/leak-* "$artifacts"/slow-unit-*
    dirs=("$corpus")
    [ -d "$seeds" ] && dirs+=("$seeds")
    echo "fuzz.sh: $t for ${seconds}s (log: $log)" >&2
    # shellcheck disable=SC2046
    set +e
    timeout --kill-after=10 $((seconds + 120)) "$bin" \
        -max_total_time="$seconds" -timeout="$per_input" \
        -rss_limit_mb="$rss_mb" \
        -print_final_stats=1 -artifact_prefix="$artifacts/" \
        $(flags_for "$t") "${dirs[@]}" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1)
    found=$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort)
    if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
        result=ok
    else
        case $rc in
            124 | 137) result="FAILED (the fuzzer did not stop in time)" ;;
            *) result="FAILED (exit $rc)" ;;
        esac
        failed+=("$t")
        echo "fuzz.sh: $t: $result; the end of its log:" >&2
        grep -v '^#[0-9]' "$log" | tail -40 >&2
        for f in $found; do
            echo "fuzz.sh: $t: reproducer: $f" >&2
            echo "    reproduce: HOOKWARDEN_BUILTIN_DIR=$stub cargo fuzz run --fuzz-dir fuzz --sanitizer none --target-dir $target_dir $t $f" >&2
            echo "    or:        $bin $f" >&2
        done
    fi
    summary+=("$(printf '%-17s %-8s %12s %8s   %-30s %s' "$t" "${seconds}s" "${execs:-?}" "${speed:-?}" "${cov:-?}" "$result")")
done

echo
echo "fuzz.sh: build ${build_secs}s; per target ${seconds}s, per input at most ${per_input}s, ${rss_mb} MB"
printf '%-17s %-8s %12s %8s   %-30s %s\n' target time executions exec/s "final coverage" result
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: FAILED: ${failed[*]}" >&2
    exit 1
fi
