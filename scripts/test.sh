#!/usr/bin/env bash
# Set up and run every test: unit tests of all crates (rules included, on the
# host target), then the integration tests, which build the rule components
# for wasm32-wasip2 and drive the real `hookwarden` binary with them, then the
# end-to-end tests with the real agent CLIs (tests/e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --workspace --locked "$@"

# The rule pack on other guards' labelled corpora (../shared/eval, beside
# the repository): fails when it stops fewer rows or blocks more than the
# committed floor (scripts/eval-floor.json). Skipped where they are absent.
eval_dir=../shared/eval
if [ -d "$eval_dir" ] && ls "$eval_dir"/*.tsv >/dev/null 2>&1; then
    scripts/eval.py --hookwarden "$(scripts/build-release.sh)" --eval-dir "$eval_dir" \
        --floor scripts/eval-floor.json
else
    echo "test.sh: no corpora in $eval_dir: skipping scripts/eval.py" >&2
fi

# End-to-end: the real Codex CLI and Claude Code (pinned, from npm, into
# tests/e2e/node_modules) call the release hookwarden as their PreToolUse
# hook, offline against a scripted model server. HOOKWARDEN_SKIP_E2E=1 skips.
if [ -n "${HOOKWARDEN_SKIP_E2E:-}" ]; then
    echo "test.sh: HOOKWARDEN_SKIP_E2E set: skipping the end-to-end tests" >&2
    exit 0
fi
for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "test.sh: error: '$tool' not found; the end-to-end tests need Node.js and npm" \
            "(e.g. apt-get install nodejs npm), or set HOOKWARDEN_SKIP_E2E=1 to skip them" >&2
        exit 1
    fi
done
tests/e2e/install.sh
tests/e2e/run.sh "$(scripts/build-release.sh)"
