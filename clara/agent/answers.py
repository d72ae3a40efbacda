"""Tool results in one or two sentences, the way a technician wants to hear them.

Each tool returns its facts and a `say` line built here, shaped by the technician's preferences: an expert gets the
numbers, a beginner gets the step and the safety note, `brief` keeps the first sentence, `metric` converts. Any LLM
may reword `say`; the offline LLM speaks it as is, so every fact in it must be right and sourced.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Iterable

from clara.crm.models import LocatedCustomer
from clara.jobs.models import DailyBrief, Deficiency, Equipment, Job, JobDetail
from clara.jobs.travel import TravelTime
from clara.knowledge.models import SearchHit
from clara.knowledge.specs import Spec
from clara.users.service import Preferences

KM_PER_MILE = 1.609344

# Spec topics a question can ask about, and the detail keys (flattened "group.key") that answer each.
SPEC_TOPICS: dict[str, tuple[str, ...]] = {
    "electrical": ("electrical.",),
    "refrigerant": ("refrigerant",),
    "weight": ("weight",),
    "dimensions": ("dimensions", "size_in"),
    "efficiency": ("efficiency.",),
    "capacity": ("nominal_capacity", "capacity", "heating.input_btuh"),
    "pressure": ("_psi",),
    "flow": ("_gpm", "airflow_cfm"),
    "speed": ("rpm",),
    "service": ("service_notes",),
}
_TOPIC_WORDS: tuple[tuple[str, str], ...] = (
    (r"amp|amperage|draw|current|electric|mca|mocp|rla|fla|lra|breaker|fuse|volt|phase|circuit|wire", "electrical"),
    (r"refrigerant|charge|r-?410|r-?454|freon", "refrigerant"),
    (r"weigh|heavy|lbs?\b|pounds", "weight"),
    (r"dimension|size|how big|footprint|length|width|height", "dimensions"),
    (r"seer|eer|hspf|efficien", "efficiency"),
    (r"capacity|tonnage|tons?\b|btu", "capacity"),
    (r"pressure|psi", "pressure"),
    (r"flow|gpm|cfm|airflow", "flow"),
    (r"rpm|speed", "speed"),
    (r"note|tip|service|troubleshoot|maintenance", "service"),
)
_LABELS = {
    "mca": "MCA", "mocp": "MOCP", "compressor_rla": "compressor RLA", "compressor_lra": "compressor LRA",
    "outdoor_fan_fla": "outdoor fan FLA", "indoor_fan_fla": "indoor fan FLA", "fla": "FLA", "fla_230v": "FLA at 230 V",
    "fla_460v": "FLA at 460 V", "locked_rotor_a": "locked rotor current", "seer2": "SEER2", "hspf2": "HSPF2",
    "eer2": "EER2", "eer": "EER", "ieer": "IEER", "hz": "frequency", "input_btuh": "heating input",
}
_UNIT_SUFFIXES = {"_lb": "lb", "_in": "in", "_psi": "psi", "_gpm": "GPM", "_gph": "gal/h", "_gal": "gal", "_l": "L",
                  "_w": "W", "_a": "A", "_f": "°F", "_cfm": "CFM", "_years": "years", "_btuh": "BTU/h"}
_RUNNING = ("compressor_rla", "fla", "fla_230v", "fla_460v", "indoor_fan_fla", "outdoor_fan_fla")
_AMPS = (*_RUNNING, "mca", "mocp", "compressor_lra", "locked_rotor_a")
_METRIC = {"lb": (0.45359237, "kg"), "in": (25.4, "mm"), "psi": (6.894757, "kPa"), "GPM": (3.785412, "L/min"),
           "gal": (3.785412, "L"), "gal/h": (3.785412, "L/h"), "CFM": (1.699011, "m³/h")}
_SAFETY = {
    "electrical": "Safety first: lock out and tag out the disconnect, and verify zero voltage before opening panels.",
    "refrigerant": "Wear gloves and eye protection when connecting gauges; R-410A runs at high pressure.",
    "pressure": "Open valves slowly and wear eye protection around pressurized piping.",
}


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


def next_job(job: Job | None, preferences: Preferences) -> str:
    if job is None:
        return "You have no more scheduled jobs."
    when = f"{job.scheduled_start:%A} at {clock(job.scheduled_start)}"
    away = ""
    if job.travel_seconds is not None and job.distance_km is not None:
        away = f", about {minutes(job.travel_seconds)} away ({distance(job.distance_km, preferences)})"
    priority = f"{job.priority}-priority " if job.priority in ("high", "emergency") else ""
    return shaped(
        [f"Your next job is {a(priority + visit(job.type))} at {job.site.name}, {job.site.address}, {job.site.city}, "
         f"for {job.customer.name}, {when}{away}."],
        preferences, extra=[f"Notes: {job.notes.rstrip('.')}." if job.notes else None],
    )


def daily_brief(brief: DailyBrief, preferences: Preferences) -> str:
    if preferences.verbosity == "brief" or preferences.skill_level == "expert":
        if not brief.jobs:
            return "No jobs left today."
        return f"{len(brief.jobs)} jobs: " + "; ".join(_job_line(job) for job in brief.jobs) + "."
    return brief.spoken_summary


def job_details(detail: JobDetail, preferences: Preferences) -> str:
    job = detail.job
    worst = detail.deficiencies[0] if detail.deficiencies else None
    open_line = None
    if worst is not None:
        count = len(detail.deficiencies)
        open_line = (f"{count} open deficienc{'ies' if count != 1 else 'y'}, the worst {worst.severity}: "
                     f"{worst.description.rstrip('.')}.")
    due = [e for e in detail.equipment if e.overdue]
    return shaped(
        [f"Job {job.id} is {a(visit(job.type))} at {job.site.name} for {job.customer.name}, {job.scheduled_start:%A} at "
         f"{clock(job.scheduled_start)}, status {job.status.replace('_', ' ')}.",
         open_line,
         f"Site rules: {'; '.join(r.rstrip('.') for r in detail.special_requirements)}."
         if detail.special_requirements else None],
        preferences,
        extra=[f"Systems: {', '.join(job.systems)}." if job.systems else None,
               f"Notes: {job.notes.rstrip('.')}." if job.notes else None,
               f"{len(due)} piece{'s' if len(due) != 1 else ''} of equipment overdue for inspection." if due else None],
    )


def customer(located: LocatedCustomer, preferences: Preferences) -> str:
    c, match = located.customer, located.match
    contact = next((p for p in c.contacts if p.is_primary), c.contacts[0] if c.contacts else None)
    contact_line = None
    if contact is not None:
        bits = [contact.name, contact.title, contact.phone]
        contact_line = "Primary contact: " + ", ".join(b for b in bits if b) + "."
    return shaped(
        [f"{match.site_name} belongs to {c.name}, {a(c.segment)} customer.", contact_line,
         f"Remember: {c.special_requirements[0].rstrip('.')}." if c.special_requirements else None],
        preferences,
        extra=[f"Also: {'; '.join(r.rstrip('.') for r in c.special_requirements[1:])}."
               if len(c.special_requirements) > 1 else None,
               f"Open opportunities: {'; '.join(o.title for o in c.opportunities)}." if c.opportunities else None],
    )


def travel(result: TravelTime, destination: str, preferences: Preferences) -> str:
    how = "a straight-line estimate" if result.source == "estimate" else "Google traffic"
    return shaped([f"{destination} is about {minutes(result.duration)} away, "
                   f"{distance(result.distance, preferences)} by road ({how})."], preferences)


def inspections_due(site: str, due: list[Equipment], preferences: Preferences) -> str:
    if not due:
        return f"Nothing at {site} is due for inspection in the next 30 days."
    items = []
    for e in due[:5]:
        when = f"overdue since {e.next_inspection_due:%B} {e.next_inspection_due.day}" if e.overdue and \
            e.next_inspection_due else f"due {e.next_inspection_due:%B} {e.next_inspection_due.day}" \
            if e.next_inspection_due else "due"
        standard = f", {e.nfpa_standard}" if e.nfpa_standard else ""
        items.append(f"{e.type} ({e.manufacturer} {e.model}{standard}) {when}")
    overdue = sum(1 for e in due if e.overdue)
    head = f"At {site}, {len(due)} item{'s are' if len(due) != 1 else ' is'} due"
    head += f", {overdue} overdue" if overdue else ""
    return shaped([f"{head}: {'; '.join(items)}."], preferences)


def deficiency_logged(d: Deficiency, site: str, equipment: Equipment | None, preferences: Preferences) -> str:
    what = d.description.rstrip(".")
    where = f" in {d.location}" if d.location else ""
    on = f" on the {equipment.type} ({equipment.manufacturer} {equipment.model})" if equipment else ""
    return shaped(
        [f"Logged deficiency {d.id} at {site}: {what}{where}{on}, severity {d.severity}."], preferences,
        extra=["Inoperable means the system cannot perform; notify the customer and the AHJ as the standard requires."
               if d.severity == "inoperable" else None],
    )


def deficiency_fixed(d: Deficiency) -> str:
    return f"Deficiency {d.id}, {d.description.rstrip('.')}, is marked fixed."


def preferences(p: Preferences, *, changed: bool = False) -> str:
    lead = "Done. From now on" if changed else "Right now"
    return (f"{lead} I answer for {a(p.skill_level)} technician, in "
            f"{p.units} units, {p.verbosity} answers.")


def _flatten(details: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    flat: list[tuple[str, Any]] = []
    for key, value in details.items():
        if isinstance(value, dict):
            flat += _flatten(value, f"{prefix}{key}.")
        elif value not in (None, "", []):
            flat.append((f"{prefix}{key}", value))
    return flat


def _measure(key: str, value: Any, preferences: Preferences) -> str:
    leaf = key.rsplit(".", 1)[-1]
    unit = "A" if leaf in _AMPS else next((u for s, u in _UNIT_SUFFIXES.items() if leaf.endswith(s)), "")
    label = _LABELS.get(leaf) or re.sub(r"_(lb|in|psi|gpm|gph|gal|l|w|a|f|cfm|years|btuh)$", "", leaf).replace("_", " ")
    if key.startswith("dimensions"):
        label = f"{leaf}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and preferences.units == "metric":
        if unit in _METRIC:
            factor, unit = _METRIC[unit]
            value = round(value * factor, 1)
        elif unit == "°F":
            value, unit = round((value - 32) * 5 / 9, 1), "°C"
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if leaf == "voltage":
        return f"{value} V"
    return f"{label} {value}{' ' + unit if unit else ''}"


def spec_topic(question: str | None) -> str | None:
    if not question:
        return None
    text = question.lower()
    return next((topic for pattern, topic in _TOPIC_WORDS if re.search(pattern, text)), None)


def equipment_spec(spec: Spec, topic: str | None, preferences: Preferences) -> str:
    name = " ".join(p for p in (spec.manufacturer, spec.model) if p)
    source = f"per the {spec.manufacturer + ' ' if spec.manufacturer else ''}{spec.series or spec.model} specifications"
    flat = [(k, v) for k, v in _flatten(spec.details) if k != "service_notes"]
    if topic == "service":
        notes = spec.details.get("service_notes") or []
        first = notes[0] if notes else "There are no service notes on file."
        return shaped([f"{name} service note ({source}): {first}"], preferences,
                      extra=notes[1:3])
    keys = SPEC_TOPICS.get(topic or "", ())
    chosen = [(k, v) for k, v in flat if any(m in k for m in keys)] if keys else []
    if topic == "electrical":
        # What it draws running first, then circuit sizing, then starting current; stored JSON has no key order.
        values = {k.rsplit(".", 1)[-1]: v for k, v in chosen}
        amps = [(k, values[k]) for k in _AMPS if k in values]
        if preferences.skill_level == "expert" or preferences.verbosity == "brief":
            amps = [(k, v) for k, v in amps if k in _RUNNING + ("mca", "mocp")] or amps
        facts = ", ".join(_measure(k, v, preferences) for k, v in amps)
        supply = ", ".join(part for part in (f"{values['voltage']} V" if "voltage" in values else None,
                                             f"{values['phase']} phase" if "phase" in values else None) if part)
        first = f"{name} electrical data{f' ({supply})' if supply else ''}, {source}: {facts}."
        return shaped([first], preferences, safety=_SAFETY["electrical"],
                      extra=["Size the conductors to the MCA and the breaker or fuse to no more than the MOCP."])
    if not chosen:
        chosen = [(k, v) for k, v in flat if k in ("nominal_capacity", "capacity", "electrical.mca", "electrical.mocp",
                                                   "refrigerant", "rated_flow_gpm", "rated_pressure_psi", "hp")]
        if not chosen:
            chosen = flat[:4]
        what = f"{spec.type or 'equipment'}"
        facts = ", ".join(_measure(k, v, preferences) for k, v in chosen)
        return shaped([f"The {name} is {a(what.lower())}, {source}: {facts}."], preferences,
                      extra=[spec.description])
    facts = ", ".join(_measure(k, v, preferences) for k, v in chosen)
    return shaped([f"{name} {topic}, {source}: {facts}."], preferences, safety=_SAFETY.get(topic or ""))


ANSWER_CONFIDENCE = 0.01  # below this the best passage is a guess (search drops such hits): say so instead


def citation(hit: SearchHit) -> str:
    """Where an answer comes from, as a technician would look it up: "NFPA 25, section 8.3.1.1", "the Brennick
    BFC-750 manual, section 3.5 Phase rotation, page 4", "1910.157(f)(10)"."""
    page = f", page {hit.page}" if hit.page else ""
    if hit.standard and hit.source == "nfpa":
        section = hit.section or ""
        number = section.removeprefix(hit.standard).strip() if section.startswith(hit.standard) else section
        return (f"{hit.standard}, section {number}" if number else hit.standard) + page
    where = f", section {hit.section}" if hit.section and hit.section not in hit.title else ""
    return f"{hit.title}{where}{page}"


def knowledge(hits: list[SearchHit], preferences: Preferences, *, query: str = "") -> str:
    """The sentence that carries the fact, with its source: extractive, so every word said is in the document."""
    if not hits or hits[0].confidence < ANSWER_CONFIDENCE:
        asked = f" for \"{query.strip()}\"" if query.strip() else ""
        return (f"I don't know. I searched the standards, manuals, specifications and uploaded documents{asked} "
                "and found nothing I'm confident answers it.")
    best = hits[0]
    answer = (best.answer or best.text).strip()
    lead = f"Per {citation(best)}: {answer}"
    also = [f"See also {citation(h)}." for h in hits[1:3]
            if citation(h) != citation(best) and h.confidence >= ANSWER_CONFIDENCE]
    return shaped([lead], preferences, extra=also[:1])


def apology(reason: str) -> str:
    return f"Sorry, I couldn't do that: {reason.rstrip('.')}."


# What Clara says to offer a likely next action; actions without a line (preferences) are never offered.
_OFFERS = {
    "knowledge_search": "Want me to look up what the standard says about it too?",
    "equipment_spec": "Want the equipment specs too?",
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
