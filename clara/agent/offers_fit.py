"""Whether a learned next step may be offered after an answer: the offer must make sense where it lands.

The patterns (`clara.analytics`) know what technicians tend to do next, not what was just said. "Want the specs of a
unit here?" after a standard's passage speaks of a unit and a place the answer never mentioned; an offer after an
answer that already ends with a question ("Want the rest of its specs?", "which one?") puts two questions on the
table. Both are left unsaid.
"""

from __future__ import annotations

# Offers about the site the technician is at: they follow an answer about a place, a unit or the day, never one
# from the documents, whose subject is a rule or a procedure and not "here".
_ABOUT_HERE = frozenset({"equipment_spec", "inspections_due"})
_FROM_DOCUMENTS = frozenset({"knowledge_search"})


def offer_fits(answered_by: str, offered: str, said: str) -> bool:
    """Whether offering `offered` fits after `said`, the answer the `answered_by` tool gave."""
    if said.rstrip().endswith("?"):
        return False
    return not (answered_by in _FROM_DOCUMENTS and offered in _ABOUT_HERE)
