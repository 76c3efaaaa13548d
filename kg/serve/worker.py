"""A query worker: one process that evaluates queries, one at a time, for the server.

Queries run here, not in the server, because a query cannot be interrupted inside pyoxigraph:
at its deadline, or when its memory passes the cap, the server kills this process and starts
another, and the cores and memory come back at once. A crash in the engine (a stack overflow the
guard missed) ends this process, not the server.

    python -m kg.serve.worker STORE_DIR      (started by kg.serve.service.QueryService)

Protocol over stdin/stdout: the server sends a length-prefixed JSON request; the worker answers
with a length-prefixed JSON head (status, content type, headers, body length) and the body.

Before opening the store the worker leaves the network when the kernel lets it (a new, empty
network namespace: root or unprivileged user namespaces), so SERVICE could reach nothing even
if the guard let one through.
"""
from __future__ import annotations

import ctypes
import json
import struct
import sys

import pyoxigraph as ox

from kg.query import _one_line
from kg.serve.negotiation import CONTENT_TYPE, NotAcceptable, negotiate
from kg.serve.writers import serialize_boolean, serialize_graph, serialize_solutions

CLONE_NEWNET, CLONE_NEWUSER = 0x40000000, 0x10000000
_LEN = struct.Struct(">I")


def leave_network() -> bool:
    """Move this process into a network namespace of its own (no interfaces up)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    return libc.unshare(CLONE_NEWNET) == 0 or libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0


def send(out, obj: dict, body: bytes = b"") -> None:
    head = json.dumps(obj).encode("utf-8")
    out.write(_LEN.pack(len(head)) + head + body)
    out.flush()


def receive(inp) -> dict | None:
    raw = inp.read(_LEN.size)
    if len(raw) < _LEN.size:
        return None
    return json.loads(inp.read(_LEN.unpack(raw)[0]))


def answer(store: ox.Store, req: dict) -> tuple[dict, bytes]:
    def error(status, message):
        body = (message.rstrip("\n") + "\n").encode("utf-8")
        return {"status": status, "type": "text/plain; charset=utf-8", "headers": {}, "length": len(body)}, body

    kwargs = {"prefixes": req["prefixes"]}
    try:
        if req.get("default_graphs"):
            kwargs["default_graph"] = [ox.NamedNode(g) for g in req["default_graphs"]]
        if req.get("named_graphs"):
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in req["named_graphs"]]
    except ValueError as exc:
        return error(400, f"bad graph IRI: {_one_line(str(exc))}")
    try:
        result = store.query(req["query"], **kwargs)
    except SyntaxError as exc:
        return error(400, f"bad query: {_one_line(str(exc))}")
    except OSError as exc:
        return error(400, f"query failed: {_one_line(str(exc))}")
    kind = ("boolean" if isinstance(result, ox.QueryBoolean)
            else "graph" if isinstance(result, ox.QueryTriples) else "solutions")
    try:
        key = negotiate(kind, req.get("accept"), req.get("formats") or [])
    except NotAcceptable as exc:
        return error(406, str(exc))
    state = {"truncated": False}
    max_rows = req["max_rows"]
    try:
        if kind == "boolean":
            body = serialize_boolean(result, key)
        elif kind == "graph":
            body = serialize_graph(result, key, max_rows, state, req["prefixes"])
        else:
            body = serialize_solutions(result, key, max_rows, state)
    except (OSError, RuntimeError, ValueError) as exc:
        return error(400, f"query failed: {_one_line(str(exc))}")
    headers = {"X-KG-Truncated": f"max-rows={max_rows}"} if state["truncated"] else {}
    return {"status": 200, "type": CONTENT_TYPE[key], "headers": headers, "length": len(body)}, body


def main(store_dir: str) -> None:
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    isolated = leave_network()
    store = ox.Store.read_only(store_dir)
    send(out, {"ready": True, "isolated": isolated})
    while (req := receive(inp)) is not None:
        try:
            head, body = answer(store, req)
        except Exception as exc:  # noqa: BLE001 - the server turns this into a 500, never a trace
            msg = f"query failed: {type(exc).__name__}: {_one_line(str(exc))}\n".encode("utf-8")
            head, body = {"status": 500, "type": "text/plain; charset=utf-8", "headers": {}, "length": len(msg)}, msg
        send(out, head, body)


if __name__ == "__main__":
    main(sys.argv[1])
