#!/usr/bin/env bash
# Every rule's corpus through the built components: one tally line per rule
# (cases by label, misses, false blocks), non-zero exit on any failure.
# The built-in pack's components are the ones the release build embedded.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
hw=$(scripts/build-release.sh)
components=target/components/wasm32-unknown-unknown/rule/components
status=0
for cases in rules/*/cases.toml; do
    rule=$(basename "$(dirname "$cases")")
    "$hw" test "$components/${rule//-/_}.wasm" "$cases" | grep -E "^(FAIL|$rule: [0-9]+ cases)" || status=1
done
exit $status
