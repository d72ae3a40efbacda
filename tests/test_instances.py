"""Two Clara processes on one PostgreSQL and one Redis behave as one service, as behind Render's load balancer.

Nothing a user does may depend on which instance answers: a token, a conversation, a rate limit, a cached read
after a write, and a live job update all hold across the pair.
"""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

import httpx
import psycopg
from pydantic import SecretStr
import pytest
from websockets.sync.client import connect

from clara.web.caller import CurrentUser
from clara.auth.tokens import issue_token
from tests.clara_process import ClaraProcess, data_dir_from, server_env

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

SECRET = "two-instance-test-secret-0123456789abcdefghijkl"
BUDGET = 12  # requests per minute per user: small enough to exhaust across the pair in a test
WAIT = 10.0  # generous bound on a delivery; bench/soak.py measures the real latency


@pytest.fixture(scope="module")
def pair(module_database_url: str, redis_server_url: str, template_data_dir: Path,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ClaraProcess, ClaraProcess]]:
    prefix = f"clara-pair-{uuid.uuid4().hex[:8]}"
    processes = []
    for name in ("a", "b"):
        data_dir = data_dir_from(template_data_dir, tmp_path_factory.mktemp(f"instance-{name}"))
        env = server_env(DATABASE_URL=module_database_url, REDIS_URL=redis_server_url, REDIS_KEY_PREFIX=prefix,
                         DATA_DIR=str(data_dir), JWT_SECRET=SECRET, SEED_DEMO_DATA="false",
                         RATE_LIMIT_DEFAULT=f"{BUDGET}/minute", RATE_LIMIT_LOGIN="100/minute")
        processes.append(ClaraProcess(env, data_dir / "clara.log").start(wait=False))
    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda p: p.wait_ready(), processes))
        yield processes[0], processes[1]
    finally:
        for process in processes:
            process.stop()


def _user(database_url: str, email: str) -> CurrentUser:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT id, role FROM users WHERE email = %s", (email,)).fetchone()
    assert row is not None
    return CurrentUser(id=row[0], role=row[1], email=email)


def _auth(user: CurrentUser) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, secret=SecretStr(SECRET), ttl_seconds=600)}"}


def _recv_until(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        frame = json.loads(ws.recv(timeout=WAIT))
        if frame["type"] == kind:
            return frame


def test_a_dispatchers_update_on_one_instance_reaches_the_technicians_socket_on_the_other(
    pair: tuple[ClaraProcess, ClaraProcess], module_database_url: str
) -> None:
    a, b = pair
    technician = _user(module_database_url, "james.chen@clara.dev")
    dispatcher = _user(module_database_url, "dana.okafor@clara.dev")
    with psycopg.connect(module_database_url) as conn:
        (job_id,) = conn.execute("SELECT min(id) FROM jobs WHERE technician_id = %s AND status = 'scheduled'",
                                 (technician.id,)).fetchone()  # type: ignore[misc]
    token = issue_token(technician, secret=SecretStr(SECRET), ttl_seconds=600)
    with connect(f"{b.ws_url}/voice/ws/{technician.id}?token={token}") as ws:
        ws.send(json.dumps({"type": "ping"}))
        assert _recv_until(ws, "pong") == {"type": "pong"}  # subscribed before the update is made

        patched = httpx.patch(f"{a.url}/jobs/{job_id}", headers=_auth(dispatcher), timeout=10,
                              json={"status": "en_route", "notes": "Customer moved the meeting to the loading dock"})
        assert patched.status_code == 200, patched.text
        event = _recv_until(ws, "job_updated")
    assert event["job"]["id"] == job_id and event["job"]["status"] == "en_route"
    assert event["job"]["notes"] == "Customer moved the meeting to the loading dock"
    assert event["updated_by"] == dispatcher.id


def test_a_token_and_a_conversation_carry_over_to_the_other_instance(
    pair: tuple[ClaraProcess, ClaraProcess], module_database_url: str
) -> None:
    a, b = pair
    login = httpx.post(f"{a.url}/auth/token", json={"email": "maria.lopez@clara.dev", "password": "clara-demo-2026"},
                       timeout=10)
    assert login.status_code == 200
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    user_id = _user(module_database_url, "maria.lopez@clara.dev").id
    first = httpx.post(f"{a.url}/voice/chat/{user_id}", headers=bearer, timeout=60,
                       json={"message": "What's my next job?"})
    assert first.status_code == 200, first.text
    session_id = first.json()["session_id"]
    second = httpx.post(f"{b.url}/voice/chat/{user_id}", headers=bearer, timeout=60,
                        json={"message": "Who is the customer there?", "session_id": session_id})
    assert second.status_code == 200, second.text
    assert second.json()["session_id"] == session_id
    with psycopg.connect(module_database_url) as conn:
        turns = conn.execute("SELECT count(*) FROM conversation_turns WHERE conversation_id::text = %s",
                             (session_id,)).fetchone()
    assert turns == (2,), "both instances wrote to the one conversation"


def test_a_write_on_one_instance_is_read_back_fresh_on_the_other(
    pair: tuple[ClaraProcess, ClaraProcess], module_database_url: str
) -> None:
    a, b = pair
    user = _user(module_database_url, "devon.wright@clara.dev")
    url = f"/clara-server/users/{user.id}/preferences"
    before = httpx.get(f"{b.url}{url}", headers=_auth(user), timeout=10)  # now cached on b
    assert before.status_code == 200
    new_level = "expert" if before.json()["skill_level"] != "expert" else "beginner"
    changed = httpx.put(f"{a.url}{url}", headers=_auth(user), timeout=10, json={"skill_level": new_level})
    assert changed.status_code == 200, changed.text
    after = httpx.get(f"{b.url}{url}", headers=_auth(user), timeout=10)
    assert after.json()["skill_level"] == new_level


def test_one_rate_limit_budget_spans_both_instances(pair: tuple[ClaraProcess, ClaraProcess],
                                                    module_database_url: str) -> None:
    a, b = pair
    headers = _auth(_user(module_database_url, "priya.patel@clara.dev"))
    statuses = [httpx.get(f"{(a, b)[i % 2].url}/clara-server/crm/customers", headers=headers, timeout=10).status_code
                for i in range(BUDGET + 2)]
    assert statuses[:BUDGET] == [200] * BUDGET
    assert statuses[BUDGET:] == [429, 429], "each instance alone would still allow these"


def test_one_idempotency_key_acts_once_across_instances(pair: tuple[ClaraProcess, ClaraProcess],
                                                        module_database_url: str) -> None:
    a, b = pair
    admin = _user(module_database_url, "admin@clara.dev")  # a budget (BUDGET a minute) no other test here spends
    with psycopg.connect(module_database_url) as conn:
        (job_id,) = conn.execute("SELECT min(id) FROM jobs").fetchone()  # type: ignore[misc]
    headers = {**_auth(admin), "Idempotency-Key": f"retry-{uuid.uuid4()}"}
    report = {"severity": "inoperable", "description": "Tamper switch on the riser reads open", "location": "riser"}

    def post(instance: ClaraProcess) -> httpx.Response:
        return httpx.post(f"{instance.url}/jobs/{job_id}/deficiencies", json=report, headers=headers, timeout=30)

    for late in (a, b):  # copies racing on both instances at once, then a late retry
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(post, (a, b, a, b)))
        answers.append(post(late))
        assert [r.status_code for r in answers] == [201] * 5, [r.text for r in answers]
        assert len({r.json()["id"] for r in answers}) == 1
        headers["Idempotency-Key"] = f"retry-{uuid.uuid4()}"
    with psycopg.connect(module_database_url) as conn:
        (count,) = conn.execute("SELECT count(*) FROM deficiencies WHERE job_id = %s AND description = %s",
                                (job_id, report["description"])).fetchone()  # type: ignore[misc]
    assert count == 2, "one deficiency per key, whichever instance each copy reached"


def _refused_within(url: str, headers: dict[str, str], seconds: float) -> bool:
    """Whether `url` starts answering 401 within `seconds` (a change crosses instances by Redis pub/sub)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if httpx.get(url, headers=headers, timeout=10).status_code == 401:
            return True
        time.sleep(0.05)
    return False


def test_logout_and_deactivation_on_one_instance_refuse_the_token_on_the_other(
    pair: tuple[ClaraProcess, ClaraProcess], module_database_url: str
) -> None:
    a, b = pair
    technician = _user(module_database_url, "devon.wright@clara.dev")
    login = httpx.post(f"{a.url}/auth/token", json={"email": technician.email, "password": "clara-demo-2026"},
                       timeout=10)
    session = {"Authorization": f"Bearer {login.json()['access_token']}"}
    signed = _auth(technician)
    url = f"/clara-server/users/{technician.id}/preferences"
    assert httpx.get(f"{b.url}{url}", headers=session, timeout=10).status_code == 200  # known to b now
    assert httpx.post(f"{a.url}/auth/logout", headers=session, timeout=10).status_code == 204
    assert _refused_within(f"{b.url}{url}", session, 5), "b still honours a token logged out on a"
    assert httpx.get(f"{b.url}{url}", headers=signed, timeout=10).status_code == 200

    dispatcher = _user(module_database_url, "dana.okafor@clara.dev")
    off = httpx.patch(f"{a.url}/clara-server/users/{technician.id}", json={"active": False},
                      headers=_auth(dispatcher), timeout=10)
    assert off.status_code == 200
    assert _refused_within(f"{b.url}{url}", signed, 5), "b still honours a deactivated user's token"
