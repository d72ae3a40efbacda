"""Short follow-ups that ask something of the answer just given, not a question of their own: "which one is the
worst" after the open deficiencies or the overdue units were read out, "how much" after a unit's refrigerant was
named.

Searched alone, "which one is the worst" finds nothing in the documents and "how much" nothing at all: they point
at what the last turn listed or named. The worst of a list of deficiencies is the most severe (the list comes worst
first: inoperable, deficient, suggested); of units due for inspection, the one longest overdue (else the first due).
"How much" after a spec answer asks the amount of what it named, of the same model: the refrigerant's is its
charge.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Sequence

from livekit.agents import llm

from clara.agent.said import Route
from clara.knowledge.spec_fields import spec_topic

# "which one is the worst", "what's the most urgent", "which of those is furthest behind", "what should I hit first"
_WORST = re.compile(r"\b(?:worst|most (?:urgent|serious|severe|critical|pressing|important)|"
                    r"(?:most|furthest|farthest|longest) (?:overdue|late|behind)|"
                    r"biggest (?:problem|issue|deal|concern)|(?:highest|top) priority|"
                    r"(?:do|tackle|hit|fix|start with|deal with|look at) first)\b", re.IGNORECASE)
_SHORT = 10  # words: a pointer at the list, not a question of its own ("what's the worst that can happen if ...")
# The amount of what was named: "how much", "how much is in it", "how much does it take", "and how much then?"
_HOW_MUCH = re.compile(r"^\W*(?:(?:and|ok(?:ay)?|so|right)\W+)*how much\b(?:\s+(?:is|does|do|goes|is there|in|of)"
                       r"(?:\s+(?:it|that|one|this|there|in it|in there|take|hold|need|go in))*)?(?:\s+then)?\W*$",
                       re.IGNORECASE)


def _last_output(earlier: Sequence[llm.ChatItem]) -> tuple[str, dict[str, Any]] | None:
    """The last tool's name and answer, when the last turn called one and it answered."""
    for item in reversed(earlier):
        if isinstance(item, llm.ChatMessage) and item.role == "user":
            return None
        if isinstance(item, llm.FunctionCallOutput):
            if item.is_error:
                return None
            try:
                answer = json.loads(item.output)
            except json.JSONDecodeError:
                return None
            return (item.name, answer) if isinstance(answer, dict) else None
    return None


def worst_of_listed(text: str, earlier: Sequence[llm.ChatItem]) -> str | None:
    """The worst of what the last turn listed, when `text` asks which that is; None otherwise."""
    if not _WORST.search(text) or len(text.split()) > _SHORT:
        return None
    last = _last_output(earlier)
    if last is None:
        return None
    name, answer = last
    if name == "job_details" and answer.get("open_deficiencies"):
        return _worst_deficiency(answer["open_deficiencies"])
    if name == "inspections_due" and answer.get("due"):
        return _most_overdue(answer["due"])
    return None


def _worst_deficiency(listed: list[dict[str, Any]]) -> str:
    """The most severe of the open deficiencies (listed worst first), or those equally severe."""
    severity = listed[0]["severity"]
    worst = [d for d in listed if d["severity"] == severity]
    named = "; ".join(f"number {d['id']}, {str(d['description']).rstrip('.')}" for d in worst)
    if len(listed) == 1:
        return f"There's only the one: number {listed[0]['id']}, {str(listed[0]['description']).rstrip('.')}, " \
               f"{severity}."
    if len(worst) == 1:
        return f"The worst is {named}: {severity}."
    return f"{len(worst)} are {severity}, equally the worst: {named}."


def _most_overdue(due: list[dict[str, Any]]) -> str:
    """The unit longest overdue, or the first to fall due when none is overdue yet."""
    dated = [u for u in due if u.get("next_inspection_due")]
    if not dated:
        return f"They're all due; the {due[0]['type']} ({due[0]['model']}) is first on the list."
    first = min(dated, key=lambda u: str(u["next_inspection_due"]))
    when = date.fromisoformat(str(first["next_inspection_due"])[:10])
    unit = f"the {first['type']} ({first['model']})"
    if first.get("overdue"):
        return f"The most overdue is {unit}: due since {when:%B} {when.day}."
    return f"None is overdue yet; {unit} falls due first, on {when:%B} {when.day}."


def amount_of_named(text: str, earlier: Sequence[llm.ChatItem]) -> Route | None:
    """The last spec lookup asked for the amount of what it named, when `text` only says "how much": after "the
    50TCQA06's refrigerant is R-410A", how much refrigerant it holds."""
    if not _HOW_MUCH.match(text):
        return None
    last = _last_output(earlier)
    call = next((item for item in reversed(earlier) if isinstance(item, llm.FunctionCall)), None)
    if last is None or last[0] != "equipment_spec" or call is None:
        return None
    try:
        asked = json.loads(call.arguments or "{}")
    except json.JSONDecodeError:
        return None
    topic = spec_topic(str(asked.get("question") or ""))
    spec = last[1].get("spec")
    model = (spec.get("model") if isinstance(spec, dict) else None) or asked.get("model")
    if not topic or not model:
        return None
    return Route("equipment_spec", {"model": str(model), "question": f"how much {topic}"})


# How many the last answer listed, asked with nothing of its own: "so how many is that", "how many are there then".
_HOW_MANY = re.compile(r"^\W*(?:(?:and|ok(?:ay)?|so|right|wait)\W+)*how many (?:is that|was that|"
                       r"are (?:those|they|there|that)|were (?:those|they|there)|of them|all together|altogether|"
                       r"in total|total)"
                       r"(?:\s+(?:then|again|total|in total|all together|altogether))?\W*$", re.IGNORECASE)
# The lists the last turn's tools give, and what each holds.
_LISTS = {"due": ("unit", "units"), "equipment": ("unit", "units"),
          "open_deficiencies": ("open deficiency", "open deficiencies"), "choices": ("choice", "choices")}


def count_of_listed(text: str, earlier: Sequence[llm.ChatItem]) -> str | None:
    """How many the last turn listed, when `text` asks only that; None otherwise (or when it listed nothing)."""
    if not _HOW_MANY.match(text):
        return None
    last = _last_output(earlier)
    listed = next(((key, last[1][key]) for key in _LISTS if isinstance(last[1].get(key), list)), None) \
        if last is not None else None
    if listed is None:
        return None
    key, items = listed
    one, many = _LISTS[key]
    return f"That's {len(items)} {one if len(items) == 1 else many}."
