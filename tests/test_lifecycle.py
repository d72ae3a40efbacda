"""The process as a platform drives it: bad configuration stops start-up with one line; SIGTERM drains and exits 0.

Every test here runs `python backend_server.py` for real (see tests/clara_process.py).
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator

import httpx
import psycopg
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from clara.ops.demo_data import DEMO_PASSWORD, DEMO_TECHNICIAN_EMAIL
from tests.clara_process import ROOT, ClaraProcess, data_dir_from, server_env, token
from tests.knowledge.pdfs import make_long_pdf

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

STRONG_SECRET = "lifecycle-test-secret-0123456789abcdefghijklmnop"
SHUTDOWN_LIMIT = 10.0  # seconds a platform waits after SIGTERM before it sends SIGKILL


@pytest.fixture
def clara(database_url: str, redis_server_url: str, template_data_dir: Path, tmp_path: Path) -> Iterator[ClaraProcess]:
    data_dir = data_dir_from(template_data_dir, tmp_path / "data")
    env = server_env(DATABASE_URL=database_url, REDIS_URL=redis_server_url, DATA_DIR=str(data_dir),
                     REDIS_KEY_PREFIX=f"clara-lifecycle-{uuid.uuid4().hex[:8]}", SEED_DEMO_DATA="false")
    process = ClaraProcess(env, tmp_path / "clara.log").start()
    yield process
    process.stop()


@pytest.mark.parametrize(
    "environ, variable",
    [
        ({"DATABASE_URL": "postgres//db.internal/clara"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://cache.internal:6379"}, "REDIS_URL"),
        ({"CHROMA_URL": "http://chroma.internal:99999"}, "CHROMA_URL"),
        ({"LIVEKIT_URL": "livekit.internal"}, "LIVEKIT_URL"),
        ({"PORT": "http"}, "PORT"),
        ({"CLARA_ENV": "production"}, "JWT_SECRET"),
        ({"CLARA_ENV": "production", "JWT_SECRET": "too-short"}, "JWT_SECRET"),
        ({"CLARA_ENV": "production", "JWT_SECRET": STRONG_SECRET, "LIVEKIT_URL": "wss://lk.example"}, "LIVEKIT_API"),
    ],
)
def test_bad_configuration_stops_start_up_with_one_clear_line(environ: dict[str, str], variable: str) -> None:
    env = server_env(**environ)
    if "CLARA_ENV" not in environ:
        env["CLARA_ENV"] = "development"
    done = subprocess.run([sys.executable, "backend_server.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("clara: configuration error: ") and variable in lines[0]
    assert done.stdout == ""


@pytest.mark.parametrize("command", [["backend_server.py"], ["-m", "clara", "migrate"]])
def test_a_bad_secret_stops_either_entry_point_with_its_name_never_its_value(command: list[str]) -> None:
    env = server_env(CLARA_ENV="development", DATABASE_URL="postgres//clara:hunter2-password@db.internal/clara")
    done = subprocess.run([sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("clara: configuration error: DATABASE_URL") and done.stderr.count("\n") == 1
    assert "hunter2" not in done.stderr


def test_production_mode_serves_with_a_strong_secret_and_docs_disabled(
    database_url: str, template_data_dir: Path, tmp_path: Path
) -> None:
    data_dir = data_dir_from(template_data_dir, tmp_path / "data")
    env = server_env(CLARA_ENV="production", JWT_SECRET=STRONG_SECRET, DOCS_ENABLED="false",
                     DATABASE_URL=database_url, DATA_DIR=str(data_dir), SEED_DEMO_DATA="false")
    process = ClaraProcess(env, tmp_path / "clara.log").start()
    try:
        assert httpx.get(f"{process.url}/health", timeout=10).status_code == 200
        assert httpx.get(f"{process.url}/openapi.json", timeout=10).status_code == 404
        assert httpx.get(f"{process.url}/docs", timeout=10).status_code == 404
        code, _ = process.terminate()
        assert code == 0
    finally:
        process.stop()


def _start_slow_login(port: int) -> tuple[socket.socket, bytes]:
    """A login whose body is only half sent: a request the server is in the middle of when SIGTERM arrives."""
    body = f'{{"email": "{DEMO_TECHNICIAN_EMAIL}", "password": "{DEMO_PASSWORD}"}}'.encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=15)
    sock.sendall(b"POST /auth/token HTTP/1.1\r\nHost: clara\r\nContent-Type: application/json\r\n"
                 + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10])
    return sock, body[10:]


def _read_response(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_sigterm_finishes_in_flight_work_flushes_analytics_and_exits_0(
    clara: ClaraProcess, database_url: str
) -> None:
    access_token = token(clara.url, DEMO_TECHNICIAN_EMAIL, DEMO_PASSWORD)
    bearer = {"Authorization": f"Bearer {access_token}"}
    user_id = httpx.get(f"{clara.url}/jobs", headers=bearer, timeout=10).json()["jobs"][0]["technician_id"]
    socket_open = connect(f"{clara.ws_url}/voice/ws/{user_id}?token={access_token}")
    socket_open.send(json.dumps({"type": "ping"}))
    assert json.loads(socket_open.recv(timeout=10)) == {"type": "pong"}
    marker = f"lifecycle-{uuid.uuid4().hex}"
    accepted = httpx.post(f"{clara.url}/clara-server/analytics/event", headers=bearer, timeout=10,
                          json={"type": "shutdown_probe", "session_id": marker})
    assert accepted.status_code == 202  # buffered: only a flush on shutdown puts it in the database
    in_flight, rest = _start_slow_login(clara.port)
    time.sleep(0.3)  # the server has read the headers and waits for the body

    assert clara.process is not None
    started = time.monotonic()
    clara.process.send_signal(15)
    time.sleep(0.5)
    with pytest.raises(httpx.TransportError):  # no new connections once shutdown began
        httpx.get(f"{clara.url}/health", timeout=2)
    with pytest.raises(ConnectionClosed) as closed:  # told to reconnect (to another instance): 1012
        socket_open.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012
    in_flight.sendall(rest)
    response = _read_response(in_flight)
    in_flight.close()
    assert response.startswith(b"HTTP/1.1 200"), response[:200]
    assert b'"access_token"' in response

    code = clara.process.wait(SHUTDOWN_LIMIT + 5)
    elapsed = time.monotonic() - started
    assert code == 0, clara.logs()[-3000:]
    assert elapsed < SHUTDOWN_LIMIT, f"shutdown took {elapsed:.1f} s"
    with psycopg.connect(database_url) as conn:
        count = conn.execute("SELECT count(*) FROM analytics_events WHERE session_id = %s", (marker,)).fetchone()
    assert count == (1,), "the buffered event was flushed before the pool closed"
    logs = clara.logs()
    assert logs.index('"clara_stopping"') < logs.index('"clara_stopped"')
    assert "Traceback" not in logs


def test_sigterm_during_a_large_upload_exits_in_time_and_answers_the_upload_with_json(clara: ClaraProcess) -> None:
    """Parsing and embedding a long PDF (well over ten seconds here, within the upload limits) must not hold the
    process, and the upload it cuts off gets the contract's 503 (retry), not uvicorn's plain-text 500."""
    access_token = token(clara.url, DEMO_TECHNICIAN_EMAIL, DEMO_PASSWORD)
    pdf = make_long_pdf(1_800, [f"Riser {n}: inspect the alarm valve, the gauges and the drain quarterly."
                                for n in range(25)])
    outcome: dict[str, httpx.Response] = {}

    def upload() -> None:
        outcome["response"] = httpx.post(f"{clara.url}/clara-server/knowledge/documents", timeout=60,
                                          headers={"Authorization": f"Bearer {access_token}"},
                                          files={"file": ("inspection-log.pdf", pdf, "application/pdf")})

    uploading = threading.Thread(target=upload)
    uploading.start()
    time.sleep(2)  # the body is in; the PDF is being parsed
    assert clara.process is not None and "response" not in outcome
    started = time.monotonic()
    clara.process.send_signal(signal.SIGTERM)
    code = clara.process.wait(SHUTDOWN_LIMIT + 60)
    elapsed = time.monotonic() - started
    uploading.join(10)
    assert elapsed < SHUTDOWN_LIMIT, f"shutdown took {elapsed:.1f} s"
    assert code == 0, clara.logs()[-3000:]
    response = outcome["response"]
    assert response.status_code == 503 and response.headers["retry-after"]
    assert response.json()["error"]["code"] == "shutting_down"
    logs = clara.logs()
    assert "Traceback" not in logs
    assert "shutdown_deadline_exceeded" not in logs  # the app's own shutdown was prompt; the parse was abandoned
