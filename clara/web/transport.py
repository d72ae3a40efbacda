"""uvicorn's httptools protocol with a cap on the size of a request's head (request line and headers).

llhttp sets no limit of its own and httptools gathers each header value in memory until it ends, so one 50 MB
`Authorization` header was read in full (5.4 s, +58 MB) before any of Clara ran. This protocol counts what it
feeds the parser while a request's head is incomplete and, before feeding a read that would take the head past
`MAX_HEAD_BYTES`, answers 431 with the contract's JSON error and closes the connection: at most one read (64 KB)
beyond the limit is ever taken in. uvicorn's own
limit for h11 (`h11_max_incomplete_event_size`) answers a plain-text 400 and h11 parses several times slower, so
Clara keeps httptools and adds the limit here.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 16 * 1024  # what browsers and Node accept; a bearer token is under 1 KB

_BODY = json.dumps({"error": {"code": "headers_too_large",
                              "message": f"request headers must total at most {MAX_HEAD_BYTES} bytes",
                              "field": "headers"}}).encode()
_RESPONSE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
             b"content-type: application/json\r\ncontent-length: " + str(len(_BODY)).encode() + b"\r\n"
             b"x-content-type-options: nosniff\r\ncache-control: no-store\r\nconnection: close\r\n\r\n" + _BODY)


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

    def _refuse(self) -> None:
        self.logger.warning("Request headers over %d bytes refused with 431.", MAX_HEAD_BYTES)
        if self.cycle is None or self.cycle.response_complete:  # not in the middle of a pipelined answer
            self.transport.write(_RESPONSE)
        self.transport.close()
