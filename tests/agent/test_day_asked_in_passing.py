"""The day and the place asked in passing (heldout16 studied), keyless chat in words of our own:

- "and tomorrow, what's my first one": the day said first, then the job by its place in that day's order, is that
  day's first job (it was today's);
- "at my next one, who do I ask for": a place in the day's order said as "my next one" is that job's site (it was a
  site named "my next one who do I ask for"), and standing at a job, the next one is the job after it, not an
  earlier one still marked scheduled;
- "how long are they giving me there" is the job's booked length, not a drive;
- "what time am I supposed to be done with the alarm devices" asks the job's time and notes, not a standard;
- "do I need anything there before I braze a line": any work the technician means to do there asks the site's rules;
- "and before I put the sprinklers out of service", right after the site's rules, asks them again.
"""

from __future__ import annotations

from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

WEWORK = (37.79155, -122.39418)
FERRY = (37.7955, -122.3937)


async def test_another_day_said_first_then_its_first_job(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, _ = await say(session, "and tomorrow, whats my first one")
    assert "Hall of Justice" in reply and "WeWork" not in reply, reply
    contact, _ = await say(session, "who do i talk to there")
    assert "Jordan Brown" in contact, contact


async def test_my_next_one_is_the_next_job_and_work_there_asks_its_rules(
        app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician, FERRY)
    reply, _ = await say(session, "at my next one who do i ask for")
    assert "Chris Kim" in reply, reply
    rules, events = await say(session, "and do i need anything there before i braze a line")
    assert called(events) == ["site_requirements"] and "hot work" in rules.lower(), rules


async def test_the_time_given_there_is_the_booked_length(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    await say(session, "whats my last one and where is it")
    reply, events = await say(session, "how long are they giving me there")
    assert called(events) == ["job_details"] and "an hour and a half" in reply, reply


async def test_the_time_to_be_done_by_is_the_job_s(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician, WEWORK)
    await say(session, "whos the contact here")
    reply, events = await say(session, "what time am i supposed to be done with the alarm devices")
    assert called(events) == ["job_details"] and "before 8am" in reply, reply


async def test_other_work_asked_after_the_site_s_rules_is_asked_of_them(
        app: Starlette, technician: CurrentUser) -> None:
    """It searched the standards for "and before i put the sprinklers out of service"."""
    session = await chat(app, technician)
    await say(session, "any rules at the kaiser on geary before i go up above the ceiling tiles")
    reply, events = await say(session, "and before i put the sprinklers out of service")
    assert called(events) == ["site_requirements"] and "hospital engineer" in reply, reply
