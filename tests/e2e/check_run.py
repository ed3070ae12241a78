#!/usr/bin/env python3
"""Judge one end-to-end run (a directory run.sh filled). Prints one line per
failed check and exits 1 if any; prints nothing and exits 0 on success.

  check_run.py RUN_DIR --agent codex|claude --expect deny|ask|allow --tag TAG
               --tool TOOL --input JSON --marker PATH [--keep FILE TEXT]

EXPECT: hookwarden's verdict. deny and ask stop the call (Codex cannot ask at
PreToolUse: hookwarden denies there with "approval required: <reason>";
Claude Code gets "ask", which `claude -p` refuses, nobody being there to
answer). TAG: what the reason must hold (the rule's `[id]`). TOOL: the tool
name the hook must see (Bash, or mcp__<server>__<tool>); INPUT: keys its
tool_input must hold with these values. MARKER: the file the call creates if
it runs. KEEP FILE TEXT: a file that must still hold TEXT afterwards (the
uncommitted change `git reset --hard` would have thrown away).
"""
import argparse
import glob
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--agent", required=True, choices=["codex", "claude"])
    ap.add_argument("--expect", required=True, choices=["deny", "ask", "allow"])
    ap.add_argument("--tag", required=True)
    ap.add_argument("--tool", required=True)
    ap.add_argument("--input", required=True, type=json.loads)
    ap.add_argument("--marker", required=True)
    ap.add_argument("--keep", nargs=2, default=[])
    args = ap.parse_args()
    run, agent, expect, tag, tool = args.run, args.agent, args.expect, args.tag, args.tool
    stopped = expect != "allow"
    mcp = tool.startswith("mcp__")
    problems = []

    def check(ok, msg):
        if not ok:
            problems.append(msg)
        return ok

    # 1. The CLI finished on its own, successfully.
    rc = int(open(os.path.join(run, "cli.rc")).read().strip())
    check(rc != 124, f"{agent} timed out (timeout 120)")
    check(rc == 0, f"{agent} exited {rc} (see {run}/cli.stderr)")

    # 2. hookwarden was called exactly once, with the call, and answered.
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
        check(payload.get("tool_name") == tool,
              f"payload tool_name={payload.get('tool_name')!r}, expected {tool!r}")
        tool_input = payload.get("tool_input") or {}
        for key, want in args.input.items():
            got = tool_input.get(key) if isinstance(tool_input, dict) else None
            check(got == want, f"payload tool_input.{key}={got!r}, expected {want!r}")
        hw_rc = open(os.path.join(call, "rc")).read().strip()
        stdout = open(os.path.join(call, "stdout")).read().strip()
        stderr = open(os.path.join(call, "stderr")).read().strip()
        check(hw_rc == "0", f"hookwarden exited {hw_rc}; stderr: {stderr[:500]}")
        if stopped:
            try:
                hso = json.loads(stdout).get("hookSpecificOutput", {})
            except (ValueError, AttributeError):
                hso = {}
            decision = "ask" if expect == "ask" and agent == "claude" else "deny"
            reason = hso.get("permissionDecisionReason") or ""
            check(hso.get("permissionDecision") == decision,
                  f"hookwarden did not answer {decision}; stdout: {stdout[:500]!r}")
            context = hso.get("additionalContext")
            check(tag in reason, f"hookwarden's reason lacks {tag}: {stdout[:500]!r}")
            if expect == "ask" and agent == "codex":
                check(reason.startswith("approval required: "),
                      f"Codex's ask is not an \"approval required\" deny: {reason[:300]!r}")
        else:
            check(stdout == "", f"hookwarden answered {stdout[:500]!r}, expected no decision")

    # 3. The side effect happened only if the call was allowed.
    marker = args.marker
    exists = os.path.exists(marker)
    if stopped:
        check(not exists, f"the stopped call RAN: {marker} exists")
    else:
        check(exists, f"the allowed call did not run: {marker} is missing")
    if args.keep:
        path, text = args.keep
        content = open(path).read() if os.path.exists(path) else "<missing>"
        check(content.strip() == text, f"{path} now holds {content.strip()!r}, expected {text!r}")

    # 4. What the CLI sent back to the model after the call.
    requests = []
    for f in sorted(glob.glob(os.path.join(run, "mocklog", "*.json"))):
        requests.append(json.load(open(f)))
    notes = [r["note"] for r in requests]
    check(sum(n.startswith("tool-") for n in notes) == 1,
          f"expected one scripted {tool} call, model requests were: {notes}")
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
        if stopped:
            check(tag in output, f"the reason did not reach the model; tool output: {output[:500]!r}")
            # hookwarden's additionalContext, if it sent one: a developer
            # message (Codex), a system message (Claude Code) in that request.
            if context:
                check(json.dumps(context)[1:-1] in json.dumps(body),
                      f"hookwarden's additionalContext did not reach the model: {context[:200]!r}")
            if agent == "claude":
                check(is_error is True, f"tool_result is_error={is_error!r}, expected true")
        else:
            check(tag not in output and "blocked" not in output.lower(),
                  f"the allowed call looks blocked; tool output: {output[:500]!r}")
            if mcp:
                # mcp_server.py's answer (Codex: a list of content items).
                check("note written: " in output, f"tool output: {output[:500]!r}")
            elif agent == "codex":
                check("exited with code 0" in output, f"tool output: {output[:500]!r}")
            if agent == "claude":
                # Bash's result says is_error: false; an MCP tool's leaves it out.
                check(not is_error, f"tool_result is_error={is_error!r}, expected false or none")

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
            want = [tool] if stopped else []
            check(denials == want, f"claude permission_denials={denials}, expected {want}")

    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
