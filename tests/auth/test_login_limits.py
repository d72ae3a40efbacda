"""Password guessing is bounded per account, whichever IP it comes from, and never stalls the event loop."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from starlette.applications import Starlette

from clara.auth import passwords
from clara.ops.demo_data import DEMO_PASSWORD, DEMO_TECHNICIAN_EMAIL
from clara.settings import Settings
from tests.test_ratelimit import serving

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)


async def attempt(client: httpx.AsyncClient, password: str, email: str = DEMO_TECHNICIAN_EMAIL) -> httpx.Response:
    return await client.post("/auth/token", json={"email": email, "password": password})


async def unlock(app: Starlette, email: str = DEMO_TECHNICIAN_EMAIL) -> None:
    """As if the lock had run out."""
    async with app.state.stores.db.connection() as conn:
        await conn.execute("UPDATE login_attempts SET locked_until = now() - interval '1 second' WHERE email = %s",
                           (email.lower(),))
    app.state.stores.login_locks.forget(email.lower())  # what the process remembers runs out with the lock


async def test_five_failures_lock_the_account_then_the_lock_doubles(client: httpx.AsyncClient, app: Starlette) -> None:
    statuses = [(await attempt(client, f"guess-{n}")).status_code for n in range(5)]
    assert statuses == [401] * 5
    locked = await attempt(client, DEMO_PASSWORD)
    assert locked.status_code == 429, "locked: even the right password waits"
    assert locked.json()["error"]["code"] == "login_locked" and locked.json()["error"]["field"] == "email"
    assert 25 <= int(locked.headers["retry-after"]) <= 30

    await unlock(app)
    assert (await attempt(client, "guess-6")).status_code == 401
    doubled = await attempt(client, "guess-7")
    assert doubled.status_code == 429 and 55 <= int(doubled.headers["retry-after"]) <= 60

    await unlock(app)
    assert (await attempt(client, DEMO_PASSWORD)).status_code == 200
    assert [(await attempt(client, f"again-{n}")).status_code for n in range(5)] == [401] * 5, "success resets"


async def test_a_locked_account_is_refused_without_touching_the_database(
    client: httpx.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(6):
        await attempt(client, f"guess-{n}")

    def unreachable() -> None:
        raise AssertionError("a refused attempt reached PostgreSQL")

    monkeypatch.setattr(app.state.stores.db, "connection", unreachable)
    flood = [await attempt(client, f"flood-{n}") for n in range(20)]
    assert {a.status_code for a in flood} == {429}
    assert all(a.json()["error"]["code"] == "login_locked" and 1 <= int(a.headers["retry-after"]) <= 30
               for a in flood)


async def test_a_lock_lifted_by_a_success_is_lifted_on_every_process(
    settings: Settings, redis_server_url: str
) -> None:
    """The attempt that reaches the count may carry the right password: its success lifts the lock it set, and a
    process that saw the lock meanwhile must stop refusing."""
    shared = settings.changed(redis_url=redis_server_url)
    async with serving(shared) as (_, first), serving(shared) as (second_app, second):
        for n in range(4):
            assert (await attempt(first, f"guess-{n}")).status_code == 401
        second_app.state.stores.login_locks.remember(DEMO_TECHNICIAN_EMAIL, 30)  # as if it had seen the lock
        assert (await attempt(second, DEMO_PASSWORD)).status_code == 429
        assert (await attempt(first, DEMO_PASSWORD)).status_code == 200
        for _ in range(50):  # the message crosses Redis
            if second_app.state.stores.login_locks.wait(DEMO_TECHNICIAN_EMAIL) is None:
                break
            await asyncio.sleep(0.02)
        assert (await attempt(second, DEMO_PASSWORD)).status_code == 200


async def test_unknown_addresses_lock_the_same_way(client: httpx.AsyncClient) -> None:
    statuses = [(await attempt(client, "x", email="nobody@clara.dev")).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    other = await attempt(client, DEMO_PASSWORD)
    assert other.status_code == 200, "one address's lock is not another's"


async def test_parallel_guesses_get_no_more_than_the_free_attempts(client: httpx.AsyncClient) -> None:
    answers = await asyncio.gather(*(attempt(client, f"burst-{n}") for n in range(20)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [401] * 5 + [429] * 15


async def test_passwords_are_checked_off_the_event_loop(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = []
    verify = passwords.verify_password

    def recording(password: str, password_hash: str | None) -> bool:
        threads.append(threading.current_thread().name)
        return verify(password, password_hash)

    monkeypatch.setattr(passwords, "verify_password", recording)
    assert (await attempt(client, DEMO_PASSWORD)).status_code == 200
    assert threads and all(name.startswith("argon2") for name in threads)


async def test_more_logins_than_the_pool_queues_are_turned_away_not_stalled(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passwords, "MAX_WAITING", 1)
    emails = [f"tech{n}@clara.dev" for n in range(8)]
    answers = await asyncio.gather(*(attempt(client, "x", email=email) for email in emails))
    busy = [a for a in answers if a.status_code == 503]
    assert busy and all(a.json()["error"]["code"] == "login_busy" and a.headers["retry-after"] for a in busy)
    assert {a.status_code for a in answers} <= {401, 503}
    assert len(answers) - len(busy) >= passwords.WORKERS + 1
