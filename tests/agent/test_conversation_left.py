"""Issue 14's conversation gaps left after session 17's two conversation passes, keyless, in words of our own:

- a length asked in centimetres or metres is said in that unit (not millimetres), the preference left as it was;
- a model named in the turn, spelled out in letter names, wins over the model discussed;
- "what's overdue" asks only the overdue units, and "how about <another site>" asks the same there;
- how many compressors a unit has, from its sheet's count, said as a count;
- a lead asking what a colleague must do "before working in there": the rules at that colleague's job.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from clara.agent.heard import heard
from clara.agent.rules_places import due_arguments
from clara.knowledge.spoken_models import model_mentions
from clara.users import service as users
from clara.web.caller import CurrentUser
from tests.agent.conftest import chat, say


def called(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "tool_call"]


async def test_a_length_in_centimetres_or_metres_is_said_in_that_unit(app: Starlette,
                                                                      technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, _ = await say(session, "give me the width of a 48TCDA12 in centimetres")
    assert "134.9 cm" in reply and " mm" not in reply, reply  # 53.1 in
    reply, _ = await say(session, "what's the length of the 48TCDA12 in meters")
    assert "2.25 m" in reply and " mm" not in reply, reply  # 88.4 in, to the centimetre
    reply, _ = await say(session, "what's the width of the 48TCDA12")
    assert "53.1 in" in reply, reply
    preferences = await users.get_preferences(app.state.stores, actor=technician, user_id=technician.id)
    assert preferences.units == "imperial"


def test_a_model_spelled_in_letter_names_is_read_whole() -> None:
    assert model_mentions(heard("new rooftop, a lennox el gee aitch zero nine two, the mca please")) == ["LGH092"]


async def test_a_model_named_mid_conversation_wins_over_the_one_discussed(app: Starlette,
                                                                         technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, _ = await say(session, "what's the mocp on a 50TCQA06")
    assert "40 A" in reply, reply
    reply, events = await say(session,
                              "moving on to another rooftop, lennox el gee aitch zero nine two, what's its mca")
    assert [e["arguments"].get("model") for e in called(events)] == ["LGH092"], events
    assert "39.7" in reply and "50TCQA06" not in reply, reply


def test_overdue_asked_is_overdue_only() -> None:
    assert due_arguments("which units are late on inspections at the ferry", ["Ferry Building"])["overdue_only"]
    assert "overdue_only" not in due_arguments("anything due or overdue at the ferry", ["Ferry Building"])
    assert "overdue_only" not in due_arguments("what's due for testing at the ferry", ["Ferry Building"])


async def test_overdue_then_another_site_lists_only_the_overdue_ones(app: Starlette,
                                                                   technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, events = await say(session, "which units are past due at the ferry building")
    assert [e["name"] for e in called(events)] == ["inspections_due"], events
    assert "overdue since" in reply and " due December" not in reply, reply
    reply, events = await say(session, "how about chase center")
    assert [e["arguments"] for e in called(events)] == [{"site": "Chase Center", "overdue_only": True}], events
    assert "overdue since" in reply and " due December" not in reply, reply  # its due-soon rooftops are left out
    reply, _ = await say(session, "what's due for inspection at chase center")
    assert " due December" in reply, reply  # asked of everything due, the due-soon ones are back


async def test_how_many_compressors_is_the_sheets_count(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, _ = await say(session, "york ysc120, how many compressors are in it")
    assert "2 compressors" in reply, reply


async def test_a_lead_asks_what_a_colleagues_job_there_requires(app: Starlette, dispatcher: CurrentUser) -> None:
    session = await chat(app, dispatcher)
    reply, _ = await say(session, "what's priya doing at chase center today")
    assert "Chase Center" in reply, reply
    reply, events = await say(session, "does she need to take care of anything before getting going in there")
    assert [e["name"] for e in called(events)] == ["crew_day"], events
    assert "event days" in reply and "jobs:" not in reply, reply  # that job's site rules, not her whole day
