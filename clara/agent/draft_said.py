"""An answer to a read-back: yes, no, cancel, or a correction of what the draft holds ("no, severity high", "it's
the B260 in the kitchen", "actually make that critical"). Anything else (a question, a new request) is not an answer:
the draft is then set aside, never saved by a later yes.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from clara.agent.deficiency_said import LOCATION, PLACE_NOUN, SEVERITY_ALONE, SEVERITY_SAID, SEVERITY_TAIL, \
    another_write, asks_about_a_problem, asks_to_write, says_what_is_wrong, stated_severity, unit_words
from clara.agent.places_said import JOB_REF, clock_reference, known_in
from clara.agent.repeat_said import repeated_unit
from clara.agent.said import Route, clauses, clean
from clara.jobs.drafts import status_of
from clara.jobs.unit_match import UNIT_KINDS

_YES = re.compile(r"^\s*(?:yes|yeah|yea|yeh|yep|yup|ya|yah|aye|lgtm|all good|good to go|correct"
                  # "good, save it" approves; "good question, ..." does not
                  r"|(?:good|great)(?=\W*$|\W+(?:save|go ahead|log|do it|send|lock|yes|yeah|yep|ok))"
                  r"|that'?s (?:right|correct)|right|confirm(?:ed)?|save(?: it)?|"
                  r"go ahead|go for it|do it|send it|sounds good|looks good|perfect|affirmative|please do|ok(?:ay)?"
                  r"|sure|alright|all right|aight|"
                  r"that works|lock it in)\b", re.IGNORECASE)
_NO = re.compile(r"^\s*(?:no|nope|nah|not quite|wrong|incorrect|that'?s wrong|negative)\b", re.IGNORECASE)
# ("whatcha", "whaddya": a question word run into what follows, as speech recognition writes it)
QUESTION = re.compile(r"\?\s*$|^\s*(?:what|who|whose|where|when|how|why|which|whats|whos|wheres|whens|hows|is|are|can|"
                       r"could|does|do|w(?:h)?atcha|whad+(?:d?a)?ya|tell|show|"
                       r"give|find|list|brief|log|record|report|add|write|mark|set|switch)\b", re.IGNORECASE)
# What opens an aside without answering: "hang on, what's the churn pressure on that pump" is a question asked while
# the read-back waits.
_ASIDE = re.compile(r"^(?:\s*(?:hang on|hold on|wait|one sec(?:ond)?|quick question|real quick|oh|ok(?:ay)?|so|"
                    r"actually|before (?:that|i (?:say yes|confirm)))\b[,.!]?)+\s*", re.IGNORECASE)
# Words that close an answer without changing it: "make it high instead", "medium then", "severity low please".
_AFTERTHOUGHT = re.compile(r"[,\s]+(?:instead|then|please|i think|i guess|actually|for now)\s*[.!]?\s*$", re.IGNORECASE)
_CANCEL = re.compile(r"\b(?:cancel(?: it| that)?|never ?mind|forget (?:it|that)|scrap (?:it|that)|discard|drop it|"
                     r"(?:don'?t|do not) (?:save|log|record|do|mark|change|close|update) (?:it|that|anything)|"
                     r"hold off)\b"
                     # "scratch that" is a correction mid-sentence, a cancel when it is all that is said
                     r"|^\W*(?:(?:no|nah|nope)\W+)?(?:scratch|toss|kill|ditch|bin) (?:it|that)\W*$", re.IGNORECASE)


# The fault said to be gone or never there, after a write-up is withdrawn: the reason, not a correction.
_NOTHING_WRONG = re.compile(r"\b(?:(?:it'?s|its|that'?s|thats|everything'?s|all|is|was|are|were)\s+(?:\w+\s+)?"
                            r"(?:fine|ok(?:ay)?|good|working|normal|sorted|resolved|fixed)|false alarm|nothing wrong|"
                            r"my (?:bad|mistake))\b", re.IGNORECASE)


# "the other one", "a different extinguisher", "wrong unit": another unit at the site than the one read back.
# Said again after a comma, the unit is only pointed at more closely ("the other one, the corridor one", "the other
# one, the one by the door"): the other unit of the draft's kind is still the one meant.
_OTHER_UNIT = re.compile(r"^(?:(?:it'?s|its|it is|i meant?)\s+)?(?:the |a )?(?:other|another|different)\b"
                         r"(?P<kind>[\w' -]*?)(?:\s+one)?"
                         r"(?:\s*[,;-]\s*(?:the |that )?(?:[\w'-]+(?: [\w'-]+)? one|one (?:in|on|at|by|near|under|"
                         r"behind|inside|over) (?:the )?[\w' -]+))?\W*$", re.IGNORECASE)
_WRONG_UNIT = re.compile(rf"^\W*(?:(?:no|nope|nah)\W+)?(?:that'?s )?(?:the )?wrong (?:unit|one|equipment|"
                         rf"{UNIT_KINDS.pattern})\W*$", re.IGNORECASE)
# The unit said to be wrong before the right one: "not the extinguisher, it's the hood system".
_NOT_THIS = re.compile(r"^(?:not|isn'?t|it'?s not|its not)\s+(?:the\s+|that\s+|this\s+)?[\w' -]+?\s*"
                       r"(?:,|;|\s(?=it'?s\b|its\b|it is\b|the\b|i meant?\b))\s*", re.IGNORECASE)


# The description said again in other words: "reword that: steady stream from the gland", "make it say ...", "change
# the wording to ...".
_REWORDED = re.compile(r"^(?:please\s+)?(?:(?:re-?word|rephrase|re-?write)(?:\s+(?:it|that|this|the description))?"
                       r"(?:\s+(?:to|as))?|(?:change|make|set|update)\s+(?:it|that|the (?:description|wording|text))\s+"
                       r"(?:to\s+)?say|(?:it\s+)?should say|(?:make|have) it say|(?:change|update) the "
                       r"(?:description|wording|text) to)\s*[:,-]?\s*(?P<words>\S.*)$", re.IGNORECASE)
# What is wrong said anew after "change it to": "change it to three caps missing, not two".
_RESTATED = re.compile(r"^(?:change|make|set|update) (?:it|that) to\s+(?P<words>\S.*)$", re.IGNORECASE)
# The words a restatement replaces, said after it: "..., not two".
_NOT_THAT = re.compile(r"[,\s]+(?:not|instead of|rather than)\s+[\w' -]+$", re.IGNORECASE)
# "the one in the riser room (has the relief valve)": the draft's kind of unit, standing there; what follows the
# place only says why.
_ONE_THERE = re.compile(r"^(?:(?:it'?s|its|it is|i meant?)\s+)?(?:the\s+)?one\s+(?:(?:out|up|down|over|back)\s+)?"
                        r"(?:in|on|at|by|near|inside|under|behind)\s+(?:the\s+)?(?P<where>[\w' -]+?)"
                        r"(?=\s*[,.;!?]|\s*$|\s+(?:has|have|is|are|was|were|with|needs?|that|which|where|got)\b)",
                        re.IGNORECASE)


# How to file it, not what is wrong: "just log it against the site with no unit".
_INSTRUCTION = re.compile(r"\b(?:log|write|record|save|file|put|mark|against)\b", re.IGNORECASE)


def _correction(text: str, kind: str, known: Sequence[str] = ()) -> dict[str, Any]:
    """What an answer to a read-back changes ("no, severity high", "it's the B260 in the kitchen", "the other one",
    "no, wrong job, ABC")."""
    if _WRONG_UNIT.match(text) and kind == "deficiency":
        return {"equipment": "the other one"}  # of the two of a kind, the one not read back
    # what opens a correction without being one: "no, ...", "actually ...", "scratch that, make it high"
    body = re.sub(r"^(?:\s*(?:no|nope|nah|not quite|wrong(?: (?:unit|one|equipment|severity|site|place|job))?|actually|"
                  r"yes|yeah|yea|yep|ok(?:ay)?|so|well|wait|hold on|hang on|one sec|sorry|oh|uh+|um+|hmm+|eh|ah|and|"
                  r"i mean|"
                  r"i meant|you know what|(?:scratch|strike|change|forget) that|correction|let me correct that|"
                  r"on second thoughts?|come to think of it)\b[,.!]?)+"
                  r"\s*", "", text, flags=re.IGNORECASE)
    if kind == "job_status":
        return _status_correction(body, known)
    body = _NOT_THIS.sub("", body)
    other = _OTHER_UNIT.match(clean(body))
    if other:
        return {"equipment": " ".join(f"the other {other.group('kind')}".split())}
    reworded = _REWORDED.match(clean(body))
    if reworded:
        return {"description": clean(reworded.group("words"))}
    restated = _RESTATED.match(clean(body))
    if restated and not (SEVERITY_ALONE.match(restated.group("words")) or unit_words(restated.group("words")) or
                         LOCATION.match(restated.group("words"))) and says_what_is_wrong(restated.group("words")):
        return {"description": clean(_NOT_THAT.sub("", restated.group("words")))}
    there = _ONE_THERE.match(clean(body))
    if there and PLACE_NOUN.search(there.group("where")):
        return {"location": clean(there.group("where"))}
    changes: dict[str, Any] = {}
    body = _AFTERTHOUGHT.sub("", body)  # "make it medium instead": the "instead" changes nothing
    alone = SEVERITY_ALONE.match(clean(body))
    if alone:
        after = clean(body)[alone.end():]
        # "minor's fine", "medium is good": the severity, approved as it is said
        if not clean(after) or re.fullmatch(r"\s*(?:'s|is|will do|would do|works)(?:\s+(?:fine|good|ok(?:ay)?|enough|"
                                            r"better))?\W*", after, re.IGNORECASE):
            return {"severity": clean(alone.group("words"))}
        if re.match(r"\s+(?:until|till|til|'til|pending)\b", after, re.IGNORECASE) and not LOCATION.search(after):
            return {"severity": clean(alone.group("words"))}  # "out of service until it's refilled": how long, no more
        if re.match(r"\s*[,.;:-]|\s+(?:because|since|cause|cuz)\b", after):
            # "make it high, that hood is over the fryers": the severity, and why (a statement, which changes
            # nothing); "make it high, the kitchen one" also moves the draft
            rest = clean(re.sub(r"^\W+", "", after))
            severity = {"severity": clean(alone.group("words"))}
            if re.match(r"(?:because|since|cause|cuz)\b", rest, re.IGNORECASE) or says_what_is_wrong(rest):
                return severity
            return {**severity, **_correction(rest, kind, known)}
    body = re.sub(r"^(?:but\s+)?(?:it'?s|it is|it was|make it|change it to|should be|i meant|i mean)\s+", "", body,
                  flags=re.IGNORECASE)
    stated, body = stated_severity(body) if SEVERITY_TAIL.search(body) or SEVERITY_SAID.search(body) else (None, body)
    if stated:
        changes["severity"] = stated
    described = re.match(r"^(?:(?:change|set|make|update|put|fix)\s+)?(?:the )?description(?: is| should be| to| as)?"
                         r"\s*[:,-]?\s*(.+)$", body, re.IGNORECASE)
    if described:
        return {**changes, "description": clean(described.group(1))}
    # the unit meant, then what is wrong with it ("I meant the extinguisher in the kitchen, the K can, its hose is
    # cracked"): the fault said now is the description; the one read back was said of another unit
    parts = clauses(body)
    faults = [part for before, part in zip(parts, parts[1:])
              if (unit_words(before) or re.search(r"\bone\s*$", before)) and says_what_is_wrong(part) and
              not (unit_words(part) or SEVERITY_ALONE.match(clean(part)) or asks_to_write(part) or
                   LOCATION.search(part) or _INSTRUCTION.search(part))]
    if faults:
        changes["description"] = clean(", ".join(faults))
        body = ", ".join(part for part in parts if part not in faults)
    where = LOCATION.search(body)
    if where:
        changes["location"] = clean(where.group("where"))
        body = clean(body[:where.start()] + body[where.end():])
    unit = unit_words(body) if body else None
    if unit:
        changes["equipment"] = unit
    elif "location" not in changes and PLACE_NOUN.search(body):  # "the kitchen one"
        changes["location"] = clean(re.sub(r"^(?:the\s+)|\s+one$", "", body, flags=re.IGNORECASE))
    return changes


_NOT_PLACE = re.compile(r"\b(?:not|isn'?t)\s+(?:at\s+|to\s+|for\s+)?(?:the\s+)?", re.IGNORECASE)


def _without_denied(body: str, known: Sequence[str]) -> str:
    """The words without a place said to be wrong ("not wework"): the fewest words after "not" that name one."""
    denied = _NOT_PLACE.search(body)
    if denied is None:
        return body
    words = re.findall(r"\S+", body[denied.end():])
    for count in range(1, min(len(words), 4) + 1):
        if known_in(" ".join(words[:count]), known):
            rest = body[denied.end():]
            cut = rest.find(words[count - 1]) + len(words[count - 1])
            return body[:denied.start()] + rest[cut:]
    return body


# A status said to be wrong: "not complete", "I'm not finished yet", "isn't started".
DENIED_STATUS = re.compile(r"\b(?:not|isn'?t|aren'?t)\s+(?:(?:yet|quite|really|actually)\s+)?(?:complete\w*|done|"
                            r"finish\w*|start\w*|en ?route|on (?:my|the) way|in progress|on ?site|cancel\w*)\b",
                            re.IGNORECASE)


def _status_correction(body: str, known: Sequence[str]) -> dict[str, Any]:
    """A status read-back corrected: the status ("actually I'm already on site"), the job ("no, wework", "the 1:30
    one"), or both ("no, mark ABC in progress")."""
    changes: dict[str, Any] = {}
    status = status_of(DENIED_STATUS.sub(" ", body))  # "not complete, I'm on my way": the status said, not denied
    if status:
        changes["status"] = status
    body = _without_denied(body, known)  # "the ferry building, not wework": the job meant is the other one
    job = known_in(body, known) or clock_reference(body)
    reference = JOB_REF.search(body)
    if job or reference:
        changes["job"] = job or reference.group(0).lower()  # type: ignore[union-attr]
    return changes


def draft_answer(text: str, kind: str, known: Sequence[str] = ()) -> Route | None:
    """A message answering a read-back: yes, no, cancel, or a correction; None when it is about something else
    (a question, a new request, another write-up: the draft is then set aside, never saved by a later yes). An answer
    passed on from the one who decides ("he says yes go ahead") is theirs."""
    text = _RELAYED.sub("", text)
    more = _ADDED.match(text) if kind == "deficiency" else None
    if more is not None and clean(more.group("more")):  # "add to that write-up, the trim gauge is cracked too"
        return Route("edit_draft", {"added": clean(more.group("more"))})
    cancel = _CANCEL.search(text)
    if cancel:  # "forget that, severity low": withdrawn and said again in one breath is a correction
        rest = clean(re.sub(r"^\W+", "", text[cancel.end():]))
        # "don't log that, someone had the valve closed, it's fine now": why there is nothing to write up
        again = _correction(rest, kind, known) if rest and not _NOTHING_WRONG.search(rest) else {}
        return Route("edit_draft", again or {"cancel": True})
    if QUESTION.search(_ASIDE.sub("", text)) and not (_YES.match(text) or _NO.match(text)):
        return None
    yes, no = _YES.match(text), _NO.match(text)
    # "is that normal?" is answered; "yeah that's what's wrong, save it" is a yes: a question word after one is not
    # a question ("which is", "what's wrong"). "the backflow is weeping too, log that" is a draft of its own.
    if (not (yes or no) and asks_about_a_problem(text)) or \
            (kind == "deficiency" and (another_write(text) or repeated_unit(text) is not None)):
        return None
    correction = _correction(text, kind, known)
    if correction:  # "no, severity high", "yes, but it's the B260": a correction, never a yes
        return Route("edit_draft", correction)
    # "no wait, that's worse than minor. bump it to high", "somewhere in between, say needs repair", "he says
    # it's a drip, needs repair is right. save it": what went before is the reason, the last part that answers is
    # the answer (a correction said in any clause; a yes or no only as a sentence of its own)
    parts = _CLAUSE_END.split(text.strip())
    for index in range(len(parts) - 1, -1, -1) if len(parts) > 1 else ():
        answer = draft_answer(parts[index], kind, known) if clean(parts[index]) else None
        sentence = index == 0 or parts[index - 1].rstrip().endswith((".", "!", "?"))
        if answer is not None and (answer.tool == "edit_draft" or sentence and not no):
            return answer
    if yes and not no:
        return Route("confirm_draft", {"accept": True})
    if no:
        return Route("confirm_draft", {"accept": False})
    return None


# A further fault put on the write-up read back: "add to that write up, the trim gauge on it is cracked too", "add
# this to it: the cover is missing", "put on that one as well that the tag is gone".
_ADDED = re.compile(r"^\W*(?:(?:ok(?:ay)?|oh|and|also|wait)\W+)*(?:add(?: (?:this|that))?(?: (?:to|onto|on))|"
                    r"put (?:this |that )?(?:on|onto)|tack (?:this |that )?(?:on|onto))\s+(?:that|this|the|it)\b"
                    r"(?:\s+(?:write[- ]?up|deficiency|one|draft|record))?(?:\s+(?:too|as well))?\s*[,:;-]?\s*"
                    r"(?:that\s+)?(?P<more>.+?)(?:,?\s+(?:too|as well))?\s*[.!]*$", re.IGNORECASE)


# Who the answer comes from, said before it by a helper on the lead's login: "he says", "she said that".
_RELAYED = re.compile(r"^\W*(?:(?:he|she|they|the boss|my (?:lead|boss|partner|tech))\s+(?:says|said|goes)(?:\s+that)?)"
                      r"\b[,:]?\s*", re.IGNORECASE)
_CLAUSE_END = re.compile(r"(?<=[.!?,;])\s+")

