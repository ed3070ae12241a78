#!/usr/bin/env bash
# The main job, on the built-in defaults: build hookwarden (release), then
# push sample Codex PreToolUse payloads through `hookwarden hook` exactly as
# Codex would, and show each answer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
hw=$(scripts/build-release.sh)

# No [hookwarden] table in this file: hookwarden runs its built-in rule pack.
requirements=$(mktemp)
trap 'rm -f "$requirements"' EXIT
printf '[features]\nhooks = true\n' >"$requirements"

status=0
for payload in examples/payloads/codex/pre-tool-use-*.json; do
    command=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tool_input"]["command"])' "$payload")
    answer=$("$hw" hook --agent codex --requirements "$requirements" <"$payload")
    case "$answer" in
        *'"permissionDecision":"deny"'*) verdict=DENY ;;
        "") verdict=allow ;;
        *) verdict=other ;;
    esac
    printf '\n$ %s\n  hookwarden: %s\n' "$command" "$verdict"
    [ -n "$answer" ] && printf '  answer to Codex: %s\n' "$answer"
    # The sample names say what must happen; a mismatch fails the demo.
    case "$(basename "$payload")" in
        *-deny-*) [ "$verdict" = DENY ] || status=1 ;;
        *-allow-*) [ "$verdict" = allow ] || status=1 ;;
    esac
done
echo
if [ "$status" -ne 0 ]; then
    echo "demo: some answers were not what the sample names expect" >&2
fi
exit "$status"
