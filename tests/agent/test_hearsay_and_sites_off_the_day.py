"""A colleague's word passed on, and a site off today's schedule asked about (heldout16 studied), keyless chat in words
of our own:

- "James said the library's riser gauge is out of date, is that written up": James is only who said it; the question
  is about the library's record (it asked for James's schedule and was refused);
- "anything open on the books at the Hall of Justice", a site with no job today: no job there, and its open
  deficiencies (it said only that there was no job).
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
