"""Routing rules for what a message changes: the technician's preferences, a deficiency written up (or said again
for another unit), one marked fixed, a job's status. Each rule returns the call it reads, or None when the message
is not of its kind; `clara.agent.routing` tries them in order.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from clara.agent.deficiency_said import another_write, asks_to_write, deficiency
from clara.agent.draft_said import DENIED_STATUS, QUESTION
from clara.agent.places_said import AFTER, JOB_REF, clock_reference, heading_for, known_in
from clara.agent.reading import Reading, call
from clara.agent.repeat_said import of_the_last_kind, repeat_arguments, repeated_unit
from clara.agent.said import Route, clauses, clean, only_preferences, preferences, reverts_preferences, small_talk
from clara.agent.write_pieces import announced
from clara.agent.topics_said import ACT_ON_JOB, EMBEDDED_QUESTION, MARK, POLITE_REQUEST, QUESTION_FORM, REPORTED, \
    SET_STATUS, STATUS_CHANGE, STATUS_SAID
from clara.jobs.drafts import status_of

# A preference stated as a setting ("set", "switch", "talk to me", "from now on"), not a word in passing.
_SETTING = re.compile(r"\b(set|switch|change|use|make|keep|prefer|put me|i'?m|i am|be more|talk to me|treat me|give me|"
                      r"from now on|answers?|preferences?|settings?|units)\b")
_FIXED = re.compile(r"\b(fixed|repaired|resolved|corrected)\b")


def preferences_reverted(reading: Reading) -> Route | None:
    """"switch me back": the last change undone. Not while a read-back waits: the talk is about the unit written
    up, and a preference change there would set the draft aside."""
    if not preferences(reading.text) and not reading.drafting and reverts_preferences(reading.text):
        return call("set_preferences", revert=True)
    return None


def preferences_set(reading: Reading) -> Route | None:
    """"metric please", "go back to imperial", "talk to me like a beginner from now on"."""
    changes = preferences(reading.text)
    if changes and (only_preferences(reading.text) or _SETTING.search(reading.lowered)):
        return call("set_preferences", **changes)
    return None


# The system of units Clara answers in, asked about: "what units have I got you on", "are you on metric",
# "which system are you using". "What units do they have at WeWork" asks about equipment, and has no "on/in/using".
_UNITS_ASKED = re.compile(
    r"\b(?:what|which) (?:units?|system(?: of units)?|measurements?)(?: (?:have|did|do|are|am|is))? (?:i|you|we)\b"
    r"(?:[\w' ]{0,25}?)\b(?:on|in|using|use|set(?: to| up)?|giving me|have me)\s*[?.!]*$|"
    r"\b(?:am i|are you|are we|have i got you|do you have me)\s+(?:on|in|set to|using)\s+(?:metric|imperial)\b")


def preferences_asked(reading: Reading) -> Route | None:
    # a device's settings ("the passcode to change settings on a PMC-200") are not the technician's
    if re.search(r"\b(preferences|skill level|verbosity|(?:my|your|current|clara'?s) settings)\b|^\W*settings\W*$",
                 reading.lowered) or _UNITS_ASKED.search(reading.lowered):
        return call("get_preferences")
    return None


def write_repeated(reading: Reading) -> Route | None:
    """"same thing for the kitchen one": the last write-up, of another unit."""
    if reading.last_write is None:
        return None
    again = repeated_unit(reading.text)
    return call("log_deficiency", **repeat_arguments(again, reading.last_write)) if again is not None else None


def write_announced(reading: Reading) -> Route | None:
    """"got a deficiency to write up here": a write-up opened before its fault is said (`write_pieces`)."""
    return announced(reading.text)


def written_up(reading: Reading) -> Route | None:
    """A deficiency asked to be written down, or a second one said while a read-back waits or after one."""
    text = reading.text
    if _FIXED.search(reading.lowered):
        return None
    if asks_to_write(text) or ((reading.drafting or reading.last_write is not None) and another_write(text)):
        return call("log_deficiency", **at_the_site_said(of_the_last_kind(deficiency(text), reading.last_write),
                                                         text, reading.known))
    return None


# A site said in a write-up ("the kitchen extinguisher at wework", "log one over at abc: ..."): "at" or "for" and the
# words after it, which name a site only when they are a known name's own words.
_AT_OR_FOR = re.compile(r"\s*\b(?:(?:over|out|down|up)\s+)?(?:at|for)\s+(?:the\s+)?(?P<words>[\w'&.-]+(?:\s+[\w'&.-]+)*)",
                        re.IGNORECASE)


def at_the_site_said(arguments: dict[str, Any], text: str, known: Sequence[str]) -> dict[str, Any]:
    """A write-up's arguments with a site it names filed there: "the kitchen extinguisher at wework is missing its
    pin", said while standing at the Ferry Building, is WeWork's kitchen extinguisher, not the Ferry Building's (the
    room nouns a write-up's place is read by know no site names). The name leaves the unit and the description and
    becomes the write-up's `job` (a job there today, else the site: `clara.jobs.write_place`)."""
    if arguments.get("job") or arguments.get("location"):
        return arguments
    for said in _AT_OR_FOR.finditer(text):
        name = known_in(said.group("words"), known)
        if name is None:
            continue
        own = set(re.findall(r"[\w'&.-]+", name.lower()))
        words = said.group("words").split()
        taken = next((i for i, word in enumerate(words) if word.lower() not in own), len(words))
        if taken == 0:
            continue
        phrase = (text[said.start():said.start("words")] + " ".join(words[:taken])).strip()
        unsaid = {key: clean(re.sub(r"\s+", " ", str(arguments[key]).replace(phrase, " ")))
                  for key in ("equipment", "description") if arguments.get(key)}
        return {**arguments, "job": name, **unsaid}
    return arguments


# A repair required, not reported: "before it must be fixed", "has to be repaired within 30 days".
_FIX_REQUIRED = re.compile(r"\b(?:must|should|shall|has to|have to|had to|needs? to|got to|gotta|ought to|to)\s+"
                           r"(?:be|get|have been)\s+(?:fixed|repaired|resolved|corrected)\b")
# Opened as a question of the technician's own ("how can I tell a fixed head", "is deficiency 12 fixed"); "can you
# mark it fixed" and "could we close 12 as fixed" ask Clara to do it.
_WONDERS = re.compile(r"\s*(?:what|who|whose|where|when|how|why|which|is|are|was|were|does|do|did|should|must|has|"
                      r"have|had)\b")


def marked_fixed(reading: Reading) -> Route | None:
    """"mark deficiency 12 fixed", "I repaired the gauge": never a question about repairs, nor a rule about when a
    repair is due ("how long can a critical deficiency go before it must be fixed")."""
    lowered = reading.lowered
    if _FIX_REQUIRED.search(lowered) or _WONDERS.match(lowered):
        return None
    if _FIXED.search(lowered) and (MARK.search(lowered) or
                                   (REPORTED.search(lowered) and not QUESTION_FORM.search(reading.text) and
                                    not EMBEDDED_QUESTION.search(lowered))):
        # "mark number 12 fixed", "mark 12 fixed", "12 is fixed now" (not "the gauge on riser 2": a unit's number)
        number = re.search(r"(?:deficiency|number|#|no\.?)\s*#?\s*(\d+)|\b(?:mark|close|clear)\s+(\d+)\b|"
                           r"^\W*(\d+)\s+(?:is|was|has been|got|'s)\b", lowered)
        wanted = int(next(g for g in number.groups() if g)) if number else None
        return call("mark_deficiency_fixed", deficiency_id=wanted)
    return None


def status_changed(reading: Reading) -> Route | None:
    """A job's status changed or reported in the first person ("on my way to the ferry building", "set the plant
    job to complete"). A question never drafts: "should I mark wework as complete?" asks, it changes nothing."""
    text, known = reading.text, reading.known
    acted = ACT_ON_JOB.search(text)  # "close out the plant job", "go ahead and start the job"
    set_status = SET_STATUS.search(text) or acted  # "set the ferry building job to en route"
    named_job = set_status and (known_in(set_status.group("job"), known) or
                                clock_reference(set_status.group("job")) or JOB_REF.search(set_status.group("job")))
    # "were all wrapped up here" is "we're", as speech recognition drops the apostrophe: a report, not a question
    # a report may close what else was said ("signed in at the front desk, kicking off now"), not a goodbye's
    # pleasantries ("thanks, heading out" takes leave)
    parts = clauses(text)
    reported = (STATUS_SAID.match(text) or any(STATUS_SAID.match(part) for part in parts[1:]) and
                not all(small_talk(part) for part in parts[:1])) and not text.rstrip().endswith("?")
    wonders = bool(QUESTION_FORM.search(text)) and not POLITE_REQUEST.match(text) and not reported
    if wonders or not (STATUS_CHANGE.search(text) or named_job or acted or
                       (reported and not QUESTION.search(text))):
        return None
    status = status_of(DENIED_STATUS.sub(" ", text))  # "im not done yet, just mark it started": the status said
    if status is None:
        return None
    job = AFTER.search(text) or JOB_REF.search(text)
    where = known_in(heading_for(text) if status == "en_route" else text, known) or \
        clock_reference(text)  # "heading to my ten o'clock now"
    if isinstance(named_job, str):  # "set the ferry building job to en route": the job the verb names
        where, job = named_job, None
    if status == "en_route" and job is None and not where and _NEXT_ONE.search(text):
        where = "my next job"  # "heading to the next one": on the way is always to a job not yet reached
    return call("update_job_status", status=status, job=job.group(0).lower() if job else where)


# "the next one" said of where one is heading: the next job (said of anything else, "one" may be a unit or a page).
_NEXT_ONE = re.compile(r"\b(?:my|the) next one\b", re.IGNORECASE)
