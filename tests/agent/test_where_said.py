"""Where a technician says things are: where they stand now ("I'm at the Ferry Building now" makes it "here", as the
phone's position would), a person asked for by role ("the building engineer") is the site's contact and no place,
and a room said for a unit read back ("no, the one in the riser room") moves the write-up only to a unit there."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from starlette.applications import Starlette

from clara.agent import answers
from clara.agent.routing import Route
from clara.agent.tools import TOOLS
from clara.agent.two_asks import routes
from clara.jobs import service as jobs
from clara.jobs.travel import TravelTime
from clara.ops.demo_data import CUSTOMERS
from clara.users.service import Preferences
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

NAMES = {t.info.name for t in TOOLS}
PLACES = sorted({c.name for c in CUSTOMERS} | {s.name for c in CUSTOMERS for s in c.sites})


@pytest.mark.parametrize("said", [
    "what's the phone number for the building engineer",
    "who do i talk to about the invoice",
])
def test_a_person_asked_for_is_no_place(said: str) -> None:
    """"the building engineer" is the site's person: read as a place, "building" found the Ferry Building."""
    (route,) = routes(said, NAMES, PLACES)
    assert route == Route("customer_at_location", {}), route


async def test_saying_where_you_are_makes_it_here(app: Starlette, technician: CurrentUser, on_demo_day: None) -> None:
    """"I'm at the Ferry Building now" moves "here" there, as the phone's position would: Maria's first job is at
    WeWork, and "what equipment is here" listed WeWork's units after she said it."""
    session = await chat(app, technician)
    await say(session, "im at the ferry building now")
    reply, events = await say(session, "what's overdue here")
    assert called(events) == ["inspections_due"] and "Ferry Building" in reply and "WeWork" not in reply, reply
    assert session.agent.ctx.position is not None


async def test_where_they_say_they_are_beats_a_job_left_in_progress(
        app: Starlette, technician: CurrentUser, on_demo_day: None, demo_jobs: dict[str, int]) -> None:
    """The Ferry Building job still marked in progress, "I'm at ABC" then a write-up: it was read back and saved
    at the Ferry Building, against nothing there, because the job under way outranked where she stood."""
    await jobs.update_job(app.state.stores, actor=technician, job_id=demo_jobs["Ferry Building"],
                          status="in_progress")
    session = await chat(app, technician)
    await say(session, "im at abc manufacturing")
    reply, events = await say(session, "log a deficiency, the alarm check valve clapper is leaking by, needs repair")
    assert called(events) == ["log_deficiency"]
    draft = session.agent.ctx.draft
    assert draft is not None and draft.site.startswith("ABC Manufacturing") and draft.unit is not None, reply
    assert draft.job_id == demo_jobs["ABC Manufacturing Plant 1"] and "Ferry" not in reply, reply


async def test_the_site_named_in_a_write_up_is_no_place_at_the_site(app: Starlette, technician: CurrentUser,
                                                                    on_demo_day: None) -> None:
    """"the rooftop unit at the ferry building has ..." said while on the WeWork job was drafted at WeWork, against
    WeWork's rooftop unit, with a room called "ferry building"; it is the Ferry Building job's, at no room."""
    session = await chat(app, technician)
    reply, _ = await say(session, "log it, the rooftop unit at the ferry building has a seized condenser fan motor")
    draft = session.agent.ctx.draft
    assert draft is not None and draft.site == "Ferry Building" and draft.location is None, draft
    assert draft.unit is not None and draft.unit.location == "Roof" and "location ferry" not in reply, reply


async def test_a_place_named_without_being_there_leaves_here_alone(app: Starlette, technician: CurrentUser,
                                                                  on_demo_day: None) -> None:
    session = await chat(app, technician)
    await say(session, "ferry building")
    assert session.agent.ctx.position is None


async def test_a_room_with_no_such_unit_leaves_the_write_up_where_it_was(app: Starlette, technician: CurrentUser,
                                                                         on_demo_day: None) -> None:
    """"no, the one in the riser room" where the site's only backflow stands in the street vault: written beside
    the unit read back, the riser room filed the record against a unit in another room."""
    session = await chat(app, technician)
    await say(session, "im at the ferry building")
    await say(session, "log a deficiency, the backflow in the street vault is leaking from the relief valve, medium")
    reply, events = await say(session, "no the one in the riser room")
    assert called(events) == ["edit_draft"]
    assert "no other backflow preventer in the riser room at Ferry Building" in reply, reply
    draft = session.agent.ctx.draft
    assert draft is not None and draft.unit is not None and draft.unit.location == "Street vault"
    assert draft.location in (None, "street vault", "Street vault"), draft


@pytest.mark.parametrize(("said", "destination", "origin"), [
    ("how far is that from the first one", None, "first one"),
    ("how far is the last one from the first one", "the last one", "first one"),
])
def test_a_job_by_its_place_in_the_day_is_a_trips_end(said: str, destination: str | None, origin: str) -> None:
    """"how far is that from the first one" read "the first one" as the job asked about and gave its card."""
    (route,) = routes(said, NAMES, PLACES)
    assert route == Route("travel_time", {k: v for k, v in (("destination", destination), ("origin", origin)) if v})


def test_a_trip_to_a_job_still_ahead_says_when_to_leave() -> None:
    ten = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    said = answers.travel(TravelTime(duration=19 * 60, distance=12.0, source="estimate"), "ABC Manufacturing Plant 1",
                          Preferences(), starts=ten)
    assert said.endswith("To make its 10:00 AM start, leave by 9:41 AM."), said
    assert "leave by" not in answers.travel(TravelTime(duration=60, distance=1.0, source="estimate"), "WeWork",
                                            Preferences())


@pytest.mark.parametrize(("said", "model", "site"), [
    ("what's the fire pump at the ferry building", "the fire pump", "Ferry Building"),
    ("whats the pump that feeds the sprinklers at the ferry building", "the pump", "Ferry Building"),
])
def test_a_kind_of_unit_asked_for_at_a_place_is_that_sites_unit(said: str, model: str, site: str) -> None:
    """"what's the fire pump at the ferry building" gave the Ferry Building's customer card."""
    (route,) = routes(said, NAMES, PLACES)
    assert route.tool == "equipment_spec" and route.arguments["model"] == model and route.arguments["site"] == site


async def test_where_are_they_after_the_units_were_counted(app: Starlette, technician: CurrentUser,
                                                          on_demo_day: None) -> None:
    """The units just counted, asked where they are: not a search of the documents for "where are they"."""
    session = await chat(app, technician)
    await say(session, "how many extinguishers are at wework")
    reply, events = await say(session, "where are they")
    assert called(events) == ["equipment_spec"]
    assert "Corridor" in reply and "Kitchen" in reply, reply


@pytest.mark.parametrize(("said", "expected"), [
    ("what time am i there", [Route("job_details", {"job": "there"})]),
    ("who's my contact at the ferry building and what time am i there",
     [Route("customer_at_location", {"location": "Ferry Building"}), Route("job_details", {"job": "Ferry Building"})]),
])
def test_when_am_i_there_is_the_job_at_the_place_discussed(said: str, expected: list[Route]) -> None:
    """"what time am i there" read nothing (only "am i at X" did), so its half of two asks was dropped; "when is the
    annual test due there" stays a question for the records and documents."""
    assert routes(said, NAMES, PLACES) == expected
    assert all(r.tool != "job_details" for r in routes("when is the annual test due there", NAMES, PLACES))


async def test_a_site_named_by_a_word_no_room_has_files_the_write_up_there(app: Starlette, technician: CurrentUser,
                                                                           on_demo_day: None) -> None:
    """Standing at the Ferry Building, "the kitchen extinguisher at wework is missing its pin" was read back (and
    saved on a yes) against the Ferry Building's kitchen extinguisher, "at wework" kept in its words: "wework" is
    no room noun, so nothing read it as a place. It is WeWork's kitchen extinguisher, and the words say no site."""
    session = await chat(app, technician, position=(37.7955, -122.3937))  # the Ferry Building
    reply, _ = await say(session, "the kitchen extinguisher at wework is missing its pin, minor")
    draft = session.agent.ctx.draft
    assert draft is not None and draft.site == "WeWork 123 Main St", (draft, reply)
    assert draft.unit is not None and draft.unit.location == "Kitchen" and draft.severity == "suggested", draft
    assert "wework" not in draft.description.lower(), draft.description
