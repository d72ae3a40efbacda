"""A colleague's word passed on, and a site off today's schedule asked about (heldout16 studied), keyless chat in words
of our own:

- "James said the library's riser gauge is out of date, is that written up": James is only who said it; the question
  is about the library's record (it asked for James's schedule and was refused);
- "anything open on the books at the Hall of Justice", a site with no job today: no job there, and its open
  deficiencies (it said only that there was no job);
- a customer's rule asked of a name that fits several of its sites is answered with the customer's rules (it asked
  which site), though a site's own access notes still need the site.
"""

from __future__ import annotations

from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say


async def test_a_colleague_s_word_asks_about_the_site_not_their_day(
        app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, events = await say(session, "james said the library has a gauge thats out of date on the riser, "
                                       "is that written up already")
    assert "crew_day" not in called(events), events
    assert "calibration" in reply, reply


async def test_a_site_with_no_job_today_still_says_what_is_open_there(
        app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, events = await say(session, "and the hall of justice, anything open on the books there")
    assert called(events) == ["job_details"], events
    assert "no job at San Mateo County Hall of Justice today" in reply and "orroded" in reply, reply


async def test_a_customer_s_rule_asked_by_its_name_needs_no_site_picked(
        app: Starlette, technician: CurrentUser) -> None:
    """'kaiser' fits two Kaiser sites; it asked which, though the rules are Kaiser Permanente's at both."""
    session = await chat(app, technician)
    reply, events = await say(session, "devon told me kaiser makes you get a permit before going above the "
                                       "ceilings, is that right")
    assert called(events) == ["site_requirements"], events
    assert "Kaiser Permanente's rules" in reply and "ICRA" in reply, reply
    access, _ = await say(session, "whats the gate code at kaiser")
    assert "which one?" in access, access
