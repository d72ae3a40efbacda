"""Asked again: "say that again", "repeat the address", "the number again, slower", "what was the weight again".

A technician on a ladder or in traffic misses half an answer and asks for it again. What they ask for was just said,
so it is said again from the last reply, no tool and no lookup: the whole reply ("say that again", "come again"), or
the part they name when the reply carries it (a phone number, spoken slowly digit group by digit group when asked
"slower"; an address; the sentence holding a figure they name, "the weight", "the charge"). When the reply does not
carry the part named ("repeat the address" after a spec answer), the message is not a repeat at all and the rules
read it as the question it then is.
"""

from __future__ import annotations

import re
from typing import Sequence

from livekit.agents import llm

# A request to hear something again: the verb first ("say that again", "repeat the number", "read me the address
# again"), or the part and "again" alone ("the address again?", "number again"), or a bare "come again".
_AGAIN = re.compile(
    r"^\W*(?:(?:sorry|pardon|what|huh|wait|hang on|hold on|ok(?:ay)?|clara|yeah|and)\W+)*"
    r"(?:(?:can|could|would) you\s+|please\s+)?"
    r"(?:(?:say|read|give|tell)(?: me| us)?|repeat|what (?:was|were|is|'s)|what's|whats)\s+"
    r"(?:(?P<all>that|it|this|the last (?:bit|part|one)|what you (?:just )?said)|"
    r"(?:just |only )?(?:the |that |its |his |her )(?P<part>[\w -]+?))(?:\s+(?:again|one more time|once more|back))?"
    r"(?P<slow>(?:\W+(?:a bit |a little |nice and )?(?:slower|slowly|more slowly))?)(?:\W+please)?\W*$|"
    r"^\W*(?:(?:sorry|ok(?:ay)?|and|what)\W+)*(?:just |only )?(?:the |that |his |her |its )?"
    r"(?!(?:come|check|test|do|try|run|start|call|send|log|write|mark|reset|look|fix|go|went|came|happen\w*|"
    r"it|that|this)\b)"
    r"(?P<bare>(?:[\w-]+ ){0,2}[\w-]+?)\s+"
    r"(?:again|one more time|once more)(?P<slow2>(?:\W+(?:a bit |a little )?(?:slower|slowly))?)(?:\W+please)?\W*$|"
    r"^\W*(?:(?:sorry|pardon)\W+)*(?P<whole>come again|say again|again please|one more time|repeat(?: that| it)?|"
    r"i (?:missed|didn'?t (?:catch|get)) (?:that|it))(?P<slow3>(?:\W+(?:slower|slowly))?)\W*$",
    re.IGNORECASE)
# "what was the number", "what was the area code": a thing just said, asked for in the past tense.
_REPEATING = re.compile(r"\b(?:again|repeat|one more time|once more|come again|missed|catch|what was that|"
                        r"what (?:was|were) (?:the |that |his |her |its |their )?(?:area ?code|number|phone number|"
                        r"address|extension))\b", re.IGNORECASE)
_PHONE = re.compile(r"\(?\b\d{3}\)?[ .-]?\d{3}-\d{4}\b")
_ADDRESS = re.compile(r"(?:address is|It's at|It is at)\s+(?P<address>[^.;]+)")
_NUMBER_WORDS = re.compile(r"^(?:phone|phone number|number|contact number|their number|cell|digits)$", re.IGNORECASE)
_ADDRESS_WORDS = re.compile(r"^(?:address|street address|street)$", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


# Why it is asked again, said after the ask: "say that again, the truck was loud", "come again i couldnt hear you".
_BECAUSE = re.compile(r"^(?P<ask>.*?\b(?:again|one more time|once more))\W+(?P<why>(?:the|it|its|it'?s|i|im|i'?m|"
                      r"was|there|theres|there'?s|my|this|too|cause|because|cuz|couldn'?t|didn'?t|can'?t|you)\b[^?]*)$",
                      re.IGNORECASE)
_AREA_CODE = re.compile(r"^area ?code$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


def _ask_of(text: str) -> str:
    """The ask to hear something again, without the reason said after it ("the truck was loud")."""
    because = _BECAUSE.match(text)
    return because.group("ask") if because and _AGAIN.match(because.group("ask")) else text


def asks_again(text: str) -> bool:
    """Whether a message asks to hear something again (before knowing whether the last reply holds it)."""
    text = _ask_of(text)
    return bool(_REPEATING.search(text)) and bool(_AGAIN.match(text))


def said_again(text: str, last_reply: str | None) -> str | None:
    """What to say when `text` asks to hear (part of) the last reply again; None when it does not ask that, or names
    a part the last reply does not carry."""
    if not asks_again(text):
        return None
    said = _AGAIN.match(_ask_of(text))
    assert said is not None
    if not last_reply:  # the first thing said: nothing to repeat, and not a question for the documents either
        return "I haven't said anything yet. What do you need?" if said.group("all") or said.group("whole") else None
    slow = bool(said.group("slow") or said.group("slow2") or said.group("slow3"))
    part = (said.group("part") or said.group("bare") or "").strip().lower()
    if said.group("all") or said.group("whole") or part in ("that", "it", "this", "all", "everything"):
        return _slowly_phones(last_reply) if slow else last_reply
    if not part:
        return None
    if _AREA_CODE.match(part):  # "what was the area code": of the phone number just said
        phone = _PHONE.search(last_reply)
        return f"The area code is {_DIGITS.findall(phone.group(0))[0]}." if phone else None
    if _NUMBER_WORDS.match(part):
        phone = _PHONE.search(last_reply)
        if phone:
            return f"{phone.group(0)}. " + _digit_groups(phone.group(0)) if slow else f"{phone.group(0)}."
        return _holding(last_reply, r"\d") if part in ("number", "digits") else None
    if _ADDRESS_WORDS.match(part):
        address = _ADDRESS.search(last_reply)
        return f"The address is {address.group('address').strip()}." if address else None
    # a figure or thing named ("the weight", "the mca", "the time"): the sentence of the reply that says it
    return _holding(last_reply, rf"\b{re.escape(part.split()[-1].rstrip('s'))}")


def _holding(reply: str, pattern: str) -> str | None:
    """The first sentence of `reply` that matches `pattern`, or None."""
    return next((s for s in _SENTENCE.split(reply) if re.search(pattern, s, re.IGNORECASE)), None)


def _digit_groups(phone: str) -> str:
    """ "(415) 555-5595" -> "That's 4 1 5, 5 5 5, 5 5 9 5.": each digit on its own, group by group."""
    groups = re.findall(r"\d+", phone)
    return "That's " + ", ".join(" ".join(group) for group in groups) + "."


def _slowly_phones(reply: str) -> str:
    """The reply with each phone number in it followed by its digits one by one."""
    return _PHONE.sub(lambda m: f"{m.group(0)} ({_digit_groups(m.group(0))[len('That') + 3:-1]})", reply)


def last_asked(items: Sequence[llm.ChatItem]) -> str | None:
    """What the technician said last, before the message being answered: the question the last reply answered."""
    return next((item.text_content for item in reversed(items) if isinstance(item, llm.ChatMessage) and
                 item.role == "user" and item.text_content), None)


def last_reply(items: Sequence[llm.ChatItem]) -> str | None:
    """What Clara said last, before the message being answered."""
    return next((item.text_content for item in reversed(items) if isinstance(item, llm.ChatMessage) and
                 item.role == "assistant" and item.text_content), None)
