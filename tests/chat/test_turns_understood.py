"""Turns a keyless conversation used to get wrong (issue 14, conversations heldout6 and heldout7), over the real
WebSocket, each test one general mechanism as a technician would notice it:

- a status said with the technician as its object ("put me en route to the Ferry Building") or "we're" written
  "were" by speech recognition is read back, and saved only on a yes;
- a write-up said without a verb ("backflow at the riser room, relief valve dumping, deficient") is read back; a
  question asked while it waits is answered and changes nothing in it;
- a place named by a word of its own name ("the ferry") is that site, not one whose address merely contains it;
  "at my next one" and tomorrow's "first one" are those jobs;
- "what about at the Ferry Building" after a place question asks that question of the new place;
- a site's units of a kind asked in the plural are all named; a job asked by its start time is that job, with its
  address;
- what a pump draws at a voltage is its current at that voltage, not the voltage.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from clara.web.caller import CurrentUser
from clara.jobs import service as jobs
from tests.chat.conftest import Server, ask

WEWORK = (37.79155, -122.39418)


def calls(events: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in events if e["type"] == "tool_call"]


def kinds(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == kind]


async def say(ws: ClientConnection, text: str) -> tuple[str, list[dict[str, Any]]]:
    events = await ask(ws, text)
    assert events[-1]["type"] == "done", (text, events[-1])
    return events[-1]["text"], events


@pytest.fixture
def on_the_demo_day(server: Server, demo_day: date) -> None:
    if jobs.today(server.app.state.stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")


async def test_put_me_en_route_is_read_back_then_saved_on_yes(
        server: Server, technician: CurrentUser, demo_jobs: dict[str, int], on_the_demo_day: None) -> None:
    ferry = demo_jobs["Ferry Building"]
    async with server.connect(technician) as ws:
        text, events = await say(ws, "Put me en route to the Ferry Building.")
        (draft,) = kinds(events, "draft")
        assert draft["kind"] == "job_status" and draft["fields"]["job_id"] == ferry, draft
        assert not kinds(events, "saved") and text.endswith("Save it?")
        _, events = await say(ws, "yes")
        assert kinds(events, "saved") == [{"type": "saved", "kind": "job_status", "id": ferry}]


async def test_were_all_wrapped_up_is_a_report_not_a_question(
        server: Server, technician: CurrentUser, demo_jobs: dict[str, int], on_the_demo_day: None) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        text, events = await say(ws, "were all wrapped up here mark this one complete")
        (draft,) = kinds(events, "draft")
        assert draft["fields"]["job_id"] == demo_jobs["WeWork 123 Main St"] and "completed" in text, text


async def test_a_write_up_without_a_verb_is_read_back_and_a_question_leaves_it_alone(
        server: Server, technician: CurrentUser, on_the_demo_day: None) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        text, events = await say(ws, "backflow in the riser room, relief valve dumping, deficient")
        (draft,) = kinds(events, "draft")
        assert draft["kind"] == "deficiency" and "957" in text and "relief valve dumping" in text.lower(), text
        assert not kinds(events, "saved")
        text, events = await say(ws, "hang on whats the rated pressure on that backflow")
        assert calls(events) == ["equipment_spec"] and not kinds(events, "draft"), (text, events)
        text, events = await say(ws, "no forget it")
        assert not kinds(events, "saved"), text


async def test_the_ferry_is_the_site_named_ferry_not_an_address_on_ferry_point(
        server: Server, technician: CurrentUser, on_the_demo_day: None) -> None:
    async with server.connect(technician) as ws:
        text, _ = await say(ws, "whos my contact at the ferry")
        assert "Casey Kim" in text and "which one" not in text, text
        text, _ = await say(ws, "any rules there i should know about")
        assert "penetrations" in text, text


async def test_my_next_one_and_tomorrows_first_one(server: Server, technician: CurrentUser,
                                                   on_the_demo_day: None) -> None:
    async with server.connect(technician) as ws:
        text, _ = await say(ws, "Who do I talk to at my next one?")
        assert "Sam Rivera" in text, text  # nothing started yet: WeWork is next
        await say(ws, "What do I have tomorrow?")
        text, _ = await say(ws, "Who's the contact at the first one?")
        assert "Jordan Brown" in text, text


async def test_what_about_another_place_asks_the_last_question_there(
        server: Server, technician: CurrentUser, on_the_demo_day: None) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        _, events = await say(ws, "whats overdue here")
        assert calls(events) == ["inspections_due"]
        text, events = await say(ws, "what about at the ferry building")
        assert calls(events) == ["inspections_due"] and "AEF1000" in text, text


async def test_a_sites_units_of_a_kind_are_all_named(server: Server, technician: CurrentUser,
                                                     on_the_demo_day: None) -> None:
    async with server.connect(technician) as ws:
        text, _ = await say(ws, "what backflows are at wework")
        assert "957" in text and "3000SS" in text and "which one" not in text.lower(), text


async def test_a_job_asked_by_its_start_time_says_where_it_is(server: Server, technician: CurrentUser,
                                                              on_the_demo_day: None) -> None:
    async with server.connect(technician) as ws:
        text, events = await say(ws, "Where's my 10 o'clock?")
        assert calls(events) == ["job_details"] and "1 Ferry Building" in text, text


async def test_what_a_pump_draws_at_a_voltage_is_its_current_there(server: Server, technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await say(ws, "Specs on the Grundfos CR3-19 please")
        text, _ = await say(ws, "What does it draw at 460 volts?")
        assert "3.4 A" in text and "208" not in text, text  # the current asked, not the supply voltage
