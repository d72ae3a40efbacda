"""No acknowledged event is lost: not on SIGKILL, not on SIGTERM while PostgreSQL is down, not while it hangs.

The real server runs as a process (tests/clara_process.py) and reaches the test's database through a TCP proxy
that the test cuts (PostgreSQL down) or hangs (PostgreSQL stopped): the machine's shared server stays up.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import httpx
import psycopg
import pytest

from clara.analytics.buffer import EventBuffer
from clara.analytics.events import event_uuid, new_event
from clara.analytics.journal import Journal, journal_dir
from clara.ops.demo_data import DEMO_PASSWORD, DEMO_TECHNICIAN_EMAIL
from clara.settings import Settings
from clara.stores import postgres
from tests.clara_process import ClaraProcess, data_dir_from, server_env, token
from tests.servers import TcpProxy, ThreadedProxy, proxied, upstream

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

SHUTDOWN_LIMIT = 10.0


def stored(url: str, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT id FROM analytics_events WHERE id = ANY(%s)", (sorted(ids),)).fetchall()
    return {r[0] for r in rows}


@pytest.fixture
def proxy(database_url: str) -> Iterator[ThreadedProxy]:
    running = ThreadedProxy(upstream(database_url))
    yield running
    running.close()


@pytest.fixture
def clara(database_url: str, proxy: ThreadedProxy, template_data_dir: Path, tmp_path: Path) -> Iterator[ClaraProcess]:
    """Clara on this test's database through the proxy; not started (each test starts it, some twice)."""
    # The senders post as fast as they are answered: under the per-user budget (120/minute) how many are
    # acknowledged after the hang would depend on where the limiter's minute happens to fall.
    env = server_env(DATABASE_URL=proxied(database_url, proxy.port),
                     DATA_DIR=str(data_dir_from(template_data_dir, tmp_path / "data")), SEED_DEMO_DATA="false",
                     RATE_LIMIT_DEFAULT="1000000/minute")
    process = ClaraProcess(env, tmp_path / "clara.log")
    yield process
    process.stop()


class Sender:
    """Clients posting keyed events as fast as the server acknowledges them; remembers every 202."""

    def __init__(self, clara: ClaraProcess, user_token: str, user_id: int) -> None:
        self.url = clara.url
        self.headers = {"Authorization": f"Bearer {user_token}"}
        self.user_id = user_id
        self.acknowledged: set[uuid.UUID] = set()
        self.stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self, clients: int = 4) -> "Sender":
        for n in range(clients):
            thread = threading.Thread(target=self._post, args=(n,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _post(self, n: int) -> None:
        with httpx.Client(base_url=self.url, headers=self.headers, timeout=10) as client:
            for i in range(1_000_000):
                if self.stop.is_set():
                    return
                event_id = f"durable-{n}-{i}"
                try:
                    response = client.post("/clara-server/analytics/event", json={
                        "type": "durability_probe", "event_id": event_id, "properties": {"n": i}})
                except httpx.TransportError:
                    return  # the server is gone
                if response.status_code == 202:
                    self.acknowledged.add(event_uuid(self.user_id, event_id))

    def join(self) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(15)


def journalled(data_dir: Path) -> int:
    """Bytes of events in the journal (the open segment of a running server exists, empty)."""
    return sum(path.stat().st_size for path in journal_dir(data_dir).glob("*.jsonl"))


def wait_until(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.2)


def technician_token(clara: ClaraProcess, database_url: str) -> tuple[str, int]:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT id FROM users WHERE email = %s", (DEMO_TECHNICIAN_EMAIL,)).fetchone()
    assert row is not None
    return token(clara.url, DEMO_TECHNICIAN_EMAIL, DEMO_PASSWORD), row[0]


def test_sigkill_loses_no_acknowledged_event(clara: ClaraProcess, proxy: ThreadedProxy, database_url: str) -> None:
    """Acknowledged while PostgreSQL answers (committed) and while it hangs (journalled); then SIGKILL."""
    clara.start()
    sender = Sender(clara, *technician_token(clara, database_url)).start()
    wait_until(lambda: len(sender.acknowledged) >= 200)
    proxy.hang()
    before = len(sender.acknowledged)
    wait_until(lambda: len(sender.acknowledged) >= before + 100)  # acknowledged from the journal alone
    assert clara.process is not None
    clara.process.send_signal(signal.SIGKILL)
    clara.process.wait(10)
    sender.join()
    proxy.resume()

    clara.start()  # replays the journal the killed process left
    acknowledged = sender.acknowledged
    wait_until(lambda: stored(database_url, acknowledged) == acknowledged)


def test_sigterm_while_postgres_is_down_keeps_every_event_for_the_next_start(
    clara: ClaraProcess, proxy: ThreadedProxy, database_url: str, tmp_path: Path,
) -> None:
    clara.start()
    access_token, user_id = technician_token(clara, database_url)
    headers = {"Authorization": f"Bearer {access_token}"}
    ids: set[uuid.UUID] = set()
    with httpx.Client(base_url=clara.url, headers=headers, timeout=15) as client:
        # The technician was working before the outage: Clara knows the token's user, and keeps trusting it as last
        # read while PostgreSQL cannot say otherwise.
        assert client.get("/clara-server/analytics/summary").status_code == 200
        proxy.cut()
        for n in range(20):
            events = [{"type": "outage_probe", "event_id": f"outage-{n}-{i}"} for i in range(5)]
            response = client.post("/clara-server/analytics/events", json={"events": events})
            assert response.status_code == 202, response.text
            ids |= {event_uuid(user_id, e["event_id"]) for e in events}
    code, seconds = clara.terminate()
    assert code == 0 and seconds < SHUTDOWN_LIMIT
    assert "analytics_events_lost_on_shutdown" not in clara.logs()
    assert journalled(tmp_path / "data"), "the events wait on disk"

    proxy.restore()
    assert stored(database_url, ids) == set()
    clara.start()
    wait_until(lambda: stored(database_url, ids) == ids)
    wait_until(lambda: journalled(tmp_path / "data") == 0)  # trimmed once PostgreSQL has them


@pytest.fixture
async def own_buffer(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[EventBuffer, TcpProxy]]:
    """An event buffer on its own pool, reaching the database through a proxy the test cuts and hangs."""
    proxy = await TcpProxy(upstream(database_url)).start()
    pool = await postgres.open_pool(proxied(database_url, proxy.port), max_size=2, timeout=1.0)
    await pool.wait(timeout=30)
    events = EventBuffer(pool, Journal(journal_dir(tmp_path)), max_events=10_000, flush_interval=0.05)
    await events.start()
    try:
        yield events, proxy
    finally:
        proxy.resume()
        await proxy.cut()
        await events.close()
        await pool.close()


async def wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.05)


async def test_events_wait_in_the_journal_while_postgres_is_away(
    own_buffer: tuple[EventBuffer, TcpProxy], database_url: str,
) -> None:
    buffer, proxy = own_buffer
    sent = [new_event(type="user_message", user_id=1) for _ in range(300)]
    await buffer.write(sent[:100])
    assert await asyncio.to_thread(stored, database_url, {e.id for e in sent[:100]}) == {e.id for e in sent[:100]}

    await proxy.cut()
    await buffer.write(sent[100:150])  # acknowledged from the journal
    for event in sent[150:200]:
        assert buffer.put(event)  # Clara's own events reach the journal too
    await wait_for(lambda: buffer.depth == 100 and not buffer.healthy)

    await proxy.restore()
    proxy.hang()  # now it answers nothing at all
    await asyncio.wait_for(buffer.write(sent[200:]), 5)
    proxy.resume()
    await wait_for(lambda: buffer.depth == 0 and buffer.healthy)
    ids = {e.id for e in sent}
    assert await asyncio.to_thread(stored, database_url, ids) == ids and buffer.dropped == 0
