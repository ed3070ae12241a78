#!/usr/bin/env python3
"""Judge one end-to-end run (a directory run.sh filled). Prints one line per
failed check and exits 1 if any; prints nothing and exits 0 on success.

  check_run.py RUN_DIR AGENT(codex|claude) EXPECT(deny|allow) COMMAND MARKER [KEEP_FILE KEEP_TEXT]

KEEP_FILE/KEEP_TEXT: a file that must still hold KEEP_TEXT afterwards (the
uncommitted change `git reset --hard` would have thrown away).
"""
import glob
import json
import os
import sys

DENY_TAG = "[destructive-commands]"


def main():
    run, agent, expect, command, marker = sys.argv[1:6]
    keep = sys.argv[6:8]
    problems = []

    def check(ok, msg):
        if not ok:
            problems.append(msg)
        return ok

    # 1. The CLI finished on its own, successfully.
    rc = int(open(os.path.join(run, "cli.rc")).read().strip())
    check(rc != 124, f"{agent} timed out (timeout 120)")
    check(rc == 0, f"{agent} exited {rc} (see {run}/cli.stderr)")

    # 2. hookwarden was called exactly once, with the command, and answered.
    context = None
    calls = sorted(glob.glob(os.path.join(run, "hooklog", "call-*")))
    if check(len(calls) == 1, f"the hook ran {len(calls)} times, expected exactly 1"):
        call = calls[0]
        try:
            payload = json.load(open(os.path.join(call, "payload.json")))
        except ValueError as e:
            payload = {}
            check(False, f"the hook payload is not JSON: {e}")
        check(payload.get("hook_event_name") == "PreToolUse",
              f"payload hook_event_name={payload.get('hook_event_name')!r}")
        check(payload.get("tool_name") == "Bash", f"payload tool_name={payload.get('tool_name')!r}")
        got = (payload.get("tool_input") or {}).get("command")
        check(got == command, f"payload tool_input.command={got!r}, expected {command!r}")
        hw_rc = open(os.path.join(call, "rc")).read().strip()
        stdout = open(os.path.join(call, "stdout")).read().strip()
        stderr = open(os.path.join(call, "stderr")).read().strip()
        check(hw_rc == "0", f"hookwarden exited {hw_rc}; stderr: {stderr[:500]}")
        if expect == "deny":
            try:
                hso = json.loads(stdout).get("hookSpecificOutput", {})
            except ValueError:
                hso = {}
            check(hso.get("permissionDecision") == "deny",
                  f"hookwarden did not deny; stdout: {stdout[:500]!r}")
            context = hso.get("additionalContext")
            check(DENY_TAG in (hso.get("permissionDecisionReason") or ""),
                  f"hookwarden's reason lacks {DENY_TAG}: {stdout[:500]!r}")
        else:
            check(stdout == "", f"hookwarden answered {stdout[:500]!r}, expected no decision")

    # 3. The side effect happened only if the command was allowed.
    exists = os.path.exists(marker)
    if expect == "deny":
        check(not exists, f"the denied command RAN: {marker} exists")
    else:
        check(exists, f"the allowed command did not run: {marker} is missing")
    if keep:
        path, text = keep
        content = open(path).read() if os.path.exists(path) else "<missing>"
        check(content.strip() == text, f"{path} now holds {content.strip()!r}, expected {text!r}")

    # 4. What the CLI sent back to the model after the call.
    requests = []
    for f in sorted(glob.glob(os.path.join(run, "mocklog", "*.json"))):
        requests.append(json.load(open(f)))
    notes = [r["note"] for r in requests]
    check(sum(n.startswith("tool-") for n in notes) == 1,
          f"expected one scripted shell call, model requests were: {notes}")
    finals = [r for r in requests if r["note"].startswith("final-after-")]
    if check(finals, f"the CLI never sent a tool result back; model requests were: {notes}"):
        body = finals[-1]["body"] or {}
        if agent == "codex":
            outs = [i for i in body.get("input") or []
                    if isinstance(i, dict) and i.get("type") == "function_call_output"]
            output = outs[-1].get("output") if outs else None
            is_error = None
        else:
            results = [b for m in body.get("messages") or []
                       if isinstance(m.get("content"), list)
                       for b in m["content"] if isinstance(b, dict) and b.get("type") == "tool_result"]
            output = results[-1].get("content") if results else None
            is_error = results[-1].get("is_error") if results else None
        if not isinstance(output, str):
            output = json.dumps(output)
        if expect == "deny":
            check(DENY_TAG in output, f"the deny reason did not reach the model; tool output: {output[:500]!r}")
            # hookwarden's additionalContext, if it sent one: a developer
            # message (Codex), a system message (Claude Code) in that request.
            if context:
                check(json.dumps(context)[1:-1] in json.dumps(body),
                      f"hookwarden's additionalContext did not reach the model: {context[:200]!r}")
            if agent == "claude":
                check(is_error is True, f"tool_result is_error={is_error!r}, expected true")
        else:
            check(DENY_TAG not in output and "blocked" not in output.lower(),
                  f"the allowed call looks blocked; tool output: {output[:500]!r}")
            if agent == "codex":
                check("exited with code 0" in output, f"tool output: {output[:500]!r}")
            else:
                check(is_error is False, f"tool_result is_error={is_error!r}, expected false")

    # 5. The turn ended with the scripted final answer.
    stdout = open(os.path.join(run, "cli.stdout")).read()
    check("MOCK-FINAL" in stdout, f"{agent} did not print the final answer (see {run}/cli.stdout)")
    if agent == "claude":
        result = None
        for line in stdout.splitlines():
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("type") == "result":
                result = ev
        if check(result is not None, "claude printed no result line"):
            denials = [d.get("tool_name") for d in result.get("permission_denials") or []]
            want = ["Bash"] if expect == "deny" else []
            check(denials == want, f"claude permission_denials={denials}, expected {want}")

    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
