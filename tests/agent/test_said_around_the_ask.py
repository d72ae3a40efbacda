"""Keyless turns where the ask hides in how it is said, in words of our own (not a bench set's):

- a write-up whose unit is named only by where it stands ("the box up on the roof"), or graded by a bare "high" or
  "low" after what is wrong with it;
- a status reported in the last clause ("..., kicking off now"), or as "that's me done", "off to the plant";
- the day asked by superlative ("which of them starts earliest"), by part of the day ("the arvo job", "my morning
  stop"), the job one is on ("which job I'm on"), the time given at a job ("how long have they booked me for"), and
  "the last one of the day";
- a site's rules before arriving in other words ("before I roll up"), who to tell when done, and a question asked
  at the end of a long story about a place;
- thanks in British and Australian words; who the technician is said before a question;
- the last answer's figure in other units ("what is it in kilograms"), without a lookup;
- a unit named by the serial on its plate;
- a job pointed at by its place in the list read out ("the last place you listed").
"""

from __future__ import annotations

import pytest
from livekit.agents import llm
from starlette.applications import Starlette

from clara.agent.asides import aside
from clara.agent.converted_said import converted
from clara.agent.knowledge_follow_up import of_the_unit
from clara.agent.listed_said import listed_named
from clara.agent.routing import route
from clara.agent.said import small_talk
from clara.agent.tools import TOOLS
from clara.agent.two_asks import routes
from clara.jobs import service as jobs
from clara.jobs.models import Equipment
from clara.ops.demo_data import CUSTOMERS
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

NAMES = {t.info.name for t in TOOLS}
PLACES = sorted({c.name for c in CUSTOMERS} | {s.name for c in CUSTOMERS for s in c.sites} |
                {s.address for c in CUSTOMERS for s in c.sites})
WEWORK = (37.79155, -122.39418)


def one(text: str) -> tuple[str, dict[str, object]]:
    chosen = routes(text, NAMES, PLACES)
    assert len(chosen) == 1, (text, chosen)
    return chosen[0].tool, chosen[0].arguments


@pytest.mark.parametrize(("text", "location", "severity"), [
    ("the box up on the roof has a torn belt, needs repair", "roof", "needs repair"),
    ("the one by the loading dock is leaking at the packing, minor", "loading dock", "minor"),
    ("the alarm panel in the lobby has a cracked display, high", "lobby", "high"),
    ("fire pump in the pump room has a weeping seal, low", "pump room", "low"),
])
def test_a_write_up_naming_its_unit_by_place_or_graded_high_or_low_drafts(text: str, location: str,
                                                                          severity: str) -> None:
    tool, arguments = one(text)
    assert tool == "log_deficiency", (text, tool)
    assert arguments["location"] == location and arguments["severity"] == severity, arguments
    assert not str(arguments["description"]).startswith(("box", "one")), arguments  # the unit is not the fault


@pytest.mark.parametrize("text", [
    "the gauge on the riser is reading low",
    "the one in the kitchen, is it due this month",
    "suction pressure on the rtu, high or low?",
])
def test_a_reading_or_a_question_about_a_unit_by_place_is_no_write_up(text: str) -> None:
    assert all(r.tool != "log_deficiency" for r in routes(text, NAMES, PLACES)), text


@pytest.mark.parametrize(("text", "status"), [
    ("badged in with security, making a start now", "in_progress"),
    ("parked out front, kicking things off", "in_progress"),
    ("thats me finished up here", "completed"),
    ("right, off to the school now", "en_route"),
    ("setting off for the ferry building", "en_route"),
])
def test_a_status_said_in_other_words_or_in_the_last_clause_is_read_back(text: str, status: str) -> None:
    tool, arguments = one(text)
    assert tool == "update_job_status" and arguments["status"] == status, (text, tool, arguments)


@pytest.mark.parametrize("text", [
    "the compressor keeps kicking off on high head, what do I check",
    "when do I kick off the churn test",
    "off to lunch, back in twenty",
])
def test_a_unit_kicking_off_or_a_question_about_starting_is_no_status(text: str) -> None:
    assert all(r.tool != "update_job_status" for r in routes(text, NAMES, PLACES)), text


@pytest.mark.parametrize(("text", "tool", "job"), [
    ("which of them starts earliest", "job_details", "my first job"),
    ("which one's the latest job", "job_details", "my last job"),
    ("what's my arvo job", "job_details", "my arvo job"),
    ("where's the morning stop", "job_details", "the morning stop"),
    ("what job am i on at the moment", "job_details", None),
    ("remind me what job i'm on", "job_details", None),
    ("how long have they booked me for at the ferry building", "job_details", "Ferry Building"),
    ("how long have i got at the plant", "job_details", "ABC Manufacturing Plant 1"),
    ("how long did dispatch give us at the plant", "job_details", "ABC Manufacturing Plant 1"),
])
def test_the_day_asked_in_other_words(text: str, tool: str, job: str | None) -> None:
    chosen, arguments = one(text)
    assert chosen == tool and arguments.get("job") == job, (text, chosen, arguments)


def test_a_deadline_given_is_not_the_time_booked_and_a_valve_is_not_the_day() -> None:
    assert all(r.tool != "job_details" for r in routes("how long have they given us to fix it", NAMES, PLACES))
    assert all(r.tool != "job_details" for r in routes("which valve opens earliest", NAMES, PLACES))


def test_the_last_one_of_the_day_is_a_job_for_its_address() -> None:
    assert one("the last one of the day, what's the address there") == \
        ("customer_at_location", {"location": "the last one of the day"})


@pytest.mark.parametrize(("text", "tool"), [
    ("anything i need to know before i roll up", "site_requirements"),
    ("any surprises there before i turn up", "site_requirements"),
    ("who do we notify here when we're finished", "customer_at_location"),
    ("who should i check out with at the plant", "customer_at_location"),
])
def test_a_sites_rules_and_who_to_tell_in_other_words(text: str, tool: str) -> None:
    assert one(text)[0] == tool, text


def test_a_question_at_the_end_of_a_story_is_asked_of_the_place_the_story_named() -> None:
    text = ("so the last visit to the ferry building the dock master had me wait forty minutes because the "
            "sprinkler contractor before me never signed out, anyway, what are their rules")
    assert one(text) == ("site_requirements", {"site": "Ferry Building"})


@pytest.mark.parametrize("text", ["no worries, ta", "ta very much", "lovely, much obliged", "brilliant, cheers mate"])
def test_thanks_in_other_words_is_small_talk(text: str) -> None:
    assert route(text, NAMES, PLACES) is None and small_talk(text) == "You're welcome.", text


def test_an_all_clear_in_other_words_is_acknowledged() -> None:
    assert route("no worries mate", NAMES, PLACES) is None and small_talk("no worries mate") == "Okay."


@pytest.mark.parametrize("text", ["im the new guy on this crew, how do i test a tamper switch",
                                  "i'm the apprentice here, so what's a flow switch for"])
def test_who_the_technician_is_said_before_a_question_sets_nothing(text: str) -> None:
    chosen = routes(text, NAMES, PLACES)
    assert all(r.tool not in ("set_preferences", "job_details") for r in chosen), chosen


def test_a_self_description_alone_still_sets_the_level() -> None:
    assert routes("im new to this, talk to me like a beginner", NAMES, PLACES)[0].tool == "set_preferences"


@pytest.mark.parametrize(("text", "reply", "said"), [
    ("what is it in kilograms", "The charge is 9.5 lb. Weight 700 lb.", "9.5 lb is about 4.3 kg."),
    ("how much is that in litres", "The tank holds 2.5 gallons.", "2.5 gallons is about 9.5 litres."),
    ("and that in cm?", "Mount it 18 inches below the ceiling.", "18 inches is about 45.7 cm."),
    ("convert that to psi", "Set the relief valve to 1,200 kPa.", "1,200 kPa is about 174 psi."),
])
def test_the_last_answers_figure_in_other_units(text: str, reply: str, said: str) -> None:
    assert converted(text, reply) == said


def test_the_figure_converted_is_the_one_the_last_question_asked_for() -> None:
    reply = ("Pull stations go between 42 and 48 inches above the floor. The bottom of a cabinet must be at least "
             "6 inches off the floor, and its door 30 inches wide.")
    assert converted("what's that in cm", reply, "how high off the floor does the cabinet sit") == \
        "6 inches is about 15.2 cm."
    assert converted("what's that in cm", reply, "and the door") == "30 inches is about 76.2 cm."


def test_a_conversion_is_answered_from_the_last_reply_without_a_tool() -> None:
    earlier = [llm.ChatMessage(role="user", content=["how much does it hold"]),
               llm.ChatMessage(role="assistant", content=["The tank holds 2.5 gallons."])]
    assert aside("what's that in litres", earlier, NAMES, []) == "2.5 gallons is about 9.5 litres."


def test_no_conversion_without_a_figure_of_that_kind_or_of_a_figure_named() -> None:
    assert converted("what is that in kilos", "Call Sam Rivera at (415) 555-4658.") is None
    assert converted("whats the weight in kilos", "The charge is 9.5 lb.") is None
    assert converted("what's that in metres", "Rated 4 in the field tests.") is None


def test_a_job_pointed_at_by_its_place_in_the_list_read_out() -> None:
    listed = [llm.FunctionCall(name="my_jobs_today", arguments="{}", call_id="c1")]
    assert listed_named("the last place you listed, when do i get there", listed) == \
        "my last job, when do i get there"
    assert listed_named("the last place you listed, when do i get there", []) == \
        "the last place you listed, when do i get there"  # nothing listed: something else is pointed at


def test_a_serial_names_a_unit_not_a_model() -> None:
    assert one("serial plate on it says BX482913, what is it")[1]["model"] == "serial BX482913"
    assert all(r.arguments.get("model") != "serial 2019"
               for r in routes("the hydro tag says 2019, is it due", NAMES, PLACES))


async def _units_at(app: Starlette, site: str) -> list[Equipment]:
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT id FROM sites WHERE name = %s", (site,))
        row = await cur.fetchone()
    assert row is not None, site
    return await jobs.site_equipment(app.state.stores, site_id=row["id"])


async def test_a_serial_read_off_a_plate_finds_that_unit(app: Starlette, technician: CurrentUser) -> None:
    unit = next(u for u in await _units_at(app, "WeWork 123 Main St") if u.serial)
    session = await chat(app, technician, WEWORK)
    spelled = " ".join(unit.serial or "")  # letters and digits one by one, as speech recognition writes them
    reply, events = await say(session, f"the serial on this one is {spelled}, what have I got")
    assert called(events) == ["equipment_spec"] and unit.model in reply, reply


async def test_a_unit_named_only_by_its_place_is_drafted(app: Starlette, technician: CurrentUser) -> None:
    placed = [u for u in await _units_at(app, "WeWork 123 Main St") if u.location]
    unit = next(u for u in placed if sum(o.location == u.location for o in placed) == 1)
    session = await chat(app, technician, WEWORK)
    _, events = await say(session, f"the unit over in the {unit.location.lower()} has a bent bracket, needs repair")
    draft = next(e for e in events if e["type"] == "draft")
    assert draft["fields"]["equipment"]["model"] == unit.model and draft["fields"]["severity"] == "deficient"


@pytest.mark.parametrize(("text", "model"), [
    ("the backflow out in the vault, what is that one", "the backflow in the vault"),
    ("what kind of backflow have they got here", "the backflow"),
    ("what kind of panel is that", "the panel"),
])
def test_what_a_unit_of_a_kind_is_asked_in_other_words(text: str, model: str) -> None:
    tool, arguments = one(text)
    assert tool == "equipment_spec" and arguments["model"] == model, (tool, arguments)


@pytest.mark.parametrize("text", ["any write ups on file for this site", "how bad did they rate the pump one"])
def test_what_is_on_record_asked_in_other_words_is_the_jobs_record(text: str) -> None:
    assert one(text)[0] == "job_details", text


def test_it_in_a_document_question_is_the_unit_just_talked_about() -> None:
    said = "how often does it need a full service"
    assert of_the_unit(said, "fire pump", True) == "fire pump: how often does it need a full service"
    assert of_the_unit(said, "fire pump", False) == said  # a unit talked about before the last turn is not "it"
    assert of_the_unit("is it the same on a backflow", "fire pump", True) == \
        "is it the same on a backflow"  # a thing named is the thing asked about


async def test_a_job_pointed_at_in_the_day_read_out_earlier(app: Starlette, technician: CurrentUser,
                                                            on_demo_day: None) -> None:
    session = await chat(app, technician)
    await say(session, "what have i got on today")
    await say(session, "how far is the ferry building")
    reply, _ = await say(session, "the last place you listed, what's the address there")
    assert "456 Industrial" in reply and "Ferry" not in reply, reply  # the day's last job, not the place just asked


def test_a_greeting_with_claras_name_opens_the_request_and_names_no_place() -> None:
    assert "Santa Clara Valley Medical" in PLACES
    assert one("g'day clara, where's my morning stop") == ("job_details", {"job": "my morning stop"})


def test_who_the_technician_is_said_before_a_question_after_a_write_up() -> None:
    # the conversation's last read-back is remembered ("deficiency"), though none waits: no confirm tool is offered
    chosen = routes("i'm the apprentice here, so what's a flow switch for", NAMES - {"confirm_draft", "edit_draft"},
                    PLACES, draft_kind="deficiency")
    assert all(r.tool != "set_preferences" for r in chosen), chosen


def test_thanks_before_leaving_is_no_status() -> None:
    assert all(r.tool != "update_job_status" for r in routes("cheers, heading off now", NAMES, PLACES))


def test_a_story_whose_whole_asks_whether_work_is_allowed_keeps_that_reading() -> None:
    text = ("the unistrut up on the roof here snapped off and I was thinking I could weld a new bracket onto the rail "
            "to hold the conduit, ten minutes tops, can I just go ahead or do I need to check with somebody first")
    assert one(text)[0] == "site_requirements"


@pytest.mark.parametrize("text", ["ok that's me for the day, heading home", "off home now"])
def test_going_home_is_no_jobs_status(text: str) -> None:
    assert all(r.tool != "update_job_status" for r in routes(text, NAMES, PLACES)), text


def test_a_spec_question_after_a_story_keeps_the_unit_the_story_named() -> None:
    text = ("the manager at the plant kept me twenty minutes talking about next year's budget for a new compressor, "
            "anyway, the fire pump out there, what's the locked rotor amps on the motor")
    assert one(text)[0] == "equipment_spec"
