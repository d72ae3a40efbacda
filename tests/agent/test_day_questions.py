"""The day asked about in the technician's words, keyless: how long a named job runs and when it starts, the drive
from one job to the next, a past day's last job, last week, and when the company last saw a customer."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.chat.turns import ChatSession
from clara.stores import Stores
from tests.agent.conftest import chat

FERRY_BUILDING = (37.79550, -122.39370)


async def say(session: ChatSession, text: str) -> tuple[str, list[dict[str, Any]]]:
    events = [event async for event in session.turn(text)]
    assert events[-1]["type"] == "done", (text, events[-1])
    return events[-1]["text"], [e for e in events if e["type"] == "tool_call"]


async def add_job(stores: Stores, *, technician_id: int, site: str, start: datetime, status: str = "completed",
                  job_type: str = "repair") -> int:
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "INSERT INTO jobs (site_id, technician_id, type, status, priority, scheduled_start, duration_minutes,"
            " systems, notes) SELECT id, %s, %s, %s, 'normal', %s, 60, '{}', 'planted' FROM sites WHERE name = %s"
            " RETURNING id", (technician_id, job_type, status, start, site))
        row = await cur.fetchone()
    assert row is not None
    return int(row["id"])


@pytest.mark.parametrize(("said", "wanted"), [
    ("how long am I at the Ferry Building", ["10:00 AM until 11:30 AM", "an hour and a half"]),
    ("how much time have they set aside for me at WeWork", ["7:30 AM until 9:30 AM", "2 hours"]),
    ("when do I start at WeWork", ["7:30 AM"]),
    ("how long is the ABC Manufacturing job", ["1:30 PM until 3:00 PM"]),
])
async def test_a_named_jobs_start_and_length(app: Starlette, technician: CurrentUser, on_demo_day: None,
                                             said: str, wanted: list[str]) -> None:
    reply, calls = await say(await chat(app, technician), said)
    assert [c["name"] for c in calls] == ["job_details"], reply
    assert all(w in reply for w in wanted), reply


async def test_the_street_address_of_the_place_discussed(app: Starlette, technician: CurrentUser,
                                                         on_demo_day: None) -> None:
    session = await chat(app, technician)
    await say(session, "what's going on at the plant today")
    reply, calls = await say(session, "and the street address?")
    assert [c["name"] for c in calls] == ["customer_at_location"], reply
    assert "456 Industrial" in reply, reply


async def test_the_place_after_the_one_discussed_and_then_there(app: Starlette, technician: CurrentUser,
                                                                on_demo_day: None) -> None:
    session = await chat(app, technician)
    await say(session, "who runs the ferry building")
    reply, calls = await say(session, "what are the rules at the building after that one")
    assert [c["name"] for c in calls] == ["site_requirements"], reply
    assert "Weekend service only" in reply, reply  # ABC's, the job after the Ferry Building's
    reply, _ = await say(session, "and who do I talk to over there")
    assert "Chris Kim" in reply, reply


async def test_the_drive_from_there_to_the_next_job(app: Starlette, technician: CurrentUser,
                                                    on_demo_day: None) -> None:
    session = await chat(app, technician)
    await say(session, "who's the contact at the Ferry Building")
    reply, calls = await say(session, "how long is the drive from there to the next job")
    assert [c["name"] for c in calls] == ["travel_time"], reply
    assert reply.startswith("ABC Manufacturing Plant 1 is about"), reply


async def test_yesterdays_last_job_and_last_week(app: Starlette, technician: CurrentUser, demo_day: date,
                                                 on_demo_day: None) -> None:
    stores: Stores = app.state.stores
    tz = stores.settings.company_tz
    yesterday = demo_day - timedelta(days=1)
    # the latest job yesterday is one planted after every seeded hour (the seed's last start is 15:00)
    await add_job(stores, technician_id=technician.id, site="Chase Center Arena",
                  start=datetime.combine(yesterday, time(17, 0), tz))
    session = await chat(app, technician)
    reply, calls = await say(session, "what was my last job yesterday")
    assert [c["name"] for c in calls] == ["job_history"], reply
    assert "Chase Center Arena" in reply and "5:00 PM" in reply, reply
    monday = demo_day - timedelta(days=demo_day.weekday() + 7)
    await add_job(stores, technician_id=technician.id, site="Levi's Stadium", start=datetime.combine(monday, time(6), tz))
    reply, _ = await say(session, "what did I do last week")
    assert f"from Monday, {monday:%B} {monday.day}" in reply and "Levi's Stadium" in reply, reply


async def test_when_we_last_saw_a_customer(app: Starlette, technician: CurrentUser, other_technician: CurrentUser,
                                           demo_day: date, on_demo_day: None) -> None:
    """Any technician's visit counts (the site's history is the company's), cancelled ones do not, today's job is
    not history; "them" and "here" are the customer discussed and the one stood at."""
    stores: Stores = app.state.stores
    tz = stores.settings.company_tz
    async with stores.db.connection() as conn:
        await conn.execute("DELETE FROM jobs WHERE site_id = (SELECT id FROM sites WHERE name = 'Ferry Building')"
                           " AND scheduled_start < %s", (datetime.combine(demo_day, time(), tz),))
    await add_job(stores, technician_id=other_technician.id, site="Ferry Building",
                  start=datetime.combine(demo_day - timedelta(days=9), time(9), tz))
    await add_job(stores, technician_id=technician.id, site="Ferry Building",
                  start=datetime.combine(demo_day - timedelta(days=3), time(9), tz), status="cancelled")
    nine_days = demo_day - timedelta(days=9)
    session = await chat(app, technician, FERRY_BUILDING)
    reply, calls = await say(session, "when were we last out here")
    assert [c["name"] for c in calls] == ["job_history"], reply
    assert f"{nine_days:%A, %B} {nine_days.day}" in reply and "by a colleague" in reply, reply
    session = await chat(app, technician)
    await say(session, "who's the customer at the Ferry Building")
    reply, _ = await say(session, "when did we last see them")
    assert f"{nine_days:%B} {nine_days.day}" in reply, reply
