"""Read-backs taken back or changed in passing, and questions read for what the technician meant (heldout16 studied),
keyless chat in words of our own:

- "don't log that, someone had the valve shut, it's fine now": the reason after a withdrawal is no correction; the
  write-up is dropped and a later yes saves nothing (it became a draft on a 'unit' named by the whole reason);
- "on second thought make that out of service until it's replaced": the severity, for as long as it takes (the words
  were read as a room);
- a setting asked of a unit ("what air pressure do I keep on it") is its service notes' procedure (set from the
  maker's chart), not its rating;
- a figure of five digits or more is said with its thousands ("180,000 BTU/h");
- "what have I logged so far" is every record the conversation saved, not only the last;
- "write it up as overdue for its trip test": what it is written up as is the fault, on the unit discussed.
"""

from __future__ import annotations

from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say
from tests.conftest import user_by_email

FERRY = (37.7955, -122.3937)
WEWORK = (37.79155, -122.39418)


def _drafts(events: list[dict]) -> list[dict]:
    return [e for e in events if e["type"] == "draft"]


def _saved(events: list[dict]) -> list[dict]:
    return [e for e in events if e["type"] == "saved"]


async def test_a_write_up_withdrawn_with_its_reason_is_dropped(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician, FERRY)
    read_back, _ = await say(session, "write up the fire pump, casing is getting hot, needs repair")
    assert "AEF1000-125" in read_back and read_back.endswith("Save it?"), read_back
    reply, events = await say(session, "no dont log that, someone just had the valve closed, its fine now")
    assert not _drafts(events) and "Save it?" not in reply, reply
    reply, events = await say(session, "yes")
    assert not _saved(events), reply


async def test_a_severity_raised_on_second_thought_is_the_draft_s(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician, FERRY)
    await say(session, "write up the rooftop unit, belt is glazed and squealing, needs repair")
    reply, events = await say(session, "on second thought make that out of service until its replaced")
    drafts = _drafts(events)
    assert drafts and drafts[-1]["fields"]["severity"] == "inoperable", reply
    assert drafts[-1]["fields"]["equipment"]["model"] == "50TCQA06", drafts[-1]
    assert drafts[-1]["fields"]["location"] == "Roof", drafts[-1]


async def test_a_setting_asked_of_a_unit_is_its_procedure_not_its_rating(
        app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, events = await say(session, "what air pressure do i keep on a viking f-1-4")
    assert called(events)[0] == "equipment_spec", events
    assert "chart" in reply and "250" not in reply, reply
    rating, _ = await say(session, "whats the max working pressure on it")
    assert "250" in rating, rating


async def test_a_large_figure_is_said_with_its_thousands(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, _ = await say(session, "whats the gas input on a lennox lgh120")
    assert "180,000" in reply, reply


async def test_what_was_logged_so_far_is_every_save(app: Starlette, technician: CurrentUser) -> None:
    """It said only the last save."""
    session = await chat(app, technician, FERRY)
    for said in ("write up the rooftop unit, belt is glazed and squealing, needs repair", "yes",
                 "and the hood suppression over the kitchen, two nozzle caps are missing, minor", "yep save it"):
        await say(session, said)
    reply, events = await say(session, "ok what have i logged so far")
    assert called(events) == [] and "belt" in reply and "nozzle caps" in reply, reply
    last, _ = await say(session, "what did i just save")
    assert "nozzle caps" in last and "belt" not in last, last


async def test_written_up_as_a_fault_drafts_that_fault_on_the_unit_discussed(app: Starlette) -> None:
    """'write it up as overdue for its trip test' read 'its trip test' as a site whose due inspections were asked."""
    james = await user_by_email(app, "james.chen@clara.dev")
    session = await chat(app, james, (37.8734, -122.0755))  # at Rossmoor Commons
    await say(session, "the dry valve in the warehouse riser, what air pressure do i keep on it")
    await say(session, "is it overdue")
    reply, events = await say(session, "write it up as overdue for its trip test, minor")
    drafts = _drafts(events)
    assert drafts and drafts[-1]["fields"]["equipment"]["model"] == "F-1-4", reply
    assert drafts[-1]["fields"]["severity"] == "suggested", drafts[-1]
    assert drafts[-1]["fields"]["description"].lower().startswith("overdue for its trip test"), drafts[-1]
    saved, events = await say(session, "yep")
    assert _saved(events), saved
