"""The unit a kind of equipment names at a site ("the rooftop unit at Chase Center"), for every caller.

The agent's `equipment_spec` tool and the MCP server's take a model number or a kind of unit; a kind is resolved to
the one unit of that kind at the site meant, by the same rule and with the same refusals for both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clara.web.caller import CurrentUser
from clara.jobs import service as jobs
from clara.jobs.models import Equipment
from clara.jobs.resolution import Focus, Place, resolve_site
from clara.jobs.unit_match import SERIAL_SAID, UnitMatch, resolve_unit
from clara.knowledge.spoken_models import spelled_out
from clara.stores import Stores
from clara.web.errors import ApiError


@dataclass
class AmbiguousUnit(ApiError):
    """409: several units at the site fit the words; the message asks which, naming each, and `choices` are them."""

    choices: list[Equipment] = field(default_factory=list)


@dataclass(frozen=True)
class UnitAtSite:
    """What a kind of unit ("the rooftop unit") names at the `site` it was looked for at."""

    site: Place
    words: str
    match: UnitMatch

    def unit(self) -> Equipment:
        """The one unit that fits; `AmbiguousUnit` when several do, a 404 naming the kind and site when none does."""
        if self.match.unit is not None:
            return self.match.unit
        if self.match.choices:
            named = " or ".join(f"the {u.manufacturer} {u.model}" + (f" in the {u.location}" if u.location else "")
                                for u in self.match.choices)
            raise AmbiguousUnit(409, "ambiguous_equipment", f"Which one do you mean: {named}?", "model",
                                choices=self.match.choices)
        raise ApiError(404, "not_found", f"there is no {self.words.removeprefix('the ')} at {self.site.name}", "model")


def names_a_kind(words: str) -> bool:
    """Whether an equipment phrase names a kind of unit ("the rooftop unit", "the RTU") rather than a model
    ("50TCQA06", "fifty TCQ A six"): a model has a digit, once spoken numbers are written as digits. "One" after a
    determiner is a pronoun ("the one in the street vault"), not a digit. A serial said ("serial AM351589") names
    the unit on site that carries it, digits and all."""
    return bool(SERIAL_SAID.match(words)) or not re.search(r"\d", spelled_out(_ONE_AS_PRONOUN.sub(" ", words)))


_ONE_AS_PRONOUN = re.compile(r"\b(?:the|that|this|which|other|same|another|each)\s+one\b", re.IGNORECASE)


async def unit_of_kind(
    stores: Stores, *, actor: CurrentUser, focus: Focus, words: str, site: str | None,
) -> UnitAtSite:
    """The unit a kind names at the site `site` means (empty: the one discussed, else where the technician is).
    The agent's and the MCP server's `equipment_spec` both take "the rooftop unit at Chase Center" through here."""
    place = await resolve_site(stores, actor=actor, focus=focus, reference=site)
    if _EVERYTHING.match(words):  # "what equipment they got here": every unit at the site, to name
        return UnitAtSite(place, words, UnitMatch(None, await jobs.site_equipment(stores, site_id=place.site_id)))
    return UnitAtSite(place, words, await resolve_unit(stores, site_id=place.site_id, focus=focus, reference=words))


# All of a site's units, said as such: "equipment", "the units", "all the equipment".
_EVERYTHING = re.compile(r"^\s*(?:(?:all|the|their|its|of)\s+)*(?:equipment|units|gear)\s*$", re.IGNORECASE)
