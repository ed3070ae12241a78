#!/usr/bin/env python3
"""Measure the built-in rules on corpora other guards wrote for themselves.

    scripts/eval.py [--hookwarden BIN] [--eval-dir DIR] [--floor FILE]
                    [--misses FILE] [--jobs N]

Every row of each `*.tsv` in DIR (default: ../shared/eval, see its README)
is judged as a Codex PreToolUse `Bash` call through
`hookwarden hook --agent codex` on the built-in defaults, in a scratch
working directory outside any home, one process per row as an agent runs
it. A deny counts as stopped (Codex renders ask as deny at PreToolUse).

It prints, per file and per family (a `pack:` tag, else the source file the
peer's row came from): block rows stopped, and allow rows stopped (false
blocks). Rows tagged `policy-differs` are counted apart and gate nothing;
`stretch` rows are reported only.

With --floor, it exits 1 when a file stops fewer block rows or blocks more
allow rows than FILE allows (JSON: {"<file>": {"min_stopped": N,
"max_false_blocks": N}}), so CI notices a rule that got worse. Raise the
floor as the rules improve; never lower it to make a change pass.

The corpora are read, never copied: do not commit their rows (README there).
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEADLINE_MARK = "exceeded its deadline"


def decode(field):
    """The corpora's escaping, undone in one left-to-right pass."""
    out, i = [], 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field):
            n = field[i + 1]
            out.append({"\\": "\\", "n": "\n", "t": "\t", "r": "\r"}.get(n, "\\" + n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_rows(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            source = parts[2] if len(parts) > 2 else ""
            tags = [t for t in (parts[3] if len(parts) > 3 else "").split(",") if t]
            rows.append({"expect": parts[0], "command": decode(parts[1]),
                         "source": source, "tags": tags})
    return rows


def family(row):
    for tag in row["tags"]:
        if tag.startswith("pack:"):
            return tag
    name = os.path.basename(row["source"].split("::")[0])
    for ext in (".test.ts", ".toml", ".txt", ".yaml", ".ts"):
        if name.endswith(ext):
            return name[: -len(ext)]
    return name or "-"


class Judge:
    def __init__(self, hookwarden):
        self.hookwarden = hookwarden
        self.work = tempfile.mkdtemp(prefix="hookwarden-eval-")
        # A project directory outside any home, as the corpora assume.
        self.cwd = os.path.join(self.work, "project")
        os.makedirs(self.cwd)
        # No [hookwarden] table: the built-in defaults.
        self.requirements = os.path.join(self.work, "requirements.toml")
        with open(self.requirements, "w") as f:
            f.write("[features]\nhooks = true\n")
        self.env = dict(os.environ, HOOKWARDEN_SOCKET="none",
                        HOOKWARDEN_CACHE_DIR=os.path.join(self.work, "cache"))
        self.env.pop("HOOKWARDEN_LOG", None)

    def __call__(self, command):
        # A call past its deadline on a busy machine says nothing about the
        # rules: judge it again (bounded).
        for _ in range(5):
            verdict, reason = self.once(command)
            if DEADLINE_MARK not in reason:
                break
        return verdict, reason

    def once(self, command):
        payload = {
            "session_id": "eval", "turn_id": "eval", "transcript_path": None,
            "cwd": self.cwd, "hook_event_name": "PreToolUse", "model": "eval",
            "permission_mode": "default", "tool_name": "Bash",
            "tool_input": {"command": command}, "tool_use_id": "eval",
        }
        r = subprocess.run(
            [self.hookwarden, "hook", "--agent", "codex", "--event", "PreToolUse",
             "--requirements", self.requirements],
            input=json.dumps(payload).encode(), capture_output=True,
            env=self.env, cwd=self.cwd, timeout=60)
        answer = r.stdout.decode(errors="replace").strip()
        if r.returncode != 0:
            raise SystemExit(f"eval.py: hookwarden exited {r.returncode} on {command!r}: "
                             f"{r.stderr.decode(errors='replace')[-2000:]}")
        if not answer:
            return "allow", ""
        out = json.loads(answer).get("hookSpecificOutput", {})
        if out.get("permissionDecision") == "deny":
            return "stopped", out.get("permissionDecisionReason", "")
        return "allow", ""


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hookwarden", default=os.path.join(ROOT, "target/release/hookwarden"),
                   help="the hookwarden binary (default: target/release/hookwarden)")
    p.add_argument("--eval-dir", default=os.path.join(ROOT, "..", "shared", "eval"))
    p.add_argument("--floor", help="JSON file of per-file minimums; exit 1 below them")
    p.add_argument("--misses", help="write every miss and false block to this file")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = p.parse_args()

    args.hookwarden = os.path.abspath(args.hookwarden)
    if not os.access(args.hookwarden, os.X_OK):
        sys.exit(f"eval.py: {args.hookwarden} is not an executable; build it first "
                 "(scripts/build-release.sh) or pass --hookwarden")
    files = sorted(f for f in os.listdir(args.eval_dir) if f.endswith(".tsv")) \
        if os.path.isdir(args.eval_dir) else []
    if not files:
        sys.exit(f"eval.py: no *.tsv corpora in {args.eval_dir}")
    judge = Judge(args.hookwarden)
    if judge("true")[0] != "allow" or judge("rm -rf ~")[0] != "stopped":
        sys.exit("eval.py: the hook does not judge `true` / `rm -rf ~` as expected; "
                 "is it a working build?")

    floor = {}
    if args.floor:
        with open(args.floor) as f:
            floor = json.load(f)
    failures, misses = [], []
    for name in files:
        rows = read_rows(os.path.join(args.eval_dir, name))
        with ThreadPoolExecutor(args.jobs) as ex:
            results = list(ex.map(lambda r: judge(r["command"]), rows))
        # family -> [block rows, stopped, allow rows, false blocks]
        fams = collections.defaultdict(lambda: [0, 0, 0, 0])
        differs = [0, 0, 0, 0]
        stretch = [0, 0]
        for row, (verdict, reason) in zip(rows, results):
            stopped = verdict == "stopped"
            pd = any(t.startswith("policy-differs") for t in row["tags"])
            if row["expect"] == "stretch":
                stretch[0] += 1
                stretch[1] += stopped
                continue
            t = differs if pd else fams[family(row)]
            if row["expect"] == "block":
                t[0] += 1
                t[1] += stopped
                if not stopped and not pd:
                    misses.append(f"{name}\t{family(row)}\tmiss\t{row['command']!r}")
            else:
                t[2] += 1
                t[3] += stopped
                if stopped and not pd:
                    misses.append(f"{name}\t{family(row)}\tfalse block\t"
                                  f"{row['command']!r}\t{reason}")
        total = [sum(v[i] for v in fams.values()) for i in range(4)]
        pct = 100.0 * total[1] / total[0] if total[0] else 100.0
        print(f"{name}: stopped {total[1]}/{total[0]} block rows ({pct:.1f}%), "
              f"false blocks {total[3]}/{total[2]} allow rows "
              f"(not counting policy-differs)")
        print(f"  {'family':36} {'stopped':>12} {'false blocks':>14}")
        for fam in sorted(fams):
            b, s, a, fb = fams[fam]
            print(f"  {fam:36} {f'{s}/{b}':>12} {f'{fb}/{a}':>14}")
        print(f"  {'(policy-differs rows)':36} {f'{differs[1]}/{differs[0]}':>12} "
              f"{f'{differs[3]}/{differs[2]}':>14}")
        if stretch[0]:
            print(f"  {'(stretch rows, not gated)':36} {f'{stretch[1]}/{stretch[0]}':>12}")
        want = floor.get(name)
        if want:
            if total[1] < want.get("min_stopped", 0):
                failures.append(f"{name}: stopped {total[1]} block rows, "
                                f"the floor is {want['min_stopped']}")
            if total[3] > want.get("max_false_blocks", 0):
                failures.append(f"{name}: {total[3]} false blocks, "
                                f"at most {want.get('max_false_blocks', 0)} allowed")
        elif args.floor:
            failures.append(f"{name}: no floor in {args.floor}")
    if args.misses:
        with open(args.misses, "w") as f:
            f.write("\n".join(misses) + "\n")
    for msg in failures:
        print(f"eval.py: FAILED: {msg}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
