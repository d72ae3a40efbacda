"""Writes a technician confirms first: a deficiency or a job status change, read back, stored only on a yes.

A draft holds exactly what would be stored, resolved and validated (the job and its site, the unit with its model
and location, severity in the contract's terms, the description), so the read-back is the record. Corrections make
a new draft; `save` stores it through the same service functions the routes use. Technicians' own words for
severity and status map to the contract's terms here, for every caller.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, Union

from clara.web.caller import CurrentUser
from clara.web.errors import ApiError, validation_error
from clara.jobs import resolution, unit_match, write_place
from clara.jobs import service as jobs
from clara.jobs.models import SEVERITIES, STATUSES, Equipment
from clara.jobs.resolution import Focus
from clara.jobs.transitions import may_move, refusal
from clara.stores import Stores

# Technicians' words for how bad it is, first match wins (so "not critical" is not read as critical, the negated
# phrases come first).
# Urgency denied ("not urgent", "nothing critical", "no rush", "it can wait") is the mildest severity: read as
# the urgency word it contains, "nothing urgent" saved an inoperable record.
NOT_URGENT = (r"(?:not|nothing|no|isn'?t|non-?)\s?(?:too |very |super |that |real(?:ly)? |an? )?(?:critical|urgent|"
              r"serious|severe|pressing|emergency|big deal)|no (?:rush|hurry)|(?:it )?can wait")
# A unit that must not be relied on: the technicians' words for it, read by the severity and the sentence readers.
OUT_OF_SERVICE = r"out of service|out of order|out of commission|inoperable|inoperative|impaired|red[- ]?tag(?:ged)?"
# Beyond use, in shop talk: "it's toast", "motor's fried", "compressor seized up". Said as a clause of its own after a
# fault ("..., cylinder's empty, its toast") it grades the write-up as a severity word does.
BEYOND_USE = r"toast|fried|shot|busted|seized(?: up)?|totall?y (?:shot|gone|dead|busted)"
# Needing a repair, in the verbs technicians say it with: "needs repair", "needs fixing", "needs replacing".
NEEDS_REPAIR = r"needs? (?:a )?(?:repair\w*|fix\w*|replac\w*)"
_SEVERITY_WORDS: tuple[tuple[str, str], ...] = (
    # "monitor it", "keep an eye on it": nothing to repair yet, worth watching
    (NOT_URGENT + r"|low(?: priority| severity)?|minor|cosmetic|recommend\w*|suggest\w*|nice to have|improvement|"
     r"(?:monitor|watch) (?:it|that)|keep an eye on", "suggested"),
    (OUT_OF_SERVICE + r"|impairment|tagged out|critical|urgent|severe|high(?: priority| severity)?|not working|dead"
     r"|won'?t (?:start|run|work)|" + BEYOND_USE + r"|does ?n[o']t work|failed", "inoperable"),
    (NEEDS_REPAIR + r"|needs? (?:a )?service|medium|moderate|deficient|deficiency", "deficient"),
)
# Their words for where a job stands, and the jobs domain's status each means (there is no separate "on site":
# arriving starts the job).
_STATUS_WORDS: tuple[tuple[str, str], ...] = (
    (r"cancel\w*|call(?:ed)? off|not (?:going|coming)", "cancelled"),
    (r"complete\w*|done|finished|finish|wrapp?(?:ed|ing)? (?:it )?up|all set|closed? out|close it|"
     r"closing (?:it |this |this one )?out", "completed"),
    (r"on ?site|arrived|here now|(?:i'?m|i am|we'?re|we are|im) (?:just |already |now )?(?:here|at the (?:site|job))|"
     r"got (?:here|there|on ?site|to (?:the )?(?:site|job))|made it|pulled (?:up|in)|start\w*|in progress|"
     r"working on it|begin\w*|on the job|kick(?:ing|ed)? (?:it |things )?off|making a start|getting going",
     "in_progress"),
    (r"en ?route|on (?:my|our|the) way|heading|headed|driving|travell?ing|leaving (?:now|for)|omw|off to|"
     r"setting (?:off|out)|"
     r"rolling (?:out|over|to)|on the road", "en_route"),
)


def severity_of(words: str | None) -> str | None:
    """The contract's severity for a technician's words: "out of service", "critical", "high", "impaired" ->
    inoperable; "needs repair", "medium" -> deficient; "minor", "recommend", "low" -> suggested."""
    text = (words or "").lower()
    if text in SEVERITIES:
        return text
    return next((level for pattern, level in _SEVERITY_WORDS if re.search(rf"\b(?:{pattern})\b", text)), None)


def status_of(words: str | None) -> str | None:
    """The jobs domain's status for a technician's words ("on my way" -> en_route, "on site" -> in_progress)."""
    text = (words or "").lower().replace("_", " ")
    if text.replace(" ", "_") in STATUSES:
        return text.replace(" ", "_")
    return next((status for pattern, status in _STATUS_WORDS if re.search(rf"\b(?:{pattern})\b", text)), None)


@dataclass(frozen=True)
class DraftUnit:
    """The unit a deficiency is about, as read back: "the Amerex B260 fire extinguisher in the Kitchen"."""

    id: int
    type: str
    manufacturer: str
    model: str
    location: str | None

    @classmethod
    def of(cls, unit: Equipment) -> "DraftUnit":
        return cls(unit.id, unit.type, unit.manufacturer, unit.model, unit.location)


@dataclass(frozen=True)
class DeficiencyDraft:
    id: str
    job_id: int | None  # None: a site on no job of the technician's today, where they stand
    site_id: int
    site: str
    severity: str
    description: str
    location: str | None  # where on site, when the technician said; else the unit's location is used
    unit: DraftUnit | None
    choices: list[DraftUnit] = field(default_factory=list)  # the unit is one of these: ask before saving
    unit_words: str | None = None  # how the technician named the unit, when nothing at the site fits
    kind: Literal["deficiency"] = "deficiency"

    @property
    def where(self) -> str | None:
        """Where on site: what the technician said, written as the unit's location when it is the same place."""
        unit_location = self.unit.location if self.unit else None
        if self.location and unit_location and self.unit is not None and _at(self.unit, self.location):
            return unit_location  # "the vault" is the Street vault the unit stands in
        return self.location or unit_location

    def fields(self) -> dict[str, Any]:
        """What will be stored, in the contract's terms (the `draft` frame's `fields`)."""
        unit = None if self.unit is None else asdict(self.unit)
        return {"job_id": self.job_id, "site_id": self.site_id, "site": self.site, "equipment": unit,
                "severity": self.severity, "description": self.description, "location": self.where}


@dataclass(frozen=True)
class StatusDraft:
    id: str
    job_id: int
    site: str
    status: str
    previous: str
    kind: Literal["job_status"] = "job_status"

    def fields(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "site": self.site, "status": self.status, "previous_status": self.previous}


Draft = Union[DeficiencyDraft, StatusDraft]


def as_json(draft: Draft) -> dict[str, Any]:
    """The draft as stored with its conversation."""
    return asdict(draft)


def from_json(data: dict[str, Any]) -> Draft:
    if data.get("kind") == "job_status":
        return StatusDraft(**data)
    unit = data.get("unit")
    return DeficiencyDraft(**{**data, "unit": DraftUnit(**unit) if unit else None,
                              "choices": [DraftUnit(**c) for c in data.get("choices", [])]})


# "Here" as said on site ("the pump here is leaking", "a drip right here"): the record's site says where, and read
# back at the office "here" points nowhere.
_HERE_SAID = re.compile(r"(?<=\w)\s+(?:right |over |up |down |out |in )?here\b(?!')", re.IGNORECASE)


def _description(text: str | None) -> str:
    cleaned = " ".join(_HERE_SAID.sub("", text or "").split()).strip(" ,;:-.")
    if not cleaned:
        raise validation_error("description", "tell me what is wrong")
    if len(cleaned) > jobs.MAX_DESCRIPTION:
        raise validation_error("description", f"description must be at most {jobs.MAX_DESCRIPTION} characters")
    return cleaned[0].upper() + cleaned[1:]


def _location(text: str | None) -> str | None:
    cleaned = " ".join((text or "").split()).strip(" ,;:-.")
    cleaned = re.sub(r"^(?:the|a|an)\s+", "", cleaned, flags=re.IGNORECASE)
    if len(cleaned) > jobs.MAX_LOCATION:
        raise validation_error("location", f"location must be at most {jobs.MAX_LOCATION} characters")
    return cleaned or None


def _severity(words: str | None) -> str:
    if not words:
        return "deficient"  # a problem that needs correcting, unless the technician says how bad it is
    severity = severity_of(words)
    if severity is None:
        raise validation_error("severity", f"severity must be inoperable, deficient or suggested, not {words!r}")
    return severity


async def draft_deficiency(
    stores: Stores, *, actor: CurrentUser, focus: Focus, description: str, severity: str | None = None,
    equipment: str | None = None, location: str | None = None, job: str | None = None,
) -> DeficiencyDraft:
    """What logging this deficiency would store: on the job meant (the current one by default), against the unit
    named at its site. Which job or site it goes to is `write_place`'s to say (a site said as where the fault is,
    a site none of today's jobs is at, where the technician stands), for every caller alike."""
    filed = await write_place.filing(stores, actor=actor, focus=focus, job=job, location=location)
    location = _within(filed.location, filed.site.name)
    draft = DeficiencyDraft(id=str(uuid.uuid4()), job_id=filed.job.id if filed.job else None,
                            site_id=filed.site.site_id, site=filed.site.name, severity=_severity(severity),
                            description=_description(description), location=_location(location), unit=None)
    return await _with_unit(stores, draft, focus, equipment, location)


def _within(location: str | None, site: str) -> str | None:
    """The place at the site a write-up was said at: "the rooftop unit at the Ferry Building" names the site itself,
    which says nothing of where at the site (it was stored as the record's location, "ferry building")."""
    said = (_location(location) or "").lower()
    return None if said and re.search(rf"(?<!\w){re.escape(said)}(?!\w)", site.lower()) else location


async def _with_unit(stores: Stores, draft: DeficiencyDraft, focus: Focus, words: str | None,
                     location: str | None) -> DeficiencyDraft:
    if not words and not draft.choices:
        return draft
    match = await unit_match.resolve_unit(stores, site_id=draft.site_id, focus=focus, reference=words,
                                          location=location)
    choices = [DraftUnit.of(u) for u in match.choices]
    if draft.choices and not match.unit:  # an answer to "which one?" narrows the units asked about
        allowed = {c.id for c in draft.choices}
        narrowed = [c for c in choices if c.id in allowed] or [c for c in draft.choices if _names(words, c)]
        if len(narrowed) == 1:
            return replace(draft, unit=narrowed[0], choices=[], unit_words=None)
        return replace(draft, choices=narrowed or draft.choices)
    if match.unit is not None:
        return replace(draft, unit=DraftUnit.of(match.unit), choices=[], unit_words=None)
    # "write it up" with no unit talked about at this site: no unit named, not a unit called "it" the site lacks
    lacking = None if choices or unit_match.points_back(words) else words
    return replace(draft, unit=None, choices=choices, unit_words=lacking)


def _names(words: str | None, unit: DraftUnit) -> bool:
    said = (words or "").lower()
    return any(part and part in said for part in (unit.model.lower(), (unit.location or "").lower()))


async def edit_deficiency(
    stores: Stores, *, focus: Focus, draft: DeficiencyDraft, severity: str | None = None,
    equipment: str | None = None, location: str | None = None, description: str | None = None,
    added: str | None = None,
) -> DeficiencyDraft:
    """The draft with the technician's correction applied; a new id, since it is a new read-back. `added` is a
    further fault on the same unit, kept after what the description already says."""
    edited = replace(draft, id=str(uuid.uuid4()))
    if severity:
        edited = replace(edited, severity=_severity(severity))
    if description:
        edited = replace(edited, description=_description(description))
    if added:
        more = _description(added)
        edited = replace(edited, description=_description(f"{edited.description}; {more[0].lower()}{more[1:]}"))
    if equipment or (location and draft.choices):
        if not location and draft.unit is not None and draft.location and _at(draft.unit, draft.location):
            edited = replace(edited, location=None)  # where the unit read back stands, not where the right one does
        return await _with_unit(stores, edited, focus, equipment or location, location)
    if location and draft.unit is not None and not _at(draft.unit, location):
        # "not the kitchen one, the one in the corridor": another unit of the same kind, where it now says
        moved = await unit_match.resolve_unit(stores, site_id=draft.site_id, focus=focus,
                                              reference=f"{draft.unit.type} {location}", location=location)
        if moved.unit is not None and moved.unit.id != draft.unit.id and _at(DraftUnit.of(moved.unit), location):
            # where the new unit stands: the old one's place, kept, would file it in the wrong room
            return replace(edited, unit=DraftUnit.of(moved.unit), choices=[], unit_words=None,
                           location=_location(location))
        if draft.unit.location:
            # "no, the one in the riser room" where the site has none there: another room written beside the unit
            # read back would file it against a unit that stands elsewhere; the draft stays as it was
            unit = draft.unit
            raise ApiError(404, "not_found", f"there's no other {unit.type} in the {_location(location)} at "
                           f"{draft.site}; the write-up is still on the {unit.manufacturer} {unit.model} in the "
                           f"{unit.location}", "location")
    if location:
        edited = replace(edited, location=_location(location))
    return edited


def _at(unit: DraftUnit, location: str) -> bool:
    """Whether a unit's recorded location is the one said ("corridor" for "2nd floor corridor")."""
    said = [w for w in re.findall(r"[a-z0-9]+", location.lower()) if w not in _LOCATION_FILLERS]
    return bool(unit.location and said) and all(w in (unit.location or "").lower() for w in said)


_LOCATION_FILLERS = {"the", "a", "an", "in", "on", "at", "by", "near", "one", "room", "area"}


async def draft_status(
    stores: Stores, *, actor: CurrentUser, focus: Focus, status: str, job: str | None = None,
) -> StatusDraft:
    """What changing the job's status would store; a change the job cannot make is refused now, not on the yes."""
    wanted = status_of(status)
    if wanted is None:
        raise validation_error("status", f"status must be one of: {', '.join(STATUSES)}")
    target = await resolution.resolve_job(stores, actor=actor, focus=focus, reference=job)
    if target.status == wanted:
        raise ApiError(409, "conflict", f"job {target.id} at {target.site.name} is already {wanted.replace('_', ' ')}",
                       "status")
    if not may_move(target.status, wanted) and not await jobs.may_step_back(stores, actor=actor, job_id=target.id,
                                                                         status=wanted):
        raise ApiError(409, "invalid_transition", refusal(target.status, wanted).replace("_", " "),
                       "status")
    return StatusDraft(id=str(uuid.uuid4()), job_id=target.id, site=target.site.name, status=wanted,
                       previous=target.status)


def question(draft: Draft) -> str | None:
    """What must be answered before this draft can be saved, if anything."""
    if isinstance(draft, DeficiencyDraft) and draft.choices:
        return "which unit: " + " or ".join(_unit_name(c) for c in draft.choices)
    return None


def _unit_name(unit: DraftUnit) -> str:
    return f"the {unit.manufacturer} {unit.model}" + (f" in the {unit.location}" if unit.location else "")


async def save(stores: Stores, *, actor: CurrentUser, draft: Draft) -> int:
    """Store the draft (the deficiency's id, or the job's); refused while a question is open."""
    open_question = question(draft)
    if open_question is not None:
        raise validation_error("equipment", f"first tell me {open_question}")
    if isinstance(draft, StatusDraft):
        return (await jobs.update_job(stores, actor=actor, job_id=draft.job_id, status=draft.status)).id
    deficiency = await jobs.log_deficiency(
        stores, actor=actor, job_id=draft.job_id, site_id=None if draft.job_id else draft.site_id,
        equipment_id=draft.unit.id if draft.unit else None,
        severity=draft.severity, description=draft.description, location=draft.where,
    )
    return deficiency.id
