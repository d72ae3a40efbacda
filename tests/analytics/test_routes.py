from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.conftest import bearer

EVENT = "/clara-server/analytics/event"
EVENTS = "/clara-server/analytics/events"
SUMMARY = "/clara-server/analytics/summary"
SUGGESTIONS = "/clara-server/patterns/suggestions"


async def rows(app: Starlette, where: str = "TRUE", params: tuple[object, ...] = ()) -> list[dict[str, object]]:
    await app.state.stores.analytics.buffer.flush()
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute(f"SELECT * FROM analytics_events WHERE {where} ORDER BY occurred_at", params)
        return await cur.fetchall()


def tool(name: str, duration: float, ok: bool = True, session: str = "s-1") -> dict[str, object]:
    return {"type": "tool_called", "session_id": session, "properties": {"name": name, "duration": duration, "ok": ok}}


# --- POST /clara-server/analytics/event -------------------------------------------------------------------------

async def test_event_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.post(EVENT, json={"type": "user_message"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


async def test_event_is_accepted_and_stored_with_the_callers_user_id(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser,
    other_technician: CurrentUser,
) -> None:
    sent_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    response = await client.post(EVENT, headers=auth, json={
        "type": "user_message", "session_id": "sess-42", "properties": {"chars": 17, "user_id": other_technician.id},
        "timestamp": sent_at.isoformat(), "user_id": other_technician.id,
    })
    assert response.status_code == 202
    event_id = response.json()["id"]
    [row] = await rows(app)
    assert str(row["id"]) == event_id
    assert row["user_id"] == technician.id  # from the token, whatever the body claims
    assert row["type"] == "user_message" and row["session_id"] == "sess-42"
    assert row["occurred_at"] == sent_at and row["properties"]["chars"] == 17


async def test_event_id_makes_retries_idempotent(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], other_technician: CurrentUser,
) -> None:
    event = {"type": "knowledge_miss", "event_id": "phone-7:0001", "properties": {"source": "nfpa"}}
    first = await client.post(EVENT, headers=auth, json=event)
    retry = await client.post(EVENT, headers=auth, json=event)  # still in the buffer
    await app.state.stores.analytics.buffer.flush()
    late_retry = await client.post(EVENT, headers=auth, json=event)  # already written
    assert first.status_code == retry.status_code == late_retry.status_code == 202
    assert first.json()["id"] == retry.json()["id"] == late_retry.json()["id"]
    # Another user's event with the same client id is a different event.
    other = await client.post(EVENT, headers=bearer(app, other_technician), json=event)
    assert other.json()["id"] != first.json()["id"]
    assert len(await rows(app, "type = 'knowledge_miss'")) == 2


async def test_event_validation_names_the_field(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    now = datetime.now(timezone.utc)
    cases = [
        ({}, "type"),
        ({"type": "Bad Type!"}, "type"),
        ({"type": "ok", "session_id": "has spaces"}, "session_id"),
        ({"type": "ok", "properties": [1, 2]}, "properties"),
        ({"type": "ok", "properties": {"blob": "x" * 9000}}, "properties"),
        ({"type": "ok", "timestamp": "yesterday"}, "timestamp"),
        ({"type": "ok", "timestamp": "2026-01-01T10:00:00"}, "timestamp"),
        ({"type": "ok", "timestamp": (now + timedelta(days=2)).isoformat()}, "timestamp"),
        ({"type": "ok", "timestamp": (now - timedelta(days=60)).isoformat()}, "timestamp"),
        ({"type": "ok", "event_id": ""}, "event_id"),
        ({"type": "tool_called", "properties": {"name": "get_job", "ok": True}}, "properties.duration"),
        ({"type": "tool_called", "properties": {"name": "get_job", "duration": "fast", "ok": True}},
         "properties.duration"),
        ({"type": "tool_called", "properties": {"name": "get_job", "duration": -1, "ok": True}},
         "properties.duration"),
        ({"type": "tool_called", "properties": {"name": "get_job", "duration": 1, "ok": "yes"}}, "properties.ok"),
        ({"type": "preference_changed", "properties": {"fields": "units"}}, "properties.fields"),
        ({"type": "cache_hit", "properties": {"layer": "l1", "count": 0}}, "properties.count"),
        ({"type": "cache_hit", "properties": {"layer": "l1", "count": 1.5}}, "properties.count"),
    ]
    for body, field in cases:
        response = await client.post(EVENT, headers=auth, json=body)
        assert response.status_code == 400, body
        assert response.json()["error"]["field"] == field, body
    not_json = await client.post(EVENT, headers=auth, content=b"{nope", )
    assert not_json.status_code == 400 and not_json.json()["error"]["field"] == "body"


async def test_values_postgres_cannot_store_are_refused_before_202_naming_the_field(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str],
) -> None:
    """A 202 is a promise: NUL, unpaired surrogates and unsafe integers are refused up front, not dropped later."""
    cases = [
        (rb'{"type": "note", "properties": {"text": "a\u0000b"}}', "properties.text"),
        (rb'{"type": "note", "properties": {"a\u0000b": 1}}', "properties"),  # a bad key: named by its object
        (rb'{"type": "note", "properties": {"text": "\udc00"}}', "properties.text"),
        (rb'{"type": "note", "properties": {"\ud800": true}}', "properties"),
        (rb'{"type": "note", "properties": {"list": [1, {"deep": "x\u0000"}]}}', "properties.list[1].deep"),
        (rb'{"type": "note", "properties": {"big": 9007199254740992}}', "properties.big"),
        (rb'{"type": "note", "properties": {"small": -9007199254740992}}', "properties.small"),
    ]
    for body, field in cases:
        response = await client.post(EVENT, headers={**auth, "content-type": "application/json"}, content=body)
        assert response.status_code == 400, body
        assert response.json()["error"]["field"] == field, body
    batch = {"events": [{"type": "note"}, {"type": "note", "properties": {"n": 2**60}}]}
    refused = await client.post(EVENTS, headers=auth, json=batch)
    # refused as JSON no store could hold, before the batch's own checks: the field names the event and the value
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "events[1].properties.n"
    assert await rows(app) == []
    fine = {"type": "note", "properties": {"text": "dégivrage ✓ 🔥", "big": 2**53 - 1, "nested": {"ok": [1.5]}}}
    assert (await client.post(EVENT, headers=auth, json=fine)).status_code == 202
    [row] = await rows(app)
    assert row["properties"] == fine["properties"]


# --- POST /clara-server/analytics/events ------------------------------------------------------------------------

async def test_batch_needs_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.post(EVENTS, json={"events": [{"type": "x"}]})).status_code == 401


async def test_batch_is_accepted_in_order(app: Starlette, client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    events = [tool("next_job", 0.2), tool("get_job", 0.1), {"type": "session_ended", "session_id": "s-1"}]
    response = await client.post(EVENTS, headers=auth, json={"events": events})
    assert response.status_code == 202
    ids = response.json()["ids"]
    assert len(ids) == 3 and len(set(ids)) == 3
    stored = {str(r["id"]): r["type"] for r in await rows(app)}
    assert [stored[i] for i in ids] == ["tool_called", "tool_called", "session_ended"]


async def test_batch_reports_each_invalid_event_by_index_and_records_none(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str],
) -> None:
    events = [tool("next_job", 0.2), {"type": "BAD"}, tool("get_job", 0.1), "not an object",
              {"type": "tool_called", "properties": {"name": "x", "duration": 1}}]
    response = await client.post(EVENTS, headers=auth, json={"events": events})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["field"] == "events[1].type"
    assert [(d["index"], d["field"]) for d in error["details"]] == [(1, "type"), (3, "body"), (4, "properties.ok")]
    assert await rows(app) == []


async def test_batch_limits(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    too_many = await client.post(EVENTS, headers=auth, json={"events": [{"type": "user_message"}] * 501})
    assert too_many.status_code == 413 and too_many.json()["error"]["field"] == "events"
    at_limit = await client.post(EVENTS, headers=auth, json={"events": [{"type": "user_message"}] * 500})
    assert at_limit.status_code == 202 and len(at_limit.json()["ids"]) == 500
    for body in ({"events": []}, {"events": "x"}, {}):
        response = await client.post(EVENTS, headers=auth, json=body)
        assert response.status_code == 400 and response.json()["error"]["field"] == "events"


# --- GET /clara-server/analytics/summary ------------------------------------------------------------------------

async def test_summary_needs_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get(SUMMARY)).status_code == 401


async def test_summary_numbers_are_exact(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    durations = [0.1, 0.2, 0.3, 0.4, 1.0]
    events = [tool("search_knowledge", d, ok=(i != 4)) for i, d in enumerate(durations)]
    events += [tool("next_job", 0.5), {"type": "user_message"}, {"type": "user_message"}]
    assert (await client.post(EVENTS, headers=auth, json={"events": events})).status_code == 202
    response = await client.get(SUMMARY, headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 8 and body["events"] == {"tool_called": 6, "user_message": 2}
    nxt, search = body["tools"]  # by name
    # percentile_cont interpolates: p50 of 0.1..0.4,1.0 is 0.3; p95 is 0.4 + 0.8 * (1.0 - 0.4) = 0.88.
    assert search == {"name": "search_knowledge", "calls": 5, "failures": 1, "success_rate": 0.8,
                      "p50_seconds": 0.3, "p95_seconds": 0.88}
    assert nxt == {"name": "next_job", "calls": 1, "failures": 0, "success_rate": 1.0,
                   "p50_seconds": 0.5, "p95_seconds": 0.5}


async def test_summary_window_and_validation(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    now = datetime.now(timezone.utc)
    old = {"type": "user_message", "timestamp": (now - timedelta(days=10)).isoformat()}
    recent = {"type": "user_message", "timestamp": (now - timedelta(hours=1)).isoformat()}
    await client.post(EVENTS, headers=auth, json={"events": [old, recent]})
    default = (await client.get(SUMMARY, headers=auth)).json()
    assert default["total"] == 1  # the last 7 days
    since = (now - timedelta(days=11)).date().isoformat()
    wide = (await client.get(SUMMARY, headers=auth, params={"since": since})).json()
    assert wide["total"] == 2
    # An unencoded '+' offset arrives as a space and is still understood.
    until = (now - timedelta(days=2)).replace(microsecond=0).isoformat()
    spaced = await client.get(f"{SUMMARY}?since={since}&until={until}")
    assert spaced.status_code == 401
    spaced = await client.get(f"{SUMMARY}?since={since}&until={until}", headers=auth)
    assert spaced.status_code == 200 and spaced.json()["total"] == 1
    for params, field in (({"since": "soon"}, "since"), ({"until": "2026-13-01"}, "until"),
                          ({"since": now.isoformat(), "until": (now - timedelta(days=1)).isoformat()}, "since"),
                          ({"user_id": "abc"}, "user_id")):
        response = await client.get(SUMMARY, headers=auth, params=params)
        assert response.status_code == 400 and response.json()["error"]["field"] == field


async def test_summary_scoping(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser,
    other_technician: CurrentUser, dispatcher: CurrentUser,
) -> None:
    other = bearer(app, other_technician)
    await client.post(EVENTS, headers=auth, json={"events": [{"type": "user_message"}] * 2})
    await client.post(EVENTS, headers=other, json={"events": [{"type": "user_message"}] * 3})
    own = (await client.get(SUMMARY, headers=auth)).json()
    assert own["total"] == 2 and own["user_id"] == technician.id
    forbidden = await client.get(SUMMARY, headers=auth, params={"user_id": other_technician.id})
    assert forbidden.status_code == 403
    staff = bearer(app, dispatcher)
    everyone = (await client.get(SUMMARY, headers=staff)).json()
    assert everyone["total"] == 5 and everyone["user_id"] is None
    one = (await client.get(SUMMARY, headers=staff, params={"user_id": other_technician.id})).json()
    assert one["total"] == 3 and one["user_id"] == other_technician.id


# --- GET /clara-server/patterns/suggestions ---------------------------------------------------------------------

async def test_a_session_id_outside_its_pattern_is_refused_by_the_pattern(client: httpx.AsyncClient,
                                                                          auth: dict[str, str]) -> None:
    response = await client.get(SUGGESTIONS, params={"session_id": "two words"}, headers=auth)
    error = response.json()["error"]
    assert response.status_code == 400 and error["field"] == "session_id"
    assert "NUL" not in error["message"] and "A-Za-z0-9" in error["message"]  # the pattern the schema documents


async def test_suggestions_need_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get(SUGGESTIONS)).status_code == 401


async def test_suggestions_appear_after_a_learned_sequence(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    routine = ["daily_brief", "next_job", "get_customer", "equipment_spec"]
    for day in range(6):
        await client.post(EVENTS, headers=auth, json={"events": [tool(a, 0.1, session=f"day-{day}") for a in routine]})
    await client.post(EVENTS, headers=auth, json={"events": [tool("daily_brief", 0.1, session="today"),
                                                             tool("next_job", 0.1, session="today")]})
    response = await client.get(SUGGESTIONS, headers=auth, params={"session_id": "today"})
    assert response.status_code == 200
    body = response.json()
    assert body["enabled"] is True and body["session_id"] == "today"
    assert body["last_actions"] == ["daily_brief", "next_job"]
    top = body["suggestions"][0]
    assert top["action"] == "get_customer" and top["basis"] == "personal"
    assert top["confidence"] >= body["min_confidence"]
    fresh = (await client.get(SUGGESTIONS, headers=auth)).json()
    assert fresh["session_id"] is None and fresh["suggestions"][0]["action"] == "daily_brief"


async def test_suggestions_scoping_and_errors(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], other_technician: CurrentUser,
    dispatcher: CurrentUser,
) -> None:
    other = bearer(app, other_technician)
    await client.post(EVENTS, headers=other, json={"events": [tool("next_job", 0.1, session="james-1")]})
    assert (await client.get(SUGGESTIONS, headers=auth, params={"session_id": "james-1"})).status_code == 403
    staff = await client.get(SUGGESTIONS, headers=bearer(app, dispatcher), params={"session_id": "james-1"})
    assert staff.status_code == 200 and staff.json()["user_id"] == other_technician.id
    missing = await client.get(SUGGESTIONS, headers=auth, params={"session_id": "never-seen"})
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "session_id"
    for params, field in (({"session_id": "bad id"}, "session_id"), ({"limit": "0"}, "limit"),
                          ({"limit": "many"}, "limit")):
        response = await client.get(SUGGESTIONS, headers=auth, params=params)
        assert response.status_code == 400 and response.json()["error"]["field"] == field


async def test_routes_are_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert set(paths[EVENT]) == {"post"} and set(paths[EVENTS]) == {"post"}
    assert {p["name"] for p in paths[SUMMARY]["get"]["parameters"]} == {"since", "until", "user_id"}
    assert {p["name"] for p in paths[SUGGESTIONS]["get"]["parameters"]} == {"session_id", "limit"}
    assert "/metrics" in paths
