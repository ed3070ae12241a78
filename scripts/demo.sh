#!/usr/bin/env bash
# The main job, on the built-in defaults: build hookwarden (release), then
# push sample Codex PreToolUse payloads through the hook program exactly as
# Codex would run it once `hookwarden install` has registered it, and show
# each answer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
hw=$(scripts/build-release.sh)
# What `install` registers: `hookwarden-hook`, whose first call starts a
# server for the calls after it.
hook=("$(dirname "$hw")/hookwarden-hook")
[ -x "${hook[0]}" ] || hook=("$hw" hook)

# No [hookwarden] table in this file: hookwarden runs its built-in rule pack.
# The server's socket lives in the same scratch directory, so the server
# stops once the demo removes it.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
requirements="$scratch/requirements.toml"
printf '[features]\nhooks = true\n' >"$requirements"
export HOOKWARDEN_SOCKET="$scratch/run/serve.sock"

status=0
for payload in examples/payloads/codex/pre-tool-use-*.json; do
    # A shell command, or an MCP tool's call (its name, then the command it runs).
    command=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); t=p["tool_name"]; print(("" if t=="Bash" else t+" ")+p["tool_input"]["command"])' "$payload")
    answer=$(HOOKWARDEN_LOG=debug "${hook[@]}" --agent codex --requirements "$requirements" \
        <"$payload" 2>"$scratch/log")
    ms=$(sed -n 's/.*answered elapsed_us=\([0-9]*\).*/\1/p' "$scratch/log" | tail -n1)
    how="rules ran in this call"
    grep -q "judged by the server" "$scratch/log" && how="served by the server"
    grep -q "started one for the next calls" "$scratch/log" && how="$how; it started a server for the next calls"
    case "$answer" in
        *'"permissionDecision":"deny"'*) verdict=DENY ;;
        "") verdict=allow ;;
        *) verdict=other ;;
    esac
    printf '\n$ %s\n  hookwarden: %s  (%s ms, %s)\n' "$command" "$verdict" \
        "$(awk -v us="${ms:-0}" 'BEGIN { printf "%.1f", us / 1000 }')" "$how"
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
