#!/usr/bin/env bash
# The checks of hookwarden's built-in pack (destructive commands, network
# egress, new packages, protected paths, symlinked write targets), roughly, the
# way a shell hook does them: one jq call for the fields, one grep per rule,
# realpath for write targets, jq again only to answer. It is cruder than the
# pack (regexes, not a shell parser) and written to be fast, not slow.
set -u
input=$(cat)
{
  IFS= read -r cwd
  IFS= read -r cmd
} < <(printf '%s' "$input" | jq -r '(.cwd // ""), (.tool_input.command // "" | gsub("\n"; " "))')

answer() {
  jq -cn --arg d "$1" --arg r "$2" \
    '{hookSpecificOutput:{hookEventName:"PreToolUse",permissionDecision:$d,permissionDecisionReason:$r}}'
  exit 0
}

# A command word, after separators and the usual wrappers.
w='(^|[;&|([:space:]])(sudo[[:space:]]+|env[[:space:]]+|nice[[:space:]]+|timeout[[:space:]]+[0-9]+[[:space:]]+)*'

# destructive-commands
if printf '%s' "$cmd" | grep -Eq "${w}(rm[[:space:]]+-[a-zA-Z]*[rR][a-zA-Z]*[[:space:]]+(/|~|\\\$HOME|/home/|/etc|/usr)|git[[:space:]]+(reset[[:space:]]+--hard|clean[[:space:]]+-[a-zA-Z]*f|push([[:space:]].*)?[[:space:]](--force|-f))|dd[[:space:]].*of=/dev/|mkfs|wipefs|shred|blkdiscard)"; then
  answer deny "destructive command: $cmd"
fi

# network-egress: uploads of files, remote scripts into a shell
if printf '%s' "$cmd" | grep -Eq "(curl|wget)[^|]*\|[[:space:]]*(sudo[[:space:]]+)?(ba|z|da)?sh|curl[^|;&]*[[:space:]](-d|--data[a-z-]*|-F|--form|-T|--upload-file)[[:space:]]*['\"]?@?|wget[^|;&]*--post-file|${w}(scp|rsync)[[:space:]][^;&|]*[a-zA-Z0-9.-]+:|${w}nc[[:space:]][^<]*<"; then
  answer deny "network egress: $cmd"
fi

# package-guard: packages the project's manifests do not name yet
if pkg=$(printf '%s' "$cmd" | grep -Eo "${w}((npm|pnpm|yarn|bun)[[:space:]]+(add|install|i)|pip3?[[:space:]]+install|cargo[[:space:]]+(add|install)|go[[:space:]]+(get|install)|gem[[:space:]]+install)[[:space:]]+[@a-zA-Z0-9._/-]+"); then
  name=${pkg##* }
  if ! grep -qsF -- "$name" "$cwd/package.json" "$cwd/Cargo.toml" "$cwd/requirements.txt" \
    "$cwd/pyproject.toml" "$cwd/go.mod" "$cwd/Gemfile"; then
    answer ask "new package: $name"
  fi
fi

# protected-paths: secrets and credentials
if printf '%s' "$cmd" | grep -Eq "(^|[[:space:]/=<>'\"])(\.env(\.[a-zA-Z0-9_-]+)?|\.ssh/|\.aws/|\.gnupg/|\.kube/config|\.docker/config\.json|\.netrc|\.npmrc|\.pypirc|\.git-credentials|id_(rsa|ed25519|ecdsa)[a-z_.]*)([[:space:];&|'\"]|$)"; then
  case $cmd in
    *.env.example* | *.env.sample* | *.env.template*) ;;
    *) answer ask "protected path: $cmd" ;;
  esac
fi

# symlink-guard: redirections into the workspace whose real path leaves it
targets=$(printf '%s' "$cmd" | grep -Eo '>>?[[:space:]]*[^[:space:];&|<>]+' | sed -E 's/^>>?[[:space:]]*//')
for t in $targets; do
  case $t in /* | '~'* | '&'*) continue ;; esac
  real=$(cd "$cwd" 2>/dev/null && realpath -m -- "$t")
  case $real in
    "$cwd" | "$cwd"/*) ;;
    *) answer deny "write outside the workspace: $t -> $real" ;;
  esac
done
exit 0
