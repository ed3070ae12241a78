#!/usr/bin/env bash
# End-to-end tests with the real agent CLIs: Codex CLI and Claude Code (pinned
# in tests/e2e/package.json, installed by tests/e2e/install.sh) talk to our
# scripted model server (mock_llm.py, 127.0.0.1 only), which asks for exactly
# one shell command per run. hookwarden, on its built-in defaults, is the
# registered PreToolUse hook; hook-wrapper.sh records each call.
#
#   tests/e2e/run.sh [HOOKWARDEN_BINARY]
#
# Without an argument it builds `cargo build --release -p hookwarden` and uses
# target/release/hookwarden. Per CLI: a remote script piped into sh and
# `git reset --hard` must be denied (no side effect, hook called once, the
# deny reason reaches the model), a harmless command must run. Then MCP: the
# CLI has two stdio MCP servers (mcp_server.py) under two names, `notes` on
# the admin's allowlist ([hookwarden.mcp] in requirements.toml) and `scratch`
# on none; the model calls one server's tool: the listed one's call must run,
# the unlisted one's must be stopped by mcp-guard. One line per scenario,
# non-zero exit on any failure. Everything lives in a temp dir (kept on
# failure, or with E2E_KEEP=1); HOME, CODEX_HOME and CLAUDE_CONFIG_DIR are per
# run, API keys are dummies.
#
# Knobs: E2E_ONLY='PATTERN…' runs only the scenarios whose `agent/name`
# matches one of the shell patterns (e.g. '*/mcp-*'). E2E_STAND_IN=1
# registers an allow-everything stand-in (allow-all-hook.sh: no output, exit
# 0) instead of hookwarden, to see the checks fail without a real guard.
#
# Isolation: the suite re-executes itself in a new network namespace with only
# `lo` (unshare -n, else unshare -rn) and a private mount namespace in which
# /etc is overlaid, so Codex reads our /etc/codex/requirements.toml and runs
# hookwarden as a *managed* hook, exactly the README's deployment. Where that
# is not permitted it says so and falls back: the host network (the configs
# still point only at 127.0.0.1) and/or a user-level $CODEX_HOME/hooks.json
# with --dangerously-bypass-hook-trust (untrusted user hooks are skipped
# silently otherwise).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin_dir="$here/node_modules/.bin"
prompt="Run the shell command for the hookwarden e2e test."

log() { printf 'e2e: %s\n' "$*"; }
die() { printf 'e2e: error: %s\n' "$*" >&2; exit 1; }

if [ -z "${HOOKWARDEN_E2E_INSIDE:-}" ]; then
    # ---- outside: prerequisites, the binary, then into the namespaces -------
    started=$(date +%s.%N)
    for tool in python3 git timeout; do
        command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required"
    done
    for cli in codex claude; do
        [ -x "$bin_dir/$cli" ] ||
            die "$bin_dir/$cli is missing: run tests/e2e/install.sh (npm ci in tests/e2e) first"
    done
    if [ $# -ge 1 ]; then
        hookwarden=$1
    else
        log "building hookwarden (cargo build --release -p hookwarden)"
        (cd "$repo" && cargo build --release -p hookwarden)
        hookwarden="${CARGO_TARGET_DIR:-$repo/target}/release/hookwarden"
    fi
    [ -x "$hookwarden" ] || die "no hookwarden binary at $hookwarden"
    hookwarden=$(cd "$(dirname "$hookwarden")" && pwd)/$(basename "$hookwarden")
    log "hookwarden: $hookwarden ($("$hookwarden" --version))"
    log "codex: $(timeout 30 "$bin_dir/codex" --version); claude: $(timeout 30 "$bin_dir/claude" --version)"

    export HOOKWARDEN_E2E_INSIDE=1 HOOKWARDEN_E2E_STARTED=$started
    if [ -n "${E2E_NO_NETNS:-}" ]; then
        log "WARNING: E2E_NO_NETNS set: running in the host network namespace"
    elif ! command -v unshare >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1; then
        log "WARNING: unshare or ip (util-linux, iproute2) missing: running in the host network namespace"
    else
        # Network + mount namespace as root, then the same in a user
        # namespace, then network only (no managed Codex hook then).
        for flags in "-n -m --propagation private" "-r -n -m --propagation private" "-n" "-r -n"; do
            # shellcheck disable=SC2086
            if unshare $flags true 2>/dev/null; then
                export HOOKWARDEN_E2E_NETNS="unshare $flags"
                if [[ $flags == *-m* ]]; then export HOOKWARDEN_E2E_MOUNTNS=1; fi
                # shellcheck disable=SC2086
                exec unshare $flags "$0" "$hookwarden"
            fi
        done
        log "WARNING: unshare is not permitted here: running in the host network namespace"
    fi
    exec "$0" "$hookwarden"
fi

# ---- inside: set up, run every scenario ----------------------------------------
hookwarden=$1
if [ -n "${HOOKWARDEN_E2E_NETNS:-}" ]; then
    ip link set lo up || die "cannot bring up lo in the new network namespace"
    log "network: loopback-only namespace ($HOOKWARDEN_E2E_NETNS; interfaces: $(ip -o link show | awk -F': ' '{printf "%s ", $2}'))"
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/hookwarden-e2e.XXXXXX")
failures=0
cleanup() {
    # The server the hook calls started; it would also stop with its socket.
    server_pid=$(cat "$root/run/serve.lock" 2>/dev/null || true)
    case "$server_pid" in '' | *[!0-9]*) ;; *) kill "$server_pid" 2>/dev/null || true ;; esac
    if [ "$failures" -ne 0 ] || [ -n "${E2E_KEEP:-}" ]; then
        log "runs kept in $root"
    else
        rm -rf "$root"
    fi
}
trap cleanup EXIT

codex_hooks=user
if [ -n "${HOOKWARDEN_E2E_MOUNTNS:-}" ]; then
    mkdir -p "$root/etc-upper/codex" "$root/etc-work"
    if mount -t overlay overlay \
        -o "lowerdir=/etc,upperdir=$root/etc-upper,workdir=$root/etc-work" /etc 2>"$root/overlay.err"; then
        codex_hooks=managed
    else
        log "WARNING: cannot overlay /etc ($(head -c 200 "$root/overlay.err")): Codex gets a user-level hook instead"
    fi
fi
if [ "$codex_hooks" = managed ]; then
    log "codex hook: managed, in /etc/codex/requirements.toml (an overlay private to this run)"
else
    log "codex hook: user-level \$CODEX_HOME/hooks.json with --dangerously-bypass-hook-trust"
fi

# Model server for one run: sets mock_pid and port. $1 = run dir, rest: what
# the model calls (--command CMD, or --tool NAME --arguments JSON).
start_mock() {
    local run=$1
    shift
    python3 "$here/mock_llm.py" --log-dir "$run/mocklog" --port-file "$run/port" \
        "$@" --max-seconds 180 2>"$run/mock.stderr" &
    mock_pid=$!
    for _ in $(seq 100); do
        [ -s "$run/port" ] && break
        sleep 0.1
    done
    [ -s "$run/port" ] || die "the mock server did not start: $(cat "$run/mock.stderr")"
    port=$(cat "$run/port")
}

stop_mock() {
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
}

# The hook command line the CLI runs: the wrapper (which logs the call) around
# hookwarden. $1 = run dir, $2 = agent name for --agent, rest: extra args.
# As `hookwarden install` registers it: `hookwarden-hook` where it was built
# beside hookwarden, with a server started on demand by the first call. That
# server's socket (and so the server) lives in this run's root; it logs each
# call it judges (the hook itself stays at its default level).
hook_program=$hookwarden
[ -x "$(dirname "$hookwarden")/hookwarden-hook" ] && hook_program=$(dirname "$hookwarden")/hookwarden-hook
if [ -n "${E2E_STAND_IN:-}" ]; then
    hook_program=$here/allow-all-hook.sh
    log "WARNING: E2E_STAND_IN set: the hook is $hook_program, which allows everything; expect failures"
fi
socket="$root/run/serve.sock"
hook_command() {
    local run=$1 agent=$2
    shift 2
    printf '%q ' env "HOOKWARDEN_SOCKET=$socket" "HOOKWARDEN_LOG=warn,hookwarden::resident::server=info" \
        "$here/hook-wrapper.sh" "$run/hooklog" \
        "$hook_program" hook --agent "$agent" --event PreToolUse "$@"
}

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# $1 as a JSON string, which is also a TOML basic string. In bash: starting
# python3 takes ~0.2 s on a busy 2-core machine, and a run needs several.
json_string() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\n'/\\n}
    s=${s//$'\r'/\\r}
    s=${s//$'\t'/\\t}
    printf '"%s"\n' "$s"
}

# The MCP servers of an MCP run, both mcp_server.py: `notes`, which the
# requirements list, and `scratch`, which they do not. write_note writes
# $run/markers/<server>-wrote.
mcp_servers=(notes scratch)

# The requirements file of a run ($run/requirements.toml; Codex's managed
# hook gets the same [hookwarden] part in /etc/codex/requirements.toml).
# Without a [hookwarden] table hookwarden runs its built-in defaults; the MCP
# runs add an allowlist for mcp-guard (a built-in rule: still the defaults).
# $1 = which: none, deny (unlisted = "deny") or default (no `unlisted`: ask).
hookwarden_table() {
    local unlisted=$1
    [ "$unlisted" = none ] && return 0
    printf '\n[hookwarden.mcp]\n'
    [ "$unlisted" = deny ] && printf 'unlisted = "deny"\n'
    printf 'lookalike = "deny"\n\n[hookwarden.mcp.servers.notes]\n'
    printf 'tools = { "delete_*" = "deny" }\nother_tools = "allow"\n'
}

run_codex() {
    local run=$1 trust_flag=() server
    cat >"$run/home/config.toml" <<TOML
model = "mock-model"
model_provider = "mock"
approval_policy = "never"
sandbox_mode = "danger-full-access"
check_for_update_on_startup = false

[analytics]
enabled = false

[feedback]
enabled = false

[model_providers.mock]
name = "hookwarden e2e mock"
base_url = "http://127.0.0.1:$port/v1"
env_key = "MOCK_API_KEY"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0

[features]
hooks = true
# Stay on loopback: no curated-plugin sync from github.com, no apps/connectors.
plugins = false
remote_plugin = false
apps = false
TOML
    if [ -n "$mcp" ]; then
        # Codex offers each server's tools to the model as a namespace
        # `mcp__<server>` and names the call `mcp__<server>__<tool>` to hooks.
        for server in "${mcp_servers[@]}"; do
            cat >>"$run/home/config.toml" <<TOML

[mcp_servers.$server]
command = "python3"
args = [$(json_string "$here/mcp_server.py"), "--marker", $(json_string "$run/markers/$server-wrote")]
TOML
        done
    fi
    if [ "$codex_hooks" = managed ]; then
        # The README's deployment, PreToolUse only; hookwarden reads this very
        # file: built-in defaults, with the MCP allowlist in the MCP runs.
        cat >/etc/codex/requirements.toml <<TOML
allow_managed_hooks_only = true

[features]
hooks = true

[[hooks.PreToolUse]]
matcher = "*"
[[hooks.PreToolUse.hooks]]
type = "command"
command = $(json_string "$(hook_command "$run" codex)")
timeout = 30
statusMessage = "hookwarden: checking"
$(hookwarden_table "$mcp_table")
TOML
    else
        cat >"$run/home/hooks.json" <<JSON
{"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [
  {"type": "command", "command": $(json_string "$(hook_command "$run" codex --requirements "$run/requirements.toml")"), "timeout": 30}
]}]}}
JSON
        trust_flag=(--dangerously-bypass-hook-trust)
    fi
    (cd "$run/work" && exec env -i PATH="$PATH" LANG=C.UTF-8 TERM=dumb HOME="$run/home" TMPDIR="$run/tmp" \
        CODEX_HOME="$run/home" MOCK_API_KEY=dummy-key RUST_LOG=warn \
        timeout 120 "$bin_dir/codex" exec --skip-git-repo-check "${trust_flag[@]}" --json "$prompt" \
        >"$run/cli.stdout" 2>"$run/cli.stderr" </dev/null)
}

run_claude() {
    local run=$1 server mcp_args=() mcp_env=() allowed=(Bash) sep=
    mkdir -p "$run/home/.claude"
    if [ -n "$mcp" ]; then
        {
            printf '{"mcpServers": {'
            for server in "${mcp_servers[@]}"; do
                printf '%s\n  "%s": {"type": "stdio", "command": "python3", "args": [%s, "--marker", %s]}' \
                    "$sep" "$server" "$(json_string "$here/mcp_server.py")" \
                    "$(json_string "$run/markers/$server-wrote")"
                sep=,
                allowed+=("mcp__${server}__write_note")
            done
            printf '\n}}\n'
        } >"$run/mcp.json"
        mcp_args=(--mcp-config "$run/mcp.json")
        # Claude Code defers MCP tools behind ToolSearch (their names in the
        # system prompt, no schema; a direct call fails): offer them directly.
        mcp_env=(ENABLE_TOOL_SEARCH=false)
    fi
    cat >"$run/home/.claude/settings.json" <<JSON
{"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [
  {"type": "command", "command": $(json_string "$(hook_command "$run" claude-code --requirements "$run/requirements.toml")"), "timeout": 30}
]}]}}
JSON
    # -p has nobody to answer permission prompts: pre-allow Bash (and the MCP
    # tools, the unlisted server's too: only the hook may stop it) so an
    # allowed call really runs (the hook runs before that check). `--` ends
    # the variadic --allowedTools. --strict-mcp-config: no MCP server but ours.
    (cd "$run/work" && exec env -i PATH="$PATH" LANG=C.UTF-8 TERM=dumb HOME="$run/home" TMPDIR="$run/tmp" \
        CLAUDE_CONFIG_DIR="$run/home/.claude" \
        ANTHROPIC_BASE_URL="http://127.0.0.1:$port" ANTHROPIC_API_KEY=dummy-key \
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1 DISABLE_TELEMETRY=1 \
        DISABLE_ERROR_REPORTING=1 DISABLE_BUG_COMMAND=1 CLAUDE_CODE_ENABLE_TELEMETRY=0 \
        "${mcp_env[@]}" \
        timeout 120 "$bin_dir/claude" -p --output-format stream-json --verbose \
        --strict-mcp-config "${mcp_args[@]}" --allowedTools "${allowed[@]}" -- "$prompt" \
        >"$run/cli.stdout" 2>"$run/cli.stderr" </dev/null)
}

# scenario AGENT NAME EXPECT: one CLI run and its checks; one output line.
# EXPECT is hookwarden's verdict: deny, ask (Codex cannot ask at PreToolUse:
# hookwarden denies with "approval required: …"; Claude Code -p has nobody to
# ask and refuses the call) or allow.
scenario() {
    local agent=$1 name=$2 expect=$3 run marker keep=() t0 t1 rc problems
    local mcp= mcp_table=none tag="[destructive-commands]" tool=Bash input call=() server text
    if [ -n "${E2E_ONLY:-}" ]; then
        local pattern patterns selected=
        read -r -a patterns <<<"$E2E_ONLY"
        for pattern in "${patterns[@]}"; do
            # shellcheck disable=SC2053
            [[ $agent/$name == $pattern ]] && selected=1
        done
        [ -n "$selected" ] || return 0
    fi
    run="$root/runs/$agent-$name"
    mkdir -p "$run/home" "$run/work" "$run/tmp" "$run/mocklog" "$run/hooklog" "$run/markers"
    marker="$run/markers/command-ran"
    case "$name" in
    remote-script)
        # Port 9 (discard) is closed: if the guard failed, curl fails, sh reads
        # nothing, and the marker is created.
        call=(--command "curl -fsS http://127.0.0.1:9/x.sh | sh; touch $marker") ;;
    git-reset)
        git -C "$run/work" init -q
        echo committed >"$run/work/tracked.txt"
        git -C "$run/work" add tracked.txt
        git -C "$run/work" -c user.name=e2e -c user.email=e2e@example.invalid commit -qm init
        echo "uncommitted change" >"$run/work/tracked.txt"
        keep=(--keep "$run/work/tracked.txt" "uncommitted change")
        call=(--command "git reset --hard && touch $marker") ;;
    harmless)
        call=(--command "touch $marker") ;;
    mcp-*)
        # The model calls write_note of one server; it writes that server's marker.
        mcp=1 tag="[mcp-guard]"
        case "$name" in
        mcp-listed) server=notes mcp_table=deny ;;
        mcp-unlisted) server=scratch mcp_table=deny ;;
        mcp-default) server=scratch mcp_table=default ;;
        esac
        tool="mcp__${server}__write_note"
        marker="$run/markers/$server-wrote"
        text="hookwarden e2e note via $server"
        call=(--tool "$tool" --arguments "{\"text\": $(json_string "$text")}") ;;
    esac
    if [ "$tool" = Bash ]; then
        input="{\"command\": $(json_string "${call[1]}")}"
    else
        input=${call[3]}
    fi
    { printf '[features]\nhooks = true\n'; hookwarden_table "$mcp_table"; } >"$run/requirements.toml"
    start_mock "$run" "${call[@]}"
    t0=$(date +%s.%N)
    rc=0
    "run_$agent" "$run" || rc=$?
    t1=$(date +%s.%N)
    stop_mock
    echo "$rc" >"$run/cli.rc"
    problems=$(python3 "$here/check_run.py" "$run" --agent "$agent" --expect "$expect" --tag "$tag" \
        --tool "$tool" --input "$input" --marker "$marker" "${keep[@]}") || true
    ran=$((ran + 1))
    if [ -z "$problems" ]; then
        printf 'PASS  %-6s  %-13s  %-5s  %5ss\n' "$agent" "$name" "$expect" "$(seconds "$t0" "$t1")"
    else
        failures=$((failures + 1))
        printf 'FAIL  %-6s  %-13s  %-5s  %5ss\n' "$agent" "$name" "$expect" "$(seconds "$t0" "$t1")"
        printf '%s\n' "$problems" | sed 's/^/        - /'
        printf '        (run dir: %s)\n' "$run"
    fi
}

ran=0
for agent in codex claude; do
    scenario "$agent" remote-script deny
    scenario "$agent" git-reset deny
    scenario "$agent" harmless allow
    scenario "$agent" mcp-listed allow
    scenario "$agent" mcp-unlisted deny
    scenario "$agent" mcp-default ask
done

[ "$ran" -gt 0 ] || die "no scenario matches E2E_ONLY='${E2E_ONLY:-}'"

# The first call found no server and started one: later calls are served.
calls=$(find "$root/runs" -path '*/hooklog/call-*' -name rc | wc -l)
served=$(grep -c ' judged ' "$root/run/serve.log" 2>/dev/null || true)
log "hook program: $hook_program; $calls hook calls, ${served:-0} served by the server the first one started"
if [ -z "${E2E_STAND_IN:-}" ] && [ "$hook_program" != "$hookwarden" ] && [ "$calls" -ge 2 ] &&
    [ "${served:-0}" -lt 1 ]; then
    printf 'FAIL  no hook call was served by an on-demand server (log: %s)\n' "$root/run/serve.log"
    failures=$((failures + 1))
fi

elapsed=$(seconds "$HOOKWARDEN_E2E_STARTED" "$(date +%s.%N)")
if [ "$failures" -ne 0 ]; then
    printf 'e2e: %d scenario(s) FAILED; total %ss\n' "$failures" "$elapsed"
    exit 1
fi
printf 'e2e: all %d scenarios passed; total %ss\n' "$ran" "$elapsed"
