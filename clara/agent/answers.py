"""Tool results in one or two sentences, the way a technician wants to hear them.

Each tool returns its facts and a `say` line built here, shaped by the technician's preferences: an expert gets the
numbers, a beginner gets the step and the safety note, `brief` keeps the first sentence, `metric` converts. Any LLM
may reword `say`; the offline LLM speaks it as is, so every fact in it must be right and sourced.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence

from clara.crm.models import Contact, LocatedCustomer
from clara.jobs.drafts import DeficiencyDraft, Draft, DraftUnit, StatusDraft
from clara.jobs.history import Visit
from clara.jobs.models import DailyBrief, Deficiency, Equipment, Job, JobDetail
from clara.jobs.travel import TravelTime
from clara.users.service import Preferences

KM_PER_MILE = 1.609344

_VISITS = {"maintenance": "maintenance visit", "testing": "testing visit", "emergency": "emergency call"}


def visit(job_type: str) -> str:
    """ "testing" -> "testing visit": how a job type is said in a sentence."""
    return _VISITS.get(job_type, job_type)


def a(phrase: str) -> str:
    """ "an inspection", "a repair": the article a phrase is spoken with."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def clock(moment: datetime) -> str:
    return moment.strftime("%I:%M %p").lstrip("0")


def distance(km: float, preferences: Preferences) -> str:
    if preferences.units == "metric":
        return f"{km:.1f} km"
    return f"{km / KM_PER_MILE:.1f} miles"


def minutes(seconds: int) -> str:
    total = max(1, round(seconds / 60))
    hours, mins = divmod(total, 60)
    if not hours:
        return f"{total} minute{'s' if total != 1 else ''}"
    return f"{hours} hour{'s' if hours != 1 else ''}" + (f" {mins} minute{'s' if mins != 1 else ''}" if mins else "")


def booked(minutes_booked: int) -> str:
    """A job's booked length as people say it: "an hour and a half", "two and a half hours", "45 minutes"."""
    hours, rest = divmod(minutes_booked, 60)
    if hours and rest == 30:
        return "an hour and a half" if hours == 1 else f"{hours} and a half hours"
    return minutes(minutes_booked * 60)


def shaped(sentences: Iterable[str | None], preferences: Preferences, *, extra: Iterable[str | None] = (),
           safety: str | None = None) -> str:
    """Join the sentences a reply needs: `extra` only when the technician wants detail, `safety` for beginners."""
    parts = [s for s in sentences if s]
    if preferences.verbosity == "brief":
        parts = parts[:1]
    elif preferences.verbosity == "detailed" or preferences.skill_level == "beginner":
        parts += [s for s in extra if s]
    if safety and preferences.skill_level == "beginner":
        parts.append(safety)
    return " ".join(parts)


def _job_line(job: Job) -> str:
    priority = f"{job.priority}-priority " if job.priority in ("high", "emergency") else ""
    return f"{clock(job.scheduled_start)} {priority}{visit(job.type)} at {job.site.name}"


def jobs_today(jobs: list[Job], day: date, preferences: Preferences) -> str:
    if not jobs:
        return f"You have no jobs on {day:%A, %B} {day.day}."
    count = f"{len(jobs)} job{'s' if len(jobs) != 1 else ''}"
    lines = "; ".join(_job_line(job) for job in jobs)
    first_notes = next((job.notes for job in jobs if job.notes), None)
    return shaped([f"You have {count} on {day:%A}: {lines}."], preferences,
                  extra=[f"First up: {first_notes}." if first_notes else None])


def next_job(job: Job | None, preferences: Preferences, *, after: Job | None = None) -> str:
    if job is None:
        return "You have no more scheduled jobs."
    when = f"{job.scheduled_start:%A} at {clock(job.scheduled_start)}"
    away = ""
    if job.travel_seconds is not None and job.distance_km is not None:
        away = f", about {minutes(job.travel_seconds)} away ({distance(job.distance_km, preferences)})"
    priority = f"{job.priority}-priority " if job.priority in ("high", "emergency") else ""
    lead = f"After {after.site.name}, your next job is" if after is not None else "Your next job is"
    return shaped(
        [f"{lead} {a(priority + visit(job.type))} at {job.site.name}, {job.site.address}, {job.site.city}, "
         f"for {job.customer.name}, {when}{away}."],
        preferences, extra=[f"Notes: {job.notes.rstrip('.')}." if job.notes else None],
    )


def daily_brief(brief: DailyBrief, preferences: Preferences) -> str:
    if preferences.verbosity == "brief" or preferences.skill_level == "expert":
        if not brief.jobs:
            return "No jobs left today."
        return f"{len(brief.jobs)} jobs: " + "; ".join(_job_line(job) for job in brief.jobs) + "."
    return brief.spoken_summary


OPEN_LISTED = 3  # open deficiencies a job's answer names one by one; more are counted and the worst named


def job_details(detail: JobDetail, preferences: Preferences) -> str:
    job = detail.job
    worst = detail.deficiencies[0] if detail.deficiencies else None
    open_line = "No open deficiencies on file there."  # "any open deficiencies here" is answered by it too
    if worst is not None:
        count = len(detail.deficiencies)
        open_line = (f"{count} open deficienc{'ies' if count != 1 else 'y'}, the worst {worst.severity}: "
                     f"{worst.description.rstrip('.')}.")
        if 1 < count <= OPEN_LISTED:  # "anything already written up here": a few are each named, worst first
            open_line = open_line.rstrip(".") + "; also " + "; ".join(
                f"{d.description.rstrip('.')} ({d.severity})" for d in detail.deficiencies[1:]) + "."
    due = [e for e in detail.equipment if e.overdue]
    return shaped(
        # the length and the end in the first sentence: "how long am I at the Ferry Building" is answered by it
        [f"Job {job.id} is {a(visit(job.type))} at {job.site.name} for {job.customer.name}, {job.scheduled_start:%A} at "
         f"{clock(job.scheduled_start)} until {clock(job.scheduled_start + timedelta(minutes=job.duration_minutes))} "
         f"({booked(job.duration_minutes)}), status {job.status.replace('_', ' ')}. "
         f"It's at {job.site.address}, {job.site.city}.",  # "where's my ten o'clock"
         f"The work: {job.notes.rstrip('.')}." if job.notes else None,  # "what kind of work is it", "what's the job"
         open_line,
         f"Site rules: {'; '.join(r.rstrip('.') for r in detail.special_requirements)}."
         if detail.special_requirements else None],
        preferences,
        extra=[f"Systems: {', '.join(job.systems)}." if job.systems else None,
               f"{len(due)} piece{'s' if len(due) != 1 else ''} of equipment overdue for inspection." if due else None],
    )


def last_visit(last: Visit | None, customer: str, preferences: Preferences) -> str:
    """When the company last worked for a customer, and who: "you" or "a colleague" (no one else's name)."""
    if last is None:
        return f"I have no visit to {customer} on record in the last year."
    job = last.job
    who = "you" if last.by_you else "a colleague"
    return shaped([f"The last visit to {customer} was {job.scheduled_start:%A, %B} {job.scheduled_start.day}: "
                   f"{a(visit(job.type))} at {job.site.name} by {who}, {job.status.replace('_', ' ')}."],
                  preferences, extra=[f"The work: {job.notes.rstrip('.')}." if job.notes else None])


def past_jobs(jobs: list[Job], first: date, last: date, preferences: Preferences) -> str:
    """A past day's jobs, the last one first (what "my last job yesterday" asks), or a past week's count and list."""
    if not jobs:
        return f"You had no jobs {'that week' if first != last else f'on {first:%A, %B} {first.day}'}."
    day = jobs[-1].scheduled_start
    if first == last:
        final = jobs[-1]
        lead = "" if day.date() == first else f"You had no jobs on {first:%A}; "
        said = (f"{lead}{'y' if lead else 'Y'}our last job on {day:%A, %B} {day.day} was {a(visit(final.type))} at "
                f"{final.site.name}, {clock(day)}, {final.status.replace('_', ' ')}.")
        return shaped([said], preferences, extra=[f"Before it: {'; '.join(_job_line(j) for j in jobs[:-1])}."
                                                  if len(jobs) > 1 else None])
    return shaped([f"You had {len(jobs)} job{'s' if len(jobs) != 1 else ''} from {first:%A, %B} {first.day} to "
                   f"{last:%A, %B} {last.day}: " + "; ".join(f"{j.scheduled_start:%a} {_job_line(j)}" for j in jobs)
                   + "."], preferences)


def card(person: Contact) -> str:
    """A contact as said: "Sam Rivera, Facilities Manager, (415) 555-4658", whatever of it is on file."""
    return ", ".join(b for b in (person.name, person.title, person.phone) if b)


def customer(located: LocatedCustomer, preferences: Preferences) -> str:
    c, match = located.customer, located.match
    contact = located.site_contact
    contact_line = None
    if contact is not None:
        contact_line = f"{'Primary contact' if contact.is_primary else 'Site contact'}: {card(contact)}."
        primary = next((p for p in c.contacts if p.is_primary), None)
        if primary is not None and primary is not contact:  # the site's own first, then the customer's main one
            contact_line += f" {c.name}'s primary contact: {card(primary)}."
    site = located.site  # "what's the address there" is answered too
    return shaped(
        [f"{match.site_name} belongs to {c.name}, {a(c.segment)} customer.",
         f"The address is {site.address}, {site.city}." if site is not None else None, contact_line,
         f"Remember: {c.special_requirements[0].rstrip('.')}." if c.special_requirements else None],
        preferences,
        extra=[f"Also: {'; '.join(r.rstrip('.') for r in c.special_requirements[1:])}."
               if len(c.special_requirements) > 1 else None,
               f"Open opportunities: {'; '.join(o.title for o in c.opportunities)}." if c.opportunities else None],
    )


def site_access(located: LocatedCustomer, preferences: Preferences) -> str:
    """How to get in (a gate or door code, keys, parking): the site's access notes, or plainly that none are on file
    and who can let the technician in; the customer's rules after either, since they often govern the visit."""
    c, site, access_notes = located.customer, located.match.site_name, located.access_notes
    contact = located.site_contact
    who = card(contact) if contact is not None else None
    rules = [r.rstrip(".") for r in c.special_requirements]
    # a rule about the way in ("Gate D access only", "badge in at the loading dock") answers how to get in
    way_in = [r for r in rules if _WAY_IN.search(r)]
    lead = f"Access at {site}: {access_notes.rstrip('.')}." if access_notes else \
        f"Access at {site}: {'; '.join(way_in)}." if way_in else \
        f"No access notes (codes, keys, parking) are on file for {site}."
    ask = f"{who} can let you in." if who and not access_notes and not way_in else None
    others = [r for r in rules if r not in way_in]
    return shaped([lead, ask], preferences, extra=[f"Site rules: {'; '.join(others)}." if others else None])


_WAY_IN = re.compile(r"\b(?:gate|door|entrance|entry|access|badge|dock|park\w*|check in|sign in|escort\w*|key\w*)\b",
                     re.IGNORECASE)


def site_requirements(located: LocatedCustomer, preferences: Preferences) -> str:
    """Everything to know before showing up: the customer's rules and the site's access notes."""
    c, site, access_notes = located.customer, located.match.site_name, located.access_notes
    rules = [r.rstrip(".") for r in c.special_requirements]
    if not rules and not access_notes:
        return f"Nothing special is on file for {site} ({c.name})."
    lead = f"At {site} ({c.name}): {'; '.join(rules)}." if rules else f"At {site} ({c.name}), no customer rules."
    return shaped([lead, f"Access: {access_notes.rstrip('.')}." if access_notes else None], preferences)


def which_deficiency(open_ones: Sequence[Deficiency]) -> str:
    """The open deficiencies "mark it fixed" could mean, by the number that picks one ("mark 12 fixed")."""
    listed = "; ".join(f"number {d.id}, {d.description.rstrip('.')} ({d.severity})" for d in open_ones[:4])
    return f"Which one is fixed? Open here: {listed}. Say \"mark number {open_ones[0].id} fixed\", for example."


def travel(result: TravelTime, destination: str, preferences: Preferences, *, starts: datetime | None = None) -> str:
    """How far a site is; with the start of a job there still ahead today, when to leave to make it (what "when
    should I head out for the plant" asks, and what a technician weighs whenever they ask how far)."""
    how = "a straight-line estimate" if result.source == "estimate" else "Google traffic"
    said = [f"{destination} is about {minutes(result.duration)} away, "
            f"{distance(result.distance, preferences)} by road ({how})."]
    if starts is not None:
        said.append(f"To make its {clock(starts)} start, leave by {clock(starts - timedelta(seconds=result.duration))}.")
    return shaped(said, preferences)


def inspections_due(site: str, due: list[Equipment], preferences: Preferences, *, overdue_only: bool = False) -> str:
    """What is due at a site, or only what is overdue when that was asked (`due` then holds only those)."""
    if not due:
        return f"Nothing at {site} is overdue for inspection." if overdue_only else \
            f"Nothing at {site} is due for inspection in the next 30 days."
    items = []
    for e in due[:5]:
        when = f"overdue since {e.next_inspection_due:%B} {e.next_inspection_due.day}" if e.overdue and \
            e.next_inspection_due else f"due {e.next_inspection_due:%B} {e.next_inspection_due.day}" \
            if e.next_inspection_due else "due"
        standard = f", {e.nfpa_standard}" if e.nfpa_standard else ""
        items.append(f"{e.type} ({e.manufacturer} {e.model}{standard}) {when}")
    overdue = sum(1 for e in due if e.overdue)
    if overdue_only:
        head = f"At {site}, {len(due)} unit{'s are' if len(due) != 1 else ' is'} overdue"
    else:
        head = f"At {site}, {len(due)} item{'s are' if len(due) != 1 else ' is'} due"
        head += f", {overdue} overdue" if overdue else ""
    return shaped([f"{head}: {'; '.join(items)}."], preferences)


def deficiency_fixed(d: Deficiency) -> str:
    return f"Deficiency {d.id}, {d.description.rstrip('.')}, is marked fixed."


def preferences(p: Preferences, *, changed: bool = False) -> str:
    lead = "Done. From now on" if changed else "Right now"
    return (f"{lead} I answer for {a(p.skill_level)} technician, in "
            f"{p.units} units, {p.verbosity} answers.")


def what_is_wrong(equipment: str | None) -> str:
    """A write-up announced before its fault: the question that gets the fault, so nothing half-said is drafted."""
    unit = f"the {equipment}" if equipment else "it"
    return f"Okay, a write-up. What's wrong with {unit}? I'll read it back before anything is saved."


APOLOGY = "Sorry, I couldn't do that: "


def apology(reason: str) -> str:
    return f"{APOLOGY}{reason.rstrip('.')}."


def which_one(question: str) -> str:
    """A lookup that matched several places or units, put back to the technician as the question it is ("The
    school could be A, B or C; which one?"): not an apology, and it ends with a question mark."""
    said = question.strip().rstrip(".")
    said = said[:1].upper() + said[1:]
    return said if said.endswith("?") else f"{said}; which one?"


# What Clara says to offer a likely next action; actions without a line (preferences) are never offered. The offer
# follows whatever was just answered (a day's jobs, a manual's passage), so it names its own object rather than "it".
_OFFERS = {
    "knowledge_search": "Want me to look something up in the standards or manuals?",
    "equipment_spec": "Want the specs of a unit here?",
    "inspections_due": "Want to hear which inspections are due here?",
    "travel_time": "Want the drive time too?",
    "next_job": "Want to hear your next job?",
    "my_jobs_today": "Want the rest of today's jobs?",
    "daily_brief": "Want your daily brief?",
    "job_details": "Want the job details?",
    "customer_at_location": "Want to hear about the customer?",
    "log_deficiency": "Do you need to log a deficiency?",
    "mark_deficiency_fixed": "Want to mark a deficiency fixed?",
}


def offer(action: str) -> str | None:
    return _OFFERS.get(action)


# -- writes read back before they are saved ---------------------------------------------------------------------------

SEVERITY_MEANING = {"inoperable": "inoperable", "deficient": "deficient (needs correction)",
                    "suggested": "suggested (a recommendation)"}


def unit_name(unit: DraftUnit) -> str:
    """ "the Amerex B260 fire extinguisher in the Kitchen"."""
    return f"the {unit.manufacturer} {unit.model} {unit.type}" + (f" in the {unit.location}" if unit.location else "")


def deficiency_draft(draft: DeficiencyDraft) -> str:
    """The read-back: exactly what will be stored, then the question."""
    if draft.choices:
        options = " or ".join(unit_name(c) for c in draft.choices)
        return f"Which one at {draft.site}: {options}?"
    on = unit_name(draft.unit) if draft.unit else "no particular unit"
    missing = f" (nothing at {draft.site} matches {draft.unit_words!r})" if draft.unit_words else ""
    where = f", location {draft.where}" if draft.where and not (draft.unit and draft.where == draft.unit.location) \
        else ""  # the unit's own location is already in its name
    return (f"Here's the deficiency for {draft.site}: {on}{missing}{where}, severity "
            f"{SEVERITY_MEANING[draft.severity]}: {draft.description.rstrip('.')}. Save it?")


def status_draft(draft: StatusDraft) -> str:
    return (f"I'll mark job {draft.job_id} at {draft.site} {draft.status.replace('_', ' ')} (it is "
            f"{draft.previous.replace('_', ' ')} now). Save it?")


def status_undone(job: Job) -> str:
    return f"Done: job {job.id} at {job.site.name} is back to {job.status.replace('_', ' ')}."


# How a save is said: what a later turn reads to know what the conversation saved last ("undo that").
STATUS_SAVED, DEFICIENCY_SAVED = "Saved: job ", "Saved deficiency "


def saved(draft: Draft, record_id: int) -> str:
    if isinstance(draft, StatusDraft):
        return f"{STATUS_SAVED}{draft.job_id} at {draft.site} is {draft.status.replace('_', ' ')}."
    on = f" on {unit_name(draft.unit)}" if draft.unit else ""
    return f"{DEFICIENCY_SAVED}{record_id} at {draft.site}{on}, severity {draft.severity}."


def not_saved(draft: Draft) -> str:
    what = "deficiency" if isinstance(draft, DeficiencyDraft) else "status change"
    fields = "the unit, the severity or the description" if isinstance(draft, DeficiencyDraft) else \
        "the status or the job"
    return f"Okay, the {what} is not saved. Tell me what to change ({fields}), or say cancel."


def discarded(draft: Draft) -> str:
    return f"Okay, I dropped the {'deficiency' if isinstance(draft, DeficiencyDraft) else 'status change'}."


def draft_set_aside() -> str:
    return "(The unsaved draft was dropped.)"


def draft_still_waiting(draft: Draft) -> str:
    """Said after a question answered while a read-back waits: the yes on the table is still the draft's."""
    return f"The {'deficiency' if isinstance(draft, DeficiencyDraft) else 'status change'} I read back is still " \
           "waiting. Save it?"


def draft_replaced() -> str:
    return "The earlier draft is dropped, not saved."


def nothing_pending() -> str:
    return "There's nothing waiting to be saved."
