"""Where a write-up is filed: the job it belongs to, or a site on no job of the technician's today.

Every caller drafting a deficiency (the agent's tool whichever LLM chose its arguments, the keyless rules, MCP) gets
the same answer: a job named is that job, else the site the name matches when no job today is there; with no job
named, a place said as where the fault is ("the rooftop unit at the Ferry Building") is that site when it names one
site by its own or its customer's name and is no room at the site at hand; else where the technician stands when
none of today's jobs is there; else the job they are on. A name is looked up once, and a name two sites share
equally is asked about (`resolution.one_of`), never filed at one of them silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clara.crm import service as crm
from clara.jobs import resolution
from clara.jobs import service as jobs
from clara.jobs.models import Job
from clara.jobs.place_kinds import PLACE_KINDS
from clara.jobs.resolution import Focus, Place
from clara.stores import Stores
from clara.web.caller import CurrentUser
from clara.web.errors import ApiError

# Words that say what kind of place, not which: "the building", "the library" and "the arena" are rooms or parts of
# the site at hand as often as another site, so a place said only in them never moves a write-up.
_GENERIC = frozenset(w for kind in PLACE_KINDS for w in kind.split()) | {
    "building", "center", "centre", "hall", "main", "site", "office", "room", "area", "floor", "level", "west",
    "east", "north", "south", "bay", "point"}
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")  # a word of a place said or of a site's name, lowercased: "abc", "mary's"
_FILLERS = {"the", "a", "an", "at", "over", "out", "in", "on", "of", "to", "this", "that", "job", "site", "here",
            "there", "'s", "s"}


@dataclass(frozen=True)
class Filing:
    """The job (None: a site on no job of the day) and site a write-up goes to, and where at the site it was said
    to be (None when the place said was the site itself)."""

    job: Job | None
    site: Place
    location: str | None


async def filing(stores: Stores, *, actor: CurrentUser, focus: Focus, job: str | None,
                 location: str | None) -> Filing:
    """Where a write-up goes (see the module's docstring)."""
    if job:
        found = await job_or_site(stores, actor=actor, focus=focus, reference=job)
        return _filed(found, location)
    at_hand: Job | Place | None = None
    unresolved: ApiError | None = None
    try:
        at_hand = await _site_off_the_day(stores, actor=actor, focus=focus) or \
            await resolution.resolve_job(stores, actor=actor, focus=focus, reference=None)
    except ApiError as missing:
        if missing.status != 404 or not location:
            raise
        unresolved = missing  # no job open: a site named still files it there
    named = await site_named(stores, actor=actor, focus=focus, words=location,
                             at_hand=None if at_hand is None else _site_of(at_hand)) if location else None
    if at_hand is not None and (named is None or named.site_id == _site_of(at_hand).site_id):
        return _filed(at_hand, None if named else location)  # the site at hand by its own name is no room of it
    if named is None:
        assert unresolved is not None
        raise unresolved
    day = await resolution.todays_jobs(stores, actor=actor)
    return _filed(next((j for j in day if j.site.id == named.site_id), named), None)


def _filed(found: Job | Place, location: str | None) -> Filing:
    if isinstance(found, Job):
        return Filing(found, resolution.job_place(found), location)
    return Filing(None, found, location)


def _site_of(found: Job | Place) -> Place:
    return resolution.job_place(found) if isinstance(found, Job) else found


async def job_or_site(stores: Stores, *, actor: CurrentUser, focus: Focus, reference: str) -> Job | Place:
    """The job a reference means; else the site, when it names one none of the day's jobs is at, or is "here" or
    "there" with no job open. The sites the failed job lookup matched decide: the name is not looked up again."""
    try:
        return await resolution.resolve_job(stores, actor=actor, focus=focus, reference=reference)
    except resolution.NoJobThere as away:
        if not away.sites:  # a write-up may be a site's off the day: it is a site that matched nothing
            raise ApiError(404, "not_found", f"no customer site matches {reference.strip()!r}", "site") from away
        return await resolution.one_of(stores, actor=actor, focus=focus, places=away.sites, reference=reference)
    except ApiError as missing:
        words = resolution.words_of(reference)
        if missing.status != 404 or not (resolution.HERE.match(words) or resolution.THERE.match(words)):
            raise
        return await resolution.resolve_site(stores, actor=actor, focus=focus, reference=reference)


async def site_named(stores: Stores, *, actor: CurrentUser, focus: Focus, words: str,
                     at_hand: Place | None) -> Place | None:
    """The site a place said names, or None when it is a place at the site at hand: every word of it in one site's
    or its customer's name, one of them more than a kind of place ("ferry building", "abc", not "the library"), and
    no unit at the site at hand standing in a place called so. Two sites it names equally: asked which."""
    said = [w for w in _WORD.findall(words.lower()) if w not in _FILLERS]
    if not said or all(w in _GENERIC for w in said):
        return None
    matches = await crm.locate(stores, location=" ".join(said))
    places = [resolution.place_of(m) for m in matches if set(said) <= _name_words(m.site_name, m.customer_name)]
    if not places:
        return None
    if at_hand is not None:
        if any(p.site_id == at_hand.site_id for p in places):
            return at_hand
        units = await jobs.site_equipment(stores, site_id=at_hand.site_id)
        if any(set(said) <= set(re.findall(r"[a-z0-9]+", (u.location or "").lower())) for u in units):
            return None
    return await resolution.one_of(stores, actor=actor, focus=focus, places=places, reference=words)


def _name_words(*names: str) -> set[str]:
    return {w for name in names for w in _WORD.findall(name.lower())}


async def _site_off_the_day(stores: Stores, *, actor: CurrentUser, focus: Focus) -> Place | None:
    """The site the technician stands at when none of their jobs today is there (a call-out, a site visited on the
    way); None when they stand at no site, or at one of today's, or the session is a job's own."""
    if focus.session_job_id is not None:
        return None
    standing = await resolution.standing_at(stores, focus=focus)
    if standing is None:
        return None
    today = await resolution.todays_jobs(stores, actor=actor)
    return None if any(job.site.id == standing.site_id for job in today) else standing
