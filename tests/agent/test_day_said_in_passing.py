"""The day and the last answer, said in passing, keyless, in words of our own:

- on the way "to the next one" after a job is closed is the next job en route, not the closed one;
- "how long have they got me at ..." is the job's booked length, not a drive;
- whether a hold-up makes them late for a site asks that job's time, and a clock time after "till" is no model;
- "say that again" with the reason after it repeats the last reply; "what was the area code" gives the area code of
  the number just said.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.agent.again_said import said_again
from clara.agent.heard import heard
from clara.agent.routing import route
from clara.agent.tools import TOOLS
from clara.knowledge.spoken_models import model_mentions
from clara.web.caller import CurrentUser
from tests.agent.conftest import chat, say

TOOLS_NOW = {t.info.name for t in TOOLS}
PLACES = ["WeWork", "WeWork 123 Main St", "Ferry Building", "ABC Manufacturing", "ABC Manufacturing Plant 1"]
WEWORK = (37.79155, -122.39418)
CARD = "Primary contact: Sam Ortiz, Plant Manager, (510) 555-0142. Remember: badge in at gate 3."


@pytest.mark.parametrize("text", ["ok rolling to the next one", "on my way to my next one now"])
def test_on_the_way_to_the_next_one_is_the_next_job(text: str) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is not None and chosen.tool == "update_job_status", chosen
    assert chosen.arguments == {"status": "en_route", "job": "my next job"}, chosen


@pytest.mark.parametrize("text", ["how long have they got me at the plant", "how long do they have me at wework"])
def test_how_long_they_have_me_somewhere_is_the_booked_length(text: str) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is not None and chosen.tool == "job_details", chosen


def test_whether_a_hold_up_makes_them_late_asks_the_jobs_time() -> None:
    text = heard("if this runs till ten fifteen will i be late for the plant")
    assert model_mentions(text) == [], text
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is not None and chosen.tool == "job_details", chosen


@pytest.mark.parametrize("text", ["say that again, it's loud in here", "come again i was on the radio"])
def test_say_that_again_with_the_reason_after_it(text: str) -> None:
    assert said_again(text, CARD) == CARD


def test_the_area_code_of_the_number_just_said() -> None:
    assert said_again("what was the area code", CARD) == "The area code is 510."
    assert said_again("what was the area code", "The MCA is 26.7 A.") is None


async def test_heading_to_the_next_one_after_closing_a_job(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician, WEWORK)
    for text in ("kicking off here", "yes", "wrapped up here", "yes"):
        await say(session, text)
    reply, events = await say(session, "ok off to the next one")
    draft = next(e for e in events if e["type"] == "draft")
    assert draft["fields"]["status"] == "en_route" and draft["fields"]["site"] != "WeWork 123 Main St", reply
