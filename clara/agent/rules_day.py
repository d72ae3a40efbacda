"""Routing rules for the technician's day: the brief, past visits, another day, the day's order ("my next job",
"after this one", "who am I seeing first", "which one am I finishing at"), when a job is, and a job's details by
place, number or kind. Each rule returns the call it reads, or None when the message is not of its kind;
`clara.agent.routing` tries them in order.
"""

from __future__ import annotations

import re
from clara.agent.history_said import past_question
from clara.agent.places_said import AFTER, JOB_REF, ON_A_DAY, ORDINAL, THERE_WORDS, clock_reference, day_anchor, \
    day_end, known_in, named_place, ordinal_alone, place_named, place_reference
from clara.agent.reading import Reading, asks, call, remark
from clara.agent.said import Route, clean
from clara.agent.topics_said import AREA, CONTACT, JOB_ASKED, SCHEDULE, SITE_RULES, SPEC_TOPIC, TODAY, WHEN_AT, \
    WHEN_DUE, WRITTEN_UP
from clara.jobs.days import DAY_WORDS
from clara.jobs.spoken import day_part_heard

_BRIEF = re.compile(r"\b(daily brief|brief me|my day|plan for (?:the day|today)|today'?s plan|morning brief|"
                    r"summary of (?:my|the) day|how does my day look)\b")
_MY_JOBS = re.compile(r"\b(my jobs|jobs (?:today|for today|do i have)|today'?s jobs|my schedule|schedule today|"
                      r"what'?s on (?:my plate|today)|how many jobs)\b")
_JOB_NUMBER = re.compile(r"\bjob\s*(?:number\s*|#\s*|no\.?\s*)?(\d+)\b")
# "the job" as a time ("how long after the job do I send the claim") is a deadline asked, not the job
_THE_JOB = re.compile(r"(?<!after )(?<!before )(?<!since )(?<!during )\b(this|current|the) job\b|\bjob details\b|"
                      r"\bjob (?:about|for|involve|entail)\b")
# "the skyline job"; "the ferry one" when its words name a place
_NAMED_JOB = re.compile(r"\bthe ((?:[\w'&-]+ ){0,2}[\w'&-]+) (?:job|one)\b", re.IGNORECASE)
_WHICH_JOB = re.compile(r"\b(?:which|what) (?:job|visit|work order) (?:is (?:this|it|here|that)|(?:am i|i'?m|im|i am) "
                        r"(?:on|at|doing)|(?:are we|we'?re|we are) (?:on|at|doing))\b")
# The schedule named by a noun, which a statement may do too ("today's jobs", "lineup for today").
_SCHEDULE_NOUN = re.compile(r"\b(?:plan|schedule|line-?up|agenda|jobs?|work orders?|stops|calls|appointments|"
                            r"visits)\b", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"(?:this|that|current|next|last|first|final|previous|same|other|whole)")


def brief_asked(reading: Reading) -> Route | None:
    return call("daily_brief") if _BRIEF.search(reading.lowered) else None


def past_asked(reading: Reading) -> Route | None:
    """A past visit ("when were we last out here", "what did I do last week"); not a unit's or a document's past."""
    if reading.about_equipment or reading.knowledge:
        return None
    history = past_question(reading.text, reading.known, asks=asks)
    return call("job_history", **history) if history is not None else None


def other_day_asked(reading: Reading) -> Route | None:
    """"and thursday?", "where am I headed Monday"; "what kind of job is the first one tomorrow" is that job."""
    other_day = DAY_WORDS.search(reading.text)
    if not other_day or other_day.group(0).lower() in ("today", "tonight") or not _asks_about_a_day(reading):
        return None
    first_or_last = ON_A_DAY.search(reading.text)
    if first_or_last:
        return call("job_details", job=first_or_last.group(0).lower())
    # the day said first: "and tomorrow, what's my first one" is that day's first job
    end = re.search(r"\b(?P<which>first|last|final)(?: (?:one|job|stop|visit|call|site|appointment|customer))?\b",
                    reading.text[other_day.end():], re.IGNORECASE)
    return call("job_details", job=f"my {end.group('which').lower()} one {other_day.group(0).lower()}") if end else \
        call("my_jobs_today", day=other_day.group(0).lower())


def order_asked(reading: Reading) -> Route | None:
    """The day's order: the job after or before one ("once I'm done at the ferry building"), the next, the first,
    the last. A trip, a person or a rule asked of that job is another rule's."""
    text, lowered = reading.text, reading.lowered
    of_that_job = reading.travel or CONTACT.search(text) or SITE_RULES.search(text)  # another rule's, of that job
    anchor = day_anchor(text, reading.known)
    if anchor and not of_that_job:
        side, what = anchor
        return call("next_job", after=what) if side == "after" else call("job_details", job=f"the job before {what}")
    after = AFTER.search(text)
    if after and day_part_heard(f"after {clean(after.group('what'))}"):  # "the one after lunch" is a part of the day
        after = None
    if after and after.group("side") == "after" and not of_that_job and \
            not re.search(r"\b(how (?:long|far)|customer)\b", lowered):
        return call("next_job", after=clean(after.group("what")))
    if re.search(r"\b(next (?:job|stop|appointment|visit|call)|where am i (?:going|headed)|where to next)\b", lowered) \
            and not re.search(r"\b(how (?:long|far)|customer|contact|who(?:'?s)?|special|know|due|drive|distance)\b",
                              lowered):
        return call("next_job")
    if re.search(r"\b(?:last|final|first|previous) (?:job|stop|appointment|visit|call)\b", lowered) and \
            not re.search(r"\b(how (?:long|far)|customer|contact|who(?:'?s)?|special|due|drive|distance)\b", lowered):
        return call("job_details", job=JOB_REF.search(text).group(0).lower())  # type: ignore[union-attr]
    return None


def day_end_asked(reading: Reading) -> Route | None:
    """"which one am I finishing at", "where do I start today"."""
    ends = day_end(reading.text)
    if ends and not reading.about_equipment and not reading.travel and not reading.knowledge and \
            not CONTACT.search(reading.text):
        return call("job_details", job=f"my {ends} job")
    return None


def jobs_asked(reading: Reading) -> Route | None:
    return call("my_jobs_today") if _MY_JOBS.search(reading.lowered) else None


# "what time ferry building", "when the plant": a time asked of a place in a few typed words, no verb between.
_WHEN_TERSE = re.compile(r"^\W*(?:and\s+)?(?:when|what time)\s+(?:(?:at|for)\s+)?(?P<rest>(?:[\w'&-]+\s*){1,3})\W*$",
                         re.IGNORECASE)


# The clock time to be finished by ("what time am I supposed to be done with the alarm devices"): the job's booking
# and its notes say it ("alarm devices must be tested before 8am"), not a standard's interval.
_FINISHED_BY = re.compile(r"\b(?:what time|by when|how late)\b.*\b(?:supposed|meant|need|have|got|gotta|due) (?:to )?"
                          r"(?:be )?(?:done|finished|wrapped up|through)\b", re.IGNORECASE)


def when_asked(reading: Reading) -> Route | None:
    """When a job is due or when to be at a place: that job's details (its time and booking)."""
    text = reading.text
    if _FINISHED_BY.search(text) and not reading.models:
        return call("job_details", job=known_in(text, reading.known) or "that job")
    terse = _WHEN_TERSE.match(text)
    when = WHEN_AT.search(text)
    # the place named, or "there" when the technician's own time is asked ("what time am i there")
    at_a_place = (when or terse and known_in(terse.group("rest"), reading.known)) and not reading.travel and \
        (place_named(text, reading.known) or when and when.group("mine") and THERE_WORDS.search(text))
    if reading.about_equipment or not (WHEN_DUE.search(text) or at_a_place):
        return None
    ordinal = ORDINAL.search(text)
    job = JOB_REF.search(text)
    named = _NAMED_JOB.search(text)  # "what time was the ferry one again": resolution finds "ferry"
    named_words = named.group(1) if named and not _NOT_A_NAME.fullmatch(named.group(1).lower()) else None
    return call("job_details", job=job.group(0).lower() if job else f"my {ordinal.group('which').lower()} job"
                if ordinal else place_reference(text, reading.known) or named_words or "that job")


def job_asked(reading: Reading) -> Route | None:
    """A job asked about: at a named place, what is on record there, its kind, its number, "the job there"."""
    text, lowered, known = reading.text, reading.lowered, reading.known
    by_part = named_place(text, known)  # "what's my afternoon job": the job in that part of the day, asked about
    if by_part and day_part_heard(by_part) and asks(text) and not (
            reading.about_equipment or reading.knowledge or reading.travel or CONTACT.search(text) or
            SITE_RULES.search(text)):
        return call("job_details", job=by_part)
    if JOB_ASKED.search(text) and not reading.about_equipment and not AREA.search(text) and not reading.knowledge:
        place = named_place(text, known)
        if place is not None:
            return call("job_details", job=place)
    named = _NAMED_JOB.search(text)  # "tell me about the ferry building job", "what's the ferry one for"
    place = known_in(named.group(1), known) if named and not reading.about_equipment else None
    if place is not None:
        return call("job_details", job=place)
    if WRITTEN_UP.search(text) and not reading.models and not SPEC_TOPIC.search(text):
        # what is already on record at a place or job, a unit there included ("open deficiencies on the pump")
        return call("job_details", job=place_reference(text, known) or "there")
    job_number = _JOB_NUMBER.search(lowered)
    if _WHICH_JOB.search(lowered):  # "which job is this", "what job am I on here"
        return call("job_details", job=named_place(text, known))
    if re.search(r"\bwhat (?:kind|type|sort) of (?:job|work|visit)\b", lowered) and not job_number:
        return call("job_details", job=named_place(text, known))  # "what kind of job is it here"
    if job_number or _THE_JOB.search(lowered):  # "what's the job there", "what's the job at the Ferry Building about"
        named = _NAMED_JOB.search(text)
        named_words = named.group(1) if named and not _NOT_A_NAME.fullmatch(named.group(1).lower()) else None
        there = None if job_number else known_in(text, known) or named_words or \
            ("there" if THERE_WORDS.search(text) else None)
        return call("job_details", job_id=int(job_number.group(1)) if job_number else None, job=there)
    return None


def clock_job_asked(reading: Reading) -> Route | None:
    """A job named by its start time and asked about ("where's my 10 o'clock", "what's the one thirty"): that job.
    A trip, a person or a rule asked of it is another rule's."""
    text = reading.text
    clock = clock_reference(text)
    if clock is None or not asks(text) or reading.travel or reading.about_equipment or reading.knowledge or \
            CONTACT.search(text) or SITE_RULES.search(text):
        return None
    return call("job_details", job=clock)


# "last" as a verb, ending a question about how long something lasts ("how long will the batteries last").
_LASTS = re.compile(r"\bhow long\b.*\b(?:do|does|did|will|would|should|can|could|to|they|it)\b.*\blast\s*[?.!]*\s*$",
                    re.IGNORECASE)


def ordinal_asked(reading: Reading) -> Route | None:
    """An ordinal alone ("and the last one?", "next"): that job of the day; not a lifetime asked ("how long does a
    sensing element last")."""
    ordinal = ordinal_alone(reading.text)
    if not ordinal or reading.about_equipment or reading.knowledge or _LASTS.search(reading.text):
        return None
    return call("next_job") if ordinal == "next" else \
        call("job_details", job=f"my {'last' if ordinal == 'final' else ordinal} job")


def today_asked(reading: Reading) -> Route | None:
    """Today's schedule asked ("what am I doing today"); a place named makes it that job ("at the plant today").
    "traffic on the bridge was brutal this morning" is a remark, not a question; so is "brutal traffic on the bay
    bridge today", which has no verb to read it by: a statement names the schedule by a noun ("jobs today"), while
    "on", "got" and "doing" ask for it only in a question ("what's on today")."""
    text = reading.text
    if not TODAY.search(text) or not SCHEDULE.search(text) or reading.about_equipment or reading.knowledge or \
            remark(text, reading.known) or not (_SCHEDULE_NOUN.search(text) or asks(text)):
        return None
    place = known_in(text, reading.known)
    return call("job_details", job=place) if place else call("my_jobs_today")


# A unit named as what acts on that day ("what time does the gym unit go occupied on saturday", "is the boiler
# allowed off on sundays"): its own schedule, which the documents hold, not the technician's.
_A_UNIT_DOES = re.compile(r"\b(?:does|do|is|will|should|can)\s+(?:the|that|this|our|their)\s+(?:[\w'-]+\s+){0,3}"
                          r"(?:unit|equipment|fan|boiler|chiller|heater|compressor|ahu)s?\b", re.IGNORECASE)


def _asks_about_a_day(reading: Reading) -> bool:
    """Whether a message naming another day asks what that day holds ("and the day after tomorrow?", "anything
    next Monday", "where am I headed Thursday"), not about a unit, a document, a person or a trip."""
    text = reading.text
    if reading.about_equipment or reading.knowledge or _A_UNIT_DOES.search(text) or CONTACT.search(text) or \
            SITE_RULES.search(text) or \
            re.search(r"\b(?:how (?:long|far)|drive|distance|traffic)\b", text, re.IGNORECASE):
        return False
    rest = clean(re.sub(r"\b(?:and|what|whats|what'?s|about|how|the|so|ok(?:ay)?|then)\b", " ",
                        DAY_WORDS.sub(" ", text), flags=re.IGNORECASE))
    return bool(SCHEDULE.search(text) or asks(text) or ORDINAL.search(text) or not rest) and \
        not remark(text, reading.known)
