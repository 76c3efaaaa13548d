"""The connection loop of `kg serve`: one thread holds every connection until its request is in.

Measured under 50 clients opening a connection per request (benchmarks/bench_serve_abuse.py), a
thread per connection spent most of the server's CPU handing the GIL between threads (every
recv, send and thread start is a release and a re-take), ~1 ms per request, and 200 slow
sockets were 200 threads waking. Here one selectors loop accepts, reads each request head and
body under their deadlines, and closes what is late, holding no thread for a slow or idle
socket. A complete request is then handled in the loop by the ordinary handler, run on the
bytes in memory (`server.inline_handler`): the Host/Origin checks, errors, the page and
lookups (kg.serve.lookup) are all answered there, the answer written without blocking. A
request that needs a query worker (it may take up to --timeout and streams its answer) goes,
with the bytes already read, to a thread running the same handler on the socket, as before.
So does anything unusual: `Expect: 100-continue`, a head too long for the loop (the handler
answers 414/431), or a request over INLINE_MAX bytes (read here first, then handled there).
"""
from __future__ import annotations

import re
import selectors
import socket
import threading
import time

HEAD_LIMIT = 1 << 16  # a longer head goes to the threaded handler, which answers 414 or 431
# A longer request is handled in a thread once it is in: the guard reads a 0.9 MB query in 0.3 s,
# which in the loop would stall every other connection (a lookup is well under 1 KiB)
INLINE_MAX = 1 << 14
TICK = 0.1  # seconds between deadline sweeps
LINGER = 1.0  # seconds a closing connection's unread input is drained, so the answer is not reset
MAX_BUSY = 256  # connections refused with 503 that may be lingering at once
_CONTENT_LENGTH = re.compile(rb"^content-length:[ \t]*(.*?)[ \t]*\r?$", re.I | re.M)
_EXPECT = re.compile(rb"^expect:", re.I | re.M)
_HEAD_END = re.compile(rb"\n\r?\n")  # an empty line, CRLF or bare LF, ends the head


class NeedsWorker(Exception):
    """Raised inside the loop's handler: this request must be answered by a query worker."""


class _Conn:
    __slots__ = ("sock", "addr", "buf", "need", "deadline", "out", "close_after", "slot", "linger", "events")

    def __init__(self, sock: socket.socket, addr, deadline: float, slot: bool = True) -> None:
        self.sock, self.addr, self.buf, self.need = sock, addr, bytearray(), None
        self.deadline, self.out, self.close_after = deadline, b"", False
        self.slot, self.linger = slot, False  # slot: holds one of the max_connections
        self.events = selectors.EVENT_READ


class LoopMixin:
    """serve_forever / shutdown for a socketserver.TCPServer subclass that provides `_slots`
    (a BoundedSemaphore of connections), the three timeouts, `inline_handler` and
    `RequestHandlerClass` (the threaded handler, taking `prefix` and `deadline`)."""

    _BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 25\r\nConnection: close\r\n"
             b"Retry-After: 1\r\n\r\ntoo many open connections")

    def __init__(self, *args, **kwargs) -> None:
        # before serving starts, so that a shutdown() called early is not lost
        self._stopping, self._stopped, self._serving = False, threading.Event(), False
        self._wake_r, self._wake_w = socket.socketpair()
        self._conns: set[_Conn] = set()
        self._busy = 0
        super().__init__(*args, **kwargs)

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        sel = self._sel = selectors.DefaultSelector()
        self.socket.setblocking(False)
        sel.register(self.socket, selectors.EVENT_READ, "listen")
        sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._serving = True
        next_sweep = time.monotonic() + TICK
        try:
            while not self._stopping:
                for key, mask in sel.select(TICK):
                    if key.data == "listen":
                        try:
                            self._accept()
                        except Exception:  # noqa: BLE001 - the loop must go on; the next event retries
                            pass
                    elif key.data == "wake":
                        self._wake_r.recv(64)
                    else:
                        try:
                            if mask & selectors.EVENT_WRITE:
                                self._on_write(key.data)
                            else:
                                self._on_read(key.data)
                        except Exception:  # noqa: BLE001 - one connection's failure ends it, not the loop
                            self._close(key.data)
                now = time.monotonic()
                if now >= next_sweep:
                    next_sweep = now + TICK
                    for conn in [c for c in self._conns if c.deadline < now]:
                        self._expire(conn)
        finally:
            for conn in list(self._conns):
                self._close(conn)
            sel.close()
            self._stopped.set()

    def shutdown(self) -> None:
        self._stopping = True
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass
        if self._serving:
            self._stopped.wait()

    def server_close(self) -> None:
        super().server_close()
        self._wake_r.close()
        self._wake_w.close()

    # --- connections ------------------------------------------------------------------------

    def _accept(self) -> None:
        for _ in range(64):  # a burst at a time, so reads and writes are not starved
            try:
                sock, addr = self.socket.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # out of descriptors, aborted handshake: try again on the next event
                return
            sock.setblocking(False)
            if not self._slots.acquire(blocking=False):
                # over the limit: say so and close, holding no slot; a lingering close (bounded
                # in count and time) so the client reads the 503 instead of a reset
                if self._busy >= MAX_BUSY:
                    sock.close()
                    continue
                self._busy += 1
                conn = _Conn(sock, addr, time.monotonic() + LINGER, slot=False)
                conn.out, conn.close_after, conn.events = self._BUSY, True, selectors.EVENT_WRITE
                self._conns.add(conn)
                self._sel.register(sock, selectors.EVENT_WRITE, conn)
                continue
            conn = _Conn(sock, addr, time.monotonic() + self.header_timeout)
            self._conns.add(conn)
            self._sel.register(sock, selectors.EVENT_READ, conn)

    def _close(self, conn: _Conn) -> None:
        if conn in self._conns:
            self._conns.discard(conn)
            try:
                self._sel.unregister(conn.sock)
            except (KeyError, ValueError):
                pass
            try:
                conn.sock.close()
            finally:
                if conn.slot:
                    self._slots.release()
                else:
                    self._busy -= 1

    def _expire(self, conn: _Conn) -> None:
        if conn.need is not None and not conn.out and not conn.linger:  # the body is late: say so, as the handler did
            try:
                conn.sock.send(b"HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\n"
                               b"Content-Length: 34\r\nConnection: close\r\n\r\nrequest body not received in time\n")
            except OSError:
                pass
        self._close(conn)  # a late head, an idle keep-alive or a stalled reader: just closed

    def _on_read(self, conn: _Conn) -> None:
        try:
            data = conn.sock.recv(1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._close(conn)
            return
        if conn.linger:
            return  # input after the answer is discarded
        conn.buf += data
        self._advance(conn)

    def _advance(self, conn: _Conn) -> None:
        """Answer the requests in conn.buf that are all there, one after the other (pipelining),
        while each answer goes out at once."""
        while self._answer_one(conn) and conn.buf:
            pass

    def _answer_one(self, conn: _Conn) -> bool:
        """Answer the first request in conn.buf if it is all there; True when the answer is sent
        and the connection waits for the next request."""
        if conn.need is None:
            end = _HEAD_END.search(conn.buf)  # where the stdlib's header reader stops too
            if end is None:
                if len(conn.buf) > HEAD_LIMIT:
                    self._hand_over(conn)
                return False
            head_end = end.end()
            head = bytes(conn.buf[:head_end])
            if head_end > HEAD_LIMIT or _EXPECT.search(head):
                self._hand_over(conn)
                return False
            lengths = _CONTENT_LENGTH.findall(head)
            conn.need = head_end
            if len(lengths) == 1 and re.fullmatch(rb"[0-9]{1,12}", lengths[0]) \
                    and int(lengths[0]) <= self.max_body:
                conn.need += int(lengths[0])
                conn.deadline = time.monotonic() + self.body_timeout
            # otherwise the handler refuses the Content-Length without reading a body
        if len(conn.buf) < conn.need:
            return False
        if conn.need > INLINE_MAX:
            self._hand_over(conn)
            return False
        data = bytes(conn.buf[:conn.need])
        handler = self.inline_handler(self, conn.addr, data)
        try:
            handler.handle_one_request()
        except NeedsWorker:
            self._hand_over(conn)
            return False
        del conn.buf[:conn.need]
        conn.need = None
        conn.out, conn.close_after = handler.wfile.getvalue(), handler.close_connection
        conn.deadline = time.monotonic() + self.write_timeout
        return self._flush(conn)

    def _on_write(self, conn: _Conn) -> None:
        if self._flush(conn) and conn.buf:  # a pipelined request is already here
            self._advance(conn)

    def _flush(self, conn: _Conn) -> bool:
        """Send what is pending; True when all of it went and the connection reads again."""
        try:
            sent = conn.sock.send(conn.out)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            self._close(conn)
            return False
        conn.out = conn.out[sent:]
        if conn.out:
            if sent:
                conn.deadline = time.monotonic() + self.write_timeout  # a deadline on progress
            self._want(conn, selectors.EVENT_WRITE)
            return False
        if conn.close_after:
            try:
                conn.sock.shutdown(socket.SHUT_WR)
            except OSError:
                self._close(conn)
                return False
            conn.linger, conn.buf = True, bytearray()  # until the client closes, or LINGER
            conn.deadline = min(conn.deadline, time.monotonic() + LINGER)
            self._want(conn, selectors.EVENT_READ)
            return False
        conn.deadline = time.monotonic() + self.header_timeout  # idle keep-alive, or the next head
        self._want(conn, selectors.EVENT_READ)
        return True

    def _want(self, conn: _Conn, events: int) -> None:
        """Wait for `events` on conn (an answer is sent at once; WRITE only while it is partial)."""
        if conn.events != events:
            conn.events = events
            self._sel.modify(conn.sock, events, conn)

    def _hand_over(self, conn: _Conn) -> None:
        """The connection, with the bytes read so far, to a thread running the blocking handler."""
        self._conns.discard(conn)
        self._sel.unregister(conn.sock)
        conn.sock.setblocking(True)
        deadline = conn.deadline if conn.need is None else time.monotonic() + self.header_timeout
        threading.Thread(target=self._threaded, args=(conn.sock, conn.addr, bytes(conn.buf), deadline),
                         daemon=True).start()

    def _threaded(self, sock: socket.socket, addr, prefix: bytes, deadline: float) -> None:
        try:
            self.RequestHandlerClass(sock, addr, self, prefix=prefix, deadline=deadline)
        except Exception:  # noqa: BLE001 - a broken connection is that client's problem only
            pass
        finally:
            try:
                sock.shutdown(socket.SHUT_WR)  # as socketserver does: the answer is not reset
            except OSError:
                pass
            try:
                sock.close()
            finally:
                self._slots.release()
