"""What a unit on file at a site says about itself: how old it is, from the install date the site's records hold.

A spec sheet knows a model, not a unit: "how old is the backflow there" is answered from the equipment record of
the unit at that site (installed when, so how many years), never from a document about ageing sprinklers.
"""

from __future__ import annotations

from datetime import date

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
    months = (today.year - unit.install_date.year) * 12 + today.month - unit.install_date.month - \
        (today.day < unit.install_date.day)
    age = spoken.count(months, "month") if months < 12 else f"about {spoken.count(months // 12, 'year')}"
    when = f"{unit.install_date:%B} {unit.install_date.day}, {unit.install_date.year}"
    return f"{named(unit)[0].upper()}{named(unit)[1:]} at {site} was installed on {when}, so it's {age} old."


def on_file(unit: Equipment, site: str) -> str:
    """Which unit of a kind a site has, when no specification sheet covers its model."""
    return f"At {site} it's {named(unit)}. There's no specification sheet on file for the {unit.model}."
