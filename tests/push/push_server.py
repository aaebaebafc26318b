"""The HTTP side of the mock push service: a threaded server on 127.0.0.1 that reads each request
and writes back the answer the service decides."""

from __future__ import annotations

import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tests.push.push_checks import DIGITS, MAX_BODY, MAX_READ, PUSH_PREFIX, Answer

if TYPE_CHECKING:
    from tests.push.service import MockPushService


def hang_up(connection: socket.socket) -> None:
    """End both directions of a connection so a handler blocked on it returns."""
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Handler(BaseHTTPRequestHandler):
    """Reads each request, lets the service decide the answer and writes it back."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: PushServer

    def setup(self) -> None:
        super().setup()
        self.server.service._opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.service._closed(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: a benchmark sends thousands of requests."""

    def do_POST(self) -> None:
        """Answer a push to `/push/<token>`, or a plain POST to `/plain`."""
        service = self.server.service
        path = urlsplit(self.path).path
        endpoint = f"{service.url}{path}"
        if path.startswith(PUSH_PREFIX):
            service._count(endpoint)
        body = self._read_body()
        if isinstance(body, Answer):
            self._reply(endpoint, body)
            return
        if path == "/plain":
            answer: Answer | None = Answer(201)
        elif path.startswith(PUSH_PREFIX):
            answer = service._answer_push(path, self.headers, body)
        else:
            answer = Answer(404, f"nothing at {path}")
        if answer is None:
            service._hang()
            self.close_connection = True
            return
        self._reply(endpoint, answer)

    def _read_body(self) -> bytes | Answer:
        """The whole request body, or the answer refusing a body that can't be read."""
        if "Transfer-Encoding" in self.headers:
            return Answer(411, "send a Content-Length, not a chunked body", close=True)
        length = self.headers.get("Content-Length", "0").strip()
        if not DIGITS.fullmatch(length):
            return Answer(400, f"Content-Length {length!r} is not a number", close=True)
        if int(length) > MAX_READ:
            return Answer(413, f"body of {length} bytes is over {MAX_BODY}", close=True)
        return self.rfile.read(int(length))

    def _reply(self, endpoint: str, answer: Answer) -> None:
        """Send the answer with a Content-Length, recording it when it isn't a 201."""
        if answer.status != 201:
            self.server.service._reject(endpoint, answer)
        body = answer.reason.encode()
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        if body:
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if answer.close:
            self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(body)


class PushServer(ThreadingHTTPServer):
    """A threaded HTTP server on a free 127.0.0.1 port that belongs to one MockPushService."""

    daemon_threads = True
    block_on_close = False  # stop() closes connections and joins their threads itself
    request_queue_size = 256

    def __init__(self, service: MockPushService) -> None:
        self.service = service
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """Ignore clients that drop their connection; report anything else."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)
