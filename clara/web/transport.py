"""uvicorn's httptools protocol with a cap on the size of a request's head (request line and headers), and the
contract's JSON error for a request llhttp cannot parse.

llhttp sets no limit of its own and httptools gathers each header value in memory until it ends, so one 50 MB
`Authorization` header was read in full (5.4 s, +58 MB) before any of Clara ran. This protocol counts what it
feeds the parser while a request's head is incomplete and, before feeding a read that would take the head past
`MAX_HEAD_BYTES`, answers 431 with the contract's JSON error and closes the connection: at most one read (64 KB)
beyond the limit is ever taken in. uvicorn's own
limit for h11 (`h11_max_incomplete_event_size`) answers a plain-text 400 and h11 parses several times slower, so
Clara keeps httptools and adds the limit here.

A request llhttp refuses (a control character in a header value, a bad method or chunk size) got uvicorn's
plain-text "Invalid HTTP request received."; `send_400_response` answers the same 400 in the contract's shape.

WebSockets: uvicorn's sans-I/O protocol logged "ASGI callable returned without completing handshake." at error
level for every handshake Clara refuses with an HTTP answer (401, 403, 404 in the contract's JSON), though such an
answer completes it: `RefusalAwareWebSocketProtocol` records that it did.
"""

from __future__ import annotations

import json
import uuid

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from clara.web.errors import error_body

MAX_HEAD_BYTES = 16 * 1024  # what browsers and Node accept; a bearer token is under 1 KB

_BODY = json.dumps(error_body("headers_too_large", f"request headers must total at most {MAX_HEAD_BYTES} bytes",
                              "headers")).encode()


def _closing_response(status: bytes, body: bytes) -> bytes:
    """The whole answer, with a fresh `X-Request-ID` as every answer carries: a client reporting the refusal can
    quote it, though no middleware ran (the request was never handed to the app)."""
    return (b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\ncontent-length: "
            + str(len(body)).encode() + b"\r\nx-content-type-options: nosniff\r\ncache-control: no-store\r\n"
            b"x-request-id: " + uuid.uuid4().hex.encode() + b"\r\nconnection: close\r\n\r\n" + body)


_TOO_LARGE = b"431 Request Header Fields Too Large"
_MALFORMED = json.dumps(error_body(
    "bad_request", "the request is not valid HTTP/1.1 (a malformed request line, header or chunk)", "request")).encode()


class HeadLimitedHttpToolsProtocol(HttpToolsProtocol):
    """Pass as `uvicorn.run(..., http=HeadLimitedHttpToolsProtocol)`."""

    _in_head = True  # before the first request, and again after each one completes
    _head_bytes = 0  # of the current head, fed so far
    _tail = b""  # its last bytes, in case the blank line that ends it straddles two reads

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            room = MAX_HEAD_BYTES - self._head_bytes
            if len(data) > room:  # over the limit unless the head ends within it (the rest is body)
                end = (self._tail + data).find(b"\r\n\r\n")
                if end == -1 or end + 4 - len(self._tail) > room:
                    self._refuse()
                    return
            self._head_bytes += len(data)
            self._tail = (self._tail + data)[-3:]
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes, self._tail = True, 0, b""

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request llhttp cannot parse (it has logged `msg`), as JSON; the connection closes."""
        self.transport.write(_closing_response(b"400 Bad Request", _MALFORMED))
        self.transport.close()

    def _refuse(self) -> None:
        self.logger.warning("Request headers over %d bytes refused with 431.", MAX_HEAD_BYTES)
        if self.cycle is None or self.cycle.response_complete:  # not in the middle of a pipelined answer
            self.transport.write(_closing_response(_TOO_LARGE, _BODY))
        self.transport.close()


class RefusalAwareWebSocketProtocol(WebSocketsSansIOProtocol):
    """Pass as `uvicorn.run(..., ws=RefusalAwareWebSocketProtocol)`: a handshake answered with an HTTP response is
    complete, so its refusal is not logged as an application error (a client with a stale token made one each)."""

    async def send(self, message: ASGISendEvent) -> None:
        await super().send(message)
        if message["type"] == "websocket.http.response.body" and not message.get("more_body", False):
            self.handshake_complete = True
