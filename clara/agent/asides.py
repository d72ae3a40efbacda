"""Turns the offline LLM answers before any routing rule reads them: they are about the conversation itself or
about a colleague, not a question about the technician's own day, a unit or a document.

In order: taking back the status change just saved ("undo that"), passing something on to the customer's side
("let the owner know", which Clara cannot send), what was saved last ("what did I just save") or a severity said
once it is saved ("make that critical"), hearing the last reply again ("say that again") or its figure in other
units ("what's that in kilos"), the reason behind the last answer ("why?"), the worst of what it listed, how many it
listed, or the amount of what it named ("which one's the worst", "so how many is that", "how much";
`of_the_last_answer`), and a colleague's day ("what's James got after lunch"), which only staff or that colleague's
own login may read (the `crew_day` tool asks the jobs service, which scopes it).
"""

from __future__ import annotations

from typing import Collection, Sequence

from livekit.agents import llm

from clara.agent.again_said import last_asked, last_reply, said_again
from clara.agent.asked_of_others import cannot_pass_on, passes_on, regraded_after_saving, saved_read_back, \
    takes_back
from clara.agent.converted_said import converted
from clara.agent.crew_said import crew_call
from clara.agent.of_the_last_answer import amount_of_named, count_of_listed, worst_of_listed
from clara.agent.reading import asks
from clara.agent.said import Route
from clara.agent.why_asked import why_of_last


def aside(text: str, earlier: Sequence[llm.ChatItem], available: Collection[str],
          people: Sequence[str]) -> str | Route | None:
    """What to say or call for such a turn, or None when `text` is none of them. `earlier` is the conversation
    before `text`; `available` the tools this turn may call; `people` the company's technicians' names."""
    if "undo_status_change" in available and "confirm_draft" not in available and takes_back(text, earlier):
        return Route("undo_status_change", {})
    if passes_on(text):
        return cannot_pass_on(earlier)
    saved = saved_read_back(text, earlier)  # "what did I just save"
    if saved is not None:
        return saved
    regraded = regraded_after_saving(text, earlier) if "confirm_draft" not in available else None
    if regraded is not None:  # "make that critical" once the write-up is saved
        return regraded
    again = said_again(text, last_reply(earlier)) or converted(text, last_reply(earlier), last_asked(earlier))
    if again is not None:
        return again
    why = why_of_last(text, earlier)  # "why?" after an answer: its reason
    if why is not None and (not isinstance(why, Route) or why.tool in available):
        return why
    worst = worst_of_listed(text, earlier) or count_of_listed(text, earlier)  # "which one's the worst", "how many"
    if worst is not None:
        return worst
    amount = amount_of_named(text, earlier)  # "how much" after a unit's refrigerant was named: its charge
    if amount is not None and amount.tool in available:
        return amount
    if "confirm_draft" in available and not asks(text):
        # "no, James is doing that one" while a write-up is read back answers the read-back, not about James's day
        return None
    colleague = crew_call(text, people, earlier)
    return colleague if colleague is not None and colleague.tool in available else None
