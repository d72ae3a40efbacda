"""The offline LLM's reading of a message: which tool it asks for, and the arguments in the technician's words.

Rules by what a message is about, most specific first: an answer to a read-back (yes, no, a correction) while a
draft waits; preferences; writes (a deficiency asked for in any clause, a job status reported in the first person);
questions about documents (standards, manuals, intervals, procedures, a fault asked about: a place or unit they
name is context, never the thing looked up); the day's order ("my next job", "after this one", "who am I seeing
first", "which one am I finishing at"); places ("who do I call there", "any rules at that school", "what's due
here", "how far from here"); model numbers as typed or spoken; a nameplate and questions about the unit last photographed ("how old is it"); spec
follow-ups ("its max fuse size", "mca on that", a figure asked in a fragment); a kind of unit, at the site named
("the RTU on the roof, what model is it"). What a site needs before a kind of work ("before welding here") is its
special requirements; a limit asked as a distance ("how far away can it be") is a document's, not a trip.
Hesitations and discourse markers ("uh", "ok so", "actually") are dropped first; a sign-off ("talk to you later")
asks for no tool. References ("here", "there", "my next site") are passed on as said: `clara.jobs.resolution`
decides what they mean, for this path and Gemini's alike. `route` returns None when no rule applies; the offline LLM
then tries similarity, then a knowledge search.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from clara.agent.deficiency_said import another_write, asks_to_write, deficiency, troubleshooting
from clara.agent.draft_said import QUESTION, draft_answer
from clara.agent.history_said import past_question
from clara.agent.places_said import AFTER, JOB_REF, ON_A_DAY, ORDINAL, THERE_WORDS, clock_reference, corrected, \
    day_anchor, day_end, heading_for, known_in, named_place, ordinal_alone, place_named, place_reference, trip, \
    unit_by_place, unit_said, without_places
from clara.agent.readings_said import fault_code, reports_a_reading
from clara.agent.repeat_said import LastWrite, of_the_last_kind, repeat_arguments, repeated_unit
from clara.agent.said import Route, clean, only_preferences, plain, preferences, reverts_preferences, signs_off
from clara.agent.spec_answers import asks_age, asks_inspection
from clara.agent.spoken_clauses import with_clauses
from clara.agent.topics_said import (
    AGE_RULE, AREA, ASKED, ASKS, BEFORE_WORK, CONTACT, DOCUMENT, EMBEDDED_QUESTION, FINITE, FOLLOW_UP, INVENTORY,
    JOB_ASKED, KNOWLEDGE, LIMIT, MARK, NAMEPLATE, NEEDS, PERMISSION, POLITE_REQUEST, PRONOUN, QUESTION_FORM,
    REPORTED, SCHEDULE, SET_STATUS, SITE_RULES, SPEC_TOPIC, STANDARD, STATUS_CHANGE, STATUS_SAID, TAG_QUESTION,
    TODAY, TRADE, WHEN_AT, WHEN_DUE, WHICH_UNIT, WRITTEN_UP,
)
from clara.jobs.days import DAY_WORDS
from clara.jobs.drafts import status_of
from clara.jobs.unit_match import UNIT_KINDS
from clara.knowledge.spec_fields import voltage_said
from clara.knowledge.spoken_models import model_mentions, names_a_relative


def asks(text: str) -> bool:
    """Whether a message is put as a question or a request ("what's ...", "can you ...", "...?"), in any words."""
    said = plain(text)
    return bool("?" in said or QUESTION.search(said) or ASKS.search(said) or ASKED.match(said) or
                EMBEDDED_QUESTION.search(said) or TAG_QUESTION.search(said))


# Talk rather than a search phrase: an interjection, a person, or a verb ("ugh long day already", "lol I'm good").
# "torque on the ground lug in the booster cabinet" has none of them: typed as into a search box, it is searched.
_CHATTER = re.compile(r"\b(?:ugh|man|lol|wow|phew|geez|jeez|damn|dang|whew|haha|ha|meh|yikes|oof|dude|bro|i|i'?m|im|"
                      r"i'?ve|we|we'?re|you|you'?re|my|our|your|me|us)\b", re.IGNORECASE)


def conversational(text: str) -> bool:
    """Whether a message reads as talk (an interjection, a person, a verb), not as words typed into a search box."""
    said = plain(text)
    return bool(_CHATTER.search(said) or FINITE.search(said))


def remark(text: str, known_places: Sequence[str]) -> bool:
    """Whether a message is only a remark: a statement with no question, no request and nothing of the trade.

    Said "Okay." to, a real question would be lost, so a remark must read as one: a clause (not a search phrase),
    without a figure or a question tag."""
    said = plain(text)
    if not clean(said) or asks(said):
        return False
    if re.search(r"\d", said) or not FINITE.search(said) or TAG_QUESTION.search(said):
        return False
    return not (TRADE.search(said) or UNIT_KINDS.search(said) or SPEC_TOPIC.search(said) or KNOWLEDGE.search(said)
                or DOCUMENT.search(said) or model_mentions(said) or known_in(said, known_places))


def route(text: str, tools: set[str], known_places: Sequence[str], *, draft_kind: str | None = None,
          photo: bool = False, last_write: LastWrite | None = None) -> Route | None:
    """The tool a message asks for, with its arguments; None when no rule applies (similarity decides then).

    `draft_kind` names the draft waiting for a yes, if any: then answers to it come first. `last_write` is the
    conversation's last deficiency read back: "same thing for the kitchen one" says it again. `photo` says the unit
    discussed is the one last read from a nameplate: "it" and "this one" then mean that unit, answered from its
    plate. The order is by what a message is about, most specific first: a write or a status report; a question
    about documents (a place it names is context); the day's order; a place (who, rules, what's due, how far); then
    specs and the knowledge base.
    """

    def pick(name: str, **arguments: Any) -> Route | None:
        return Route(name, {k: v for k, v in arguments.items() if v is not None}) if name in tools else None

    if draft_kind is not None and "confirm_draft" in tools:
        answer = draft_answer(text, draft_kind, known_places)
        if answer is not None:
            return answer
    text = corrected(with_clauses(plain(text)), known_places)
    if not clean(text) or signs_off(text):  # "talk to you later": answered as small talk, no tool
        return None
    lowered = text.lower()
    changes = preferences(text)
    # "switch me back": the last change undone. Not while a read-back waits: the talk is about the unit written up,
    # and a preference change there would set the draft aside.
    drafting = draft_kind is not None and "confirm_draft" in tools  # a read-back waits: the confirm tools are offered
    if not changes and not drafting and reverts_preferences(text):
        return pick("set_preferences", revert=True)
    if changes and only_preferences(text):  # "metric please", "go back to imperial"
        return pick("set_preferences", **changes)
    if changes and re.search(r"\b(set|switch|change|use|make|keep|prefer|i'?m|i am|be more|talk to me|treat me|give me|"
                             r"from now on|answers?|preferences?|settings?|units)\b", lowered):
        return pick("set_preferences", **changes)
    if re.search(r"\b(preferences|settings|skill level|verbosity)\b", lowered):
        return pick("get_preferences")
    fixed = re.search(r"\b(fixed|repaired|resolved|corrected)\b", lowered)
    again = repeated_unit(text) if last_write is not None else None
    if again is not None:  # "same thing for the kitchen one": the last write-up, of another unit
        return pick("log_deficiency", **repeat_arguments(again, last_write))  # type: ignore[arg-type]
    if not fixed and (asks_to_write(text) or ((drafting or last_write is not None) and another_write(text))):
        return pick("log_deficiency", **of_the_last_kind(deficiency(text), last_write))
    if fixed and (MARK.search(lowered) or (REPORTED.search(lowered) and not QUESTION_FORM.search(text))):
        number = re.search(r"(?:deficiency|number|#|no\.?)\s*#?\s*(\d+)", lowered)
        return pick("mark_deficiency_fixed", deficiency_id=int(number.group(1)) if number else None)
    set_status = SET_STATUS.search(text)
    named_job = set_status and (known_in(set_status.group("job"), known_places) or
                                clock_reference(set_status.group("job")) or JOB_REF.search(set_status.group("job")))
    # A question never drafts: "should I mark wework as complete?", "did I set it to done?" ask, they change nothing.
    wonders = bool(QUESTION_FORM.search(text)) and not POLITE_REQUEST.match(text)
    if not wonders and (STATUS_CHANGE.search(text) or named_job or
                        (STATUS_SAID.search(text) and not QUESTION.search(text))):
        status = status_of(text)
        if status is not None:
            job = AFTER.search(text) or JOB_REF.search(text)
            where = known_in(heading_for(text) if status == "en_route" else text, known_places) or \
                clock_reference(text)  # "heading to my ten o'clock now"
            if isinstance(named_job, str):  # "set the ferry building job to en route": the job the verb names
                where, job = named_job, None
            return pick("update_job_status", status=status, job=job.group(0).lower() if job else where)
    if re.search(r"\b(daily brief|brief me|my day|plan for (?:the day|today)|today'?s plan|morning brief|"
                 r"summary of (?:my|the) day|how does my day look)\b", lowered):
        return pick("daily_brief")
    if STANDARD.search(text):
        return pick("knowledge_search", query=clean(text), source="nfpa")
    if DOCUMENT.search(text) or LIMIT.search(text) or AGE_RULE.search(text) or troubleshooting(text):
        # a fault described and asked about ("the pump keeps tripping, thoughts"): the manuals, never a spec sheet
        return pick("knowledge_search", query=clean(text))
    if fault_code(text) or reports_a_reading(text):  # what a display shows: the manuals, not a spec sheet
        return pick("knowledge_search", query=clean(text))
    models = model_mentions(without_places(text, known_places))
    about_equipment = bool(UNIT_KINDS.search(text) or SPEC_TOPIC.search(text) or models)
    history = past_question(text, known_places, asks=asks) \
        if not about_equipment and not KNOWLEDGE.search(text) else None
    if history is not None:
        return pick("job_history", **history)
    other_day = DAY_WORDS.search(text)
    if other_day and other_day.group(0).lower() not in ("today", "tonight") and \
            _asks_about_a_day(text, known_places, about_equipment):
        first_or_last = ON_A_DAY.search(text)  # "what kind of job is the first one tomorrow": that job
        return pick("job_details", job=first_or_last.group(0).lower()) if first_or_last else \
            pick("my_jobs_today", day=other_day.group(0).lower())  # "and thursday?", "where am I headed Monday"
    travel = re.search(r"\b(how (?:long|far)|travel time|drive time|driving time|get to|drive to|eta|distance to|"
                       r"drive there)\b", lowered)
    anchor = day_anchor(text, known_places)
    if anchor and not travel and not CONTACT.search(text) and not SITE_RULES.search(text):
        side, what = anchor
        return pick("next_job", after=what) if side == "after" else pick("job_details", job=f"the job before {what}")
    after = AFTER.search(text)
    if after and after.group("side") == "after" and not re.search(r"\b(how (?:long|far)|customer)\b", lowered):
        return pick("next_job", after=clean(after.group("what")))
    if re.search(r"\b(next (?:job|stop|appointment|visit|call)|where am i (?:going|headed)|where to next)\b", lowered) \
            and not re.search(r"\b(how (?:long|far)|customer|who|special|know|due|drive|distance)\b", lowered):
        return pick("next_job")
    if re.search(r"\b(?:last|final|first|previous) (?:job|stop|appointment|visit|call)\b", lowered) and \
            not re.search(r"\b(how (?:long|far)|customer|who|special|due|drive|distance)\b", lowered):
        return pick("job_details", job=JOB_REF.search(text).group(0).lower())  # type: ignore[union-attr]
    ends = day_end(text)
    if ends and not about_equipment and not travel and not KNOWLEDGE.search(text) and not CONTACT.search(text):
        return pick("job_details", job=f"my {ends} job")  # "which one am I finishing at", "where do I start today"
    if re.search(r"\b(my jobs|jobs (?:today|for today|do i have)|today'?s jobs|my schedule|schedule today|"
                 r"what'?s on (?:my plate|today)|how many jobs)\b", lowered):
        return pick("my_jobs_today")
    if (WHEN_DUE.search(text) or (WHEN_AT.search(text) and not travel and place_named(text, known_places))) and \
            not about_equipment:
        ordinal = ORDINAL.search(text)
        job = JOB_REF.search(text)
        return pick("job_details", job=job.group(0).lower() if job else f"my {ordinal.group('which').lower()} job"
                    if ordinal else place_reference(text, known_places) or "that job")
    if JOB_ASKED.search(text) and not about_equipment and not AREA.search(text) and not KNOWLEDGE.search(text):
        place = named_place(text, known_places)
        if place is not None:
            return pick("job_details", job=place)
    if WRITTEN_UP.search(text) and not models and not SPEC_TOPIC.search(text):
        # what is already on record at a place or job, a unit there included ("open deficiencies on the pump")
        return pick("job_details", job=place_reference(text, known_places) or "there")
    job_number = re.search(r"\bjob\s*(?:number\s*|#\s*|no\.?\s*)?(\d+)\b", lowered)
    if re.search(r"\bwhat (?:kind|type|sort) of (?:job|work|visit)\b", lowered) and not job_number:
        return pick("job_details", job=named_place(text, known_places))  # "what kind of job is it here"
    if job_number or re.search(r"\b(this|current|the) job\b|\bjob details\b|\bjob (?:about|for|involve|entail)\b",
                               lowered):
        # "what's the job there", "what's the job at the Ferry Building about"
        named = re.search(r"\bthe ((?:[\w'&-]+ ){0,2}[\w'&-]+) job\b", text, re.IGNORECASE)  # "the skyline job"
        named_words = named.group(1) if named and not re.fullmatch(
            r"(?:this|that|current|next|last|first|final|previous|same|other|whole)", named.group(1).lower()) else None
        there = None if job_number else known_in(text, known_places) or named_words or \
            ("there" if THERE_WORDS.search(text) else None)
        return pick("job_details", job_id=int(job_number.group(1)) if job_number else None, job=there)
    before_work = (BEFORE_WORK.search(text) and NEEDS.search(text)) or PERMISSION.search(text)
    if (before_work and not about_equipment and named_place(text, known_places)) or \
            re.search(r"\b(special (?:requirements?|instructions?|rules?|notes?)|anything special|site rules|"
                 r"(?:need|should|have|ought) to know (?:before|about|there|here)|(?:before|when|once) i (?:show up|go|"
                 r"get there|arrive|head|pull up)|access (?:notes?|rules?|instructions?)|"
                 r"check.?in (?:rules|procedure))\b", lowered) or \
            (SITE_RULES.search(text) and not about_equipment and named_place(text, known_places)):
        if CONTACT.search(text) and re.search(r"\b(?:who|number|phone|contact)\b", lowered):
            # "who do I ask for when I get there"; "the contact's number, and any rules there": the customer card
            # carries the contact and the special requirements both
            return pick("customer_at_location", location=place_reference(text, known_places))
        return pick("site_requirements", site=place_reference(text, known_places))
    if re.search(r"\binspections?\b.*\b(due|overdue|needed|coming up|pending)\b|\bwhat(?:'s| is) (?:over)?due\b|"
                 r"\boverdue\b|\bdue (?:for|an?) (?:inspection|testing|test|service)\b", lowered):
        return pick("inspections_due", site=place_reference(text, known_places))
    journey = trip(text, known_places) if travel else None
    if journey is not None:
        destination, origin = journey
        return pick("travel_time", destination=destination, origin=origin)
    if CONTACT.search(text) and not (about_equipment and not re.search(r"\b(customer|client|owner|owns)\b", lowered)):
        return pick("customer_at_location", location=place_reference(text, known_places))
    ordinal = ordinal_alone(text)
    if ordinal and not about_equipment and not KNOWLEDGE.search(text):
        if ordinal == "next":
            return pick("next_job")
        return pick("job_details", job=f"my {'last' if ordinal == 'final' else ordinal} job")
    asks_the_day = SCHEDULE.search(text) and not about_equipment and not KNOWLEDGE.search(text) and \
        not remark(text, known_places)  # "traffic on the bridge was brutal this morning" is not a question
    if TODAY.search(text) and asks_the_day:
        place = known_in(text, known_places)  # "what am I doing at the plant today": that job
        return pick("job_details", job=place) if place else pick("my_jobs_today")
    if models:
        return pick("equipment_spec", model=models[-1], question=clean(text))
    if "read_nameplate" in tools and (NAMEPLATE.search(text) or (PRONOUN.search(text) and asks_age(text))):
        return pick("read_nameplate", question=clean(text))
    if photo and "read_nameplate" in tools and (PRONOUN.search(text) or FOLLOW_UP.search(text)) and \
            (SPEC_TOPIC.search(text) or re.search(r"\bserial\b", lowered)):
        return pick("read_nameplate", question=clean(text))
    if SPEC_TOPIC.search(text) and (PRONOUN.search(text) or FOLLOW_UP.search(text)):
        return pick("equipment_spec", question=clean(text))
    if voltage_said(text) and not models and len(clean(text).split()) <= 6 and not KNOWLEDGE.search(text):
        return pick("equipment_spec", question=clean(text))  # "and at four sixty": the last figure, that version
    unit = UNIT_KINDS.search(text)
    placed = None if unit or models else unit_by_place(text, known_places)
    if placed and (asks(text) or FOLLOW_UP.search(text)):  # "which one is in the riser room", "what's on the roof"
        site = named_place(text, known_places)
        return pick("equipment_spec", model=placed, question=clean(text), site=None if site == "there" else site)
    if SPEC_TOPIC.search(text) and not unit and not KNOWLEDGE.search(text) and len(clean(text).split()) <= 6:
        # a figure asked in a fragment ("so max fuse is what"): of the unit discussed; with none, the spec lookup
        # fails and the question goes to the manuals and standards
        return pick("equipment_spec", question=clean(text))
    if unit and (asks_age(text) or asks_inspection(text) or INVENTORY.search(text) or WHICH_UNIT.search(text) or
                 SPEC_TOPIC.search(text)):  # the unit of that kind at the site: its record, or its model's sheet
        site = named_place(text, known_places)
        return pick("equipment_spec", model=unit_said(text, unit.group(1), known_places), question=clean(text),
                    site=None if site == "there" else site)
    if names_a_relative(text) and not KNOWLEDGE.search(text):  # "its sister model", "the big one": of the family
        return pick("equipment_spec", question=clean(text))    # of the unit discussed
    if KNOWLEDGE.search(text):
        return pick("knowledge_search", query=clean(text))
    place = known_in(text, known_places)
    if place:
        return pick("customer_at_location", location=place)
    return None



def _asks_about_a_day(text: str, known: Sequence[str], about_equipment: bool) -> bool:
    """Whether a message naming another day asks what that day holds ("and the day after tomorrow?", "anything
    next Monday", "where am I headed Thursday"), not about a unit, a document, a person or a trip."""
    if about_equipment or KNOWLEDGE.search(text) or CONTACT.search(text) or SITE_RULES.search(text) or \
            re.search(r"\b(?:how (?:long|far)|drive|distance|traffic)\b", text, re.IGNORECASE):
        return False
    rest = clean(re.sub(r"\b(?:and|what|whats|what'?s|about|how|the|so|ok(?:ay)?|then)\b", " ",
                        DAY_WORDS.sub(" ", text), flags=re.IGNORECASE))
    return bool(SCHEDULE.search(text) or asks(text) or not rest) and not remark(text, known)


def arguments_for(tool: str, text: str, known: Sequence[str]) -> dict[str, Any]:
    """Arguments for a tool chosen by similarity alone: whatever the message offers for its main parameter."""
    if tool == "knowledge_search":
        return {"query": clean(text)}
    if tool == "log_deficiency":
        return deficiency(text)
    if tool == "equipment_spec":
        models = model_mentions(text)
        return {"question": clean(text), **({"model": models[-1]} if models else {})}
    if tool in ("customer_at_location", "inspections_due", "travel_time", "site_requirements"):
        place = place_reference(text, known)
        key = {"customer_at_location": "location", "inspections_due": "site", "travel_time": "destination",
               "site_requirements": "site"}[tool]
        return {key: place} if place else {}
    if tool == "set_preferences":
        return preferences(text)
    if tool == "update_job_status":
        status = status_of(text)
        return {"status": status} if status else {}
    return {}
