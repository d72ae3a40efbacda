"""What the offline LLM says once this turn's tools have answered: their `say` lines, or, when a spec or place lookup
found nothing, the same question put to the manuals and standards, whose answer is said only when it is confident
enough to beat "no site matched"."""

from __future__ import annotations

import json
import re
from typing import Any

from livekit.agents import llm

from clara.agent.answers import APOLOGY
from clara.agent.said import Route, clean
from clara.agent.spec_answers import asks_inspection
from clara.jobs.units import names_a_kind
from clara.knowledge.spoken_models import loose_key


def after_tools(outputs: list[llm.FunctionCallOutput], calls: list[llm.FunctionCall], text: str,
                available: dict[str, str]) -> str | Route:
    """After this turn's tool calls: a spec or place lookup that failed sends the question to the manuals and
    standards (they may mention the model, or the question was not about a model or a place at all); otherwise say
    what the tools said.

    When the knowledge base then answers, the spec failure is said first only if the technician named a model
    number the answer does not cover ("No specification for model QQ1234."): that is news. A failed guess at a unit
    ("there is no dry pipe valve here", "no model is being discussed"), or a model the answer's own document is about
    (the BFC-750 manual answering about the BFC-750), is noise in front of the answer, so it is left out.
    """
    names = [output.name for output in outputs]
    # a lookup that asks back "which one?" (several places or units matched) has its answer: the question stays
    failed_lookup = outputs[-1].is_error and names[-1] in ("equipment_spec", *PLACE_LOOKUPS) and \
        not _asks_back(outputs[-1])
    if failed_lookup and names[-1] == "equipment_spec" and _asked_of_a_units_record(calls, text):
        # "when was the fire pump last tested" where there is none: that is the answer, not a standard's passage
        said = _say(outputs[-1]).removeprefix(APOLOGY)
        return said[:1].upper() + said[1:]
    if failed_lookup and "knowledge_search" in available and "knowledge_search" not in names and clean(text):
        return Route("knowledge_search", {"query": _of_the_model_looked_up(calls, clean(text))[:500]})
    said = [_say(output) for output in outputs]
    if len(outputs) > 1 and outputs[0].is_error and not outputs[-1].is_error:
        if names[0] == "equipment_spec" and _results(outputs[-1]) and \
                not _news(_named_model(calls), outputs[-1]):
            return " ".join(said[1:])
        if names[0] in PLACE_LOOKUPS and not _asks_back(outputs[0]):
            # the documents' answer if they hold one, else that no place matched
            return " ".join(said[1:]) if _confident(outputs[-1]) else said[0]
        said[0] = said[0].removeprefix(APOLOGY).rstrip(".") + "."
        said[0] = said[0][:1].upper() + said[0][1:]
    return " ".join(said)


# Lookups of a place the words name. When none matches, the "place" was likely the subject of a question about the
# documents ("max travel distance to an extinguisher in an extra hazard area", "paint the covers on the sprinklers"):
# the question goes to the knowledge base, and its answer is said only when it is confident, so a misheard site name
# still hears that no site matched rather than a stray passage.
PLACE_LOOKUPS = ("customer_at_location", "site_requirements", "inspections_due", "travel_time")
PLACE_FALLBACK_CONFIDENCE = 0.5  # a first hit's calibrated chance of carrying the answer (search's `confidence`)


def _asks_back(output: llm.FunctionCallOutput) -> bool:
    """Whether a failed tool put a question to the technician ("the school could be A or B; which one?")."""
    return output.is_error and output.output.rstrip().endswith("?")


def _confident(answer: llm.FunctionCallOutput) -> bool:
    results = _results(answer)
    return bool(results) and float(results[0].get("confidence") or 0.0) >= PLACE_FALLBACK_CONFIDENCE


def _asked_of_a_units_record(calls: list[llm.FunctionCall], text: str) -> bool:
    """Whether the failed spec lookup asked when a unit of the site's own, named by its kind ("the fire pump", "that
    backflow"), was last tested or is due: a question about that unit's record, which no document answers. One of a
    kind ("when was a fire pump last tested") is the standards' question."""
    model = _spec_model(calls) or ""
    kind = re.sub(r"^\s*(?:the|a|an|this|that)\s+", "", model, flags=re.IGNORECASE)
    own = re.search(rf"\b(?:the|this|that|our|their|his|her|your|my)\s+{re.escape(kind)}", text, re.IGNORECASE)
    return asks_inspection(text) and bool(kind) and own is not None and names_a_kind(model)


def _named_model(calls: list[llm.FunctionCall]) -> str | None:
    """The model number this turn's spec lookup was for, when the technician said one (it has a digit)."""
    model = _spec_model(calls)
    return model if model and re.search(r"\d", model) else None


def _of_the_model_looked_up(calls: list[llm.FunctionCall], text: str) -> str:
    """The question for the manuals after a spec sheet was missing: with the model it was looked up for put before
    it when the technician said "it" rather than the model ("what's the max inlet pressure on it" after the MX-40's
    manual answered), so the manual of that model is what the words find."""
    model = _named_model(calls)
    return f"{model}: {text}" if model and loose_key(model) not in loose_key(text) else text


def _spec_model(calls: list[llm.FunctionCall]) -> str | None:
    """The `model` argument of this turn's spec lookup, as the rules or the model wrote it."""
    for call in calls:
        if call.name == "equipment_spec":
            try:
                return str(json.loads(call.arguments or "{}").get("model") or "")
            except (json.JSONDecodeError, AttributeError):
                return None
    return None


def _results(output: llm.FunctionCallOutput) -> list[dict[str, Any]]:
    """The passages of a knowledge search result (none for the "I don't know" answer)."""
    try:
        results = json.loads(output.output).get("results")
    except (json.JSONDecodeError, AttributeError):
        return []
    return results if isinstance(results, list) else []


def _news(model: str | None, answer: llm.FunctionCallOutput) -> bool:
    """Whether "no specification for <model>" tells the technician something the answer does not: a model was
    named, and the answer's first passage (its document's title or its text) never mentions it."""
    if model is None:
        return False
    key = re.sub(r"[^a-z0-9]", "", model.lower())
    top = (_results(answer) or [{}])[0]
    said = re.sub(r"[^a-z0-9]", "", f"{top.get('title', '')} {top.get('text', '')}".lower())
    return key not in said


def _say(output: llm.FunctionCallOutput) -> str:
    """What a tool result says: its `say` line, or the apology a failed tool returned."""
    if output.is_error:
        return output.output
    try:
        data = json.loads(output.output)
    except json.JSONDecodeError:
        return output.output
    return str(data.get("say") or output.output) if isinstance(data, dict) else output.output
