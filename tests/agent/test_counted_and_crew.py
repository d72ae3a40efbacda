"""Session 16's new conversation capabilities, keyless, through real chat turns (the kinds of situation the newest
blind authors describe, tested in words of our own):

- the day counted and compared: how many jobs are left after one is done, the longest (ties said as ties), the
  closest from where the technician stands;
- another technician's day read by a dispatcher (after lunch, the contact at "her three o'clock"), and refused to a
  technician asking about a colleague;
- Spanish mid-sentence: a severity said in Spanish, "sí, guárdalo" saving;
- "say that again": a phone number repeated slowly from the last reply, no tool called (and, as the first thing said,
  that nothing was said yet);
- a figure asked in the other units for one answer, the preference left as it was;
- a write-up where the technician stands at a site on none of their jobs: drafted and saved against that site's unit,
  never against the job they are due at elsewhere; a unit the site lacks said so, with what it has.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from clara.agent.heard import heard
from clara.users import service as users
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say
from tests.conftest import user_by_email

WEWORK = (37.79155, -122.39418)
FERRY_BUILDING = (37.79550, -122.39370)
SALESFORCE_TOWER = (37.78970, -122.39690)
OAKLAND_ARENA = (37.75030, -122.20300)  # nearest of Maria's sites: ABC, her last job


async def deficiencies_at(app: Starlette, site: str) -> list[dict[str, Any]]:
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT d.severity, d.job_id, e.model FROM deficiencies d JOIN sites s ON s.id = d.site_id"
            " LEFT JOIN equipment e ON e.id = d.equipment_id WHERE s.name = %s AND d.reported_by IS NOT NULL",
            (site,))
        return [dict(row) for row in await cur.fetchall()]


async def test_the_jobs_left_after_one_is_completed(app: Starlette, technician: CurrentUser,
                                                    on_demo_day: None) -> None:
    session = await chat(app, technician, WEWORK)
    for said in ("I'm here, start this one", "yes", "all done here, mark it complete", "yes"):
        await say(session, said)
    reply, events = await say(session, "so how many have I got left now")
    assert called(events) == ["my_jobs_today"]
    assert "2 jobs left" in reply and "Ferry Building" in reply and "ABC" in reply, reply
    assert "WeWork" not in reply, reply
    reply, events = await say(session, "is anything high priority")  # it was the WeWork inspection, now done
    assert called(events) == ["my_jobs_today"] and "None of your open jobs" in reply, reply


@pytest.mark.parametrize("said", ["is anything high priority", "any urgent jobs today", "which one is the emergency"])
async def test_the_jobs_flagged_urgent(app: Starlette, technician: CurrentUser, on_demo_day: None, said: str) -> None:
    """It said "I don't know" and searched the documents for "is anything high priority"."""
    reply, events = await say(await chat(app, technician), said)
    assert called(events) == ["my_jobs_today"], events
    assert reply.startswith("1 of your open jobs") and "high-priority inspection at WeWork" in reply, reply
    assert "Ferry" not in reply, reply


async def test_the_longest_job_and_a_tie(app: Starlette, technician: CurrentUser, other_technician: CurrentUser,
                                         on_demo_day: None) -> None:
    reply, _ = await say(await chat(app, technician), "which of my jobs today runs the longest")
    assert "WeWork" in reply and "2 hours" in reply and "Ferry" not in reply, reply
    reply, _ = await say(await chat(app, other_technician), "which one's the longest")  # James: 90 minutes each
    assert "all the same length" in reply and "an hour and a half" in reply, reply


async def test_the_closest_and_farthest_from_where_they_stand(app: Starlette, technician: CurrentUser,
                                                              on_demo_day: None) -> None:
    session = await chat(app, technician, OAKLAND_ARENA)
    reply, _ = await say(session, "which of today's sites is closest to where I am right now")
    assert reply.startswith("The closest of your jobs is ABC Manufacturing"), reply
    session = await chat(app, technician, SALESFORCE_TOWER)
    reply, _ = await say(session, "and which one is the farthest")
    assert reply.startswith("The farthest of your jobs is ABC Manufacturing"), reply


async def test_a_dispatcher_reads_a_technicians_afternoon_and_a_contact_there(
        app: Starlette, dispatcher: CurrentUser, on_demo_day: None) -> None:
    session = await chat(app, dispatcher)
    reply, events = await say(session, "what does Priya have after lunch")
    assert called(events) == ["crew_day"]
    assert "SFPL Main Library" in reply and "Westlake" in reply and "Chase" not in reply, reply
    reply, _ = await say(session, "who's the contact at her three o'clock")
    assert "Pat Wong" in reply, reply
    reply, _ = await say(session, "where's James at right now")
    assert "hasn't started" in reply and "Rossmoor Commons" in reply, reply


async def test_a_technician_may_not_read_a_colleagues_day(app: Starlette, technician: CurrentUser,
                                                          on_demo_day: None) -> None:
    reply, events = await say(await chat(app, technician), "what's James got on today")
    assert called(events) == ["crew_day"]
    assert "only see your own schedule" in reply and "Rossmoor" not in reply, reply


async def test_a_lead_on_a_technicians_tablet_reads_that_technicians_day(app: Starlette, on_demo_day: None) -> None:
    devon = await user_by_email(app, "devon.wright@clara.dev")
    session = await chat(app, devon)
    reply, _ = await say(session, "this is Devon's lead, I'm on his tablet. what's he got today")
    assert all(site in reply for site in ("Oakland Arena", "Westlake", "Kaiser")), reply
    reply, _ = await say(session, "when's he done for the day")
    assert "Kaiser" in reply and "5:00 PM" in reply, reply


@pytest.mark.parametrize(("said", "english"), [
    ("sí, guárdalo", "yes, save it"),
    ("no, no lo guardes", "no, don't save it"),
    ("the corridor one is missing its pin, es grave", "the corridor one is missing its pin, critical"),
    ("y el de la cocina tiene la etiqueta rota, leve", "and the kitchen one has a broken tag, minor"),
    ("cuántos trabajos me quedan hoy", "how many jobs do I have left today"),
    ("what's the max fuse on the 4100ES", "what's the max fuse on the 4100ES"),  # no Spanish: untouched
    # who to call, and their number, asked in Spanish: the contact tool's words
    ("y quién es el contacto aquí, el safety guy", "and who is the contact here, the safety guy"),
    ("y su teléfono?", "and their number?"),
    ("quién es el encargado allí", "who is the contact there"),
])
def test_spanish_said_mid_sentence_is_read_in_english(said: str, english: str) -> None:
    assert heard(said) == english


async def test_a_severity_said_in_spanish_and_a_spanish_yes_save_it(app: Starlette, technician: CurrentUser,
                                                                    on_demo_day: None) -> None:
    session = await chat(app, technician, WEWORK)
    _, events = await say(session, "the extinguisher in the corridor is missing its pin, es grave")
    draft = next(e for e in events if e["type"] == "draft")
    assert draft["fields"]["equipment"]["model"] == "B500" and draft["fields"]["severity"] == "inoperable"
    _, events = await say(session, "sí, guárdalo")
    assert [e["kind"] for e in events if e["type"] == "saved"] == ["deficiency"]
    assert await deficiencies_at(app, "WeWork 123 Main St") == [{"severity": "inoperable", "job_id": 1,
                                                                 "model": "B500"}]


async def test_a_phone_number_said_again_slowly_from_the_last_reply(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    await say(session, "who's the contact at the Ferry Building")
    reply, events = await say(session, "say the number again, slower")
    assert called(events) == []
    assert reply == "(415) 555-5595. That's 4 1 5, 5 5 5, 5 5 9 5."
    reply, events = await say(session, "sorry say that again")
    assert called(events) == [] and reply.startswith("(415) 555-5595"), reply


async def test_say_that_again_before_anything_was_said(app: Starlette, technician: CurrentUser) -> None:
    """Nothing to repeat yet: not a search of the documents for "say that again"."""
    session = await chat(app, technician)
    reply, events = await say(session, "say that again")
    assert called(events) == [] and reply == "I haven't said anything yet. What do you need?", reply


async def test_a_figure_in_kilos_leaves_the_preference_imperial(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, _ = await say(session, "how much does a 48TCDA12 weigh in kilos")
    assert "440 kg" in reply, reply
    reply, _ = await say(session, "and the refrigerant charge")
    assert "20 lb" in reply, reply
    preferences = await users.get_preferences(app.state.stores, actor=technician, user_id=technician.id)
    assert preferences.units == "imperial"


async def test_a_write_up_at_a_site_off_the_day_is_that_sites(app: Starlette, technician: CurrentUser,
                                                             on_demo_day: None) -> None:
    session = await chat(app, technician, SALESFORCE_TOWER)  # on nobody's schedule today; WeWork is next
    reply, events = await say(session, "write it up: the jockey pump here is short cycling, needs repair")
    draft = next(e for e in events if e["type"] == "draft")
    assert draft["fields"]["site"] == "Salesforce Tower" and draft["fields"]["job_id"] is None, reply
    assert draft["fields"]["equipment"]["model"] == "CR3-19", reply
    await say(session, "yes")
    assert await deficiencies_at(app, "Salesforce Tower") == [{"severity": "deficient", "job_id": None,
                                                               "model": "CR3-19"}]
    assert await deficiencies_at(app, "WeWork 123 Main St") == []


async def test_a_unit_the_site_lacks_is_said_with_what_it_has(app: Starlette, technician: CurrentUser,
                                                             on_demo_day: None) -> None:
    session = await chat(app, technician, FERRY_BUILDING)
    reply, events = await say(session, "write up the dry pipe valve here, it keeps tripping, high")
    assert reply.startswith("There's no dry pipe valve on file at Ferry Building; it has the"), reply
    assert "NFS2-3030" in reply and "R-102" in reply, reply
    draft = next(e for e in events if e["type"] == "draft")
    assert draft["fields"]["equipment"] is None


ROSSMOOR = (37.87340, -122.07550)  # James's site with two rooftop units of different ages


async def test_a_figure_of_the_older_or_newer_unit_is_that_units(app: Starlette, on_demo_day: None) -> None:
    """After "which one's older", a figure asked of "the old one", then "and on the newer one", is each unit's own
    (the newer one is another model); and a unit named by its kind and its age after others ("back to that backflow
    from before, the older one") is the older of the site's units of that kind, not the one discussed last."""
    james = await user_by_email(app, "james.chen@clara.dev")
    session = await chat(app, james, ROSSMOOR)
    reply, _ = await say(session, "two RTUs up here, which one's older")
    assert "48TCDA12" in reply, reply
    reply, _ = await say(session, "max breaker on the old one")
    assert "60 A" in reply, reply
    reply, events = await say(session, "and on the newer one")
    assert "equipment_spec" in called(events) and "40 A" in reply and "50TCQA06" in reply, reply
    maria = await user_by_email(app, "maria.lopez@clara.dev")
    session = await chat(app, maria, WEWORK)
    reply, _ = await say(session, "theres two backflows here right, which one is older")
    assert "3000SS-4" in reply, reply
    reply, _ = await say(session, "whats the pressure loss on the one in the riser room")
    assert "957-4" in reply, reply
    reply, _ = await say(session, "ok back to that backflow from before, the older one. whats the pressure loss")
    assert "3000SS-4" in reply and "4.5" in reply, reply
