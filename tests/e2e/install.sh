#!/usr/bin/env bash
# Install the agent CLIs the end-to-end tests drive, pinned in package.json /
# package-lock.json, into tests/e2e/node_modules (never globally) with
# `npm ci`. Skipped when the installed CLIs already have the pinned versions
# (E2E_REINSTALL=1 forces it). Only the npm registry is contacted; both
# packages carry their native binaries in platform sub-packages (~770 MB).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
die() { printf 'e2e install: error: %s\n' "$*" >&2; exit 1; }
command -v node >/dev/null 2>&1 ||
    die "node is required (Node.js >= 18 with npm; e.g. apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 ||
    die "npm is required (e.g. apt-get install npm)"

pinned() { node -p "require('./package.json').dependencies['$1']"; }
codex_version=$(pinned @openai/codex)
claude_version=$(pinned @anthropic-ai/claude-code)

installed() {
    [ "$(timeout 30 node_modules/.bin/codex --version 2>/dev/null)" = "codex-cli $codex_version" ] &&
        [ "$(timeout 30 node_modules/.bin/claude --version 2>/dev/null)" = "$claude_version (Claude Code)" ]
}

if [ -z "${E2E_REINSTALL:-}" ] && installed; then
    echo "e2e install: codex $codex_version and claude-code $claude_version already installed"
    exit 0
fi
started=$(date +%s)
# claude-code wants node >= 22 (EBADENGINE warning); its native binary never
# runs on node, so older node works.
timeout 900 npm ci --no-audit --no-fund --loglevel=error
# claude-code's postinstall hard-links the native binary over the placeholder
# bin/claude.exe; do it here if install scripts were blocked.
if ! head -c4 node_modules/@anthropic-ai/claude-code/bin/claude.exe | grep -q ELF; then
    node node_modules/@anthropic-ai/claude-code/install.cjs
fi
installed || die "the installed CLIs do not report the pinned versions ($codex_version, $claude_version)"
echo "e2e install: codex $codex_version and claude-code $claude_version installed in $(( $(date +%s) - started )) s"
