"""What a unit on file at a site says about itself: how old it is and when it was last inspected, from the site's
records.

A spec sheet knows a model, not a unit: "how old is the backflow there" is answered from the equipment record of
the unit at that site (installed when, so how many years), never from a document about ageing sprinklers.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from clara.jobs import spoken
from clara.jobs.models import Equipment


def named(unit: Equipment) -> str:
    """ "the Ames 3000SS-4 backflow preventer in the Street vault"."""
    where = f" in the {unit.location}" if unit.location else ""
    return f"the {unit.manufacturer} {unit.model} {unit.type}{where}"


def installed(unit: Equipment, site: str, today: date) -> str:
    """When the unit went in and how long ago, in years (months under a year)."""
    if unit.install_date is None:
        return f"There's no install date on file for {named(unit)} at {site}."
    return f"{named(unit)[0].upper()}{named(unit)[1:]} at {site} was installed on {_day(unit.install_date)}, so it's " \
        f"{age(unit.install_date, today)} old."


def age(since: date, today: date) -> str:
    """How long ago a unit went in, as said: "about 7 years", "11 months" (months under a year)."""
    months = (today.year - since.year) * 12 + today.month - since.month - (today.day < since.day)
    return spoken.count(months, "month") if months < 12 else f"about {spoken.count(months // 12, 'year')}"


def installed_on(unit: Equipment) -> str:
    """ "March 2, 2019": the unit's install date as said (empty when none is on file)."""
    return _day(unit.install_date) if unit.install_date else ""


def _day(when: date) -> str:
    return f"{when:%B} {when.day}, {when.year}"


def inspected(unit: Equipment, site: str, today: date) -> str:
    """When the unit was last inspected and when it is next due (or how long overdue), from its record."""
    name = f"{named(unit)[0].upper()}{named(unit)[1:]}"
    if unit.last_inspected is None:
        return f"There's no inspection on file for {named(unit)} at {site}."
    due = unit.last_inspected + timedelta(days=unit.inspection_interval_days)
    late = (today - due).days
    status = f"it was due {_day(due)}, {spoken.count(late, 'day')} overdue" if late > 0 else \
        f"it's next due {_day(due)}"
    return f"{name} at {site} was last inspected on {_day(unit.last_inspected)}; {status}."


# Where a unit stands at its site: "where would the fire pump be in this building", "where's the fire panel".
_WHERE = re.compile(r"\bwhere(?:'?s|\s+(?:is|are|was|would|will|do|does|can|could|should|might|abouts))\b|"
                    r"\bwhereabouts\b|\blocated\b|\blocation of\b", re.IGNORECASE)


def asks_where(question: str | None) -> bool:
    """Whether a question about a unit asks where it is at the site."""
    return bool(question and _WHERE.search(question))


def located(unit: Equipment, site: str) -> str:
    """Where the unit is at its site, with its make and model (what "where's the panel and what make" asks too)."""
    if not unit.location:
        return f"At {site} it's {named(unit)}; there's no location on file for it."
    return f"At {site} it's {named(unit)}."


def on_file(unit: Equipment, site: str) -> str:
    """Which unit of a kind a site has, when no specification sheet covers its model."""
    return f"At {site} it's {named(unit)}. There's no specification sheet on file for the {unit.model}."


# What a site has, asked of all its units: a kind in the plural ("what backflows are at WeWork"), or units by place
# ("what units are on the roof here", "what's in the pump room").
# A system is all of its units: "what's the sprinkler system here" names each.
_ALL_OF_THEM = re.compile(r"\b(?:units|equipment|systems?|(?:backflow|panel|pump|valve|extinguisher|rtu|hood|preventer|"
                          r"handler)s|what(?:'?s| is) (?:up )?(?:on|in|at))\b", re.IGNORECASE)


def asks_for_all(words: str | None, question: str | None) -> bool:
    """Whether a question about a kind of unit asks what the site has of it, not about one of them."""
    return bool(_ALL_OF_THEM.search(f"{words or ''} {question or ''}"))


def listed(units: list[Equipment], site: str) -> str:
    """The units a site has of a kind or at a place, each named with where it is."""
    names = [named(unit) for unit in units]
    said = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    kinds = {unit.type for unit in units}
    # the count with what is counted ("there are 3 rooftop units"), which a count heard alone needs
    counted = f"{len(units)} {kinds.pop()}s" if len(kinds) == 1 else f"{len(units)} units"
    return f"At {site} there's {said}." if len(units) == 1 else f"At {site} there are {counted}: {said}."


_HERE = re.compile(r"^(?:the|that|this|a|an)\s+|\s+(?:here|there|on site|at this site)$", re.IGNORECASE)


def lacking(words: str, units: list[Equipment], site: str) -> str:
    """A unit named that the site does not have: say so, and name what it has, so the technician can pick one (or
    log it against the site)."""
    said = _HERE.sub("", _HERE.sub("", words.strip()))
    if not units:
        return f"There's no {said} on file at {site}, and no units at all."
    kinds = [f"{unit.manufacturer} {unit.model} {unit.type}" + (f" ({unit.location})" if unit.location else "")
             for unit in units]
    return f"There's no {said} on file at {site}; it has the {', the '.join(kinds[:-1])} and the {kinds[-1]}." \
        if len(kinds) > 1 else f"There's no {said} on file at {site}; it has the {kinds[0]}."
