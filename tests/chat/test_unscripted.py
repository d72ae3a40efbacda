"""Phrasings nobody scripted, keyless over the WebSocket: each test is one general mechanism of the offline reading
of a message (not one sentence), checked as a technician would notice it: the fact in the reply, and the database
holding exactly the record meant, or none.

- a question about documents that names a place or a unit is answered from the documents;
- "after this one", "after WeWork", "who am I seeing first": the day's order, wherever the words sit;
- who to call, what rules apply "at that place": the customer and site of the place meant;
- a kind of unit at a named site is looked up at that site, and asks which when it has several;
- first-person status reports ("just got here") and write requests in any clause ("..., log that as a
  deficiency, it's out of service") make a draft; corrections with fillers ("no actually medium") edit it; nothing
  is stored before a yes;
- a spec lookup that was a wrong guess is not said in front of the manual's answer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.applications import Starlette

from clara.agent import knowledge_said
from clara.agent.routing import Route, route
from clara.agent.tools import DRAFT_TOOLS, TOOLS
from clara.web.caller import CurrentUser
from clara.knowledge import service as knowledge
from clara.stores import Stores
from tests.chat.conftest import Server, ask

WEWORK = (37.79155, -122.39418)
ABC = (37.7361, -122.1974)
NAMES = {t.info.name for t in TOOLS}
PLACES = ["WeWork", "WeWork 123 Main St", "123 Main St", "Ferry Building", "Ferry Building Marketplace",
          "Chase Center", "Chase Center Arena", "ABC Manufacturing", "ABC Manufacturing Plant 1"]


def tools_called(events: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in events if e["type"] == "tool_call"]


def of_kind(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == kind]


async def new_deficiencies(stores: Stores, since: int) -> list[dict[str, Any]]:
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT d.severity, d.description, e.model FROM deficiencies d LEFT JOIN equipment e"
            " ON e.id = d.equipment_id WHERE d.id > %s ORDER BY d.id", (since,))
        return [dict(row) for row in await cur.fetchall()]


async def top_deficiency(stores: Stores) -> int:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT coalesce(max(id), 0) AS top FROM deficiencies")
        row = await cur.fetchone()
    assert row is not None
    return int(row["top"])


@pytest.mark.parametrize(("text", "expected"), [
    # a document question keeps its place as context
    ("what's the inspection frequency for the alarm valve at wework", Route("knowledge_search", {
        "query": "what's the inspection frequency for the alarm valve at wework"})),
    ("what does the manual say about the jockey pump at the chase center job", Route("knowledge_search", {
        "query": "what does the manual say about the jockey pump at the chase center job"})),
    # the day's order, anchored by a name or a pointer anywhere in the sentence
    ("uh where am i going after wework", Route("next_job", {"after": "WeWork"})),
    ("whats after this one", Route("next_job", {"after": "this"})),
    ("ok and who am i seeing first", Route("job_details", {"job": "my first job"})),
    ("so what have i got on today", Route("my_jobs_today", {})),
    # who to call, rules at a place meant
    ("who do i call there", Route("customer_at_location", {"location": "there"})),
    ("any rules at that place", Route("site_requirements", {"site": "there"})),
    # a kind of unit at a named site
    ("whats the breaker size on the rtu at chase center", Route("equipment_spec", {
        "model": "the rtu", "question": "what's the breaker size on the rtu at chase center", "site": "Chase Center"})),
    # reports and requests said any which way
    ("just got here", Route("update_job_status", {"status": "in_progress"})),
    ("we're on our way", Route("update_job_status", {"status": "en_route"})),
    ("the fusible links are past date, put that down as a deficiency", Route("log_deficiency", {
        "description": "fusible links are past date"})),
    ("The fire pump at this site is leaking, write it up", Route("log_deficiency", {
        "description": "fire pump at this site is leaking", "equipment": "fire pump at this site"})),
    ("the amerex in the kitchen is overcharged. record that. not urgent", Route("log_deficiency", {
        "description": "amerex is overcharged", "severity": "not urgent", "location": "kitchen",
        "equipment": "amerex"})),
    ("and the one after", Route("next_job", {"after": "that"})),
    ("any permits needed there", Route("site_requirements", {"site": "there"})),
    # "how long" and "how far" ask about a trip only when a place follows; otherwise about a duration or a distance
    ("how long will it take me to get to chase center", Route("travel_time", {"destination": "Chase Center"})),
    ("how far away is the ferry building", Route("travel_time", {"destination": "Ferry Building"})),
    ("how long to drive to my next job", Route("travel_time", {"destination": "my next job"})),
    # a place corrected mid-sentence: what follows the correction is meant
    ("how long to get to the ferry building, no wait, the wework", Route("travel_time", {"destination": "WeWork"})),
    # when the technician is expected: the job's time, at the place or job meant
    ("when am i supposed to be there", Route("job_details", {"job": "there"})),
    ("and when does that job start", Route("job_details", {"job": "that job"})),
    ("ok and uh what time do i need to be at the first one", Route("job_details", {"job": "my first job"})),
    # casual status reports, a contact's number, what a site asks of contractors, a preference said in passing
    ("rolling out to the first job now", Route("update_job_status", {"status": "en_route", "job": "the first job"})),
    ("ok done with the sprinkler inspection here, closing it out", Route("update_job_status", {
        "status": "completed"})),
    ("so yeah whats their number", Route("customer_at_location", {"location": "there"})),  # their: the one discussed
    ("what do they need from contractors there", Route("site_requirements", {"site": "there"})),
    ("anything i gotta do when i show up there", Route("site_requirements", {"site": "there"})),
    ("who do i ask for when i get there", Route("customer_at_location", {"location": "there"})),
    ("hey can you keep your answers short today, im up on a ladder", Route("set_preferences", {
        "verbosity": "brief"})),
    # what is already on record there, the job there, the contact and the rules asked in one breath
    ("anything already written up there", Route("job_details", {"job": "there"})),
    ("whats the job there", Route("job_details", {"job": "there"})),
    ("whats the number for the ferry building contact and are there any rules there i should know about", Route(
        "customer_at_location", {"location": "Ferry Building"})),
])
def test_messages_are_read_by_their_structure(text: str, expected: Route) -> None:
    assert route(text, NAMES, PLACES) == expected


@pytest.mark.parametrize("text", [
    "how long do we keep the inspection records for a fixed suppression system under the state rule",
    "how far can a worker in a protected room be from an exit door",
    "how long does the built in exerciser run the genset on the transfer switch",
    "how long do the crankcase heaters need to be on before first start on a screw chiller",
])
def test_how_long_or_how_far_about_something_else_is_no_trip(text: str) -> None:
    chosen = route(text, NAMES, PLACES)
    assert chosen is None or chosen.tool != "travel_time", chosen


async def test_a_model_the_manual_is_about_is_not_announced_missing_before_its_answer(
    server: Server, technician: CurrentUser
) -> None:
    manual = (b"# Quokka QX-940 jockey pump controller\n\n## 3.2 Pressure settings\n\nOn the QX-940, set the cut-in "
              b"pressure to 115 psi and the cut-out pressure to 135 psi.\n")
    await knowledge.upload_document(server.app.state.stores, actor=technician, data=manual, filename="qx940.md",
                                    content_type="text/markdown")
    async with server.connect(technician) as ws:
        covered = await ask(ws, "what's the cut-in pressure on the QX-940")
        assert covered[-1]["text"].startswith("Per Quokka QX-940") and "115 psi" in covered[-1]["text"]
        assert "no specification" not in covered[-1]["text"].lower()
        news = await ask(ws, "what's the cut-in pressure on the ZQ-7731")  # a model nothing on file mentions
        assert news[-1]["text"].lower().startswith("no specification for model zq-7731"), news[-1]["text"]


def test_answers_to_a_read_back_shed_their_fillers() -> None:
    tools = NAMES | {t.info.name for t in DRAFT_TOOLS}
    assert route("no actually medium", tools, PLACES, draft_kind="deficiency") == Route("edit_draft",
                                                                                       {"severity": "medium"})
    assert route("uh wait, make it low", tools, PLACES, draft_kind="deficiency") == Route("edit_draft",
                                                                                         {"severity": "low"})
    assert route("no wait not yet", tools, PLACES, draft_kind="job_status") == Route("confirm_draft",
                                                                                    {"accept": False})


async def test_a_document_question_naming_a_place_is_answered_from_the_documents(server: Server,
                                                                                 technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        events = await ask(ws, "whats the inspection frequency for the alarm valve at wework")
    assert tools_called(events) == ["knowledge_search"]
    assert "NFPA 25" in events[-1]["text"] and "belongs to" not in events[-1]["text"]


async def test_the_days_order_from_a_pointer_or_a_name(server: Server, technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        first = await ask(ws, "who am i seeing first")
        assert "WeWork 123 Main St" in first[-1]["text"]
        after = await ask(ws, "whats after this one")
        assert after[-1]["text"].startswith("After WeWork 123 Main St, your next job is") and \
            "Ferry Building" in after[-1]["text"]
        contact = await ask(ws, "who do i call there")  # "there": the job just discussed
        assert contact[-1]["text"].startswith("Ferry Building belongs to Ferry Building Marketplace")
        rules = await ask(ws, "any rules at that place")
        assert "no penetrations without approval" in rules[-1]["text"]


async def test_a_kind_of_unit_at_a_named_site_asks_among_that_sites_units(server: Server,
                                                                         technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        events = await ask(ws, "whats the breaker size on the rtu at chase center")
    text = events[-1]["text"]
    assert text.startswith("Which one do you mean:")
    assert all(model in text for model in ("50TCQA06", "48TCDA08", "48TCDA12"))


async def test_a_wrong_guess_at_a_unit_is_not_said_before_the_manuals_answer(server: Server,
                                                                             technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        events = await ask(ws, "what's the pressure setting for the dry pipe air")
    assert [(e["name"], e["ok"]) for e in of_kind(events, "tool_result")] == [("equipment_spec", False),
                                                                              ("knowledge_search", True)]
    assert events[-1]["text"].startswith(("Per ", knowledge_said.UNSURE)) and "there is no" not in events[-1]["text"].lower()


async def test_a_status_report_in_the_first_person_waits_for_a_yes(server: Server, technician: CurrentUser,
                                                                   demo_jobs: dict[str, int]) -> None:
    stores: Stores = server.app.state.stores
    wework = demo_jobs["WeWork 123 Main St"]
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        events = await ask(ws, "just got here")
        draft = of_kind(events, "draft")
        assert draft and draft[0]["fields"]["job_id"] == wework and draft[0]["fields"]["status"] == "in_progress"
        async with stores.db.connection() as conn:
            cur = await conn.execute("SELECT status FROM jobs WHERE id = %s", (wework,))
            assert (await cur.fetchone())["status"] == "scheduled"  # type: ignore[index]
        saved = await ask(ws, "yup")
    assert of_kind(saved, "saved") == [{"type": "saved", "kind": "job_status", "id": wework}]


async def test_a_write_asked_for_mid_sentence_is_read_back_corrected_and_saved_once(
        server: Server, technician: CurrentUser) -> None:
    stores: Stores = server.app.state.stores
    since = await top_deficiency(stores)
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": ABC[0], "longitude": ABC[1]}))
        events = await ask(ws, "so the fire pump uh the packing gland is leaking bad, log that as a deficiency, "
                               "it's out of service")
        fields = of_kind(events, "draft")[0]["fields"]
        assert fields["equipment"]["model"] == "AEF1000-125" and fields["severity"] == "inoperable"
        assert "log" not in fields["description"].lower() and "packing gland is leaking" in fields["description"]
        corrected = await ask(ws, "no actually medium")
        assert of_kind(corrected, "draft")[0]["fields"]["severity"] == "deficient"
        assert await new_deficiencies(stores, since) == []  # nothing before the yes
        await ask(ws, "yes")
    records = await new_deficiencies(stores, since)
    assert [(r["model"], r["severity"]) for r in records] == [("AEF1000-125", "deficient")]


async def test_a_cancelled_write_then_a_stray_yes_stores_nothing(server: Server, technician: CurrentUser,
                                                                 app: Starlette) -> None:
    stores: Stores = server.app.state.stores
    since = await top_deficiency(stores)
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        drafted = await ask(ws, "the backflow in the riser room is dripping from the relief valve, note that as a "
                                "deficiency")
        assert of_kind(drafted, "draft")[0]["fields"]["equipment"]["model"] == "957-4"
        dropped = await ask(ws, "never mind")
        assert "dropped" in dropped[-1]["text"]
        stray = await ask(ws, "yes")
        assert not of_kind(stray, "saved")
    assert await new_deficiencies(stores, since) == []


async def test_a_write_asked_for_in_its_own_sentence_names_the_unit_by_maker_and_place(
        server: Server, technician: CurrentUser) -> None:
    stores: Stores = server.app.state.stores
    since = await top_deficiency(stores)
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        events = await ask(ws, "the amerex in the kitchen is overcharged, gauge past green. record that. not urgent")
        fields = of_kind(events, "draft")[0]["fields"]
        assert (fields["equipment"]["model"], fields["severity"]) == ("B260", "suggested")
        await ask(ws, "yeah that's right")
    records = await new_deficiencies(stores, since)
    assert [(r["model"], r["severity"]) for r in records] == [("B260", "suggested")]
    assert "record that" not in records[0]["description"].lower()


async def test_a_question_saying_more_than_it_and_a_figure_goes_to_the_documents(
    server: Server, technician: CurrentUser
) -> None:
    async with server.connect(technician) as ws:
        refill = await ask(ws, "the clean agent tank lost some weight, at what point do we have to refill it")
        assert refill[-1]["text"].startswith("Per NFPA 2001"), refill[-1]["text"]
        pointed = await ask(ws, "what's its amp draw")  # no unit discussed: only the technician can say which
        assert pointed[-1]["text"].startswith("Which model number do you mean?")
