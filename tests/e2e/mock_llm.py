#!/usr/bin/env python3
"""Scripted model server for the end-to-end tests (stdlib only, 127.0.0.1 only).

Adapted from shared/docs/real-agents-e2e.md, Appendix A. It speaks just enough of

* the OpenAI Responses API  (POST .../responses, SSE)  for the Codex CLI, and
* the Anthropic Messages API (POST .../messages, SSE)  for Claude Code,

to script one turn: "make exactly one tool call, then finish".

* A request that carries no tool result yet gets ONE tool call: with
  --command, a shell call running it, built for a shell tool the CLI actually
  offered (Codex 0.169.0 offers only `exec_command` for an unknown model;
  Claude Code offers `Bash`); with --tool mcp__<server>__<tool> and
  --arguments, a call of that MCP tool, as the CLI offered it (Codex: the
  function <tool> in the namespace `mcp__<server>`; Claude Code: the tool
  `mcp__<server>__<tool>`). A request that does not offer it gets plain text
  ("no-tool" in the log, with the names it offered). The call is issued once
  per server: a second fresh request gets plain text.
* A request that carries a tool result (function_call_output / tool_result)
  gets a final text quoting it, and the turn ends.
* Anything else (side requests without a shell tool) gets a short text.

Every request is recorded verbatim (credentials redacted) to --log-dir as
NNN-<method>-<path>.json, so the test can check what the CLI sent back to the
model (the tool output, i.e. hookwarden's deny reason or the command's result).
The server stops by itself after --max-seconds.
"""
import argparse
import itertools
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FINAL_PREFIX = "MOCK-FINAL"
_counter = itertools.count(1)
_lock = threading.Lock()
_tool_calls_issued = 0


def log(msg):
    sys.stderr.write(f"[mock {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


def sse(events):
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()


def claim_tool_call():
    """True for the first shell call of this server's life, False after."""
    global _tool_calls_issued
    with _lock:
        _tool_calls_issued += 1
        return _tool_calls_issued == 1


# -- OpenAI Responses API (Codex) ---------------------------------------------

TOOL_OUTPUT_TYPES = {
    "function_call_output",
    "custom_tool_call_output",
    "local_shell_call_output",
}


def openai_tool_names(body):
    names = []
    for t in body.get("tools") or []:
        if t.get("type") == "local_shell":
            names.append("local_shell")
        elif t.get("type") == "namespace":
            names.extend(f"{t.get('name')}.{s.get('name')}" for s in t.get("tools") or [])
        else:
            names.append(t.get("name") or t.get("type"))
    return names


def openai_shell_call(tool_names, command, call_id):
    """A shell call for a tool the CLI offered, or None."""
    if "exec_command" in tool_names:
        return {"type": "function_call", "call_id": call_id, "name": "exec_command",
                "arguments": json.dumps({"cmd": command})}
    if "shell_command" in tool_names:
        return {"type": "function_call", "call_id": call_id, "name": "shell_command",
                "arguments": json.dumps({"command": command})}
    if "shell" in tool_names:
        return {"type": "function_call", "call_id": call_id, "name": "shell",
                "arguments": json.dumps({"command": ["bash", "-lc", command]})}
    if "local_shell" in tool_names:
        return {"type": "local_shell_call", "call_id": call_id, "status": "completed",
                "action": {"type": "exec", "command": ["bash", "-lc", command]}}
    return None


def openai_named_call(body, tool, arguments, call_id):
    """A call of the tool named `tool` ("mcp__<server>__<tool>"), as the CLI
    offered it, or None. Codex offers an MCP server's tools as a namespace
    `mcp__<server>` of functions; a call names the function and its namespace."""
    for t in body.get("tools") or []:
        if t.get("type") == "function" and t.get("name") == tool:
            return {"type": "function_call", "call_id": call_id, "name": tool,
                    "arguments": json.dumps(arguments)}
        if t.get("type") == "namespace":
            for sub in t.get("tools") or []:
                if f"{t.get('name')}__{sub.get('name')}" == tool:
                    return {"type": "function_call", "call_id": call_id,
                            "name": sub.get("name"), "namespace": t.get("name"),
                            "arguments": json.dumps(arguments)}
    return None


def openai_usage():
    return {"input_tokens": 10, "input_tokens_details": None, "output_tokens": 5,
            "output_tokens_details": None, "total_tokens": 15}


def openai_text(resp_id, text):
    msg = {"type": "message", "role": "assistant", "id": f"msg_{resp_id}",
           "content": [{"type": "output_text", "text": text}]}
    return sse([
        {"type": "response.created", "response": {"id": resp_id}},
        {"type": "response.output_item.added", "item": dict(msg, content=[])},
        {"type": "response.output_text.delta", "delta": text},
        {"type": "response.output_item.done", "item": msg},
        {"type": "response.completed", "response": {"id": resp_id, "usage": openai_usage()}},
    ])


def handle_responses(body, n, cfg):
    resp_id = f"resp_{n}"
    items = body.get("input") if isinstance(body.get("input"), list) else []
    outputs = [i for i in items if isinstance(i, dict) and i.get("type") in TOOL_OUTPUT_TYPES]
    if outputs:
        text = f"{FINAL_PREFIX}: tool output was: {json.dumps(outputs[-1].get('output'))[:4000]}"
        return openai_text(resp_id, text), "final-after-tool-output"
    if cfg.tool:
        item = openai_named_call(body, cfg.tool, cfg.arguments, f"call_e2e_{n}")
        if item is None:
            return openai_text(resp_id, f"MOCK: {cfg.tool} not offered"), \
                f"no-tool {cfg.tool} (offered: {' '.join(openai_tool_names(body))})"
    else:
        item = openai_shell_call(openai_tool_names(body), cfg.command, f"call_e2e_{n}")
        if item is None:
            return openai_text(resp_id, "MOCK: no shell tool offered"), "no-shell-tool"
    if not claim_tool_call():
        return openai_text(resp_id, "MOCK: tool call already issued"), "repeat-request"
    added = dict(item)
    if added["type"] == "function_call":
        added["arguments"] = ""
    name = item.get("name", item["type"])
    if item.get("namespace"):
        name = f"{item['namespace']}/{name}"
    return sse([
        {"type": "response.created", "response": {"id": resp_id}},
        {"type": "response.output_item.added", "item": added},
        {"type": "response.output_item.done", "item": item},
        {"type": "response.completed", "response": {"id": resp_id, "usage": openai_usage()}},
    ]), f"tool-call {name}"


# -- Anthropic Messages API (Claude Code) -------------------------------------

def anthropic_start(msg_id, model):
    return {"type": "message_start", "message": {
        "id": msg_id, "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 1,
                  "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}}


def anthropic_end(stop_reason):
    return [{"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": None},
             "usage": {"output_tokens": 5}},
            {"type": "message_stop"}]


def anthropic_text(msg_id, model, text, stream):
    if not stream:
        return json.dumps({"id": msg_id, "type": "message", "role": "assistant", "model": model,
                           "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
                           "stop_sequence": None,
                           "usage": {"input_tokens": 10, "output_tokens": 5}}).encode(), \
            "application/json"
    return sse([anthropic_start(msg_id, model),
                {"type": "content_block_start", "index": 0,
                 "content_block": {"type": "text", "text": ""}},
                {"type": "content_block_delta", "index": 0,
                 "delta": {"type": "text_delta", "text": text}},
                {"type": "content_block_stop", "index": 0}] + anthropic_end("end_turn")), \
        "text/event-stream"


def anthropic_tool_use(msg_id, model, tool_id, name, tool_input, stream):
    if not stream:
        return json.dumps({"id": msg_id, "type": "message", "role": "assistant", "model": model,
                           "content": [{"type": "tool_use", "id": tool_id, "name": name,
                                        "input": tool_input}],
                           "stop_reason": "tool_use", "stop_sequence": None,
                           "usage": {"input_tokens": 10, "output_tokens": 5}}).encode(), \
            "application/json"
    return sse([anthropic_start(msg_id, model),
                {"type": "content_block_start", "index": 0,
                 "content_block": {"type": "tool_use", "id": tool_id, "name": name, "input": {}}},
                {"type": "content_block_delta", "index": 0,
                 "delta": {"type": "input_json_delta", "partial_json": json.dumps(tool_input)}},
                {"type": "content_block_stop", "index": 0}] + anthropic_end("tool_use")), \
        "text/event-stream"


def handle_messages(body, n, cfg):
    msg_id = f"msg_mock_{n}"
    model = body.get("model", "mock")
    stream = bool(body.get("stream"))
    results = [b for m in body.get("messages") or []
               if m.get("role") == "user" and isinstance(m.get("content"), list)
               for b in m["content"] if isinstance(b, dict) and b.get("type") == "tool_result"]
    if results:
        text = f"{FINAL_PREFIX}: tool result was: {json.dumps(results[-1].get('content'))[:4000]}"
        return (*anthropic_text(msg_id, model, text, stream), "final-after-tool-result")
    offered = [t.get("name") for t in body.get("tools") or []]
    # The main loop's requests offer Bash; side requests (titles, …) offer none.
    if "Bash" not in offered:
        return (*anthropic_text(msg_id, model, "MOCK side answer", stream), "side-request")
    if cfg.tool:
        # An MCP tool is offered as mcp__<server>__<tool>, called by that name.
        if cfg.tool not in offered:
            return (*anthropic_text(msg_id, model, f"MOCK: {cfg.tool} not offered", stream),
                    f"no-tool {cfg.tool} (offered: {' '.join(map(str, offered))})")
        name, tool_input = cfg.tool, cfg.arguments
    else:
        name, tool_input = "Bash", {"command": cfg.command, "description": "e2e shell call"}
    if not claim_tool_call():
        return (*anthropic_text(msg_id, model, "MOCK: tool call already issued", stream),
                "repeat-request")
    return (*anthropic_tool_use(msg_id, model, f"toolu_e2e_{n}", name, tool_input, stream),
            f"tool-use {name}")


# -- HTTP ---------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    server_version = "hookwarden-e2e-mock/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _record(self, n, raw, note):
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = {"_unparsed": raw.decode("utf-8", "replace")}
        headers = {k: ("<redacted>" if k.lower() in ("authorization", "x-api-key") else v)
                   for k, v in self.headers.items()}
        safe = self.path.split("?")[0].strip("/").replace("/", "_") or "root"
        path = os.path.join(self.server.cfg.log_dir, f"{n:03d}-{self.command}-{safe}.json")
        with open(path, "w") as f:
            json.dump({"n": n, "method": self.command, "path": self.path, "note": note,
                       "headers": headers, "body": body}, f, indent=2)
        log(f"#{n} {self.command} {self.path} -> {note}")

    def _send(self, code, payload, ctype):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        if ctype == "text/event-stream":
            self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()
        self.close_connection = True

    def do_GET(self):
        n = next(_counter)
        if self.path.split("?")[0].endswith("/models"):
            self._record(n, b"", "empty model list")
            # Codex reads "models", Anthropic "data": send both, empty.
            return self._send(200, b'{"models": [], "data": [], "has_more": false}',
                              "application/json")
        self._record(n, b"", "404")
        self._send(404, b'{"error":{"type":"not_found","message":"mock"}}', "application/json")

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        n = next(_counter)
        path = self.path.split("?")[0]
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        if path.endswith("/responses"):
            payload, note = handle_responses(body, n, self.server.cfg)
            self._record(n, raw, note)
            return self._send(200, payload, "text/event-stream")
        if path.endswith("/messages/count_tokens"):
            self._record(n, raw, "count_tokens")
            return self._send(200, b'{"input_tokens": 42}', "application/json")
        if path.endswith("/messages"):
            payload, ctype, note = handle_messages(body, n, self.server.cfg)
            self._record(n, raw, note)
            return self._send(200, payload, ctype)
        self._record(n, raw, "unhandled")
        self._send(404, b'{"error":{"type":"not_found","message":"mock"}}', "application/json")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0, help="0: pick a free port")
    ap.add_argument("--port-file", required=True, help="written once listening")
    ap.add_argument("--log-dir", required=True)
    ap.add_argument("--command", help="the shell command the model asks for")
    ap.add_argument("--tool", help="instead: the tool the model calls, as mcp__<server>__<tool>")
    ap.add_argument("--arguments", type=json.loads, default={},
                    help="the --tool call's arguments (a JSON object)")
    ap.add_argument("--max-seconds", type=float, default=180.0)
    cfg = ap.parse_args()
    if not (cfg.command or cfg.tool):
        ap.error("give --command or --tool")
    os.makedirs(cfg.log_dir, exist_ok=True)
    srv = ThreadingHTTPServer(("127.0.0.1", cfg.port), Handler)
    srv.daemon_threads = True
    srv.cfg = cfg
    port = srv.server_address[1]
    with open(cfg.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.replace(cfg.port_file + ".tmp", cfg.port_file)
    log(f"listening on 127.0.0.1:{port}; command={cfg.command!r}")
    threading.Timer(cfg.max_seconds, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
