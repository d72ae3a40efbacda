"""A write-up dictated in pieces: announced first ("got a deficiency to write up here", "start a write up on the
fire pump", "need to log something on one of the rooftops"), then the unit and the fault in the turns after.

An announcement that says nothing wrong yet is a `log_deficiency` call with an empty description: the tool asks what
is wrong and drafts nothing, and the call's arguments (the unit, the place) stay in the conversation. The next turn
that is not a question is read as the rest of that write-up: a unit alone keeps the write-up open, a fault makes the
draft, which is read back as any other before a yes stores it; "hold off" closes it with nothing written. A question
asked meanwhile is answered as usual.
"""

from __future__ import annotations

import json
import re
from typing import Any, Sequence

from livekit.agents import llm

from clara.agent.deficiency_said import deficiency, says_what_is_wrong
from clara.agent.draft_said import draft_answer
from clara.agent.said import Route, clean, clauses, plain
from clara.agent.unit_words import unit_words
from clara.knowledge.spoken_models import model_mentions

# A write-up announced, in the words that open one without saying the fault: "start a write up", "got a deficiency
# to write up", "got one, the kitchen hood system", "need to log something on one of the rooftops".
_ANNOUNCED = re.compile(
    r"\b(?:(?:start|open|begin)\s+(?:a\s+|an\s+|the\s+|another\s+)?(?:new\s+)?(?:write.?up|deficiency|report)|"
    r"(?:got|have|found)\s+(?:a|an|another|one more)\s+(?:new\s+)?(?:deficiency|write.?up)"
    r"(?:\s+(?:to|for)\s+(?:write(?:\s+up)?|log|record|note|you))?|"
    r"(?:got|have|found)\s+(?:one|another)(?=\s*[,.;:]|\s*$)|"
    r"(?:log|write up|record|note|report|flag)\s+(?:something|one|a (?:problem|issue|deficiency))"
    r"(?=\s+(?:on|for|at|with|about)\b|\s*[,.;:]|\s*$))", re.IGNORECASE)
# Asked about rather than announced: "how do I start a write up", "should I log something on it?"
_WONDERS = re.compile(r"\?|^\W*(?:how|what|when|where|why|which|who|should|shall|do|does|did|can i|could i|is|are)\b",
                      re.IGNORECASE)
# What opens the unit's words without being the unit: "on", "it's", "the"; and "here" after it.
_UNIT_OPENER = re.compile(r"^(?:(?:on|for|about|at|with|it'?s|its|it is|one of|the|a|an)\s+)+", re.IGNORECASE)
_HERE = re.compile(r"\s+(?:right |over |up |out )?(?:here|there)$", re.IGNORECASE)


def _unit(arguments: dict[str, Any]) -> dict[str, Any]:
    """The unit and place a piece names, in the technician's words, without "on the" or "here"."""
    unit = {}
    equipment = clean(_HERE.sub("", _UNIT_OPENER.sub("", str(arguments.get("equipment") or ""))))
    if equipment:
        unit["equipment"] = equipment
    if arguments.get("location"):
        unit["location"] = arguments["location"]
    return unit


def announced(text: str) -> Route | None:
    """The write-up a message announces without saying what is wrong, as a call with an empty description; None
    when it is not one (a question, or a fault already said, which the write rules read whole)."""
    said = plain(text)
    opening = _ANNOUNCED.search(said)
    if opening is None or _WONDERS.search(said):
        return None
    before, rest = said[:opening.start()], clean(said[opening.end():])
    # the fault said before the announcement ("the dry valve is tripping, open a deficiency on it") is a whole
    # write-up; "need to log something" only says what the technician is about to do
    if says_what_is_wrong(rest) or (says_what_is_wrong(before) and unit_words(before)):
        return None
    unit = _unit(deficiency(rest)) if rest else {}
    # only a unit and a place may follow: "log a deficiency: extinguisher gauge in the red" says the fault
    if re.search(r"\b(?:in|on|at|is|are|has|have|with|was)\b", str(unit.get("equipment", "")), re.IGNORECASE):
        return None
    leftover = rest.lower()
    for words in unit.values():
        leftover = leftover.replace(str(words).lower(), " ")
    if re.sub(r"\b(?:on|for|about|at|with|in|of|it'?s|its|it is|one|the|a|an|you|here|there|right|over|up|out)\b|\W",
              "", leftover):
        return None
    return Route("log_deficiency", {"description": "", **unit})


def open_write(earlier: Sequence[llm.ChatItem]) -> dict[str, Any] | None:
    """The unit and place of a write-up announced and still waiting for its fault: the conversation's last tool
    call was `log_deficiency` with nothing said wrong."""
    for item in reversed(earlier):
        if isinstance(item, llm.FunctionCall):
            if item.name != "log_deficiency":
                return None
            try:
                arguments = json.loads(item.arguments or "{}")
            except json.JSONDecodeError:
                return None
            if not isinstance(arguments, dict) or clean(str(arguments.get("description") or "")):
                return None
            return {key: arguments[key] for key in ("equipment", "location") if arguments.get(key)}
    return None


def continued(text: str, opened: dict[str, Any], known: Sequence[str]) -> str | Route | None:
    """The rest of an open write-up said in this message: a unit, a fault (with a severity, perhaps), or a stop.
    None when the message is something else (a question), which is answered as usual."""
    said = plain(text)
    stop = draft_answer(said, "deficiency", known)
    if stop is not None and (stop.arguments.get("cancel") or
                             (stop.tool == "confirm_draft" and not stop.arguments.get("accept"))):
        return "Okay, nothing's written up."
    wrong = says_what_is_wrong(said)
    if not clean(said) or (_WONDERS.search(said) and not wrong):
        return None
    piece = deficiency(said)
    unit = _unit(piece)
    # A part said with the fault ("relief valve is dumping") is of the unit already named; a model number names
    # the unit itself ("the 48TCDA08, inducer bearings screaming").
    if opened.get("equipment") and not model_mentions(said):
        unit = {key: value for key, value in unit.items() if key != "equipment"}
    arguments = {**opened, **unit}
    if not wrong and "severity" not in piece:
        if not unit:
            return None
        return Route("log_deficiency", {"description": "", **arguments})
    description = piece.get("description") or said
    severity = {"severity": piece["severity"]} if piece.get("severity") else {}
    return Route("log_deficiency", {"description": description, **severity, **arguments})


# A write-up asked of what was just said: "log that", "ok write it up", "put that down as a deficiency", "note that".
_OF_WHAT_WAS_SAID = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|yeah|yep|alright|right|so|and|then|actually)\W+)*(?:(?:go ahead and|can you|could you|"
    r"please|just)\s+)*(?:log|write|note|put|record|jot|flag)\s+(?:that|it|this)(?:\s+(?:up|down|in))?"
    r"(?:\s+(?:as a deficiency|as a write.?up|for me|please|then|too))*\W*$", re.IGNORECASE)
# Where a fault told runs on into a question about it: "the fire pump is leaking at the packing what should I check".
_ASKED_AFTER = re.compile(r"[\s,;.]+(?:what|how|why|when|where|which|who|is (?:that|it|this)|should (?:i|we)|"
                          r"do (?:i|we)|can (?:i|we)|any idea)\b.*$", re.IGNORECASE)


def of_what_was_said(text: str, earlier: Sequence[llm.ChatItem]) -> Route | None:
    """The write-up of the fault the technician told in the turn before, when this one only says to write it up
    ("the fire pump here is leaking at the packing, what should I check" answered from the manuals, then "ok log
    that"): that unit and fault, as if said with the command. None when this turn says more, or the turn before told
    no fault (the write rules then read it, and the tool asks what is wrong)."""
    if not _OF_WHAT_WAS_SAID.match(plain(text)):
        return None
    before = next((item for item in reversed(earlier) if isinstance(item, llm.ChatMessage) and item.role == "user"),
                  None)
    told = _ASKED_AFTER.sub("", ", ".join(part for part in clauses(before.text_content or "")
                                         if not _WONDERS.search(part))) if before is not None else ""
    if not clean(told) or not says_what_is_wrong(told):
        return None
    return Route("log_deficiency", deficiency(told))
