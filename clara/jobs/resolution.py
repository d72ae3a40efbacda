"""What a technician means by "here", "there", "my next job", "the job after Chase Center", "that school" or "the
extinguisher".

One set of rules for every caller: the offline LLM passes the words it heard, Gemini passes what it chose (or
nothing), and both get the same job, site or unit back. A reference resolves against the technician's day (their
jobs today, which one they are on), where they stand (the app's last `location`), and what the conversation is about
(`Focus`); a site named by its kind ("that school", `clara.jobs.place_kinds`) is the one discussed, else today's,
else the only one. Anything that cannot be resolved raises an `ApiError` that says what to name instead; two or
three equally likely units come back as choices, so Clara can ask which one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from clara.auth.models import CurrentUser
from clara.crm import service as crm
from clara.crm.models import SiteMatch
from clara.web.errors import ApiError
from clara.jobs import service as jobs
from clara.jobs.days import DAY_WORDS, day_meant
from clara.jobs.models import Equipment, Job
from clara.jobs.place_kinds import PLACE_KINDS, kind_said
from clara.jobs.spoken import clock_heard
from clara.jobs.travel import Point, great_circle_km
from clara.knowledge.spoken_models import loose_key, model_mentions
from clara.stores import Stores
from clara.users import service as users

ON_SITE_KM = 0.3  # standing within this of a site is standing at it ("here")

_HERE = re.compile(r"^(?:here|this (?:site|building|place|location|job ?site|address)"
                   r"|where i(?:'m| am)(?: standing| at)?"
                   r"|my (?:current )?(?:location|site|position))$")
# The site discussed, or its customer as people ("when did we last see them")
_THERE = re.compile(r"^(?:there|that (?:site|building|place|location|address)|the (?:site|building|place|location)"
                    r"|it|that one|they|them|their|(?:this|that|the) customer)$")
_CURRENT = re.compile(r"^(?:(?:this|my|the current|current|my current) (?:job|work order|visit|call|appointment)|"
                      r"this|this one|the current one|current)$")
_DISCUSSED_JOB = re.compile(r"^(?:that|(?:that|the) (?:job|work order|visit|appointment|stop))$")
_KINDS = r"(?:job|site|stop|appointment|visit|call|customer|work order|one|place)"
_NEXT = re.compile(rf"^(?:my |the )?next(?: {_KINDS})?$")
_LAST = re.compile(rf"^(?:my |the )?(?:last|final)(?: {_KINDS})?(?: (?:of the day|today|for today))?$")
_FIRST = re.compile(rf"^(?:my |the )?first(?: {_KINDS})?(?: (?:of the day|today))?$")
_PREVIOUS = re.compile(rf"^(?:my |the )?previous(?: {_KINDS})?$")
_AFTER = re.compile(rf"^(?:(?:my |the )?(?:{_KINDS} )?)?(?P<side>after|before) (?:the |my )?"
                    rf"(?P<what>.+?)(?: job| one)?$")
_ORDINAL_ON_A_DAY = re.compile(rf"^(?:my |the )?(?:first|last|final|next)(?: {_KINDS})? "
                               rf"(?:on |for )?{DAY_WORDS.pattern}$|"
                               rf"^{DAY_WORDS.pattern}'?s (?:first|last|final)(?: {_KINDS})?$")
_JOB_NUMBER = re.compile(r"^(?:job|work order)?\s*(?:number|#|no\.?)?\s*(?P<id>\d{1,12})$")
_FILLER = re.compile(r"^(?:the|my|a|an)\s+|\s+(?:job|site|today)$")
_IT = re.compile(r"^(?:it|that|this|that unit|this unit|the unit|that one|this one|that model|this model|"
                 r"that equipment|this equipment|the same (?:one|unit))$")

# Words technicians use for a kind of equipment, and the equipment types (as stored) each can mean.
_TYPE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"fire pump", ("fire pump",)),
    (r"jockey(?: pump)?", ("jockey pump",)),
    (r"pumps?", ("fire pump", "jockey pump")),
    (r"extinguishers?|(?:class )?k[- ]?(?:cans?|bottles?)", ("fire extinguisher",)),  # "the K can" in the kitchen
    (r"(?:fire )?alarm panel|facp|panel", ("fire alarm panel",)),
    (r"roof ?top(?: unit)?|roof unit|rtu|air handler|hvac unit|ac unit|package unit", ("rooftop unit",)),
    # "the double check" is a backflow assembly; "double check the pressure" is a verb
    (r"backflow(?: preventer)?|bfp|rpz"
     r"|double[- ]check(?! (?:the|that|it|this|if|whether|with|for|on|my|your|their)\b)|dcva",
     ("backflow preventer",)),
    (r"dry[- ]pipe(?: valve)?|dpv", ("dry pipe valve",)),
    (r"alarm (?:check )?valve|check valve", ("alarm check valve",)),
    (r"valve", ("dry pipe valve", "alarm check valve")),
    (r"(?:kitchen )?hood|kitchen suppression|wet chemical|ansul system", ("kitchen suppression",)),
    (r"clean agent|fm-?200|novec", ("clean agent system",)),
)
# Any kind of equipment named in a sentence ("the fire pump", "the RTU"): the group is the words that named it.
UNIT_KINDS = re.compile(r"\b(" + "|".join(pattern for pattern, _ in _TYPE_WORDS) + r")\b", re.IGNORECASE)
_ROOM = re.compile(r"\b(?:room|closet|vault|area|floor|level|hall|corridor|house|shed|yard)\b")  # "the pump room"
_STOP = {"the", "a", "an", "my", "this", "that", "unit", "one", "in", "at", "on", "by", "near", "of", "s", "it",
         "here", "there", "out", "up", "down", "over"}
# "the other one", "another extinguisher", "a different backflow": a unit of the kind discussed, not the one discussed.
_OTHER = re.compile(r"^(?:the |that |a )?(?:other|another|different)\b(?P<rest>.*)$")
# Words that name no kind of unit: "the unit on the roof", "the one in the street vault", "the thing in the riser
# room" say which unit only by where it is.
_GENERIC = {"unit", "units", "one", "thing", "equipment", "system", "machine", "device", "box", "stuff"}


@dataclass(frozen=True)
class Focus:
    """What a conversation knows when a reference is resolved."""

    position: Point | None = None  # where the technician stands, from the app
    session_job_id: int | None = None  # the job the session was opened for (a job's voice room, a chat from a job)
    job_id: int | None = None  # the job being discussed
    site_id: int | None = None  # the site being discussed
    equipment_id: int | None = None  # the unit being discussed
    equipment_model: str | None = None
    unit_kind: str | None = None  # the kind of unit discussed, as stored ("backflow preventer")


@dataclass(frozen=True)
class Place:
    """A customer site a reference resolved to."""

    site_id: int
    name: str
    customer_id: int
    customer: str
    point: Point


@dataclass(frozen=True)
class UnitMatch:
    """The unit a phrase names at a site: `unit` when it is clear, else the `choices` to ask between (none when
    nothing at the site fits)."""

    unit: Equipment | None
    choices: list[Equipment]


def _words(reference: str | None) -> str:
    return " ".join((reference or "").lower().replace("’", "'").strip(" ?.!,").split())


def _place(match: SiteMatch) -> Place:
    return Place(match.site_id, match.site_name, match.customer_id, match.customer_name,
                 (match.latitude, match.longitude))


def _job_place(job: Job) -> Place:
    return Place(job.site.id, job.site.name, job.customer.id, job.customer.name, job.point)


async def todays_jobs(stores: Stores, *, actor: CurrentUser) -> list[Job]:
    """The technician's jobs today, in schedule order (cached by the jobs service)."""
    return await jobs.list_jobs(stores, actor=actor)


async def current_job(
    stores: Stores, *, actor: CurrentUser, focus: Focus, guess: bool = True, day: list[Job] | None = None,
) -> Job | None:
    """The job the technician is on: the session's job; else the one under way; else the open one at the site they
    stand at (or the one they just completed there); else (with `guess`) the one they are driving to or, failing
    that, today's next one scheduled.

    Statuses and position decide, not the clock: a technician running late is still on the job they started.
    `day` is today's jobs when the caller already has them.
    """
    if focus.session_job_id is not None:
        return (await jobs.get_job(stores, actor=actor, job_id=focus.session_job_id)).job
    day = day if day is not None else await todays_jobs(stores, actor=actor)
    open_jobs = [job for job in day if job.status in ("scheduled", "en_route", "in_progress")]
    under_way = next((job for job in open_jobs if job.status == "in_progress"), None)
    if under_way is not None:
        return under_way
    if focus.position is not None:
        near = [job for job in day if great_circle_km(focus.position, job.point) <= ON_SITE_KM]
        # an open one first; else the one just closed where they still stand ("all done here... what's after
        # this one?" counts from it, not from a job elsewhere still marked scheduled)
        standing = [job for job in near if job in open_jobs] or [job for job in near if job.status == "completed"]
        if standing:
            return standing[0]
    if not guess:
        return None
    return next((job for job in open_jobs if job.status == "en_route"), None) or \
        next((job for job in open_jobs if job.status == "scheduled"), None)


async def next_job(stores: Stores, *, actor: CurrentUser, focus: Focus) -> Job | None:
    """The job to head to next: the jobs service's next one, unless that is the job the technician is already at
    (by position), then the one after it; travel priced from where they stand."""
    upcoming = await jobs.next_job(stores, actor=actor, origin=focus.position)
    current = await current_job(stores, actor=actor, focus=focus, guess=False)
    if upcoming is None or current is None or upcoming.id != current.id:
        return upcoming
    later = [job for job in await todays_jobs(stores, actor=actor)
             if job.status == "scheduled" and (job.scheduled_start, job.id) > (current.scheduled_start, current.id)]
    if not later:
        return None
    return (await jobs.priced(stores, later[:1], focus.position or current.point))[0]


async def resolve_job(stores: Stores, *, actor: CurrentUser, focus: Focus, reference: str | None) -> Job:
    """The job a technician means: empty or "this job" (the current one), "that job" (the one discussed), "my next
    job", "my last job", "my first job", "my previous job", "the job after (or before) X", "job 42", or a site or
    customer on today's schedule."""
    words = _words(reference)
    if not words or _CURRENT.match(words) or _HERE.match(words):
        job = await current_job(stores, actor=actor, focus=focus)
        if job is not None:
            return job
        raise ApiError(404, "not_found", "you have no job open today; tell me the job number", "job")
    if _DISCUSSED_JOB.match(words) or _THERE.match(words):
        # The site talked about last wins over a job discussed before it: after "who's the contact at the Ferry
        # Building?", "when am I supposed to be there?" means today's Ferry Building job.
        at_site = [job for job in await todays_jobs(stores, actor=actor) if job.site.id == focus.site_id] \
            if focus.site_id is not None else []
        if at_site:
            return next((job for job in at_site if job.id == focus.job_id), at_site[0])
        if focus.job_id is not None:
            return (await jobs.get_job(stores, actor=actor, job_id=focus.job_id)).job
        return await resolve_job(stores, actor=actor, focus=focus, reference=None)
    number = _JOB_NUMBER.match(words)
    if number:
        return (await jobs.get_job(stores, actor=actor, job_id=int(number.group("id")))).job
    said_day = DAY_WORDS.search(words)
    today = jobs.today(stores)
    on = day_meant(said_day.group(0), today) if said_day else None
    if said_day and on is not None and on != today:  # "the first one tomorrow", "Monday's last job"
        rest = re.sub(r"\b(?:on|for)\b|'s\b", " ", words[:said_day.start()] + words[said_day.end():])
        return await _job_on(stores, actor=actor, on=on, words=" ".join(rest.split()))
    if _NEXT.match(words):
        job = await next_job(stores, actor=actor, focus=focus)
        if job is None:
            raise ApiError(404, "not_found", "you have no more scheduled jobs", "job")
        return job
    day = await todays_jobs(stores, actor=actor)
    if not day:
        raise ApiError(404, "not_found", "you have no jobs today", "job")
    if _LAST.match(words):
        return day[-1]
    if _FIRST.match(words):
        return day[0]
    if _PREVIOUS.match(words):
        current = await resolve_job(stores, actor=actor, focus=focus, reference=None)
        return _neighbour(day, current, -1, "your current job")
    around = _AFTER.match(words)
    if around:
        anchor = await resolve_job(stores, actor=actor, focus=focus, reference=around.group("what"))
        return await job_after(stores, actor=actor, anchor=anchor, step=1 if around.group("side") == "after" else -1)
    clock = clock_heard(words)
    if clock is not None:
        return _job_by_clock(day, *clock)
    kind = kind_said(words)
    if kind is not None:  # "what time am I at the market": today's job at the market meant; after "what am I
        # doing tomorrow?", "what time's the school one?" is that day's school first
        jobs_on = await discussed_day(stores, actor=actor, focus=focus) + day
        place = await _of_kind(stores, focus=focus, kind=kind, day=jobs_on)
        at_site = next((job for job in jobs_on if job.site.id == place.site_id), None)
        if at_site is None:
            raise ApiError(404, "not_found", f"you have no job at {place.name} today", "job")
        return at_site
    try:
        return await _job_at(stores, day, words)
    except ApiError:  # "when's Skyline High" after "what am I doing tomorrow": that day's job there
        other_day = await discussed_day(stores, actor=actor, focus=focus)
        if not other_day:
            raise
        return await _job_at(stores, other_day, words)


async def discussed_day(stores: Stores, *, actor: CurrentUser, focus: Focus) -> list[Job]:
    """The jobs of another day the conversation is on: the day of the job discussed, when that is not today (after
    "what am I doing tomorrow?", tomorrow's jobs); empty when the talk is about today or about no job."""
    if focus.job_id is None:
        return []
    try:
        job = (await jobs.get_job(stores, actor=actor, job_id=focus.job_id)).job
    except ApiError:
        return []
    on = job.scheduled_start.astimezone(stores.settings.company_tz).date()
    if on == jobs.today(stores):
        return []
    return await jobs.list_jobs(stores, actor=actor, on=on)


async def _job_on(stores: Stores, *, actor: CurrentUser, on: date, words: str) -> Job:
    """The job meant on another day: its first or last, by start time, or at a site named."""
    day = await jobs.list_jobs(stores, actor=actor, on=on)
    if not day:
        raise ApiError(404, "not_found", f"you have no jobs on {on:%A}", "job")
    if not words or re.fullmatch(rf"(?:my |the )?{_KINDS}", words) or _FIRST.match(words) or _NEXT.match(words):
        return day[0]  # "tomorrow's job": the first of them
    clock = clock_heard(words)
    return day[-1] if _LAST.match(words) else _job_by_clock(day, *clock) if clock else await _job_at(stores, day, words)


def _job_by_clock(day: list[Job], hour: int, minute: int | None) -> Job:
    """Today's job starting at a time said ("the ten o'clock one"): a 1-12 hour may be either half of the day."""
    for job in day:
        start = job.scheduled_start
        if (start.hour == hour or (hour <= 12 and start.hour % 12 == hour % 12)) and minute in (None, start.minute):
            return job
    said = f"{hour}:{minute:02d}" if minute is not None else f"{hour} o'clock"
    raise ApiError(404, "not_found", f"you have no job starting at {said} today", "job")


async def job_after(stores: Stores, *, actor: CurrentUser, anchor: Job, step: int = 1) -> Job:
    """The job after `anchor` on today's schedule (before it, with `step` -1)."""
    return _neighbour(await todays_jobs(stores, actor=actor), anchor, step, anchor.site.name)


def _neighbour(day: list[Job], anchor: Job, step: int, name: str) -> Job:
    ids = [job.id for job in day]
    if anchor.id not in ids:
        raise ApiError(404, "not_found", f"{name} is not on today's schedule", "job")
    index = ids.index(anchor.id) + step
    if not 0 <= index < len(day):
        side = "after" if step > 0 else "before"
        raise ApiError(404, "not_found", f"you have no job {side} {name} today", "job")
    return day[index]


async def _job_at(stores: Stores, day: list[Job], words: str) -> Job:
    """Today's job at the site or customer named."""
    name = _FILLER.sub("", words)
    if len(name) < 3:
        raise ApiError(400, "validation_error", "tell me which job: its site, or next, last, after ...", "job")
    for job in day:
        if name in (job.site.name.lower(), job.customer.name.lower()) or name in job.site.name.lower():
            return job
    matches = await crm.locate(stores, location=name, field="job")
    at_site = [job for job in day for m in matches if job.site.id == m.site_id]
    if at_site:
        return at_site[0]
    if matches:
        raise ApiError(404, "not_found", f"you have no job at {matches[0].site_name} today", "job")
    raise ApiError(404, "not_found", f"no job or site on your schedule matches {name!r}", "job")


async def resolve_site(stores: Stores, *, actor: CurrentUser, focus: Focus, reference: str | None) -> Place:
    """The site a technician means: "here" or "this site" (where they stand, else their current job's site),
    "there" or empty (the site discussed, else their current job's), a job reference ("my next job", "the job
    after X", "my last site"), or a site, customer or street address by name."""
    words = _words(reference)
    if _HERE.match(words):
        return await here(stores, actor=actor, focus=focus)
    if not words or _THERE.match(words):
        if focus.site_id is not None:
            return _place(await crm.site_match(stores, site_id=focus.site_id))
        return await here(stores, actor=actor, focus=focus)
    if _CURRENT.match(words) or _DISCUSSED_JOB.match(words) or _NEXT.match(words) or _LAST.match(words) or \
            _FIRST.match(words) or _PREVIOUS.match(words) or _AFTER.match(words) or _JOB_NUMBER.match(words) or \
            _ORDINAL_ON_A_DAY.match(words):
        return _job_place(await resolve_job(stores, actor=actor, focus=focus, reference=words))
    kind = kind_said(words)
    if kind is not None:  # the day discussed weighs in: "that school" after tomorrow's jobs is tomorrow's school
        day = await discussed_day(stores, actor=actor, focus=focus) + await todays_jobs(stores, actor=actor)
        return await _of_kind(stores, focus=focus, kind=kind, day=day)
    matches = await crm.locate(stores, location=reference or words)
    if not matches:
        raise ApiError(404, "not_found", f"no customer site matches {(reference or words).strip()!r}", "site")
    if len(matches) > 1:
        names = ", ".join(m.site_name for m in matches[:4])
        raise ApiError(404, "ambiguous_location", f"{(reference or words).strip()!r} could be {names}; which one?",
                       "site")
    return _place(matches[0])


async def _of_kind(stores: Stores, *, focus: Focus, kind: str, day: list[Job]) -> Place:
    """The site a kind of place means ("that school", "the factory"): the one being discussed when it is of that
    kind; else the only one of that kind on today's schedule; else the only one there is. Several equally likely
    are named back, so Clara asks which."""
    matches = await crm.sites_of_kind(stores, noun=kind, segments=PLACE_KINDS[kind])
    if not matches:
        raise ApiError(404, "not_found", f"no customer site is a {kind}", "site")
    discussed = [m for m in matches if m.site_id == focus.site_id]
    scheduled = list({job.site.id: m for job in day for m in matches if m.site_id == job.site.id}.values())
    fits = discussed or scheduled or matches
    if len(fits) == 1:
        return _place(fits[0])
    names = ", ".join(m.site_name for m in fits[:4])
    raise ApiError(404, "ambiguous_location", f"the {kind} could be {names}; which one?", "site")


async def here(stores: Stores, *, actor: CurrentUser, focus: Focus) -> Place:
    """Where the technician is: the site they stand at, else their current job's site."""
    if focus.position is not None:
        nearest = await crm.nearest_site(stores, point=focus.position)
        if nearest is not None and great_circle_km(focus.position, (nearest.latitude, nearest.longitude)) <= ON_SITE_KM:
            return _place(nearest)
    job = await current_job(stores, actor=actor, focus=focus)
    if job is not None:
        return _job_place(job)
    if focus.site_id is not None:
        return _place(await crm.site_match(stores, site_id=focus.site_id))
    raise ApiError(400, "validation_error", "tell me which site you mean", "site")


async def resolve_trip(
    stores: Stores, *, actor: CurrentUser, focus: Focus, destination: str | None, origin: str | None,
) -> tuple[Point, Place]:
    """Where a trip starts and the site it ends at, the start read once. The start: "here" or empty is where the
    technician stands, else the job they are on, else their home base; anything else resolves as a site. The end
    resolves as a site, except that "the next job" from a job's site ("from there to the next job", "from ABC to the
    next one") is the job after that one, not the technician's next."""
    words = _words(origin)
    if not words or _HERE.match(words):
        start = await _standing_point(stores, actor=actor, focus=focus)
        return start, await resolve_site(stores, actor=actor, focus=focus, reference=destination)
    site = await resolve_site(stores, actor=actor, focus=focus, reference=origin)
    if _NEXT.match(_words(destination)):
        anchor = next((job for job in await todays_jobs(stores, actor=actor) if job.site.id == site.site_id), None)
        if anchor is not None:  # else no job today starts there ("from the shop"): the technician's next job
            return site.point, _job_place(await job_after(stores, actor=actor, anchor=anchor))
    return site.point, await resolve_site(stores, actor=actor, focus=focus, reference=destination)


async def _standing_point(stores: Stores, *, actor: CurrentUser, focus: Focus) -> Point:
    """Where the technician is starting from: where they stand, else the job they are on, else their home base."""
    if focus.position is not None:
        return focus.position
    job = await current_job(stores, actor=actor, focus=focus, guess=False)
    if job is not None:
        return job.point
    home = (await users.get_user(stores, actor=actor, user_id=actor.id)).home
    if home is None:
        raise ApiError(400, "validation_error", "tell me where you are starting from", "origin")
    return home


async def resolve_unit(
    stores: Stores, *, site_id: int, focus: Focus, reference: str | None, location: str | None = None,
) -> UnitMatch:
    """The unit at a site a phrase names: "it" or "that unit" (the one discussed), a model ("the B260", "50 TCQ
    A06"), a kind ("the extinguisher", "the fire pump"), a maker, and where it is ("in the kitchen"); each clue
    narrows the site's units, the location only when it leaves some. No reference and nothing discussed: no unit."""
    units = await jobs.site_equipment(stores, site_id=site_id)
    words = _words(reference)
    other = _OTHER.match(words)
    if other:
        return _other_unit(units, focus, other.group("rest"))
    if not words or _IT.match(words):
        discussed = [u for u in units if u.id == focus.equipment_id] or \
            [u for u in units if focus.equipment_model and loose_key(u.model) == loose_key(focus.equipment_model)]
        return UnitMatch(discussed[0] if len(discussed) == 1 else None, discussed if len(discussed) > 1 else [])
    where = re.search(r"\b(?:in|at|on|by|near|inside|behind|outside)\s+(?:the\s+)?(.+)$", words)
    if where and not _kind_in(words[:where.start()]) and _kind_in(where.group(1)) and \
            not model_mentions(words[:where.start()]) and not _ROOM.search(where.group(1)):
        words = where.group(1)  # a part on a unit ("the fusible links on the hood"): the unit is the hood
    elif where:
        location = location or where.group(1)
        words = words[:where.start()].strip()
    candidates = units
    models = {loose_key(m) for m in model_mentions(reference or "")}
    if models:
        candidates = [u for u in units if loose_key(u.model) in models or
                      any(loose_key(u.model).endswith(m) or m.endswith(loose_key(u.model)) for m in models)]
        if not candidates:
            return UnitMatch(None, [])
    kinds = _kind_in(words)
    if kinds is not None:
        # a model outweighs a kind word, which may name a part of it ("the 3000SS-4 relief valve")
        candidates = [u for u in candidates if u.type in kinds] or (candidates if models else [])
        if not candidates:
            return UnitMatch(None, [])
        discussed = [u for u in candidates if u.id == focus.equipment_id]
        if discussed and re.match(r"(?:that|this|the same)\b", words):  # "that extinguisher": the one discussed
            return UnitMatch(discussed[0], [])
    makers = [u for u in candidates if u.manufacturer.lower().split()[0] in words.split()]
    candidates = makers or candidates
    place = _words(location)
    if not (models or kinds is not None or makers) and place and set(words.split()) <= _GENERIC | _STOP:
        # "the unit on the roof": where it is is all that is said of it; of the kind talked about first ("which one
        # is in the riser room" after the site's backflows: the backflow there, not the alarm valve beside it)
        placed = [u for u in units if u.location and _same_place(place, u.location)]
        of_kind = [u for u in placed if u.type == focus.unit_kind]
        placed = of_kind if len(of_kind) == 1 else placed
        return UnitMatch(placed[0], []) if len(placed) == 1 else UnitMatch(None, placed)
    if models or kinds is not None or makers:
        if place:
            placed = [u for u in candidates if u.location and _same_place(place, u.location)]
            candidates = placed or candidates
        if len(candidates) > 1:  # "the kitchen extinguisher": a place said as a word of the name
            named = [u for u in candidates if u.location and _place_words(u.location) & _place_words(words)]
            candidates = named if len(named) == 1 else candidates
        if len(candidates) == 1:
            return UnitMatch(candidates[0], [])
        return UnitMatch(None, candidates)
    return UnitMatch(None, [])


def _other_unit(units: list[Equipment], focus: Focus, words: str) -> UnitMatch:
    """ "The other one" (or "the other extinguisher"): the site's units of the kind named, else of the discussed
    unit's kind, without the discussed unit; one is the unit meant, several are asked between."""
    discussed = next((u for u in units if u.id == focus.equipment_id), None)
    kinds = _kind_in(words) or ((discussed.type,) if discussed else None)
    if kinds is None:
        return UnitMatch(None, [])
    others = [u for u in units if u.type in kinds and u.id != focus.equipment_id]
    return UnitMatch(others[0], []) if len(others) == 1 else UnitMatch(None, others)


def _kind_in(words: str) -> tuple[str, ...] | None:
    """The equipment types a phrase's kind word can mean ("hood" -> kitchen suppression), None when it names none."""
    return next((types for pattern, types in _TYPE_WORDS if re.search(rf"\b{pattern}\b", words)), None)


# Words for one place on a site said two ways: "the hallway" is the stored "Corridor", "the rooftop" the "Roof",
# "the mech room" the "Mechanical room"; each maps to the one word both sides are compared in.
_PLACE_SYNONYMS = {"hallway": "corridor", "hall": "corridor", "hallways": "corridor", "corridors": "corridor",
                   "rooftop": "roof", "rooftops": "roof", "roofs": "roof", "mech": "mechanical", "elec": "electrical",
                   "electric": "electrical", "cellar": "basement", "storeroom": "storage"}


def _place_words(text: str) -> set[str]:
    return {_PLACE_SYNONYMS.get(w, w) for w in re.findall(r"[a-z0-9]+", text.lower())} - _STOP


def _same_place(said: str, stored: str) -> bool:
    """ "the kitchen" is "Kitchen"; "pump room" is "Pump room"; "roof" is "Roof"; "the street vault number two"
    is "Street vault" (a place said in more words than it is stored in); "the hallway" is "Corridor" and "the mech
    room" is "Mechanical room" (`_PLACE_SYNONYMS`)."""
    said_words = _place_words(said)
    stored_words = _place_words(stored)
    return bool(said_words) and bool(stored_words) and (said_words <= stored_words or stored_words <= said_words)
