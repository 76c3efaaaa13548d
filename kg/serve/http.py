"""The HTTP side of `kg serve`: the SPARQL 1.1 Protocol on the stdlib's request handler, hardened.

Connections are held by one selectors loop (kg.serve.loop) until their request is in; the handler
below then runs on those bytes in the loop (InlineHandler) or, for a query worker, in a thread.

- Host header: bound to loopback, only loopback names are answered (DNS rebinding), unless
  `allow_hosts` adds names (or "*").
- CORS: same origin only by default; a request carrying another Origin is refused (403) so a web
  page the user visits can neither read nor drive the endpoint. `cors` origins (or "*") get
  Access-Control-Allow-Origin, X-KG-Truncated exposed, and their OPTIONS preflight answered.
- Timeouts: the request line and headers must arrive within `header_timeout` of the request's
  start (an idle keep-alive connection ends the same way), the body within `body_timeout`, and
  each write must progress within `write_timeout`; a deadline, not a per-recv timeout, so a
  client sending a byte every few seconds is cut off too.
- At most `max_connections` connections at once (more get 503 and are closed); listen backlog
  `backlog`. Content-Length: required for POST, one only, a non-negative integer up to MAX_BODY.
"""
from __future__ import annotations

import io
import ipaddress
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from kg.serve.loop import LoopMixin, NeedsWorker
from kg.serve.page import CSP, STATIC, asset
from kg.serve.service import QueryService, Response, error

MAX_BODY = 1 << 20  # bytes of a POST body
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "localhost.localdomain")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _DeadlineReader(io.RawIOBase):
    """Socket reads that fail once the handler's current deadline has passed; `prefix` (what
    the connection loop read already) comes first."""

    def __init__(self, sock: socket.socket, handler: "SparqlHandler", prefix: bytes = b"") -> None:
        self.sock, self.handler, self.prefix = sock, handler, prefix

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        if self.prefix:
            n = min(len(buf), len(self.prefix))
            buf[:n], self.prefix = self.prefix[:n], self.prefix[n:]
            return n
        left = self.handler.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        self.sock.settimeout(left)
        return self.sock.recv_into(buf)


class SparqlServer(LoopMixin, HTTPServer):
    request_queue_size = 1024  # listen backlog; 5 overflowed under 50 clients
    max_body = MAX_BODY

    def __init__(self, address, service: QueryService, page: str, *, quiet: bool = False,
                 allow_hosts: list[str] | None = None, cors: list[str] | None = None,
                 header_timeout: float = 10.0, body_timeout: float = 30.0, write_timeout: float = 30.0,
                 max_connections: int = 256) -> None:
        self.service = service
        self.page = page.encode("utf-8")
        self.quiet = quiet
        self.cors = set(cors or [])
        self.header_timeout, self.body_timeout, self.write_timeout = header_timeout, body_timeout, write_timeout
        self.max_connections = max_connections
        self._slots = threading.BoundedSemaphore(max_connections)
        self.inline_handler = InlineHandler
        super().__init__(address, SparqlHandler)
        extra = set(allow_hosts or [])
        if "*" in extra or not is_loopback(self.server_address[0]):
            self.hosts = None  # not checked: the operator chose a reachable address or said "*"
        else:
            self.hosts = {h.lower() for h in (*LOOPBACK_NAMES, self.server_address[0], *extra)}

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        self.service.close()


def _host_name(header: str) -> str:
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"
    deadline = 0.0
    here_only = False  # True in the connection loop: a query for a worker raises NeedsWorker

    def __init__(self, request, client_address, server, *, prefix: bytes = b"", deadline: float | None = None):
        self.prefix, self.first_deadline = prefix, deadline
        super().__init__(request, client_address, server)

    def setup(self) -> None:
        super().setup()
        self.rfile = io.BufferedReader(_DeadlineReader(self.connection, self, self.prefix), 1 << 16)

    def handle_one_request(self) -> None:
        # the request line and headers (and the wait for them on a kept-alive connection); the
        # first request keeps the deadline the connection loop gave it
        self.deadline = self.first_deadline or time.monotonic() + self.server.header_timeout
        self.first_deadline = None
        super().handle_one_request()

    _date = (0, "")  # (second, its Date header): formatting it was a few percent of a lookup

    def date_time_string(self, timestamp: float | None = None) -> str:
        if timestamp is not None:
            return super().date_time_string(timestamp)
        now = int(time.time())
        if SparqlHandler._date[0] != now:
            SparqlHandler._date = (now, super().date_time_string(now))
        return SparqlHandler._date[1]

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        if not self.server.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    # --- checks on every request ----------------------------------------------------------

    def _refusal(self) -> Response | None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            return error(400, "exactly one Host header is required")
        if self.server.hosts is not None and _host_name(hosts[0]) not in self.server.hosts:
            return error(403, f"host {hosts[0]!r} is not served here (kg serve --allow-host adds names)")
        origin = self.headers.get("Origin")
        if origin and not self._cors_allowed(origin) and origin.lower() != f"http://{hosts[0].lower()}":
            return error(403, f"cross-origin requests from {origin} are not allowed (kg serve --cors adds origins)")
        return None

    def _cors_allowed(self, origin: str) -> bool:
        return "*" in self.server.cors or origin in self.server.cors

    def _cors_headers(self) -> dict[str, str]:
        origin = self.headers.get("Origin")
        if not origin or not self._cors_allowed(origin):
            return {}
        return {"Access-Control-Allow-Origin": "*" if "*" in self.server.cors else origin,
                "Access-Control-Expose-Headers": "X-KG-Truncated", "Vary": "Origin, Accept"}

    # --- sending ----------------------------------------------------------------------------

    def _send(self, resp: Response, head_only: bool = False) -> None:
        self._write_timeout()
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(resp.length))
        self.send_header("X-Content-Type-Options", "nosniff")
        headers = {"Vary": "Accept"} if self.path.startswith("/sparql") else {}
        headers.update(self._cors_headers())
        headers.update(resp.headers)
        for k, v in headers.items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if head_only:
            return
        if isinstance(resp.body, bytes):
            self.wfile.write(resp.body)
        else:
            for chunk in resp.body:
                self.wfile.write(chunk)

    def _write_timeout(self) -> None:
        self.connection.settimeout(self.server.write_timeout)

    def _safely(self, method: Callable[[], Response], head_only: bool = False) -> None:
        try:
            resp = self._refusal() or method()
        except NeedsWorker:
            raise
        except TimeoutError:
            self.close_connection = True
            resp = error(408, "request body not received in time")
        except Exception as exc:  # noqa: BLE001 - never a stack trace, never a dead server
            resp = error(500, f"internal error: {type(exc).__name__}")
        try:
            self._send(resp, head_only)
        except OSError:  # client gone or not reading: drop the connection
            self.close_connection = True
        finally:
            close = getattr(resp.body, "close", None)
            if close:
                close()

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._safely(self._get)

    def do_HEAD(self) -> None:  # noqa: N802
        self._safely(self._get, head_only=True)

    def do_POST(self) -> None:  # noqa: N802
        self._safely(self._post)

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._safely(self._options)

    def _options(self) -> Response:
        origin = self.headers.get("Origin")
        if not origin or not self._cors_allowed(origin):
            return error(403, "CORS preflight from an origin not allowed (kg serve --cors adds origins)")
        asked = self.headers.get("Access-Control-Request-Headers", "")
        allowed = ", ".join(h.strip() for h in asked.split(",") if re.fullmatch(r"[\w\-]+", h.strip())) or "Content-Type"
        return Response(204, b"", headers={"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                           "Access-Control-Allow-Headers": allowed,
                                           "Access-Control-Max-Age": "600"})

    def _get(self) -> Response:
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            return Response(200, self.server.page, "text/html; charset=utf-8", {"Content-Security-Policy": CSP})
        if url.path in STATIC:
            name, ctype = STATIC[url.path]
            return Response(200, asset(name), ctype)
        if url.path != "/sparql":
            return error(404, f"not found: {url.path} (the endpoint is /sparql)")
        try:
            params = parse_qs(url.query, keep_blank_values=True, strict_parsing=False, errors="strict")
        except UnicodeDecodeError:
            return error(400, "query string is not valid UTF-8")
        return self._dispatch(params, None)

    def _read_body(self) -> bytes | Response:
        lengths = self.headers.get_all("Content-Length") or []
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return error(501, "Transfer-Encoding is not supported; send Content-Length")
        if not lengths:
            self.close_connection = True
            return error(411, "Content-Length required")
        if len(lengths) > 1:
            self.close_connection = True
            return error(400, "more than one Content-Length header")
        if not re.fullmatch(r"[0-9]{1,12}", lengths[0].strip()):
            self.close_connection = True
            return error(400, f"bad Content-Length {lengths[0][:30]!r} (a non-negative integer)")
        n = int(lengths[0])
        if n > MAX_BODY:
            self.close_connection = True
            return error(413, f"request body larger than {MAX_BODY} bytes")
        self.deadline = time.monotonic() + self.server.body_timeout
        raw = self.rfile.read(n)
        if len(raw) < n:
            self.close_connection = True
            return error(400, f"request body ended after {len(raw)} of {n} bytes")
        return raw

    def _post(self) -> Response:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self.close_connection = True
            return error(404, f"not found: {url.path} (the endpoint is /sparql)")
        raw = self._read_body()
        if isinstance(raw, Response):
            return raw
        ctype, _, rest = (self.headers.get("Content-Type") or "").partition(";")
        ctype = ctype.strip().lower()
        m = re.search(r"charset\s*=\s*\"?([\w\-]+)", rest, re.I)
        charset = m.group(1) if m else "utf-8"
        try:
            params = parse_qs(url.query, keep_blank_values=True, errors="strict")
            if ctype == "application/sparql-update":
                return error(403, "SPARQL Update is not allowed: this endpoint is read-only")
            if ctype == "application/sparql-query":
                if "query" in params:
                    return error(400, "give the query either as the body or as a parameter, not both")
                return self._dispatch(params, raw.decode(charset))
            if ctype == "application/x-www-form-urlencoded" or not ctype:
                form = parse_qs(raw.decode("ascii", errors="strict"), keep_blank_values=True, errors="strict")
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
                return self._dispatch(params, None)
        except (UnicodeDecodeError, LookupError):
            return error(400, "request body is not valid text in the declared encoding")
        return error(415, f"unsupported Content-Type {ctype!r}; use application/sparql-query or "
                          "application/x-www-form-urlencoded")

    def _dispatch(self, params: dict[str, list[str]], body_query: str | None) -> Response:
        if "update" in params:
            return error(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if body_query is None:
            queries = params.get("query", [])
            if not queries:
                return error(400, "missing 'query' parameter")
            if len(queries) > 1:
                return error(400, "more than one 'query' parameter")
            body_query = queries[0]
        formats = params.get("format", []) + params.get("output", [])
        return self.server.service.run(body_query, self.headers.get("Accept"), formats,
                                       params.get("default-graph-uri"), params.get("named-graph-uri"),
                                       here_only=self.here_only)


# a plain request head: the stdlib's parse, which goes through the email package, was a fifth of
# the server's time on a lookup; any other head (folded or bare-LF lines, HTTP/0.9 or 2, a path
# starting "//", Expect) is parsed by the stdlib as before
_PLAIN_LINE = re.compile(rb"(GET|HEAD|POST|OPTIONS) (/(?!/)[!-~]*) (HTTP/1\.[01])\r\n")
_PLAIN_HEADERS = re.compile(rb"(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[^\r\n]*\r\n){0,100}\r\n")


class InlineHandler(SparqlHandler):
    """The handler run by the connection loop on one complete request held in memory: it reads
    from and writes to buffers, never the socket; the loop sends `wfile`'s bytes."""
    here_only = True

    def parse_request(self) -> bool:
        line = _PLAIN_LINE.fullmatch(self.raw_requestline)
        data, start = self.rfile.getvalue(), self.rfile.tell()
        block = _PLAIN_HEADERS.match(data, start)
        if line is None or block is None or b"expect:" in block.group().lower():
            return super().parse_request()
        self.command, self.path, self.request_version = (part.decode("ascii") for part in line.groups())
        self.requestline = self.raw_requestline[:-2].decode("iso-8859-1")
        headers = self.headers = self.MessageClass()
        for raw in block.group()[:-2].split(b"\r\n")[:-1]:
            name, _, value = raw.decode("iso-8859-1").partition(":")
            headers[name] = value.lstrip(" \t")  # what the email parser keeps of a header line
        self.rfile.seek(block.end())
        conntype = headers.get("Connection", "").lower()
        self.close_connection = (self.request_version == "HTTP/1.0" or conntype == "close") and conntype != "keep-alive"
        return True

    def __init__(self, server: SparqlServer, client_address, data: bytes) -> None:  # noqa: D107
        self.server, self.client_address = server, client_address
        self.request = self.connection = None
        self.rfile, self.wfile = io.BytesIO(data), io.BytesIO()
        self.close_connection = True  # parse_request keeps an HTTP/1.1 connection open
        self.first_deadline = None

    def _write_timeout(self) -> None:
        pass  # the loop's write deadline applies
