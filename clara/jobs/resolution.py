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

from clara.web.caller import CurrentUser
from clara.crm import service as crm
from clara.crm.models import SiteMatch
from clara.web.errors import ApiError
from clara.jobs import service as jobs
from clara.jobs.days import DAY_WORDS, day_meant
from clara.jobs.models import Job
from clara.jobs.place_kinds import PLACE_KINDS, kind_said
from clara.jobs.order_said import by_clock, picked_from, picks
from clara.jobs.spoken import clock_heard
from clara.jobs.transitions import OPEN
from clara.jobs.travel import Point, great_circle_km, priced
from clara.stores import Stores

ON_SITE_KM = 0.3  # standing within this of a site is standing at it ("here")

HERE = re.compile(r"^(?:here|this (?:site|building|place|location|job ?site|address)"
                   r"|where i(?:'m| am)(?: standing| at)?"
                   r"|my (?:current )?(?:location|site|position))$")
# The site discussed, or its customer as people ("when did we last see them")
THERE = re.compile(r"^(?:there|that (?:site|building|place|location|address)|the (?:site|building|place|location)"
                    r"|it|that one|they|them|their|(?:this|that|the) customer)$")
_CURRENT = re.compile(r"^(?:(?:this|my|the current|current|my current) (?:job|work order|visit|call|appointment)|"
                      r"this|this one|the current one|current)$")
_DISCUSSED_JOB = re.compile(r"^(?:that|(?:that|the) (?:job|work order|visit|appointment|stop))$")
_KINDS = r"(?:job|site|stop|appointment|visit|call|customer|work order|one|place|thing)"
NEXT = re.compile(rf"^(?:my |the |that )?next(?: {_KINDS})?$")
_LAST = re.compile(rf"^(?:my |the |that )?(?:last|final)(?: {_KINDS})?(?: (?:of the day|today|for today))?$")
_FIRST = re.compile(rf"^(?:my |the |that )?first(?: {_KINDS})?(?: (?:of the day|today))?$")
_PREVIOUS = re.compile(rf"^(?:my |the |that )?previous(?: {_KINDS})?$")
_AFTER = re.compile(rf"^(?:(?:my |the )?(?:{_KINDS} )?)?(?P<side>after|before) (?:the |my )?"
                    rf"(?P<what>.+?)(?: job| one)?$")
_ORDINAL_ON_A_DAY = re.compile(rf"^(?:my |the )?(?:first|last|final|next)(?: {_KINDS})? "
                               rf"(?:on |for )?{DAY_WORDS.pattern}$|"
                               rf"^{DAY_WORDS.pattern}'?s (?:first|last|final)(?: {_KINDS})?$")
_JOB_NUMBER = re.compile(r"^(?:job|work order)?\s*(?:number|#|no\.?)?\s*(?P<id>\d{1,12})$")
_FILLER = re.compile(r"^(?:the|my|a|an)\s+|\s+(?:job|site|today)$")


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
    units_discussed: tuple[int, ...] = ()  # units talked about earlier, latest first: "that backflow from before"


@dataclass(frozen=True)
class Place:
    """A customer site a reference resolved to."""

    site_id: int
    name: str
    customer_id: int
    customer: str
    point: Point


class NoJobThere(ApiError):
    """A place named that none of the day's jobs is at, with the sites the name matched (none: it matched no site).
    A caller that may work on no job (a write-up is then the site's) takes the site from here instead of looking
    the same words up again."""

    def __init__(self, message: str, sites: list[Place]) -> None:
        super().__init__(404, "not_found", message, "job")
        self.sites = sites


class AmbiguousSite(ApiError):
    """A name several sites match equally well, with them: a question about their customer needs no pick."""

    def __init__(self, message: str, places: list[Place]) -> None:
        super().__init__(404, "ambiguous_location", message, "site")
        self.places = places


# A preposition the reference was said with: "at my next one", "to the job after ABC".
_LEADING_PREPOSITION = re.compile(r"^(?:at|to|for|from|in|on|of|over at|out at)\s+(?=\S)")


def words_of(reference: str | None) -> str:
    words = " ".join((reference or "").lower().replace("’", "'").strip(" ?.!,").split())
    return _LEADING_PREPOSITION.sub("", words)


def place_of(match: SiteMatch) -> Place:
    return Place(match.site_id, match.site_name, match.customer_id, match.customer_name,
                 (match.latitude, match.longitude))


def job_place(job: Job) -> Place:
    return Place(job.site.id, job.site.name, job.customer.id, job.customer.name, job.point)


async def todays_jobs(stores: Stores, *, actor: CurrentUser) -> list[Job]:
    """The technician's jobs today, in schedule order (cached by the jobs service)."""
    return await jobs.list_jobs(stores, actor=actor)


async def current_job(
    stores: Stores, *, actor: CurrentUser, focus: Focus, guess: bool = True, day: list[Job] | None = None,
) -> Job | None:
    """The job the technician is on: the session's job; else the open one at the site they stand at (or the one
    they just completed there); else the one under way; else (with `guess`) the one they are driving to or, failing
    that, today's next one scheduled.

    Statuses and position decide, not the clock: a technician running late is still on the job they started. Where
    they stand comes before a status left behind: standing at ABC (by the phone, or by saying "I'm at ABC") with the
    Ferry Building job still marked in progress, "here" and a write-up are ABC's, not the Ferry Building's.
    `day` is today's jobs when the caller already has them.
    """
    if focus.session_job_id is not None:
        return (await jobs.get_job(stores, actor=actor, job_id=focus.session_job_id)).job
    day = day if day is not None else await todays_jobs(stores, actor=actor)
    open_jobs = [job for job in day if job.status in OPEN]
    if focus.position is not None:
        near = [job for job in day if great_circle_km(focus.position, job.point) <= ON_SITE_KM]
        # an open one first; else the one just closed where they still stand ("all done here... what's after
        # this one?" counts from it, not from a job elsewhere still marked scheduled)
        standing = [job for job in near if job in open_jobs] or [job for job in near if job.status == "completed"]
        if standing:
            return standing[0]
    under_way = next((job for job in open_jobs if job.status == "in_progress"), None)
    if under_way is not None:
        return under_way
    if not guess:
        return None
    return next((job for job in open_jobs if job.status == "en_route"), None) or \
        next((job for job in open_jobs if job.status == "scheduled"), None)


async def next_job(stores: Stores, *, actor: CurrentUser, focus: Focus) -> Job | None:
    """The job to head to next: the one after the job the technician is at (by position or status) in the day's
    order, else the jobs service's next one; travel priced from where they stand. Standing at the Ferry Building,
    "my next one" is the job after it, not an earlier one still marked scheduled."""
    upcoming = await jobs.next_job(stores, actor=actor, origin=focus.position)
    current = await current_job(stores, actor=actor, focus=focus, guess=False)
    if upcoming is None or current is None or \
            (upcoming.id != current.id and upcoming.status == "en_route"):  # already heading somewhere: that one
        return upcoming
    later = [job for job in await todays_jobs(stores, actor=actor)
             if job.status == "scheduled" and (job.scheduled_start, job.id) > (current.scheduled_start, current.id)]
    if not later:
        return None
    return (await priced(stores, later[:1], focus.position or current.point))[0]


async def resolve_job(stores: Stores, *, actor: CurrentUser, focus: Focus, reference: str | None) -> Job:
    """The job a technician means: empty or "this job" (the current one), "that job" (the one discussed), "my next
    job", "my last job", "my first job", "my previous job", "the job after (or before) X", "job 42", or a site or
    customer on today's schedule."""
    words = words_of(reference)
    if not words or _CURRENT.match(words) or HERE.match(words):
        job = await current_job(stores, actor=actor, focus=focus)
        if job is not None:
            return job
        raise ApiError(404, "not_found", "you have no job open today; tell me the job number", "job")
    if _DISCUSSED_JOB.match(words) or THERE.match(words):
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
    if NEXT.match(words):
        job = await next_job(stores, actor=actor, focus=focus)
        if job is None:
            raise ApiError(404, "not_found", "you have no more scheduled jobs", "job")
        return job
    if (_LAST.match(words) or _FIRST.match(words)) and not re.search(r"\b(?:today|of the day)\b", words):
        # after "what do I have tomorrow?", "the first one" is tomorrow's first
        other_day = await discussed_day(stores, actor=actor, focus=focus)
        if other_day:
            return other_day[-1] if _LAST.match(words) else other_day[0]
    day = await todays_jobs(stores, actor=actor)
    if not day and names_a_job(words):  # a place named still resolves, to a site with no job today
        raise ApiError(404, "not_found", "you have no jobs today", "job")
    if _LAST.match(words):
        return day[-1]
    if _FIRST.match(words):
        return day[0]
    if _PREVIOUS.match(words):
        current = await resolve_job(stores, actor=actor, focus=focus, reference=None)
        return _neighbour(day, current, -1, "your current job")
    picked = picked_from(day, words)  # "the second one", "after lunch", "the place this afternoon"
    if picked is not None:
        return picked
    around = _AFTER.match(words)
    if around:
        anchor = await resolve_job(stores, actor=actor, focus=focus, reference=around.group("what"))
        return await job_after(stores, actor=actor, anchor=anchor, step=1 if around.group("side") == "after" else -1)
    kind = kind_said(words)
    if kind is not None:  # "what time am I at the market": today's job at the market meant; after "what am I
        # doing tomorrow?", "what time's the school one?" is that day's school first
        jobs_on = await discussed_day(stores, actor=actor, focus=focus) + day
        place = await _of_kind(stores, focus=focus, kind=kind, day=jobs_on)
        at_site = next((job for job in jobs_on if job.site.id == place.site_id), None)
        if at_site is None:
            raise NoJobThere(f"you have no job at {place.name} today", [place])
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
    if not words or re.fullmatch(rf"(?:my |the )?{_KINDS}", words) or _FIRST.match(words) or NEXT.match(words):
        return day[0]  # "tomorrow's job": the first of them
    clock = clock_heard(words)
    return day[-1] if _LAST.match(words) else by_clock(day, *clock) if clock else await _job_at(stores, day, words)


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
        raise NoJobThere(f"you have no job at {matches[0].site_name} today", [place_of(m) for m in matches])
    raise NoJobThere(f"no job or site on your schedule matches {name!r}", [])


def names_a_job(words: str) -> bool:
    """Whether words name a job by its place in a day or its number ("my next one", "the job after X", "job 42"),
    not a site."""
    return bool(_CURRENT.match(words) or _DISCUSSED_JOB.match(words) or NEXT.match(words) or _LAST.match(words) or
                _FIRST.match(words) or _PREVIOUS.match(words) or _AFTER.match(words) or _JOB_NUMBER.match(words) or
                _ORDINAL_ON_A_DAY.match(words) or picks(words))


async def resolve_site(stores: Stores, *, actor: CurrentUser, focus: Focus, reference: str | None) -> Place:
    """The site a technician means: "here" or "this site" (where they stand, else their current job's site),
    "there" or empty (the site discussed, else their current job's), a job reference ("my next job", "the job
    after X", "my last site"), or a site, customer or street address by name."""
    words = words_of(reference)
    if HERE.match(words):
        return await here(stores, actor=actor, focus=focus)
    if not words or THERE.match(words):
        if focus.site_id is not None:
            return place_of(await crm.site_match(stores, site_id=focus.site_id))
        return await here(stores, actor=actor, focus=focus)
    if names_a_job(words):
        return job_place(await resolve_job(stores, actor=actor, focus=focus, reference=words))
    kind = kind_said(words)
    if kind is not None:  # the day discussed weighs in: "that school" after tomorrow's jobs is tomorrow's school
        day = await discussed_day(stores, actor=actor, focus=focus) + await todays_jobs(stores, actor=actor)
        return await _of_kind(stores, focus=focus, kind=kind, day=day)
    matches = await crm.locate(stores, location=reference or words)
    if not matches:
        raise ApiError(404, "not_found", f"no customer site matches {(reference or words).strip()!r}", "site")
    return await one_of(stores, actor=actor, focus=focus, places=[place_of(m) for m in matches],
                         reference=reference or words)


async def one_of(stores: Stores, *, actor: CurrentUser, focus: Focus, places: list[Place], reference: str) -> Place:
    """The site a name means of those it matched equally well (`_likeliest`); several left are named back, so
    Clara asks which."""
    if len(places) > 1:
        places = await _likeliest(stores, actor=actor, focus=focus, places=places, words=words_of(reference))
    if len(places) > 1:
        names = ", ".join(p.name for p in places[:4])
        raise AmbiguousSite(f"{reference.strip()!r} could be {names}; which one?", places)
    return places[0]


async def _likeliest(stores: Stores, *, actor: CurrentUser, focus: Focus, places: list[Place],
                     words: str) -> list[Place]:
    """Of sites matching a name equally well, the ones it most likely means: those it names by their own or their
    customer's name ("the ferry" is the Ferry Building, not a hangar on Ferry Point Road), else those on the day
    being talked about. All of them when neither narrows it to one: Clara then asks which."""
    said = re.compile(r"\b" + r"\W+".join(re.escape(word) for word in _FILLER.sub("", words).split()))
    by_name = [p for p in places if said.search(p.name.lower()) or said.search(p.customer.lower())]
    if len(by_name) == 1:
        return by_name
    day = await discussed_day(stores, actor=actor, focus=focus) + await todays_jobs(stores, actor=actor)
    scheduled = [p for p in by_name or places if any(job.site.id == p.site_id for job in day)]
    return scheduled if len(scheduled) == 1 else places


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
        return place_of(fits[0])
    names = ", ".join(m.site_name for m in fits[:4])
    raise ApiError(404, "ambiguous_location", f"the {kind} could be {names}; which one?", "site")


async def standing_at(stores: Stores, *, focus: Focus) -> Place | None:
    """The site the technician stands at (within `ON_SITE_KM` of their position), or None."""
    if focus.position is None:
        return None
    nearest = await crm.nearest_site(stores, point=focus.position)
    if nearest is None or great_circle_km(focus.position, (nearest.latitude, nearest.longitude)) > ON_SITE_KM:
        return None
    return place_of(nearest)


async def here(stores: Stores, *, actor: CurrentUser, focus: Focus) -> Place:
    """Where the technician is: the site they stand at, else their current job's site."""
    standing = await standing_at(stores, focus=focus)
    if standing is not None:
        return standing
    job = await current_job(stores, actor=actor, focus=focus)
    if job is not None:
        return job_place(job)
    if focus.site_id is not None:
        return place_of(await crm.site_match(stores, site_id=focus.site_id))
    raise ApiError(400, "validation_error", "tell me which site you mean", "site")
