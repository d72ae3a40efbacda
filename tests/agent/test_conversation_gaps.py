"""Issue 14's conversation gaps, keyless, through real chat turns, in words of our own (not a bench set's):

- a site's units counted and compared by install date ("which ... went in first", "the most recent"), and "how old
  is it" of the unit just named, with no photo taken;
- a unit of a kind named "that backflow" after other units came up: the one talked about earlier, not the last;
- "why?" after an answer: a unit's record gives its interval, a document's answer its reason;
- a height asked in metres while the preference stays imperial;
- a standard's section said as separate numbers ("25 four three three");
- "at that one" after a job was named, a trailing "then";
- a colleague named while a write-up is read back answers the read-back;
- a second write-up graded with a severity after a save;
- no "want the specs of a unit here?" after a standards answer.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.agent.offers_fit import offer_fits
from clara.agent.sections_said import sections_written
from clara.agent.why_asked import asks_why
from clara.jobs import service as jobs
from clara.jobs.models import Equipment
from clara.users import service as users
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

WEWORK = (37.79155, -122.39418)


async def units_at(app: Starlette, site: str) -> list[Equipment]:
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT id FROM sites WHERE name = %s", (site,))
        row = await cur.fetchone()
    assert row is not None, site
    return await jobs.site_equipment(app.state.stores, site_id=row["id"])


async def test_a_sites_units_counted_and_compared_by_install_date(app: Starlette, technician: CurrentUser) -> None:
    units = await units_at(app, "WeWork 123 Main St")
    backflows = sorted((u for u in units if u.type == "backflow preventer"), key=lambda u: u.install_date)
    newest = max((u for u in units if u.install_date), key=lambda u: u.install_date)
    session = await chat(app, technician, WEWORK)

    reply, events = await say(session, "which backflow preventer on this site is the oldest one")
    assert called(events) == ["equipment_spec"]
    assert backflows[0].model in reply and backflows[-1].model not in reply and "the older is" in reply, reply

    reply, _ = await say(session, "how many fire extinguishers have they got on site")  # the count says what of
    assert "there are 2 fire extinguishers:" in reply and "B260" in reply and "B500" in reply, reply

    reply, _ = await say(session, "and which unit on site is the most recent")
    assert newest.model in reply and "newest" in reply, reply
    reply, events = await say(session, "how old is it")
    assert "installed on" in reply and newest.model in reply and "nameplate" not in reply, reply


async def test_that_backflow_is_the_one_talked_about_earlier(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician, WEWORK)
    reply, _ = await say(session, "what's the model of the backflow out in the street vault")
    assert "3000SS-4" in reply, reply
    await say(session, "max fuse on the rooftop unit here")
    await say(session, "and who's the contact here")
    reply, _ = await say(session, "going back to that backflow, when was it installed")
    assert "3000SS-4" in reply and "installed on" in reply and "50TCQA06" not in reply, reply
    reply, _ = await say(session, "and when was it last inspected")
    assert "3000SS-4" in reply and "last inspected" in reply and "50TCQA06" not in reply, reply


async def test_why_after_a_units_record_and_after_a_documents_answer(app: Starlette,
                                                                     technician: CurrentUser) -> None:
    session = await chat(app, technician, WEWORK)
    reply, _ = await say(session, "is the corridor extinguisher overdue")
    assert "B500" in reply and "B260" not in reply, reply
    reply, events = await say(session, "how come?")
    assert called(events) == []
    assert "every 30 days" in reply and "B500" in reply and "NFPA 10" in reply, reply

    reply, _ = await say(session, "what's the minimum run time for a diesel driven fire pump during its weekly test")
    assert "30 minutes" in reply, reply
    reply, events = await say(session, "why so long")
    assert called(events) == ["knowledge_search"]
    assert "operating temperature" in reply, reply


@pytest.mark.parametrize("said", ["why?", "how come", "Why's that?", "ok but why", "why so often", "what's the reason"])
def test_a_bare_why_asks_the_reason_for_the_last_answer(said: str) -> None:
    assert asks_why(said)


@pytest.mark.parametrize("said", ["why does my compressor short cycle", "why is the pump tripping", "whys"])
def test_a_why_with_its_own_subject_is_a_question_of_its_own(said: str) -> None:
    assert not asks_why(said)


async def test_a_height_in_metres_while_the_preference_stays_imperial(app: Starlette,
                                                                      technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, _ = await say(session, "what's the height of a 48TCDA12 in metres")
    assert "1.25 m" in reply and "height" in reply and " in," not in reply, reply  # 49.4 in, in the unit asked
    reply, _ = await say(session, "how tall is the 48TCDA12")
    assert " in," in reply and " mm" not in reply, reply
    preferences = await users.get_preferences(app.state.stores, actor=technician, user_id=technician.id)
    assert preferences.units == "imperial"


@pytest.mark.parametrize(("said", "written"), [
    ("per nfpa 72 fourteen four four three three what's the test", "per NFPA 72 section 14.4.4.3.3 what's the test"),
    ("what does 25 four three three require", "what does NFPA 25 section 4.3.3 require"),
    ("NFPA 10, section six two", "NFPA 10 section 6.2"),
    ("NFPA 13 two three heads per branch line", "NFPA 13 two three heads per branch line"),  # a count, no section
    ("does NFPA 25 say anything about 5 year tests", "does NFPA 25 say anything about 5 year tests"),
])
def test_a_section_said_in_pieces_is_written_as_the_standard_writes_it(said: str, written: str) -> None:
    assert sections_written(said) == written


async def test_a_section_said_in_pieces_is_searched_not_taken_for_a_model(app: Starlette,
                                                                         technician: CurrentUser) -> None:
    reply, events = await say(await chat(app, technician), "what's 25 eight three one say about a diesel pump run")
    assert called(events) == ["knowledge_search"], reply
    assert "No specification" not in reply, reply


async def test_at_that_one_is_the_job_just_named_and_a_trailing_then(app: Starlette, technician: CurrentUser,
                                                                     on_demo_day: None) -> None:
    session = await chat(app, technician)
    reply, _ = await say(session, "what's my last job today")
    assert "ABC" in reply, reply
    reply, events = await say(session, "anything special at that one")
    assert called(events) == ["site_requirements"] and "weekend" in reply.lower(), reply
    reply, events = await say(session, "ok and whats my second one then")
    assert called(events) == ["job_details"] and "Ferry" in reply, reply


async def test_a_colleague_named_during_a_read_back_answers_the_read_back(app: Starlette,
                                                                           technician: CurrentUser) -> None:
    session = await chat(app, technician, WEWORK)
    _, events = await say(session, "log it: the jockey pump... no wait, the corridor extinguisher hose is cracked, "
                                   "needs repair")
    assert any(e["type"] == "draft" for e in events)
    reply, events = await say(session, "nah, Priya's taking care of that one")
    assert "crew_day" not in called(events) and "only see your own" not in reply, reply
    assert not [e for e in events if e["type"] == "saved"]


async def test_a_second_write_up_graded_after_a_save_is_drafted(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician, WEWORK)
    await say(session, "write up the kitchen extinguisher, the seal is broken, needs repair")
    await say(session, "yes")
    _, events = await say(session, "and the corridor one has a dented cylinder, low")
    draft = next(e for e in events if e["type"] == "draft")
    assert draft["fields"]["equipment"]["model"] == "B500" and draft["fields"]["severity"] == "suggested"


def test_a_place_bound_offer_never_follows_a_standards_answer() -> None:
    assert not offer_fits("knowledge_search", "equipment_spec", "Per NFPA 25, section 8.3.1.1: 30 minutes.")
    assert not offer_fits("knowledge_search", "inspections_due", "Per NFPA 10, section 7.2.1: monthly.")
    assert offer_fits("knowledge_search", "my_jobs_today", "Per NFPA 10, section 7.2.1: monthly.")
    assert offer_fits("customer_at_location", "equipment_spec", "WeWork belongs to WeWork.")
    assert not offer_fits("equipment_spec", "inspections_due", "The 50TCQA06's MOCP is 40 A. Want the rest?")


async def test_mark_it_fixed_with_none_discussed_names_the_open_ones(app: Starlette, technician: CurrentUser,
                                                                     on_demo_day: None) -> None:
    """"mark it fixed" after a job's open deficiencies were read out: which one, by number, and nothing marked; then
    "mark <number> fixed" marks that one ("mark 12 fixed" read no number before: only "number 12" was one)."""
    session = await chat(app, technician)
    await say(session, "any open deficiencies at the plant")
    reply, events = await say(session, "mark it fixed")
    assert called(events) == ["mark_deficiency_fixed"] and reply.startswith("Which one is fixed? Open here: number")
    first = int(reply.split("number ")[1].split(",")[0])
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT status FROM deficiencies WHERE id = %s", (first,))
        assert (await cur.fetchone())["status"] == "new"  # type: ignore[index]
    reply, _ = await say(session, f"mark {first} fixed")
    assert reply.startswith(f"Deficiency {first},") and "marked fixed" in reply, reply
