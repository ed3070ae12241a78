#!/bin/sh
# The registered hook command in the end-to-end tests: records each call, then
# runs hookwarden on the payload and hands its answer (stdout, stderr, exit
# code) back to the agent unchanged.
#   hook-wrapper.sh LOG_DIR HOOKWARDEN_BINARY ARGS...
# Each call gets LOG_DIR/call-XXXXXX/ with payload.json, stdout, stderr, rc.
set -u
log_dir=$1
shift
mkdir -p "$log_dir"
call=$(mktemp -d "$log_dir/call-XXXXXX")
cat >"$call/payload.json"
"$@" <"$call/payload.json" >"$call/stdout" 2>"$call/stderr"
rc=$?
echo "$rc" >"$call/rc"
cat "$call/stdout"
cat "$call/stderr" >&2
exit "$rc"
