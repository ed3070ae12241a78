#!/usr/bin/env python3
"""A tiny MCP server for the end-to-end tests (stdlib only, stdio only).

  mcp_server.py --marker PATH [--log PATH]

JSON-RPC 2.0 over stdio, one message per line (MCP's stdio transport):
`initialize`, `notifications/initialized`, `ping`, `tools/list` and
`tools/call`. It offers one tool, `write_note` (argument `text`), which writes
`text` to the marker file given by --marker: the side effect the test looks
for. Anything else gets "method not found". With --log, every message read
is appended to that file, one JSON object a line.

The test registers this server twice, under a name the admin's allowlist
lists (`notes`) and one it does not (`scratch`), each with its own marker.
"""
import argparse
import json
import sys

TOOL = {
    "name": "write_note",
    "description": "Write a note (the hookwarden e2e test's MCP tool).",
    "inputSchema": {
        "type": "object",
        "properties": {"text": {"type": "string", "description": "the note"}},
        "required": ["text"],
    },
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--marker", required=True, help="write_note writes its text here")
    ap.add_argument("--log", help="append every message read here")
    ap.add_argument("--name", default="hookwarden-e2e", help="serverInfo.name")
    cfg = ap.parse_args()

    def send(msg):
        sys.stdout.write(json.dumps(msg) + "\n")
        sys.stdout.flush()

    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        if cfg.log:
            with open(cfg.log, "a") as f:
                f.write(line + "\n")
        try:
            msg = json.loads(line)
        except ValueError:
            send({"jsonrpc": "2.0", "id": None,
                  "error": {"code": -32700, "message": "parse error"}})
            continue
        if not isinstance(msg, dict) or "id" not in msg or "method" not in msg:
            continue  # a notification (notifications/initialized, …) or a response
        mid, method, params = msg["id"], msg["method"], msg.get("params") or {}
        if method == "initialize":
            result = {
                # Speak whichever version the client asked for: we use
                # nothing that differs between them.
                "protocolVersion": params.get("protocolVersion", "2025-06-18"),
                "capabilities": {"tools": {"listChanged": False}},
                "serverInfo": {"name": cfg.name, "version": "1.0.0"},
            }
        elif method == "ping":
            result = {}
        elif method == "tools/list":
            result = {"tools": [TOOL]}
        elif method == "tools/call":
            if params.get("name") != TOOL["name"]:
                send({"jsonrpc": "2.0", "id": mid,
                      "error": {"code": -32602, "message": f"unknown tool {params.get('name')!r}"}})
                continue
            text = str((params.get("arguments") or {}).get("text", ""))
            with open(cfg.marker, "w") as f:
                f.write(text + "\n")
            result = {"content": [{"type": "text", "text": f"note written: {text}"}],
                      "isError": False}
        else:
            send({"jsonrpc": "2.0", "id": mid,
                  "error": {"code": -32601, "message": f"method not found: {method}"}})
            continue
        send({"jsonrpc": "2.0", "id": mid, "result": result})


if __name__ == "__main__":
    main()
