"""The offline LLM's reading of a message: which tool it asks for, and the arguments in the technician's words.

`route` tries its rules in the order of `RULES`, by what a message is about, most specific first: an answer to a
read-back (yes, no, a correction) while a draft waits; preferences; writes (a deficiency asked for in any clause, a
job status reported in the first person); questions about documents (standards, manuals, intervals, procedures, a
fault asked about: a place or unit they name is context, never the thing looked up); the day's order ("my next
job", "after this one", "who am I seeing first", "which one am I finishing at"); places ("who do I call there", "any
rules at that school", "what's due here", "how far from here"); model numbers as typed or spoken; a nameplate and
questions about the unit last photographed ("how old is it"); spec follow-ups ("its max fuse size", "mca on that", a
figure asked in a fragment); a kind of unit, at the site named ("the RTU on the roof, what model is it"). What a site
needs before a kind of work ("before welding here") is its special requirements; a limit asked as a distance ("how
far away can it be") is a document's, not a trip. Hesitations and discourse markers ("uh", "ok so", "actually") are
dropped first; a sign-off ("talk to you later") asks for no tool. References ("here", "there", "my next site") are
passed on as said: `clara.jobs.resolution` decides what they mean, for this path and Gemini's alike. `route` returns
None when no rule applies, or the first that does asks for a tool not offered; the offline LLM then tries
similarity, then a knowledge search.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from clara.agent import rules_day as day
from clara.agent import rules_places as places
from clara.agent import rules_register as register
from clara.agent import rules_tally as tally
from clara.agent import rules_units as units
from clara.agent import rules_writes as writes
from clara.agent.deficiency_said import deficiency
from clara.agent.draft_said import draft_answer
from clara.agent.places_said import corrected, place_reference
from clara.agent.reading import Reading
from clara.agent.repeat_said import LastWrite
from clara.agent.said import Route, clean, plain, preferences, signs_off, with_apostrophes
from clara.agent.spoken_clauses import with_clauses
from clara.jobs.drafts import status_of
from clara.knowledge.spoken_models import model_mentions

Rule = Callable[[Reading], Route | None]

# The first rule that reads a message decides its tool.
RULES: tuple[Rule, ...] = (
    # what the message changes
    writes.preferences_reverted, writes.preferences_set, writes.preferences_asked,
    writes.write_repeated, writes.write_announced, writes.written_up, writes.marked_fixed, writes.status_changed,
    # the day counted or compared ("how many have I got left", "which of my sites is closest")
    tally.tally_asked,
    # a site's units counted or compared by age ("how many RTUs at Chase Center", "which backflow here is older")
    register.register_asked,
    # a unit named by the serial or tag on its plate ("serial AM351589, what model is that")
    units.serial_named,
    # the day as a whole; the documents (a place or unit named in such a question is context), unless the question
    # is whether the site allows some work
    day.brief_asked, places.attribute_alone, places.access_asked,
    units.standard_asked, places.work_allowed, units.document_asked, units.record_asked, places.tested_asked,
    # the day: past visits, another day, its order, its jobs
    day.past_asked, day.other_day_asked, day.order_asked, day.day_end_asked, day.jobs_asked, day.when_asked,
    day.job_asked, day.clock_job_asked,
    # places: what a site has, the address, rules, what's due, the drive, who to call
    units.room_inventory, units.inventory_asked, places.address_asked, places.requirements_asked,
    units.unit_due_asked, places.due_asked, places.trip_asked, places.contact_asked,
    day.ordinal_asked, day.today_asked,
    # units: by model, nameplate, follow-ups, by place or kind, a relative; then the documents' words; a place alone
    units.where_are_they, units.model_named, units.unit_by_age, units.nameplate_asked, units.figure_followed_up,
    units.count_of_it, units.unit_at_a_place,
    units.figure_in_a_fragment, units.unit_by_kind, units.relative_asked, units.knowledge_asked,
    places.place_alone,
)


def route(text: str, tools: set[str], known_places: Sequence[str], *, draft_kind: str | None = None,
          photo: bool = False, last_write: LastWrite | None = None) -> Route | None:
    """The tool a message asks for, with its arguments; None when no rule applies (similarity decides then).

    `draft_kind` names the draft waiting for a yes, if any: then answers to it come first. `last_write` is the
    conversation's last deficiency read back: "same thing for the kitchen one" says it again. `photo` says the unit
    discussed is the one last read from a nameplate: "it" and "this one" then mean that unit, answered from its
    plate. A rule that reads the message but asks for a tool not offered ends the routing with None: the message
    was read, and no other rule's tool is what it asked for.
    """
    if draft_kind is not None and "confirm_draft" in tools:
        answer = draft_answer(text, draft_kind, known_places)
        opened = plain(text)
        if answer is None and opened and opened != text:  # "hmm actually no, leave it": the answer after the openers
            answer = draft_answer(opened, draft_kind, known_places)
        if answer is not None:
            return answer
    said = corrected(with_clauses(plain(with_apostrophes(text))), known_places)
    if not clean(said) or signs_off(said):  # "talk to you later": answered as small talk, no tool
        return None
    reading = Reading(said, frozenset(tools), known_places, draft_kind=draft_kind, photo=photo, last_write=last_write)
    for rule in RULES:
        chosen = rule(reading)
        if chosen is not None:
            return chosen if chosen.tool in tools else None
    return None


def arguments_for(tool: str, text: str, known: Sequence[str]) -> dict[str, Any]:
    """Arguments for a tool chosen by similarity alone: whatever the message offers for its main parameter."""
    if tool == "knowledge_search":
        return {"query": clean(text)}
    if tool == "log_deficiency":
        return deficiency(text)
    if tool == "equipment_spec":
        models = model_mentions(text)
        return {"question": clean(text), **({"model": models[-1]} if models else {})}
    if tool == "inspections_due":  # "what's behind on inspections here": the place, and whether only overdue
        return {k: v for k, v in places.due_arguments(text, known).items() if v}
    if tool in ("customer_at_location", "travel_time", "site_requirements"):
        place = place_reference(text, known)
        key = {"customer_at_location": "location", "travel_time": "destination", "site_requirements": "site"}[tool]
        return {key: place} if place else {}
    if tool == "set_preferences":
        return preferences(text)
    if tool == "update_job_status":
        status = status_of(text)
        return {"status": status} if status else {}
    return {}
