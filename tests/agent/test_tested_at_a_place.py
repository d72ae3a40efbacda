"""What a technician is there to test, asked of a place in any of the day's words: what is due there. "What am I
inspecting at the ferry building" read the customer's card, "what systems are we testing at my next job" the next
job's card; neither says what gets tested."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.agent.routing import route
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

_TOOLS = {"inspections_due", "next_job", "job_details", "customer_at_location", "equipment_spec", "knowledge_search",
          "my_jobs_today", "site_requirements"}
_KNOWN = ["WeWork", "WeWork 123 Main St", "Ferry Building", "Ferry Building Marketplace", "ABC Manufacturing"]


@pytest.mark.parametrize(("said", "site"), [
    ("what am i inspecting at the ferry building", "Ferry Building"),
    ("what systems are we testing at my next job", "my next job"),
    ("so what equipment will i be checking over there", "there"),
    ("what do they have me servicing at my last job", "my last job"),
])
def test_what_gets_tested_at_a_place_is_what_is_due_there(said: str, site: str) -> None:
    chosen = route(said, _TOOLS, _KNOWN)
    assert chosen is not None and chosen.tool == "inspections_due" and chosen.arguments["site"] == site, chosen


async def test_the_units_due_at_the_job_after_one_are_what_gets_tested_there(app: Starlette,
                                                                              technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, events = await say(session, "what are we testing at the job after the ferry building")
    assert called(events) == ["inspections_due"], events
    assert reply.startswith("At ABC Manufacturing Plant 1"), reply


@pytest.mark.parametrize(("said", "tool", "site"), [
    ("whats due at wework", "inspections_due", "WeWork"),  # no apostrophe, as typed or transcribed
    ("what needs inspecting at abc", "inspections_due", "ABC Manufacturing"),
    ("what needs to be tested here", "inspections_due", "here"),
    ("any gotchas there", "site_requirements", "there"),
    ("heads up on the ferry building?", "site_requirements", "Ferry Building"),
])
def test_what_waits_at_a_place_and_its_warnings_are_the_sites(said: str, tool: str, site: str) -> None:
    chosen = route(said, _TOOLS, _KNOWN)
    assert chosen is not None and chosen.tool == tool and chosen.arguments["site"] == site, chosen


@pytest.mark.parametrize("said", ["what needs to be checked on a dry valve quarterly",
                                  "how often does a fire pump need testing"])
def test_what_a_unit_needs_checked_is_the_documents(said: str) -> None:
    chosen = route(said, _TOOLS, _KNOWN)
    assert chosen is not None and chosen.tool == "knowledge_search", chosen
