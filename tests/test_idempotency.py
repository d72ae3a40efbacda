"""`Idempotency-Key` as a field app on flaky signal meets it: a retried write acts once and answers the same."""

from __future__ import annotations

import asyncio
import json
import uuid
from types import SimpleNamespace
from typing import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from clara.web import idempotency
from clara.auth.backend import BearerTokenBackend, on_auth_error
from clara.web.caller import CurrentUser
from clara.web.errors import EXCEPTION_HANDLERS
from clara.web.idempotency import IdempotencyMiddleware
from tests.conftest import bearer


def key() -> dict[str, str]:
    return {"Idempotency-Key": f"deficiency-{uuid.uuid4()}"}


async def deficiency_count(app: Starlette, job_id: int) -> int:
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT count(*) AS n FROM deficiencies WHERE job_id = %s", (job_id,))
        return (await cur.fetchone())["n"]  # type: ignore[index,no-any-return]


REPORT = {"severity": "deficient", "description": "Gauge in the red on the kitchen extinguisher", "location": "kitchen"}


async def test_a_retried_deficiency_is_logged_once_and_answered_the_same(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], demo_jobs: dict[str, int]
) -> None:
    job_id = demo_jobs["Ferry Building"]
    before = await deficiency_count(app, job_id)
    headers = {**auth, **key()}
    first = await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT, headers=headers)
    again = await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and first.json()["description"] == REPORT["description"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["x-request-id"] != first.headers["x-request-id"]  # a new request, an old answer
    assert await deficiency_count(app, job_id) == before + 1
    without_key = await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT, headers=auth)
    assert without_key.status_code == 201 and await deficiency_count(app, job_id) == before + 2


async def test_the_same_key_with_another_body_is_a_409_and_acts_not(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], demo_jobs: dict[str, int]
) -> None:
    job_id = demo_jobs["Ferry Building"]
    headers = {**auth, **key()}
    assert (await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT, headers=headers)).status_code == 201
    count = await deficiency_count(app, job_id)
    changed = await client.post(f"/jobs/{job_id}/deficiencies", json={**REPORT, "severity": "inoperable"},
                                headers=headers)
    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    assert changed.json()["error"]["field"] == "Idempotency-Key"
    elsewhere = await client.post(f"/jobs/{demo_jobs['WeWork 123 Main St']}/deficiencies", json=REPORT,
                                  headers=headers)
    assert elsewhere.status_code == 409, "another route is another request"
    no_such_method = await client.put(f"/jobs/{job_id}/deficiencies", json=REPORT, headers=headers)
    assert no_such_method.status_code == 405, "what no route serves has nothing to remember or refuse"
    assert await deficiency_count(app, job_id) == count


async def test_a_retry_that_spells_the_same_json_otherwise_is_the_same_request(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], demo_jobs: dict[str, int]
) -> None:
    """The fingerprint hashed the body's bytes: an app that rebuilt its request for a retry, keys in another order
    or spaced otherwise, got 409 idempotency_key_reused for what was the same write."""
    job_id = demo_jobs["Ferry Building"]
    headers = {**auth, **key(), "Content-Type": "application/json"}
    first = await client.post(f"/jobs/{job_id}/deficiencies", content=json.dumps(REPORT), headers=headers)
    count = await deficiency_count(app, job_id)
    respelled = json.dumps(dict(reversed(REPORT.items())), indent=2).encode()
    again = await client.post(f"/jobs/{job_id}/deficiencies", content=respelled, headers=headers)
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true" and await deficiency_count(app, job_id) == count
    nested = await client.post(f"/jobs/{job_id}/deficiencies", content=b"[" * 100_000 + b"]" * 100_000,
                               headers=headers)
    assert nested.status_code == 409  # another body, and one no parser here can hold: refused, not a 500


async def test_malformed_keys_are_a_400_naming_the_header(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], demo_jobs: dict[str, int]
) -> None:
    job_id = demo_jobs["Ferry Building"]
    before = await deficiency_count(app, job_id)
    for bad in (b"", b"x" * 201, b"two words", "caf\u00e9".encode(), b"tab\there"):
        response = await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT,
                                     headers={**auth, "Idempotency-Key": bad})
        assert response.status_code == 400, repr(bad)
        assert response.json()["error"]["field"] == "Idempotency-Key", repr(bad)
    two = await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT,
                            headers=[*auth.items(), ("Idempotency-Key", "a"), ("Idempotency-Key", "b")])
    assert two.status_code == 400 and two.json()["error"]["field"] == "Idempotency-Key"
    longest = await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT,
                                headers={**auth, "Idempotency-Key": "~" * 200})
    assert longest.status_code == 201
    assert await deficiency_count(app, job_id) == before + 1


async def test_keys_belong_to_their_user(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], dispatcher: CurrentUser,
    demo_jobs: dict[str, int],
) -> None:
    job_id = demo_jobs["Ferry Building"]
    shared = key()
    mine = await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT, headers={**auth, **shared})
    theirs = await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT,
                               headers={**bearer(app, dispatcher), **shared})
    assert mine.status_code == theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"] and "idempotent-replayed" not in theirs.headers
    assert theirs.json()["reported_by"] == dispatcher.id


async def test_a_refused_write_is_not_remembered_so_the_fixed_retry_runs(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], demo_jobs: dict[str, int]
) -> None:
    job_id = demo_jobs["Ferry Building"]
    headers = {**auth, **key()}
    refused = await client.post(f"/jobs/{job_id}/deficiencies", json={**REPORT, "severity": "awful"}, headers=headers)
    assert refused.status_code == 400
    fixed = await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT, headers=headers)
    assert fixed.status_code == 201 and "idempotent-replayed" not in fixed.headers
    without_token = await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT, headers=key())
    assert without_token.status_code == 401


async def test_concurrent_copies_of_one_request_act_once(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], demo_jobs: dict[str, int]
) -> None:
    job_id = demo_jobs["Ferry Building"]
    before = await deficiency_count(app, job_id)
    headers = {**auth, **key()}
    answers = await asyncio.gather(*(client.post(f"/jobs/{job_id}/deficiencies", json=REPORT, headers=headers)
                                     for _ in range(6)))
    assert [a.status_code for a in answers] == [201] * 6
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 5
    assert await deficiency_count(app, job_id) == before + 1


async def test_every_kind_of_field_write_is_idempotent(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser,
    demo_jobs: dict[str, int],
) -> None:
    job_id = demo_jobs["Ferry Building"]
    writes = [
        ("PATCH", f"/jobs/{job_id}", {"status": "en_route"}),
        ("PUT", f"/clara-server/users/{technician.id}/preferences", {"units": "metric"}),
        ("POST", "/clara-server/analytics/event", {"type": "app_opened", "properties": {"screen": "today"}}),
    ]
    for method, url, body in writes:
        headers = {**auth, **key()}
        first = await client.request(method, url, json=body, headers=headers)
        again = await client.request(method, url, json=body, headers=headers)
        assert 200 <= first.status_code < 300, (url, first.text)
        assert (again.status_code, again.json()) == (first.status_code, first.json()), url
        assert again.headers["idempotent-replayed"] == "true", url


async def test_a_retried_upload_with_a_new_multipart_boundary_is_the_same_request(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    headers = {**auth, **key()}
    text = b"# Riser room checklist\n\nCheck the main drain test result against last year's.\n"
    answers = []
    for boundary in ("first-attempt-boundary", "retry-drew-another-one"):
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"riser.md\"\r\n"
                f"Content-Type: text/markdown\r\n\r\n").encode() + text + f"\r\n--{boundary}--\r\n".encode()
        answers.append(await client.post(
            "/clara-server/knowledge/documents", content=body,
            headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}))
    first, again = answers
    assert first.status_code in (201, 202), first.text
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["idempotent-replayed"] == "true"
    other = text.replace(b"main drain", b"inspector's test")
    changed = await client.post("/clara-server/knowledge/documents", files={"file": ("riser.md", other)},
                                headers=headers)
    assert changed.status_code == 409 and changed.json()["error"]["code"] == "idempotency_key_reused"


async def test_a_key_older_than_a_day_starts_afresh(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], demo_jobs: dict[str, int]
) -> None:
    job_id = demo_jobs["Ferry Building"]
    headers = {**auth, **key()}
    first = await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT, headers=headers)
    async with app.state.stores.db.connection() as conn:
        await conn.execute("UPDATE idempotency_keys SET created_at = now() - interval '24 hours 1 minute'"
                           " WHERE key = %s", (headers["Idempotency-Key"],))
    later = await client.post(f"/jobs/{job_id}/deficiencies", json=REPORT, headers=headers)
    assert later.status_code == 201 and later.json()["id"] != first.json()["id"]
    assert "idempotent-replayed" not in later.headers


# ------------------------------------------------------------------ failures, in-flight claims
# A small app behind the same middleware, whose route fails or blocks on demand, sharing the test's database.

@pytest.fixture
async def probe(app: Starlette, technician: CurrentUser) -> AsyncIterator[SimpleNamespace]:
    state = SimpleNamespace(calls=0, answers=[], gate=None)

    async def act(request: Request) -> JSONResponse:
        state.calls += 1
        await request.body()
        if state.gate is not None:
            await state.gate.wait()
        status = state.answers.pop(0) if state.answers else 200
        if status == 500:
            raise RuntimeError("the route broke")
        return JSONResponse({"call": state.calls}, status)

    async def stream(request: Request) -> StreamingResponse:
        state.calls += 1

        async def events() -> AsyncIterator[bytes]:
            yield b"event: delta\ndata: {\"text\": \"Gauge\"}\n\n"
            yield f"event: done\ndata: {{\"call\": {state.calls}}}\n\n".encode()

        return StreamingResponse(events(), media_type="text/event-stream")

    settings = app.state.settings
    probe_app = Starlette(
        routes=[Route("/act", act, methods=["POST"]), Route("/stream", stream, methods=["POST"])],
        middleware=[Middleware(AuthenticationMiddleware, backend=BearerTokenBackend(settings.jwt_secret),
                               on_error=on_auth_error),
                    Middleware(IdempotencyMiddleware)],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
    )
    probe_app.state.stores = app.state.stores
    probe_app.state.settings = settings
    transport = httpx.ASGITransport(app=probe_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe.test") as c:
        state.client = c
        state.headers = bearer(app, technician)
        yield state


async def test_server_errors_are_never_replayed(probe: SimpleNamespace) -> None:
    headers = {**probe.headers, **key()}
    probe.answers = [503, 500]
    assert (await probe.client.post("/act", json={}, headers=headers)).status_code == 503
    assert (await probe.client.post("/act", json={}, headers=headers)).status_code == 500
    ok = await probe.client.post("/act", json={}, headers=headers)
    assert ok.status_code == 200 and ok.json() == {"call": 3}
    replay = await probe.client.post("/act", json={}, headers=headers)
    assert replay.json() == {"call": 3} and probe.calls == 3


async def test_a_streamed_answer_is_replayed_whole(probe: SimpleNamespace) -> None:
    headers = {**probe.headers, **key()}
    first = await probe.client.post("/stream", json={"message": "gauge?"}, headers=headers)
    again = await probe.client.post("/stream", json={"message": "gauge?"}, headers=headers)
    assert first.status_code == again.status_code == 200 and probe.calls == 1
    assert again.text == first.text and first.text.endswith('data: {"call": 1}\n\n')
    assert again.headers["content-type"].startswith("text/event-stream")
    assert again.headers["idempotent-replayed"] == "true"


async def test_a_duplicate_of_a_request_still_running_gets_409_in_progress(
    probe: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.3)
    headers = {**probe.headers, **key()}
    probe.gate = asyncio.Event()
    first = asyncio.create_task(probe.client.post("/act", json={"n": 1}, headers=headers))
    while probe.calls == 0:
        await asyncio.sleep(0.01)
    duplicate = await asyncio.wait_for(probe.client.post("/act", json={"n": 1}, headers=headers), 10)
    assert duplicate.status_code == 409 and duplicate.headers["retry-after"] == "1"
    assert duplicate.json()["error"]["code"] == "idempotency_request_in_progress"
    probe.gate.set()
    assert (await first).status_code == 200
    assert (await probe.client.post("/act", json={"n": 1}, headers=headers)).headers["idempotent-replayed"] == "true"
    assert probe.calls == 1


async def test_a_duplicate_waits_for_the_first_answer(probe: SimpleNamespace) -> None:
    headers = {**probe.headers, **key()}
    probe.gate = asyncio.Event()
    first = asyncio.create_task(probe.client.post("/act", json={}, headers=headers))
    while probe.calls == 0:
        await asyncio.sleep(0.01)
    duplicate = asyncio.create_task(probe.client.post("/act", json={}, headers=headers))
    await asyncio.sleep(0.2)
    assert probe.calls == 1, "the duplicate waits instead of acting"
    probe.gate.set()
    assert (await duplicate).json() == (await first).json() == {"call": 1}
    assert (await duplicate).headers["idempotent-replayed"] == "true"


async def test_a_claim_left_by_a_crashed_instance_frees_itself(app: Starlette, probe: SimpleNamespace,
                                                             technician: CurrentUser) -> None:
    headers = {**probe.headers, **key()}
    async with app.state.stores.db.connection() as conn:
        await conn.execute("INSERT INTO idempotency_keys (user_id, key, claim_id, lease_until)"
                           " VALUES (%s, %s, %s, now() - interval '1 second')",
                           (technician.id, headers["Idempotency-Key"], uuid.uuid4()))
    response = await probe.client.post("/act", json={}, headers=headers)
    assert response.status_code == 200 and probe.calls == 1


async def test_the_openapi_document_lists_the_header_on_every_write(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    assert document["components"]["parameters"]["IdempotencyKey"]["schema"]["maxLength"] == 200
    writes = [(method, path, operation) for path, item in document["paths"].items() for method, operation in
              item.items() if method in ("post", "put", "patch", "delete") and path != "/auth/token"]
    assert len(writes) >= 8
    for method, path, operation in writes:
        refs = [p.get("$ref") for p in operation.get("parameters", [])]
        assert "#/components/parameters/IdempotencyKey" in refs, (method, path)
        assert "409" in operation["responses"], (method, path)
        assert "Idempotent-Replayed" in json.dumps(operation["responses"]), (method, path)
