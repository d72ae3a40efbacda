""""Why?" after an answer: the reason behind what Clara just said, not a search for the word "why".

An apprentice asks "why?", "how come", "why that long" after each answer. The question is the last one's, asked
for its reason: after a document's answer ("the diesel pump runs 30 minutes"), the same question is put to the
documents as a why-question, so the passage's sentence giving a cause is preferred (`clara.knowledge.kinds_asked`'s
cause kind); after a unit's record ("the kitchen extinguisher is overdue"), the reason is in the record itself: its
inspection interval, when it was last inspected and when that made it due. Anything else is left to the rules.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any, Sequence

from livekit.agents import llm

from clara.agent.said import Route

# A why with nothing of its own to ask: "why?", "how come", "why's that", "why that long", "what's the reason".
_WHY = re.compile(
    r"^\W*(?:(?:but|and|ok(?:ay)?|so|hmm+|wait|really|huh)\W+)*"
    r"(?:why|how come|what for|for what reason|what'?s the reason(?: for (?:that|it|this))?|why'?s that|why is that|"
    r"why so|why do (?:we|i|they|you) (?:do|need) (?:that|it|this)|"
    r"why (?:that|so|this|it's so|is it so) (?:long|often|much|many|high|low|short|soon|early|frequent(?:ly)?|"
    r"strict|big|small|far|close))"
    r"(?:\W+(?:though|then|exactly|is that|tho))?\W*$", re.IGNORECASE)


def asks_why(text: str) -> bool:
    """Whether a message only asks the reason for the last answer."""
    return bool(_WHY.match(text))


def why_of_last(text: str, earlier: Sequence[llm.ChatItem]) -> str | Route | None:
    """What answers "why?" after the conversation so far: the documents asked the last question's reason, or the
    unit's record read for why it is due; None when `text` asks no bare why, or the last answer has no reason to
    give (the rules then read it)."""
    if not asks_why(text):
        return None
    call, output = _last_tool(earlier)
    if call is None:
        return None
    if call.name == "knowledge_search":
        asked = str(_json(call.arguments).get("query") or "").strip()
        if not asked:
            return None
        source = _json(call.arguments).get("source")
        return Route("knowledge_search", {"query": f"why {asked}", **({"source": source} if source else {})})
    unit = _one_unit(_json(output.output) if output is not None and not output.is_error else {})
    return _interval_reason(unit) if unit is not None else None


def _interval_reason(unit: dict[str, Any]) -> str | None:
    """Why a unit is (or soon will be) due: its interval, and when it was last inspected."""
    days = unit.get("inspection_interval_days")
    if not isinstance(days, int) or days <= 0:
        return None
    name = " ".join(str(unit[k]) for k in ("manufacturer", "model") if unit.get(k)) or "unit"
    where = f" in the {unit['location']}" if unit.get("location") else ""
    standard = f" under {unit['nfpa_standard']}" if unit.get("nfpa_standard") else ""
    said = f"The {name}{where} is on an inspection interval of every {days} days{standard}."
    try:
        last = date.fromisoformat(str(unit.get("last_inspected")))
    except ValueError:
        return said + " There's no inspection on file for it, so it's due now."
    due = last + timedelta(days=days)
    return f"{said} It was last inspected on {_day(last)}, so it came due on {_day(due)}."


def _day(when: date) -> str:
    return f"{when:%B} {when.day}, {when.year}"


def _one_unit(result: dict[str, Any]) -> dict[str, Any] | None:
    """The one unit a tool's result was about, if it was about one."""
    found = result.get("equipment")
    if isinstance(found, list):
        found = found[0] if len(found) == 1 else None
    return found if isinstance(found, dict) else None


def _last_tool(items: Sequence[llm.ChatItem]) -> tuple[llm.FunctionCall | None, llm.FunctionCallOutput | None]:
    """The conversation's last tool call and its output."""
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if isinstance(item, llm.FunctionCall):
            output = next((o for o in items[index + 1:] if isinstance(o, llm.FunctionCallOutput) and
                           o.call_id == item.call_id), None)
            return item, output
    return None, None


def _json(raw: str | None) -> dict[str, Any]:
    try:
        parsed = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
