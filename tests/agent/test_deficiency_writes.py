"""Deficiency logging in technicians' own words, keyless: each phrasing is read back with the right unit and
severity, saved only on a yes, and the record holds exactly what was read back. Anything else saves nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import pytest_asyncio
from starlette.applications import Starlette

from clara.jobs import service as jobs
from clara.ops.demo_data import DEMO_TECHNICIAN_EMAIL
from clara.web.caller import CurrentUser
from clara.chat.runtime import AgentRuntime
from clara.chat.turns import ChatSession
from clara.stores import Stores
from tests.conftest import demo_day_of, demo_jobs_of, user_by_email

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

SITES = {"WeWork 123 Main St": (37.79155, -122.39418), "Ferry Building": (37.79550, -122.39370),
         "ABC Manufacturing Plant 1": (37.73610, -122.19740)}
WEWORK, FERRY, ABC = SITES

# (site the technician stands at, what they say, the unit's model (None: no unit), severity saved)
PHRASINGS: list[tuple[str, list[str], str | None, str]] = [
    (WEWORK, ["Log a deficiency: the Amerex B260 extinguisher in the kitchen has its gauge in the red, needs recharge, "
              "severity high"], "B260", "inoperable"),
    (WEWORK, ["log a deficiency on the B500: missing inspection tag, minor"], "B500", "suggested"),
    (WEWORK, ["Record a deficiency: rooftop unit condenser coil is heavily fouled"], "50TCQA06", "deficient"),
    (WEWORK, ["Deficiency: the RTU on the roof has a cracked belt, needs repair"], "50TCQA06", "deficient"),
    (WEWORK, ["Write up a deficiency, the backflow preventer in the riser room is leaking, out of service"], "957-4",
     "inoperable"),
    (WEWORK, ["Log a deficiency: alarm check valve in the riser room shows corrosion on the trim, recommend "
              "replacement"], "AV-1-300", "suggested"),
    (WEWORK, ["Log a deficiency for the 3000SS-4 in the street vault: relief valve discharging, impaired"], "3000SS-4",
     "inoperable"),
    (WEWORK, ["Report a deficiency: the 50TCQA06 compressor won't start"], "50TCQA06", "inoperable"),
    (WEWORK, ["Log deficiency: corroded sprinkler head in stairwell B"], None, "deficient"),
    (WEWORK, ["log a deficiency: the Watts backflow has a failed check valve, critical"], "957-4", "inoperable"),
    (WEWORK, ["Add a deficiency: the kitchen extinguisher is overdue for its annual maintenance, low priority"], "B260",
     "suggested"),
    (WEWORK, ["Log a deficiency: the extinguisher has a broken tamper seal", "the B260"], "B260", "deficient"),
    (WEWORK, ["Log a deficiency: the B500 is missing its hose, minor", "no, it's the B260 in the kitchen"], "B260",
     "suggested"),
    (WEWORK, ["Log a deficiency: the Ames backflow in the street vault has a leaking test cock, severity low",
              "no, make it high"], "3000SS-4", "inoperable"),
    (WEWORK, ["Log a deficiency: the five zero T C Q A zero six has a noisy condenser fan motor, severity medium"],
     "50TCQA06", "deficient"),
    (WEWORK, ["Log a deficiency: the alarm valve trim is corroded, cosmetic"], "AV-1-300", "suggested"),
    (WEWORK, ["Please log a deficiency: the corridor extinguisher is blocked by furniture, urgent"], "B500",
     "inoperable"),
    (WEWORK, ["Log a deficiency: RTU economizer damper stuck open, moderate"], "50TCQA06", "deficient"),
    (WEWORK, ["What's the MCA on the rooftop unit here?",
              "Log a deficiency on that unit: contactor is pitted, severity medium"], "50TCQA06", "deficient"),
    (WEWORK, ["Log a deficiency: the extinguisher is missing its pin", "the kitchen one", "actually it's critical"],
     "B260", "inoperable"),
    (FERRY, ["The fire pump won't start, log it as a deficiency"], "AEF1000-125", "inoperable"),
    (FERRY, ["Deficiency on the fire alarm panel: trouble light on, ground fault"], "NFS2-3030", "deficient"),
    (FERRY, ["Log a deficiency: kitchen hood suppression system nozzle caps missing, needs repair"], "R-102",
     "deficient"),
    (FERRY, ["Log a deficiency: fire pump packing leaking excessively, severity medium"], "AEF1000-125", "deficient"),
    (FERRY, ["log a deficiency: extinguisher gauge in the red"], "B260", "deficient"),
    (WEWORK, ["Log a deficiency: the RTU on the roof trips on high discharge pressure"], "50TCQA06", "deficient"),
    (WEWORK, ["Log a deficiency: the backflow preventer in the riser room shows a low reading on its test cock gauge"],
     "957-4", "deficient"),
    (FERRY, ["Log a deficiency: the NFS2-3030 battery is past its replacement date, recommend replacing"],
     "NFS2-3030", "suggested"),
    (FERRY, ["log a deficiency: backflow preventer in the street vault has a failed relief valve, out of service"],
     "3000SS-4", "inoperable"),
    (FERRY, ["Log a deficiency: the Ansul system cartridge is past its hydro date, impaired"], "R-102", "inoperable"),
    (ABC, ["Log a deficiency: the Simplex panel shows a ground fault trouble, severity medium"], "4100ES",
     "deficient"),
    (ABC, ["Log a deficiency: the fire pump controller fails to auto-start, critical"], "AEF1000-125", "inoperable"),
    (ABC, ["Log a deficiency: the B500 in the corridor is missing, out of service"], "B500", "inoperable"),
    (ABC, ["log a deficiency: alarm check valve in the riser room has a weeping clapper, deficient"], "AV-1-300",
     "deficient"),
    (ABC, ["Log a deficiency: kitchen hood nozzle blow-off caps are missing, minor"], "R-102", "suggested"),
    # fragments and slang, severity and corrections in many words
    (FERRY, ["kitchen extinguisher gauge is in the red needs a recharge write it up high",
             "nah make it medium instead"], "B260", "deficient"),
    (WEWORK, ["corridor extinguisher has a dent in the cylinder log it just cosmetic"], "B500", "suggested"),
    (ABC, ["fusible links on the hood are caked in grease recommend replacing put it down as a deficiency",
           "make it high instead"], "R-102", "inoperable"),
    (WEWORK, ["log a deficiency on the bfp relief valve spitting water medium", "the riser room one"], "957-4",
     "deficient"),
    (ABC, ["fire pump packing dripping pretty good write it up as minor"], "AEF1000-125", "suggested"),
    (WEWORK, ["the RTU on the roof is short cycling, write it up, needs repair"], "50TCQA06", "deficient"),
    # a unit corrected mid-sentence: the one named last is the one meant
    (WEWORK, ["log a deficiency: the B260, no wait, the B500 in the corridor is missing its pin, minor"], "B500",
     "suggested"),
    (WEWORK, ["the B260 no wait the B500 has a dented cylinder write it up needs repair"], "B500", "deficient"),
    (WEWORK, ["Log a deficiency: the B260 is missing its tamper seal, I mean the B500, low priority"], "B500",
     "suggested"),
    (FERRY, ["write up the fire alarm panel no wait scratch that the hood system over the fryers the fusible links "
             "are caked in grease recommend replacing them"], "R-102", "suggested"),
    # urgency denied is the mildest severity; tags and "out of commission" the worst
    (WEWORK, ["log a deficiency: the backflow in the riser is leaking, not urgent"], "957-4", "suggested"),
    (WEWORK, ["Log a deficiency: the RTU on the roof has a noisy condenser fan, nothing urgent"], "50TCQA06",
     "suggested"),
    (ABC, ["log a deficiency: alarm valve in the riser room has a weeping clapper, no rush"], "AV-1-300", "suggested"),
    (FERRY, ["log a deficiency on the panel in the main electrical room, ground fault trouble, it can wait"],
     "NFS2-3030", "suggested"),
    (WEWORK, ["log a deficiency: the extinguisher by the kitchen is red-tagged"], "B260", "inoperable"),
    (FERRY, ["log a deficiency: the fire pump is out of commission"], "AEF1000-125", "inoperable"),
    (WEWORK, ["log a deficiency: the backflow in the street vault has a leaking relief valve, tagged out"],
     "3000SS-4", "inoperable"),
    # a unit by a trade name and a place said in more words than it is stored in
    (WEWORK, ["write up the double check in the street vault number two check wont hold a pound needs repair"],
     "3000SS-4", "deficient"),
    # a unit by where it is alone; the other of two after the read-back; a kind corrected before and after it
    (WEWORK, ["The unit on the roof here has a cracked belt, log it"], "50TCQA06", "deficient"),
    (WEWORK, ["write up the extinguisher by the kitchen, gauge is in the red", "nope wrong unit, the other one"],
     "B500", "deficient"),
    (WEWORK, ["The extinguisher, no, the backflow in the riser room is spitting at the relief. Write it up."],
     "957-4", "deficient"),
    (FERRY, ["kitchen extinguisher is discharged write it up high", "no not the extinguisher, its the hood system"],
     "R-102", "inoperable"),
    # in other words again: models and numbers spoken, "its" for "it's", slang, requests opened with "I need to",
    # "gotta", "yo", and severity as "red tag", "impairment", "cosmetic", "monitor it", "keep an eye on it"
    (WEWORK, ["log a deficiency on the b two sixty in the kitchen its gauge is in the red needs a recharge"], "B260",
     "deficient"),
    (WEWORK, ["write up the fifty t c q a zero six on the roof the belt is shredded red tag it"], "50TCQA06",
     "inoperable"),
    (ABC, ["the alarm valve in the riser room has a weeping clapper just monitor it write it up"], "AV-1-300",
     "suggested"),
    (WEWORK, ["put down the three thousand s s four in the street vault relief valve is spitting thats an impairment"],
     "3000SS-4", "inoperable"),
    (FERRY, ["kitchen k can is missing its placard log it cosmetic"], "B260", "suggested"),
    (FERRY, ["log the facp its got a ground fault keep an eye on it"], "NFS2-3030", "suggested"),
    (ABC, ["log a deficiency the b five hundred in the corridor got knocked off its bracket call it minor"], "B500",
     "suggested"),
    (WEWORK, ["yo write this up the rooftop unit's economizer is stuck shut low priority"], "50TCQA06", "suggested"),
    (FERRY, ["gotta write up the fire pump its short cycling every couple minutes needs repair"], "AEF1000-125",
     "deficient"),
    (FERRY, ["I need to write up the Ansul system over the kitchen hood: two nozzle caps are missing. Minor.",
             "Actually, make that needs repair."], "R-102", "deficient"),
    (ABC, ["log the alarm check valve in the riser room its weeping at the clapper its out of service",
           "no wait its still working it just needs repair"], "AV-1-300", "deficient"),
    (WEWORK, ["write up the corridor extinguisher its missing the pull pin critical", "nah its just cosmetic"], "B500",
     "suggested"),
    (WEWORK, ["Also log the kitchen extinguisher: the placard about firing the hood system first is missing. Minor."],
     "B260", "suggested"),
]


@dataclass(frozen=True)
class Shared:
    """The module's one app (tests/conftest.py `module_app`), its demo technician and their demo-day jobs. The
    phrasing and saves-nothing cases share it: each opens a fresh conversation, adds at most its own record and
    asserts against what was there before it, so ~80 cases need no app and database copy each. The status cases
    change jobs others would read, so they keep their own."""
    app: Starlette
    technician: CurrentUser
    day: date
    demo_jobs: dict[str, int]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(module_app: Starlette) -> Shared:
    day = await demo_day_of(module_app)
    technician = await user_by_email(module_app, DEMO_TECHNICIAN_EMAIL)
    return Shared(module_app, technician, day, await demo_jobs_of(module_app, technician, day))


@pytest.fixture
def on_the_demo_day(shared: Shared) -> None:
    """`on_demo_day` (tests/agent/conftest.py) for the shared app, checked at each test as there."""
    if jobs.today(shared.app.state.stores) != shared.day:
        pytest.skip("the clock passed midnight since the demo data was seeded")


async def chat_at(app: Starlette, user: CurrentUser, site: str) -> ChatSession:
    runtime: AgentRuntime = app.state.agent
    return await runtime.chats.open(actor=user, user_id=user.id, fresh=True, position=SITES[site])


async def say(session: ChatSession, text: str) -> list[dict[str, Any]]:
    events = [event async for event in session.turn(text)]
    assert events[-1]["type"] == "done", (text, events[-1])
    return events


async def deficiencies(stores: Stores) -> list[dict[str, Any]]:
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT d.id, d.severity, d.job_id, d.reported_by, d.description, e.model FROM deficiencies d"
            " LEFT JOIN equipment e ON e.id = d.equipment_id ORDER BY d.id")
        return list(await cur.fetchall())


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("site", "turns", "model", "severity"), PHRASINGS, ids=[p[1][0][:60] for p in PHRASINGS])
async def test_a_phrasing_is_read_back_right_and_saved_as_read(
    shared: Shared, on_the_demo_day: None, site: str, turns: list[str], model: str | None, severity: str,
) -> None:
    app, technician, demo_jobs = shared.app, shared.technician, shared.demo_jobs
    stores: Stores = app.state.stores
    before = await deficiencies(stores)
    session = await chat_at(app, technician, site)
    for text in turns:
        events = await say(session, text)
    drafts = [e for e in events if e["type"] == "draft"]
    assert drafts, (turns, events[-1]["text"])
    fields = drafts[-1]["fields"]
    assert (fields["equipment"] or {}).get("model") == model, events[-1]["text"]
    assert fields["severity"] == severity and fields["job_id"] == demo_jobs[site], events[-1]["text"]
    assert await deficiencies(stores) == before  # nothing stored before the yes
    saved = [e for e in await say(session, "yes") if e["type"] == "saved"]
    assert len(saved) == 1 and saved[0]["kind"] == "deficiency"
    after = await deficiencies(stores)
    assert after[:-1] == before and after[-1]["id"] == saved[0]["id"]
    record = after[-1]
    assert (record["model"], record["severity"], record["job_id"], record["reported_by"]) == \
        (model, severity, demo_jobs[site], technician.id)
    assert record["description"] == fields["description"]


async def test_there_are_at_least_thirty_phrasings() -> None:
    assert len(PHRASINGS) >= 30


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("turns", [
    ["yes"],
    ["save it"],
    ["Log a deficiency"],
    ["Log a deficiency: the B500 is missing its tag", "no", "cancel", "yes"],
    ["Log a deficiency: the B500 is missing its tag", "never mind", "yes"],
    ["Log a deficiency: the extinguisher is leaking", "yes"],
    ["fire pump packing dripping write it up as minor", "nah scratch that", "yep go ahead"],
    ["ugh long day already", "yep go ahead"],
    ["log a deficiency: the extinguisher by the loading dock is discharged", "yes"],
    ["when did we last see them", "yes"],
], ids=["yes alone", "save it alone", "no description", "no then cancel", "never mind",
        "which unit unanswered", "scratched then yep", "remark then yep",
        "a place no unit is at", "history then yes"])  # a question meanwhile keeps the draft: test_saved_and_waiting
async def test_anything_but_a_yes_to_a_complete_read_back_saves_nothing(
    shared: Shared, on_the_demo_day: None, turns: list[str]
) -> None:
    app, technician = shared.app, shared.technician
    stores: Stores = app.state.stores
    before = await deficiencies(stores)
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT id, status FROM jobs ORDER BY id")
        statuses = await cur.fetchall()
    session = await chat_at(app, technician, WEWORK)
    for text in turns:
        events = [event async for event in session.turn(text)]
        assert not [e for e in events if e["type"] == "saved"], (text, events[-1])
    assert await deficiencies(stores) == before
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT id, status FROM jobs ORDER BY id")
        assert await cur.fetchall() == statuses


@pytest.mark.parametrize(("site", "said", "job"), [
    (None, "heading to my ten o'clock now", FERRY),
    (WEWORK, "leaving wework now rolling to my ten oclock", FERRY),
    (None, "on my way to the 1:30", ABC),
    (FERRY, "wrapping up here", FERRY),
], ids=["the ten o'clock", "leaving one for the next", "the 1:30", "wrapping up here"])
async def test_a_status_said_indirectly_changes_the_job_meant_after_the_read_back(
    app: Starlette, technician: CurrentUser, demo_jobs: dict[str, int], on_demo_day: None,
    site: str | None, said: str, job: str,
) -> None:
    """The job a technician names by its start time, or is heading to, is the one that changes; nothing before yes."""
    stores: Stores = app.state.stores

    async def statuses() -> dict[int, str]:
        async with stores.db.connection() as conn:
            cur = await conn.execute("SELECT id, status FROM jobs ORDER BY id")
            return {row["id"]: row["status"] for row in await cur.fetchall()}

    before = await statuses()
    runtime: AgentRuntime = app.state.agent
    session = await runtime.chats.open(actor=technician, user_id=technician.id, fresh=True,
                                       position=SITES[site] if site else None)
    events = await say(session, said)
    draft = [e for e in events if e["type"] == "draft"]
    assert draft and draft[-1]["fields"]["job_id"] == demo_jobs[job], events[-1]["text"]
    assert await statuses() == before
    await say(session, "yes")
    after = await statuses()
    wanted = "completed" if "wrapping" in said else "en_route"
    assert after == {**before, demo_jobs[job]: wanted}


async def test_a_status_read_back_takes_the_job_said_instead(
    app: Starlette, technician: CurrentUser, demo_jobs: dict[str, int], on_demo_day: None,
) -> None:
    """A status change aimed at the wrong job is corrected by naming the right one; only that job changes."""
    runtime: AgentRuntime = app.state.agent
    session = await runtime.chats.open(actor=technician, user_id=technician.id, fresh=True)
    first = [e for e in await say(session, "set the ferry building job to en route") if e["type"] == "draft"]
    assert first and first[-1]["fields"]["job_id"] == demo_jobs[FERRY]
    corrected = [e for e in await say(session, "no wrong job i meant wework") if e["type"] == "draft"]
    assert corrected and corrected[-1]["fields"]["job_id"] == demo_jobs[WEWORK]
    await say(session, "yes")
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT id, status FROM jobs WHERE id = ANY(%s)",
                                 ([demo_jobs[WEWORK], demo_jobs[FERRY]],))
        assert {row["id"]: row["status"] for row in await cur.fetchall()} == \
            {demo_jobs[WEWORK]: "en_route", demo_jobs[FERRY]: "scheduled"}


async def test_a_status_read_back_declined_after_openers_leaves_its_site_the_one_discussed(
    app: Starlette, technician: CurrentUser, demo_jobs: dict[str, int], on_demo_day: None,
) -> None:
    """"hmm actually no, leave it" declines the read-back (the answer after its openers), and the job read back is
    the one discussed: "the rule at that building" is its site's, not the site the technician stands at."""
    session = await chat_at(app, technician, WEWORK)
    first = [e for e in await say(session, "the ferry building wants to push, cancel that job") if e["type"] == "draft"]
    assert first and first[-1]["fields"]["job_id"] == demo_jobs[FERRY]
    declined = await say(session, "hmm actually no, leave it, I'll call them back first")
    assert not [e for e in declined if e["type"] in ("tool_call", "draft") and e.get("name") != "confirm_draft"], \
        declined
    rule = (await say(session, "what's the rule at that building"))[-1]["text"]
    assert "penetrations" in rule and "Main St" not in rule, rule
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT status FROM jobs WHERE id = %s", (demo_jobs[FERRY],))
        assert (await cur.fetchone())["status"] == "scheduled"


async def test_the_same_problem_on_another_unit_and_one_more_are_each_read_back_then_saved(
    app: Starlette, technician: CurrentUser, demo_jobs: dict[str, int], on_demo_day: None,
) -> None:
    """After a write-up, "same thing for the corridor one" drafts the same description and severity on the
    extinguisher in the corridor, and "one more, ..." a write-up of its own; each is stored only on its yes."""
    stores: Stores = app.state.stores
    session = await chat_at(app, technician, WEWORK)
    await say(session, "log a deficiency: the kitchen extinguisher gauge is in the red, minor")
    await say(session, "yes")
    first = (await deficiencies(stores))[-1]
    for said, model in (("same thing for the corridor one", "B500"),
                        ("one more, the roof top unit has a cracked belt", "50TCQA06")):
        before = await deficiencies(stores)
        drafts = [e for e in await say(session, said) if e["type"] == "draft"]
        assert drafts and (drafts[-1]["fields"]["equipment"] or {}).get("model") == model, (said, drafts)
        assert await deficiencies(stores) == before
        assert [e for e in await say(session, "yes") if e["type"] == "saved"]
    same, belt = (await deficiencies(stores))[-2:]
    assert (same["model"], same["severity"], same["description"]) == ("B500", "suggested", first["description"])
    assert (belt["model"], belt["severity"], belt["job_id"]) == ("50TCQA06", "deficient", demo_jobs[WEWORK])
    assert "belt" in belt["description"]


async def test_that_unit_after_a_declined_write_up_is_the_one_written_up(
    app: Starlette, technician: CurrentUser, on_demo_day: None,
) -> None:
    """Declined, the write-up's unit is still the one discussed: "that backflow" is the Watts in the riser room,
    not a question between the site's two backflows; nothing is stored."""
    stores: Stores = app.state.stores
    before = await deficiencies(stores)
    session = await chat_at(app, technician, WEWORK)
    await say(session, "Log a deficiency on the Watts backflow in the riser room: the relief valve is dripping. "
                       "Low priority.")
    await say(session, "No, forget it, I'll deal with it myself.")
    events = await say(session, "What flow is that backflow rated for?")
    reply = events[-1]["text"]
    assert "957" in reply and "500" in reply and "3000SS" not in reply, reply
    assert await deficiencies(stores) == before
