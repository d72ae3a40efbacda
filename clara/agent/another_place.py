"""A follow-up that only names another place ("what about at the Ferry Building", "and ABC?", "how about there"):
the last question about a place, asked again of the place now named.

Read alone, a place said with nothing asked of it is that place's customer card; after "what's overdue here" it asks
what is overdue there, and after "any rules at WeWork" what the rules are there. Likewise a spec question that names
no model but says "each" or "both" is asked of every model the last turn looked up.
"""

from __future__ import annotations

import json
import re
from typing import Sequence

from livekit.agents import llm

from clara.agent.knowledge_follow_up import described, elliptical, subject_of
from clara.agent.places_said import known_in, named_place
from clara.agent.said import Route, clean
from clara.agent.streets_said import STREET_TYPE
from clara.agent.topics_said import SPEC_TOPIC
from clara.jobs.unit_match import UNIT_KINDS
from clara.knowledge.spec_fields import spec_topic
from clara.knowledge.spoken_models import loose_key, may_name_relative, model_mentions, spelled_out

_OPENER = re.compile(r"^\W*(?:and|also|ok(?:ay)?|so)?\s*(?:what about|how about|same (?:for|at|with)|and)\b",
                     re.IGNORECASE)
# The words around the place that ask nothing else: "what about at the ferry building", "and over at abc then".
_AROUND = re.compile(r"\b(?:and|also|ok(?:ay)?|so|what|how|about|same|for|with|at|in|on|over|out|the|then|one|site|"
                     r"job|place|there|here|please)\b", re.IGNORECASE)
# The place lookups a follow-up may repeat, and the argument each takes the place in.
_PLACE_ARGUMENT = {"inspections_due": "site", "site_requirements": "site", "customer_at_location": "location",
                   "travel_time": "destination"}

# How a place said with nothing asked of it is read: its card, or its job when it is one of the day's.
_PLACE_ALONE = {("customer_at_location", ("location",)), ("job_details", ("job",))}


def last_call(items: Sequence[llm.ChatItem]) -> Route | None:
    """The tool the conversation called last, before the message being answered."""
    for item in reversed(items):
        if isinstance(item, llm.FunctionCall):
            try:
                arguments = json.loads(item.arguments or "{}")
            except json.JSONDecodeError:
                arguments = {}
            return Route(item.name, arguments if isinstance(arguments, dict) else {})
    return None


# A question corrected: "no sorry, I meant the other one, the one after lunch" asks the last question again.
_MEANT = re.compile(r"^\W*(?:(?:no|nope|nah|sorry|wait|oops|actually)\W+)*(?:i mean(?:t)?|i was (?:asking|talking) "
                    r"about|make (?:that|it))\b", re.IGNORECASE)


# Other work asked about after a site's rules were read: "and before I put the sprinklers out of service".
_AND_BEFORE = re.compile(r"^\W*(?:and|also|what about|how about|same)\s+(?:before|prior to)\s+(?:i|we)\b",
                         re.IGNORECASE)


def at_another_place(text: str, chosen: list[Route], last: Route | None, known: Sequence[str]) -> list[Route]:
    """The routes for `text`: the last place lookup, of the place now named, when `text` only names a place after
    "what about" or "and", or corrects the last question with another place ("no, I meant the one after lunch");
    the site's rules again when no rule read other work asked after them ("and before I ..."); else `chosen`
    unchanged."""
    if not chosen and last is not None and last.tool == "site_requirements" and not last.arguments.get("access") \
            and _AND_BEFORE.match(text):  # "and before I put the sprinklers out of service": that site's rules again
        return [last]
    meant = _MEANT.match(text)
    if meant and last is not None and (last.tool in _PLACE_ARGUMENT or last.tool == "job_details"):
        place = named_place(text[meant.end():], known)
        if place and place not in ("here", "there"):
            return [_asked_again(last, _PLACE_ARGUMENT.get(last.tool, "job"), place)]
    # a place read alone is its card, or its job when named as one of the day's ("and at my last stop")
    card = len(chosen) == 1 and (chosen[0].tool, tuple(chosen[0].arguments)) in _PLACE_ALONE
    if not (card or not chosen) or last is None or last.tool not in _PLACE_ARGUMENT or \
            last.tool == "customer_at_location" or not _OPENER.match(text):
        return chosen
    # a place no rule reads alone ("and at the place this afternoon") is still a place
    place = next(iter(chosen[0].arguments.values())) if card else named_place(text, known)
    named = known_in(text, known)
    rest = STREET_TYPE.sub(" ", text.lower()) if named and named[:1].isdigit() else text.lower()
    for word in f"{named or ''} {place or ''}".lower().split():  # "abc" names ABC Manufacturing
        rest = re.sub(rf"\b{re.escape(word)}\b", " ", rest)
    if not place or re.search(r"[a-z0-9]", _AROUND.sub(" ", rest)):
        return chosen
    return [_asked_again(last, _PLACE_ARGUMENT[last.tool], place)]


def _asked_again(last: Route, argument: str, place: str) -> Route:
    """The last lookup at another place, as it was asked: after "what's overdue here", "what about Westlake" asks
    what is overdue there, not everything due."""
    return Route(last.tool, {**last.arguments, argument: place})


# A spec question asked again of another model: "same thing on a Watts 957-4", "what about the 50TCQA12", "and the
# LGH120?": the last figure asked, of the model now named.
_SAME_AGAIN = re.compile(r"^\W*(?:(?:and|ok(?:ay)?|so|now)\W+)*(?:same (?:thing|question|deal|again)|what about|"
                         r"how about|and)\b", re.IGNORECASE)


# A question of its own after "and": one a unit's record answers ("and when was it last inspected" after "how old is
# it"), or one that picks or counts among units ("and which unit here is the most recent").
_OF_ITS_OWN = re.compile(r"\b(?:how old|when was|when is|when's|last (?:inspect|servic|test|check)\w*|due|installed|"
                         r"which|how many|old(?:er|est)|new(?:er|est)|most recent)\b", re.IGNORECASE)


def of_another_model(text: str, chosen: list[Route], last: Route | None) -> list[Route]:
    """The routes for `text`: the last spec question, of the model now named, when `text` names a model and asks
    nothing of its own after "same thing", "what about" or "and"; else `chosen` unchanged."""
    if len(chosen) != 1 or chosen[0].tool != "equipment_spec" or not chosen[0].arguments.get("model") or \
            last is None or last.tool != "equipment_spec" or not last.arguments.get("question") or \
            not _SAME_AGAIN.match(text) or SPEC_TOPIC.search(text) or _OF_ITS_OWN.search(text):
        return chosen
    return [Route("equipment_spec", {**chosen[0].arguments, "question": last.arguments["question"]})]


# A pronoun for the thing the last question was about: "how do I find where it's leaking"; a question naming a thing
# of its own ("the smoke alarms in the apartments, how old before they get tossed") is about that.
_IT = re.compile(r"\b(?:it|its|it's)\b", re.IGNORECASE)
_OWN_THING = re.compile(r"\b(?:the|a|an)\s+\w", re.IGNORECASE)


def points_back(text: str) -> bool:
    """Whether a question says "it" of no thing it names ("how often does it have to be inspected"): it is about the
    last one's thing by its own words, whatever else the documents would match it with."""
    return bool(_IT.search(text)) and not _OWN_THING.search(text)


def about_the_same_thing(text: str, chosen: list[Route], last: Route | None) -> list[Route]:
    """The routes for `text`: a question for the documents that names no unit or model ("so how far apart should the
    start and stop be", "can I just megger the loop") asked of what the last one was about, put before it: its
    model (a maker would pull its spec sheets in), else its kind of unit with the words describing it ("diesel fire
    pump"), else, for a question saying "it" of no thing it names, its first noun phrase ("the air compressor");
    else `chosen` unchanged. Whether the question needs that subject, or names a thing of its own ("how often do I
    need to inspect the fdc"), the documents say: the offline LLM keeps the subject only when the search is surer of
    its answer with it. An elliptical fragment ("and the electric ones?") is left as said: the knowledge tool asks
    the last question of it (`knowledge_follow_up`), which a subject put before it would hide."""
    if len(chosen) != 1 or chosen[0].tool != "knowledge_search" or last is None or \
            last.tool != "knowledge_search" or model_mentions(text) or UNIT_KINDS.search(text) or \
            elliptical(str(chosen[0].arguments.get("query") or "")) is not None:
        return chosen
    before = str(last.arguments.get("query") or "")
    kind = UNIT_KINDS.search(before)
    subject = (model_mentions(before) or [None])[-1] or (described(before, kind) if kind else None) or \
        (subject_of(before) if points_back(text) else None)  # the last one's thing, named by no kind
    if not subject:
        return chosen
    return [Route("knowledge_search", {**chosen[0].arguments, "query": f"{subject}: {chosen[0].arguments['query']}"})]


def of_the_model_just_asked_about(text: str, chosen: list[Route], last: Route | None) -> list[Route]:
    """A spec question saying "it" of no model or kind of unit, right after a documents question that named a model
    ("manifold pressure on the brightwater mx-40", then "what's the max inlet pressure on it"): "it" is that model,
    the thing last talked about, not a unit tracked from before the documents question. Asked of its spec sheet
    first; a model with none goes on to the manuals with the model said (`after_tools`). Else `chosen`."""
    if len(chosen) != 1 or chosen[0].tool != "equipment_spec" or chosen[0].arguments.get("model") or \
            last is None or last.tool != "knowledge_search" or not _IT.search(text) or model_mentions(text) or \
            UNIT_KINDS.search(text):
        return chosen
    named = model_mentions(str(last.arguments.get("query") or ""))
    return [Route("equipment_spec", {**chosen[0].arguments, "model": named[-1]})] if named else chosen


# The models of the last turn's spec lookups, pointed at together: "the refrigerant charge on each", "mca on both".
_EACH = re.compile(r"\b(?:each|both|either|the two|those two|these two|the pair)\b", re.IGNORECASE)


_TWO = re.compile(r"\b(?:both|the two|those two|these two|the pair)\b", re.IGNORECASE)


def of_each_model(text: str, chosen: list[Route], earlier: Sequence[llm.ChatItem]) -> list[Route]:
    """The routes for `text`: a spec question naming no model but "each" or "both", asked of every model the last
    turn looked up ("which is heavier, a 50TCQA08 or a 48TCDA08" then "and the charge on each"); else `chosen`."""
    if not chosen and _EACH.search(text) and spec_topic(text):  # "which of those two is heavier": no rule's alone
        chosen = [Route("equipment_spec", {"question": clean(text)})]
    if len(chosen) != 1 or chosen[0].tool != "equipment_spec" or chosen[0].arguments.get("model") or \
            not _EACH.search(text):
        return chosen
    # "those two" asked after two lookups a turn apart: the last two models, whichever turns named them
    two = _TWO.search(text) is not None
    models: list[str] = []
    for item in reversed(earlier):
        if isinstance(item, llm.ChatMessage) and item.role == "user" and models and not (two and len(models) < 2):
            break
        if isinstance(item, llm.FunctionCall) and item.name == "equipment_spec":
            try:
                model = str(json.loads(item.arguments or "{}").get("model") or "")
            except json.JSONDecodeError:
                model = ""
            if model and model not in models:
                models.insert(0, model)
    models = models[-2:] if two else models
    return [Route("equipment_spec", {**chosen[0].arguments, "model": model}) for model in models] \
        if len(models) > 1 else chosen


def picked_from_offer(text: str, items: Sequence[llm.ChatItem]) -> Route | None:
    """A size or number said back to the units just offered ("Which size is yours?" -> "and the oh four", "the
    biggest one"): that unit, asked what was asked of the offer. Only right after a spec answer that named choices,
    and only a short reply the family lookup can read; anything else is routed as it is."""
    last = _last_spec_output(items)
    if last is None or len(text.split()) > 6 or not may_name_relative(text):
        return None
    try:
        offered = json.loads(last.output).get("choices")
    except (json.JSONDecodeError, AttributeError):
        return None
    return Route("equipment_spec", {"question": clean(text)}) if offered else None


def one_of_those_asked(text: str, items: Sequence[llm.ChatItem]) -> Route | None:
    """The one model of those the last spec lookup asked about ("Which one do you mean: the NFS2-3030 or the
    NFS2-640?") that a short reply names by its end ("the 640", "six forty", "the 3030 one"): asked what was asked
    of the pair. A reply naming none of them, or both, is routed as it is."""
    last = _last_spec_output(items)
    if last is None or len(text.split()) > 6:
        return None
    try:  # the models offered: the answer's choices, or those a refusal names
        offered = [str(m) for m in json.loads(last.output).get("choices") or []]
    except (json.JSONDecodeError, AttributeError):
        offered = model_mentions(last.output) if last.is_error and last.output.rstrip().endswith("?") else []
    said = loose_key(spelled_out(re.sub(r"\b(?:the|one|that|this|please|yeah|yes|it'?s)\b", " ", text.lower())))
    picked = [model for model in offered if loose_key(model).endswith(said)] if re.search(r"\d", said) else []
    if len(picked) != 1:
        return None
    asked = last_call(items)  # the lookup that answered with the pair
    asked_before = asked.arguments.get("question") if asked is not None else None
    return Route("equipment_spec", {"model": picked[0], **({"question": asked_before} if asked_before else {})})


def _last_spec_output(items: Sequence[llm.ChatItem]) -> llm.FunctionCallOutput | None:
    """The conversation's last tool output, when it was a spec lookup's."""
    last = next((item for item in reversed(items) if isinstance(item, llm.FunctionCallOutput)), None)
    return last if last is not None and last.name == "equipment_spec" else None
