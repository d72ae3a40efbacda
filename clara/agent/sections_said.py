"""A standard's section said aloud, written as the standard writes it: "NFPA 10 seven two one" is NFPA 10 section
7.2.1, "nfpa 25 section eight three one one" is 8.3.1.1, "what's 10 eight three one say" is NFPA 10's 8.3.1, and
"fourteen four four three, smoke detector sensitivity" (a section said first, by an inspector) is 14.4.4.3.

Speech recognition writes a section number as the words or digits heard, one piece at a time. Left so, "10 eight
three one" reads as a model number ("S10831") and "seven two one" as nothing; written as a dotted number after the
standard, it is the section the documents cite, which the search matches exactly. A standard is recognised by
"NFPA" before its number, or by a bare number of a standard Clara holds followed by the section and a verb of what
it says ("10 eight three one say about", "25 four three three require").
"""

from __future__ import annotations

import re

from clara.knowledge.spoken_models import TEEN_WORDS, UNIT_WORDS

# One piece of a section number: a digit said or written, or a teen ("ten", "fourteen" in "fourteen four four").
_PIECE = r"(?:(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|zero|oh|one|two|" \
         r"three|four|five|six|seven|eight|nine)\b|\d{1,2}(?![\d.]))"
_PIECES = rf"(?P<pieces>{_PIECE}(?:[\s.,-]+{_PIECE})+)"
_LABEL = r"(?:(?:section|chapter|paragraph|clause|part|article)\s+)?"
# "NFPA 10 seven two one", "nfpa 25, section eight three one one"; two pieces only after "section" ("NFPA 13 two
# three heads" is a count of heads)
_AFTER_NFPA = re.compile(rf"\b(?P<standard>NFPA[\s-]*\d{{1,4}}[A-Z]?)\s*,?\s+(?:(?:section|chapter|paragraph|clause|"
                         rf"part|article)\s+{_PIECES}|(?P<bare>{_PIECE}(?:[\s.,-]+{_PIECE}){{2,}}))", re.IGNORECASE)
# The standards a bare number may name, when a verb of what a text says follows the section.
_HELD = r"10|13|14|17A?|20|25|70E|72|96|101|2001"
_BARE = re.compile(rf"(?<![\w.-])(?P<standard>{_HELD})\s+{_LABEL}{_PIECES}(?=\s+(?:say|says|said|cover|covers|"
                   r"require|requires|allow|allows|state|states|mean|means|talk)\b)", re.IGNORECASE)


# A section said first, as an inspector reads it off the book: "fourteen four four three, smoke detector
# sensitivity", "eighteen four three public mode, how loud", "per ten six ten three how long ...". Three pieces or
# more, or two no clock reads ("seventeen fifteen": no hour is seventeen); "ten four" stays radio talk.
_LEADING = re.compile(rf"^(?P<lead>\W*(?:(?:per|section|and|ok(?:ay)?|so)\s+)*){_PIECES}(?=\s*,|\s+[a-z])",
                      re.IGNORECASE)
# A section number in a message: three levels or more ("10.6.10.3"; "10.6" may be amps), or two said first or after
# "section" ("17.15, how high ...").
# A section said mid-question, four pieces or more after a word a section follows ("what margin does ten six seven
# two one one want"); a serial or tag read out follows its letters ("A M three five one five") or has a zero, a
# phone number has ten digits.
_INSIDE = re.compile(rf"(?P<lead>\b(?:does|do|did|under|per|section|in)\s+)(?P<pieces>{_PIECE}(?:[\s-]+{_PIECE}){{3,}})"
                     r"(?=\s+[a-z]|\s*[,?.]|$)", re.IGNORECASE)
SECTION = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){2,6}(?![\w.])|(?:^\W*(?:per\s+)?|\bsection\s+)\d{1,3}\.\d{1,3}"
                     r"(?![\w.])", re.IGNORECASE)


def _leading(match: re.Match[str]) -> str:
    numbers = [_value(n) for n in re.findall(_PIECE, match["pieces"], re.IGNORECASE)]
    if 0 in numbers or len(numbers) > 6 or (len(numbers) < 3 and min(numbers) < 13):  # no section has a 0 level
        return match.group(0)
    return f"{match['lead']}{'.'.join(map(str, numbers))}"


def _dotted(pieces: str) -> str:
    numbers = re.findall(_PIECE, pieces, re.IGNORECASE)
    return ".".join(str(_value(n)) for n in numbers)


def _value(piece: str) -> int:
    word = piece.lower()
    return UNIT_WORDS.get(word) if word in UNIT_WORDS else TEEN_WORDS.get(word, 0) if word in TEEN_WORDS \
        else int(word)


def sections_written(text: str) -> str:
    """`text` with each standard's section said in pieces written as a dotted section number."""
    text = _AFTER_NFPA.sub(lambda m: f"{_standard(m['standard'])} section {_dotted(m['pieces'] or m['bare'])}", text)
    text = _BARE.sub(lambda m: f"NFPA {m['standard'].upper()} section {_dotted(m['pieces'])}", text)
    return _INSIDE.sub(_leading, _LEADING.sub(_leading, text, count=1))


def _standard(said: str) -> str:
    return "NFPA " + re.sub(r"^NFPA[\s-]*", "", said, flags=re.IGNORECASE).upper()
