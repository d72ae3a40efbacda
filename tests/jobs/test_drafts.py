"""Writes read back before they are saved: technicians' words for severity and status, what a draft holds, and
that saving one stores exactly that (and nothing while a question is open)."""

from __future__ import annotations

import pytest

from clara.crm import service as crm
from clara.crm.models import SiteMatch
from clara.web.caller import CurrentUser
from clara.web.errors import ApiError
from clara.jobs import drafts
from clara.jobs.resolution import Focus
from clara.stores import Stores

WEWORK = (37.79155, -122.39418)


@pytest.mark.parametrize(("words", "severity"), [
    ("out of service", "inoperable"), ("critical", "inoperable"), ("high", "inoperable"), ("impaired", "inoperable"),
    ("High severity", "inoperable"), ("won't start", "inoperable"), ("inoperable", "inoperable"),
    ("needs repair", "deficient"), ("medium", "deficient"), ("moderate", "deficient"), ("deficient", "deficient"),
    ("minor", "suggested"), ("recommend replacing", "suggested"), ("low", "suggested"), ("not critical", "suggested"),
    ("cosmetic", "suggested"), ("suggested", "suggested"), ("purple", None), ("", None),
])
def test_severity_words_map_to_the_contracts_terms(words: str, severity: str | None) -> None:
    assert drafts.severity_of(words) == severity


@pytest.mark.parametrize(("words", "status"), [
    ("on my way", "en_route"), ("en route", "en_route"), ("heading over", "en_route"), ("I'm on site", "in_progress"),
    ("arrived", "in_progress"), ("starting", "in_progress"), ("in_progress", "in_progress"), ("done", "completed"),
    ("finished", "completed"), ("wrapping up", "completed"), ("cancel it", "cancelled"), ("lunch", None),
])
def test_status_words_map_to_the_jobs_statuses(words: str, status: str | None) -> None:
    assert drafts.status_of(words) == status


async def test_a_deficiency_draft_holds_what_will_be_stored_and_saving_stores_just_that(
    stores: Stores, technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    focus = Focus(position=WEWORK)
    draft = await drafts.draft_deficiency(stores, actor=technician, focus=focus, description=" gauge in the red ",
                                          severity="high", equipment="the extinguisher")
    assert draft.unit is None and [c.model for c in draft.choices] == ["B500", "B260"]
    assert drafts.question(draft) == ("which unit: the Amerex B500 in the Corridor or the Amerex B260 in the "
                                      "Kitchen")
    with pytest.raises(ApiError) as open_question:
        await drafts.save(stores, actor=technician, draft=draft)
    assert open_question.value.field == "equipment"
    answered = await drafts.edit_deficiency(stores, focus=focus, draft=draft, location="kitchen")
    assert answered.unit is not None and answered.unit.model == "B260" and answered.id != draft.id
    assert answered.fields() == {
        "job_id": demo_jobs["WeWork 123 Main St"], "site_id": answered.site_id, "site": "WeWork 123 Main St",
        "equipment": {"id": answered.unit.id, "type": "fire extinguisher", "manufacturer": "Amerex", "model": "B260",
                      "location": "Kitchen"},
        "severity": "inoperable", "description": "Gauge in the red", "location": "Kitchen"}
    assert drafts.from_json(drafts.as_json(answered)) == answered
    saved_id = await drafts.save(stores, actor=technician, draft=answered)
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT job_id, equipment_id, severity, description, location, reported_by"
                                 " FROM deficiencies WHERE id = %s", (saved_id,))
        assert await cur.fetchone() == {"job_id": demo_jobs["WeWork 123 Main St"], "equipment_id": answered.unit.id,
                                        "severity": "inoperable", "description": "Gauge in the red",
                                        "location": "Kitchen", "reported_by": technician.id}


async def test_saying_where_the_unit_really_is_moves_the_draft_to_that_unit(
    stores: Stores, technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    """'The extinguisher in the kitchen ...', then 'not the kitchen one, the one in the corridor': the corridor's
    extinguisher is what gets stored, not the kitchen's with its location rewritten."""
    focus = Focus(position=WEWORK)
    draft = await drafts.draft_deficiency(stores, actor=technician, focus=focus, description="tamper seal broken",
                                          equipment="the extinguisher", location="kitchen")
    assert draft.unit is not None and draft.unit.model == "B260"
    moved = await drafts.edit_deficiency(stores, focus=focus, draft=draft, location="the corridor")
    assert moved.unit is not None and (moved.unit.model, moved.unit.location) == ("B500", "Corridor")
    # no extinguisher stands there: written beside the kitchen's, the landing filed it against a unit in another
    # room; the draft stays as it was and the refusal says which unit it is still on
    with pytest.raises(ApiError) as nowhere:
        await drafts.edit_deficiency(stores, focus=focus, draft=draft, location="north stairwell landing")
    assert nowhere.value.status == 404 and nowhere.value.field == "location"
    assert "still on the Amerex B260 in the Kitchen" in nowhere.value.message


async def test_a_write_up_at_a_site_named_off_the_day_is_that_sites(stores: Stores, technician: CurrentUser) -> None:
    """Named, a site none of today's jobs is at was a 404 ("you have no job at Chase Center Arena today"), though a
    write-up there standing at it is that site's, on no job."""
    draft = await drafts.draft_deficiency(stores, actor=technician, focus=Focus(position=WEWORK),
                                          description="exit sign dark", job="Chase Center Arena",
                                          location="chase center arena")
    assert (draft.job_id, draft.site, draft.location) == (None, "Chase Center Arena", None), draft
    with pytest.raises(ApiError) as unknown:
        await drafts.draft_deficiency(stores, actor=technician, focus=Focus(position=WEWORK), description="leak",
                                      job="Blorvax Plaza")
    assert unknown.value.status == 404 and "Blorvax" in unknown.value.message


async def test_a_place_said_that_names_a_site_files_the_write_up_there_for_every_caller(
    stores: Stores, technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    """Whoever fills the arguments (Gemini, the keyless rules, MCP), a write-up whose place is another site ("the
    condenser at the ferry building") is that site's job, not a room called so at the job the technician is on; a
    site none of today's jobs is at is that site's, on no job; a room stays a room."""
    at_wework = Focus(position=WEWORK)
    draft = await drafts.draft_deficiency(stores, actor=technician, focus=at_wework, description="fan seized",
                                          equipment="the rooftop unit", location="the Ferry Building")
    assert (draft.job_id, draft.site, draft.location) == (demo_jobs["Ferry Building"], "Ferry Building", None)
    assert draft.unit is not None and draft.unit.location == "Roof", draft
    away = await drafts.draft_deficiency(stores, actor=technician, focus=at_wework, description="exit sign dark",
                                         location="over at ucsf mission bay")
    assert (away.job_id, away.site, away.location) == (None, "UCSF Mission Bay", None), away
    own = await drafts.draft_deficiency(stores, actor=technician, focus=at_wework, description="cap missing",
                                        location="wework")
    assert (own.job_id, own.location) == (demo_jobs["WeWork 123 Main St"], None), own
    for room in ("kitchen", "the library", "main building", "level 2 corridor"):
        stays = await drafts.draft_deficiency(stores, actor=technician, focus=at_wework, description="cap missing",
                                              location=room)
        assert (stays.job_id, stays.site) == (demo_jobs["WeWork 123 Main St"], "WeWork 123 Main St"), room


async def test_a_place_two_sites_share_is_asked_about_never_picked(stores: Stores, technician: CurrentUser) -> None:
    """"at kaiser" names both of Kaiser's hospitals and neither is on today's schedule: Clara asks which, rather
    than filing the write-up at the first found, or at the job at hand in a room called "kaiser"."""
    with pytest.raises(ApiError) as which:
        await drafts.draft_deficiency(stores, actor=technician, focus=Focus(position=WEWORK), description="leak",
                                      location="kaiser")
    assert which.value.code == "ambiguous_location", which.value
    assert "Kaiser Oakland Medical Center" in which.value.message and "Kaiser San Francisco" in which.value.message


async def test_a_site_named_off_the_day_is_looked_up_once(stores: Stores, technician: CurrentUser,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The job reference that finds no job today already matched the site: it is not looked up a second time."""
    looked_up: list[str] = []
    locate = crm.locate

    async def counted(stores: Stores, *, location: str, field: str = "location") -> list[SiteMatch]:
        looked_up.append(location)
        return await locate(stores, location=location, field=field)

    monkeypatch.setattr(crm, "locate", counted)
    draft = await drafts.draft_deficiency(stores, actor=technician, focus=Focus(position=WEWORK),
                                          description="exit sign dark", job="ucsf mission bay")
    assert (draft.job_id, draft.site) == (None, "UCSF Mission Bay") and len(looked_up) == 1, looked_up


async def test_a_fault_added_to_a_draft_keeps_what_it_said(stores: Stores, technician: CurrentUser) -> None:
    draft = await drafts.draft_deficiency(stores, actor=technician, focus=Focus(position=WEWORK),
                                          description="hose cracked", equipment="the extinguisher", location="kitchen")
    added = await drafts.edit_deficiency(stores, focus=Focus(position=WEWORK), draft=draft,
                                         added="The gauge reads low")
    assert added.description == "Hose cracked; the gauge reads low" and added.unit == draft.unit


@pytest.mark.parametrize(("said", "stored"), [
    ("the gauge here reads zero", "The gauge reads zero"),
    ("valve over here is weeping at the bonnet", "Valve is weeping at the bonnet"),
    ("seal broken right here, and the hose is cracked", "Seal broken, and the hose is cracked"),
    ("there is no tag on it", "There is no tag on it"),
    ("where the hose meets the horn it is split", "Where the hose meets the horn it is split"),
])
async def test_here_said_on_site_stays_out_of_the_record(stores: Stores, technician: CurrentUser, said: str,
                                                         stored: str) -> None:
    """Read later at the office, "the gauge here" points nowhere: the record's site already says where."""
    draft = await drafts.draft_deficiency(stores, actor=technician, focus=Focus(position=WEWORK), description=said)
    assert draft.description == stored


@pytest.mark.parametrize(("arguments", "field"), [
    ({"description": "   "}, "description"), ({"description": "x" * 2001}, "description"),
    ({"description": "leak", "severity": "purple"}, "severity"), ({"description": "leak", "location": "x" * 201},
                                                                    "location"),
])
async def test_a_draft_that_could_not_be_stored_is_refused_at_once(stores: Stores, technician: CurrentUser,
                                                                   arguments: dict[str, str], field: str) -> None:
    with pytest.raises(ApiError) as refused:
        await drafts.draft_deficiency(stores, actor=technician, focus=Focus(position=WEWORK), **arguments)
    assert refused.value.status == 400 and refused.value.field == field


async def test_a_status_draft_checks_the_transition_before_the_yes(stores: Stores, technician: CurrentUser,
                                                                   demo_jobs: dict[str, int]) -> None:
    focus = Focus(position=WEWORK)
    draft = await drafts.draft_status(stores, actor=technician, focus=focus, status="on site")
    assert (draft.job_id, draft.status, draft.previous) == (demo_jobs["WeWork 123 Main St"], "in_progress",
                                                           "scheduled")
    assert await drafts.save(stores, actor=technician, draft=draft) == draft.job_id
    for said, code in [("on site", "conflict"), ("on my way", "invalid_transition")]:
        with pytest.raises(ApiError) as refused:
            await drafts.draft_status(stores, actor=technician, focus=focus, status=said)
        assert refused.value.status == 409 and refused.value.code == code
    with pytest.raises(ApiError) as unknown:
        await drafts.draft_status(stores, actor=technician, focus=focus, status="lunch break")
    assert unknown.value.field == "status"


async def test_a_status_draft_reads_back_the_step_back_the_service_would_take(
        stores: Stores, technician: CurrentUser, demo_jobs: dict[str, int]) -> None:
    """"Put it back to in progress" right after a completion the technician saved is their own correction, which
    the jobs service takes (`transitions.takes_back`): the draft reads it back and the yes stores it. A step back to
    anywhere else is refused before the yes, saying who can make it."""
    focus = Focus(position=WEWORK)
    for said in ("on site", "done"):
        await drafts.save(stores, actor=technician, draft=await drafts.draft_status(
            stores, actor=technician, focus=focus, status=said))
    with pytest.raises(ApiError) as refused:
        await drafts.draft_status(stores, actor=technician, focus=focus, status="on my way")
    assert refused.value.code == "invalid_transition" and "only the technician who changed it" in \
        refused.value.message
    back = await drafts.draft_status(stores, actor=technician, focus=focus, status="in progress")
    assert (back.job_id, back.status, back.previous) == (demo_jobs["WeWork 123 Main St"], "in_progress", "completed")
    assert await drafts.save(stores, actor=technician, draft=back) == back.job_id
