"""The preview's HTTP server: the session's pages from memory, its event stream, and the PowerPoint link.

It answers a fixed table of paths and nothing else: no path is ever mapped to a file, so no request
can reach the disk (``..``, ``%2e%2e``, absolute paths and symbolic links all get 404). Bound to the
loopback address, it also refuses a request whose Host is not this machine (a web page that
rebinds its own name to 127.0.0.1 cannot read the preview), and the one request that writes
(POST /__preview/pptx) needs a header a cross-site form or image cannot send, plus, when the
browser names one, this origin.

Pages carry the Content-Security-Policy of the page as built, widened only for the preview's
script and its event stream (pages.py), as a header and in the page.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from generator.errors import LecturegenError
from generator.preview.pages import EVENTS_PATH, WRITE_PATH, served, waiting_page
from generator.preview.session import PreviewSession

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
KEEP_ALIVE_S = 15.0  # a comment on an idle event stream, so proxies and the browser keep it open
RETRY_MS = 500  # how soon a page reconnects to a restarted preview
WRITE_HEADER = "X-Lecturegen-Preview"


class Hub:
    """Every open page's event stream; an event goes to all of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: set[queue.SimpleQueue] = set()
        self.closed = False

    def subscribe(self) -> queue.SimpleQueue:
        stream: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            self._queues.add(stream)
        return stream

    def unsubscribe(self, stream: queue.SimpleQueue) -> None:
        with self._lock:
            self._queues.discard(stream)

    def publish(self, event: str, data: dict[str, Any]) -> None:
        message = f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()
        with self._lock:
            for stream in self._queues:
                stream.put(message)

    def close(self) -> None:
        with self._lock:
            self.closed = True
            for stream in self._queues:
                stream.put(None)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # a page's open event stream must not keep the process alive
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], session: PreviewSession, hub: Hub, loopback: bool):
        self.session, self.hub, self.loopback = session, hub, loopback
        self.write_lock = threading.Lock()
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def handle_error(self, request, client_address) -> None:
        pass  # a page that went away mid-answer; nothing to tell the terminal


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "lecturegen-preview"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal shows what the preview does, not each request

    # -- routing ----------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        if not self._host_allowed():
            return
        path = urlsplit(self.path).path
        if path == "/":
            self._send(HTTPStatus.FOUND, b"", "text/plain; charset=utf-8", {"Location": "/slides.html"})
        elif path == "/slides.html":
            self._slides()
        elif path == "/report.html":
            self._report()
        elif path == EVENTS_PATH:
            self._events()
        else:
            self._not_found()

    def do_POST(self) -> None:  # noqa: N802
        if not self._host_allowed():
            return
        if urlsplit(self.path).path != WRITE_PATH:
            self._not_found()
            return
        origin = self.headers.get("Origin")
        own = f"http://{self.headers.get('Host')}"
        if self.headers.get(WRITE_HEADER) is None or (origin is not None and origin != own):
            self._send(HTTPStatus.FORBIDDEN, b"only the preview's own pages can write\n", "text/plain; charset=utf-8")
            return
        self._write_pptx()

    def do_HEAD(self) -> None:  # noqa: N802
        self._not_found()

    # -- answers ------------------------------------------------------------------------------------

    def _slides(self) -> None:
        session = self.server.session
        with session.lock:
            current = session.current
        if current is None:
            page = served(waiting_page(session.options.content), "waiting", "")
        else:
            page = served(current.slides.html, "slides", current.token)
        self._page(page)

    def _report(self) -> None:
        session = self.server.session
        try:
            found = session.report()
        except LecturegenError as error:
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, f"error: {error.format_message()}\n".encode(),
                       "text/plain; charset=utf-8")
            return
        if found is None:
            page = served(waiting_page(session.options.content), "waiting", "")
        else:
            page = served(found[1], "report", found[0])
        self._page(page)

    def _page(self, page) -> None:
        headers = {"Content-Security-Policy": page.policy} if page.policy else {}
        self._send(HTTPStatus.OK, page.body, "text/html; charset=utf-8", headers)

    def _events(self) -> None:
        hub = self.server.hub
        stream = hub.subscribe()
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self._safety_headers()
            self.end_headers()
            state = json.dumps(self.server.session.state(), separators=(",", ":"))
            self.wfile.write(f"retry: {RETRY_MS}\n\nevent: state\ndata: {state}\n\n".encode())
            self.wfile.flush()
            while not hub.closed:
                try:
                    message = stream.get(timeout=KEEP_ALIVE_S)
                except queue.Empty:
                    message = b": still here\n\n"
                if message is None:
                    break
                self.wfile.write(message)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the page went away
        finally:
            hub.unsubscribe(stream)
            self.close_connection = True

    def _write_pptx(self) -> None:
        try:
            with self.server.write_lock:
                message = self.server.session.write(("pptx",))
            answer, status = {"ok": True, "message": message}, HTTPStatus.OK
        except LecturegenError as error:
            message = error.format_message()
            self.server.session.reporter.warn(f"slides.pptx was not written: {message}")
            answer, status = {"ok": False, "message": f"slides.pptx was not written: {message}"}, HTTPStatus.CONFLICT
        self._send(status, json.dumps(answer).encode(), "application/json")

    def _not_found(self) -> None:
        self._send(HTTPStatus.NOT_FOUND, b"not found: the preview serves /slides.html and /report.html\n",
                   "text/plain; charset=utf-8")

    def _host_allowed(self) -> bool:
        if not self.server.loopback:
            return True  # --host: the user chose to serve other machines, whatever name they use
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name.strip("[]") in LOOPBACK_HOSTS:
            return True
        self._send(HTTPStatus.FORBIDDEN, b"the preview answers only requests addressed to this machine\n",
                   "text/plain; charset=utf-8")
        return False

    def _safety_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("X-Frame-Options", "DENY")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self._safety_headers()
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
