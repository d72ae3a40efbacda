"""What reaches Clara before any of its code runs: header size, trusted proxies. Against the real server."""

from __future__ import annotations

import json
import select
import socket
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from tests.clara_process import ClaraProcess, data_dir_from, server_env

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)


@pytest.fixture(scope="module")
def clara(module_database_url: str, template_data_dir: Path,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClaraProcess]:
    tmp = tmp_path_factory.mktemp("transport")
    env = server_env(DATABASE_URL=module_database_url, SEED_DEMO_DATA="false",
                     DATA_DIR=str(data_dir_from(template_data_dir, tmp / "data")), RATE_LIMIT_LOGIN="3/hour")
    process = ClaraProcess(env, tmp / "clara.log").start()
    yield process
    process.stop()


def _head(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: clara.test", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _exchange(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
            if b"\r\n\r\n" in received and b"content-length" in received.lower():
                head, _, body = received.partition(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length")))
                if len(body) >= length:
                    break
        return received


def test_headers_over_16_kb_get_431_and_the_contracts_error(clara: ClaraProcess) -> None:
    fits = _exchange(clara.port, _head("/health", {"X-Padding": "a" * 15_000}))
    assert fits.startswith(b"HTTP/1.1 200")
    refused = _exchange(clara.port, _head("/health", {"Authorization": "Bearer " + "a" * 20_000}))
    assert refused.startswith(b"HTTP/1.1 431")
    body = json.loads(refused.partition(b"\r\n\r\n")[2])
    assert body["error"]["code"] == "headers_too_large" and body["error"]["field"] == "headers"
    assert _request_id(refused) != _request_id(_exchange(clara.port, _head("/health", {"X-Padding": "a" * 20_000})))


def _request_id(answer: bytes) -> str:
    """Every answer carries `X-Request-ID` (the contract), those the transport gives before any middleware too."""
    head = answer.partition(b"\r\n\r\n")[0].decode("latin-1").lower().split("\r\n")
    [value] = [line.partition(":")[2].strip() for line in head if line.startswith("x-request-id:")]
    assert len(value) == 32
    return value


def test_a_50_mb_header_is_cut_off_not_read(clara: ClaraProcess) -> None:
    sent = 0
    chunk = b"a" * 65536
    with socket.create_connection(("127.0.0.1", clara.port), timeout=10) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: clara.test\r\nAuthorization: Bearer ")
        try:
            while sent < 50 * 1024 * 1024:
                sock.sendall(chunk)
                sent += len(chunk)
                if select.select([sock], [], [], 0)[0] and not sock.recv(65536, socket.MSG_PEEK):
                    break  # the server closed the connection
        except (BrokenPipeError, ConnectionResetError):
            pass
    assert sent < 8 * 1024 * 1024, "the server kept reading a header far past its limit"
    assert httpx.get(f"{clara.url}/health", timeout=10).status_code == 200


@pytest.mark.parametrize("request_bytes", [
    b"GET /health HTTP/1.1\r\nHost: clara.test\r\nIdempotency-Key: \x7f\r\n\r\n",  # a control character
    b"G=T /health HTTP/1.1\r\nHost: clara.test\r\n\r\n",  # not a method
    b"FOO /health HTTP/1.1\r\nHost: clara.test\r\n\r\n",  # a method llhttp does not know
    b"POST /clara-server/analytics/event HTTP/1.1\r\nHost: clara.test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
], ids=["header", "method", "unknown-method", "chunk"])
def test_a_request_that_is_not_http_gets_the_contracts_error(clara: ClaraProcess, request_bytes: bytes) -> None:
    """uvicorn answered these with a plain-text 'Invalid HTTP request received.'"""
    refused = _exchange(clara.port, request_bytes)
    assert refused.startswith(b"HTTP/1.1 400")
    head, _, body = refused.partition(b"\r\n\r\n")
    assert b"content-type: application/json" in head.lower()
    error = json.loads(body)["error"]
    assert error["code"] == "bad_request" and error["field"] == "request"
    _request_id(refused)
    assert httpx.get(f"{clara.url}/health", timeout=10).status_code == 200


def test_a_refused_websocket_handshake_is_answered_and_not_logged_as_an_error(clara: ClaraProcess) -> None:
    """uvicorn's sans-I/O protocol logged 'ASGI callable returned without completing handshake.' at error level
    for every handshake refused with an HTTP answer."""
    refused = _exchange(clara.port, _head("/voice/ws/1?token=not-a-jwt", {
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}))
    assert refused.startswith(b"HTTP/1.1 401")
    assert json.loads(refused.partition(b"\r\n\r\n")[2])["error"]["code"] == "unauthorized"
    assert httpx.get(f"{clara.url}/health", timeout=10).status_code == 200  # the log has caught up
    assert "without completing handshake" not in clara.logs()


def test_x_forwarded_for_is_not_believed_unless_its_proxy_is_listed(clara: ClaraProcess) -> None:
    """FORWARDED_ALLOW_IPS is unset here: every attempt counts against the real peer's login limit (3 an hour).

    An hour, not a minute: windows are fixed (clara/web/ratelimit.py), and four attempts straddling a minute's
    boundary on a loaded machine were counted in two windows (the test failed about once a day)."""
    statuses = [httpx.post(f"{clara.url}/auth/token", json={"email": f"x{n}@clara.dev", "password": "x"},
                           headers={"X-Forwarded-For": f"198.51.100.{n}"}, timeout=30).status_code
                for n in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_a_websocket_is_served_without_per_message_compression(clara: ClaraProcess) -> None:
    """The client offers permessage-deflate (websockets does by default); the server declines: chat frames are
    small, and a zlib compressor per open socket cost RSS and CPU at every frame (bench/sessions.py)."""
    from websockets.sync.client import connect

    with connect(f"{clara.ws_url}/voice/ws/1") as ws:  # no token yet: the socket opens and waits for an auth frame
        assert "permessage-deflate" in (ws.request.headers.get("Sec-WebSocket-Extensions") or "")
        assert ws.response.headers.get("Sec-WebSocket-Extensions") is None
