"""A technician's whole day over one WebSocket, keyless (the offline LLM): every turn checked as a user would.

The demo technician's day (WeWork, then the Ferry Building, then ABC Manufacturing) asked about in their own
words: the schedule, "my next site", "there", "the job after X", "here" once the app sends a position, specs with
follow-ups by pronoun and model numbers as speech recognition writes them, standards in lay words, deficiencies
read back, corrected and saved on a yes, a job status change, and a switch to metric over REST mid-conversation.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection

from clara.agent import knowledge_said
from clara.web.caller import CurrentUser
from clara.jobs import service as jobs
from clara.stores import Stores
from tests.chat.conftest import Server, ask, collect
from tests.conftest import bearer

WEWORK = (37.79155, -122.39418)


def calls(events: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(e["name"], e["arguments"]) for e in events if e["type"] == "tool_call"]


def one(events: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [e for e in events if e["type"] == kind]
    assert len(found) == 1, (kind, events)
    return found[0]


class Day:
    """The socket, with the checks every turn shares: it ends in `done`, and the tools it called."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.turns = 0

    async def say(self, text: str, *expected: tuple[str, dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
        events = await ask(self.ws, text)
        self.turns += 1
        assert events[-1]["type"] == "done", (text, events[-1])
        assert calls(events) == list(expected), (text, calls(events))
        return events[-1]["text"], events


async def deficiency(stores: Stores, deficiency_id: int) -> dict[str, Any]:
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT d.severity, d.description, d.location, d.status, e.model FROM deficiencies d"
            " LEFT JOIN equipment e ON e.id = d.equipment_id WHERE d.id = %s", (deficiency_id,))
        row = await cur.fetchone()
    assert row is not None
    return dict(row)


async def test_a_technicians_day(server: Server, technician: CurrentUser, demo_day: date,
                                 demo_jobs: dict[str, int]) -> None:
    stores: Stores = server.app.state.stores
    if jobs.today(stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")
    wework, ferry, abc = (demo_jobs[s] for s in ("WeWork 123 Main St", "Ferry Building", "ABC Manufacturing Plant 1"))
    async with server.connect(technician) as ws, httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{server.port}", headers=bearer(server.app, technician)
    ) as http:
        day = Day(ws)
        text, _ = await day.say("Good morning")
        assert text.startswith("Hi, Clara here")

        # -- the schedule, and references to it ------------------------------------------------------------------
        text, _ = await day.say("What jobs do I have today?", ("my_jobs_today", {}))
        assert text.startswith("You have 3 jobs on")
        assert text.index("WeWork 123 Main St") < text.index("Ferry Building") < text.index("ABC Manufacturing")
        text, _ = await day.say("What's my next job?", ("next_job", {}))
        assert text.startswith("Your next job is a high-priority inspection at WeWork 123 Main St")
        text, _ = await day.say("Who's the customer at my next site?",
                                ("customer_at_location", {"location": "my next site"}))
        assert text.startswith("WeWork 123 Main St belongs to WeWork, a commercial customer.")
        text, _ = await day.say("Anything special I need to know before I show up there?",
                                ("site_requirements", {"site": "there"}))
        assert text.startswith("At WeWork 123 Main St (WeWork): Check in with building security")
        assert "Certificates of insurance must be on file" in text
        text, _ = await day.say("What's my job after Ferry Building?", ("next_job", {"after": "Ferry Building"}))
        assert text.startswith("After Ferry Building, your next job is a testing visit at ABC Manufacturing Plant 1")
        text, _ = await day.say("What's my job after Chase Center?", ("next_job", {"after": "Chase Center"}))
        assert text == "Sorry, I couldn't do that: you have no job at Chase Center Arena today."
        text, _ = await day.say("What's my last job today?", ("job_details", {"job": "my last job today"}))
        assert text.startswith(f"Job {abc} is a testing visit at ABC Manufacturing Plant 1")
        assert "The work: Weekly fire pump churn test" in text  # what the job is, not just its kind
        assert "Weekend service only" in text

        # -- on site: the app sends where the technician stands ----------------------------------------------------
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1],
                                  "accuracy_m": 8}))
        text, _ = await day.say("What's due for inspection at this site?", ("inspections_due", {"site": "here"}))
        assert text.startswith("At WeWork 123 Main St, ") and "Amerex B260" in text
        text, _ = await day.say("Who's the customer here?", ("customer_at_location", {"location": "here"}))
        assert text.startswith("WeWork 123 Main St belongs to WeWork")
        text, events = await day.say("I'm on site", ("update_job_status", {"status": "in_progress"}))
        draft = one(events, "draft")
        assert draft["kind"] == "job_status" and draft["fields"]["job_id"] == wework
        assert text == f"I'll mark job {wework} at WeWork 123 Main St in progress (it is scheduled now). Save it?"
        text, events = await day.say("yes", ("confirm_draft", {"accept": True}))
        assert one(events, "saved") == {"type": "saved", "kind": "job_status", "id": wework}
        assert text == f"Saved: job {wework} at WeWork 123 Main St is in progress."
        text, _ = await day.say("What's my next job?", ("next_job", {}))
        assert text.startswith("Your next job is a maintenance visit at Ferry Building")
        text, _ = await day.say("How far is it from here?", ("travel_time", {"origin": "here"}))
        assert text.startswith("Ferry Building is about ") and "miles by road" in text

        # -- specs: the asked figure first, follow-ups by pronoun, model numbers as heard --------------------------
        text, _ = await day.say("What's the max fuse size on the 48TCDA12?", ("equipment_spec", {
            "model": "48TCDA12", "question": "What's the max fuse size on the 48TCDA12"}))
        assert text.startswith("The 48TCDA12's maximum fuse or breaker size (MOCP) is 60 A,")
        text, _ = await day.say("And its MCA?", ("equipment_spec", {"question": "And its MCA"}))
        assert text.startswith("The 48TCDA12's minimum circuit ampacity (MCA) is 49.6 A,")
        text, _ = await day.say("How much does it weigh?", ("equipment_spec", {"question": "How much does it weigh"}))
        assert text.startswith("The 48TCDA12's weight is 970 lb,")
        text, _ = await day.say("What's the amp draw on the Carrier 50TCQA6?", ("equipment_spec", {
            "model": "50TCQA6", "question": "What's the amp draw on the Carrier 50TCQA6"}))
        assert text.startswith("Carrier 50TCQA06 electrical data") and "MCA 26.7 A" in text
        text, _ = await day.say("What refrigerant does the five zero T C Q A zero six take?", ("equipment_spec", {
            "model": "50TCQA06", "question": "What refrigerant does the five zero TCQA zero six take"}))  # letters joined
        assert text.startswith("The 50TCQA06's refrigerant is R-410A,")
        text, _ = await day.say("Specs for the 50 TCQ A06", ("equipment_spec", {
            "model": "50TCQA06", "question": "Specs for the 50 TCQ A06"}))
        assert text.startswith("The Carrier 50TCQA06 is a packaged rooftop heat pump") and "MCA 26.7 A" in text
        text, _ = await day.say("What's the MCA on the NFS2?", ("equipment_spec", {
            "model": "NFS2", "question": "What's the MCA on the NFS2"}))
        assert text == "Which one do you mean: the NFS2-3030 or the NFS2-640?"
        text, _ = await day.say("What's the MCA on the rooftop unit here?", ("equipment_spec", {
            "model": "the rooftop unit", "question": "What's the MCA on the rooftop unit here", "site": "here"}))
        assert text.startswith("The 50TCQA06's minimum circuit ampacity (MCA) is 26.7 A,")

        # -- standards in lay words ----------------------------------------------------------------------------------
        text, _ = await day.say("How often do extinguishers need checking?", ("knowledge_search", {
            "query": "How often do extinguishers need checking"}))
        # said as the answer, or as the closest found when the calibrated confidence sits near UNSURE_BELOW (this
        # one scores about 0.47-0.51 depending on which documents the test's corpus holds): the fact either way
        assert text.startswith(("Per NFPA 10, section ", f"{knowledge_said.UNSURE} is NFPA 10, section ")), text
        assert "monthly" in text, text
        text, _ = await day.say("How often do I have to run the fire pump?", ("knowledge_search", {
            "query": "How often do I have to run the fire pump"}))
        assert text.startswith(("Per NFPA 25, section ", f"{knowledge_said.UNSURE} is NFPA 25, section ")), text

        # -- a deficiency read back, corrected, saved --------------------------------------------------------------
        text, events = await day.say(
            "Log a deficiency: the Amerex B260 extinguisher in the kitchen has its gauge in the red, needs recharge, "
            "severity high",
            ("log_deficiency", {"description": "Amerex B260 extinguisher has its gauge in the red, needs recharge",
                                "severity": "high", "location": "kitchen", "equipment": "Amerex B260 extinguisher"}))
        fields = one(events, "draft")["fields"]
        assert (fields["equipment"]["model"], fields["equipment"]["location"], fields["severity"]) == \
            ("B260", "Kitchen", "inoperable")
        assert text == ("Here's the deficiency for WeWork 123 Main St: the Amerex B260 fire extinguisher in the "
                        "Kitchen, severity inoperable: Amerex B260 extinguisher has its gauge in the red, needs "
                        "recharge. Save it?")
        text, events = await day.say("no, severity medium", ("edit_draft", {"severity": "medium"}))
        assert one(events, "draft")["fields"]["severity"] == "deficient" and "severity deficient" in text
        text, events = await day.say("yes", ("confirm_draft", {"accept": True}))
        first = one(events, "saved")["id"]
        assert text == (f"Saved deficiency {first} at WeWork 123 Main St on the Amerex B260 fire extinguisher in the "
                        "Kitchen, severity deficient.")
        assert await deficiency(stores, first) == {
            "severity": "deficient", "model": "B260", "location": "Kitchen", "status": "new",
            "description": "Amerex B260 extinguisher has its gauge in the red, needs recharge"}

        text, events = await day.say("Log a deficiency: the extinguisher is missing its inspection tag", (
            "log_deficiency", {"description": "extinguisher is missing its inspection tag", "equipment": "extinguisher"}))
        assert text == ("Which one at WeWork 123 Main St: the Amerex B500 fire extinguisher in the Corridor or the "
                        "Amerex B260 fire extinguisher in the Kitchen?")
        assert one(events, "draft")["fields"]["equipment"] is None
        text, events = await day.say("the one in the corridor", ("edit_draft", {"location": "corridor"}))
        assert one(events, "draft")["fields"]["equipment"]["model"] == "B500"
        text, events = await day.say("it's minor", ("edit_draft", {"severity": "minor"}))
        assert one(events, "draft")["fields"]["severity"] == "suggested"
        text, events = await day.say("save it", ("confirm_draft", {"accept": True}))
        second = one(events, "saved")["id"]
        assert (await deficiency(stores, second))["model"] == "B500"
        assert (await deficiency(stores, second))["severity"] == "suggested"
        text, _ = await day.say("yes")  # nothing waits for a yes: just a turn
        assert text == "Okay."

        # -- metric, changed over REST while the socket is open ----------------------------------------------------
        changed = await http.put(f"/clara-server/users/{technician.id}/preferences", json={"units": "metric"})
        assert changed.status_code == 200 and changed.json()["units"] == "metric"
        text, _ = await day.say("What's the refrigerant charge of the 48TCDA12?", ("equipment_spec", {
            "model": "48TCDA12", "question": "What's the refrigerant charge of the 48TCDA12"}))
        assert text.startswith("The 48TCDA12's refrigerant charge is 9.1 kg,")
        text, _ = await day.say("How far is my next job from here?", ("travel_time", {
            "destination": "my next job", "origin": "here"}))
        assert text.startswith("Ferry Building is about ") and " km by road" in text
        text, _ = await day.say("What are my preferences?", ("get_preferences", {}))
        assert "metric units" in text

        # -- fixed, finished, moving on ------------------------------------------------------------------------------
        text, _ = await day.say("Mark it fixed", ("mark_deficiency_fixed", {}))
        assert text.startswith(f"Deficiency {second}, ") and (await deficiency(stores, second))["status"] == "fixed"
        text, events = await day.say("I'm done here", ("update_job_status", {"status": "completed"}))
        draft = one(events, "draft")
        await ws.send(json.dumps({"type": "confirm", "draft_id": draft["draft_id"], "accept": True}))
        confirmed = await collect(ws)
        assert one(confirmed, "saved") == {"type": "saved", "kind": "job_status", "id": wework}
        assert confirmed[-1]["text"] == f"Saved: job {wework} at WeWork 123 Main St is completed."
        day.turns += 1
        text, events = await day.say("I'm on my way to the Ferry Building", ("update_job_status", {
            "status": "en_route", "job": "Ferry Building"}))
        assert one(events, "draft")["fields"]["job_id"] == ferry
        text, _ = await day.say("cancel", ("edit_draft", {"cancel": True}))
        assert text == "Okay, I dropped the status change."
        text, _ = await day.say("What's my next job?", ("next_job", {}))
        assert text.startswith("Your next job is a maintenance visit at Ferry Building")
        text, _ = await day.say("Thanks", )
        assert text == "You're welcome."
    assert day.turns >= 40
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT status FROM jobs WHERE id = ANY(%s) ORDER BY scheduled_start",
                                 ([wework, ferry, abc],))
        assert [row["status"] for row in await cur.fetchall()] == ["completed", "scheduled", "scheduled"]
