"""The figures a question says and the table rows they name: "150 horse" is in the row "125 to 300 hp", "the two
hundred twelve degree head" is the row "Intermediate | 212 deg F | green", "e zero four" is the row "E04 | ...".

Speech recognition writes numbers as words and tables write them as digits, so a question is read in digits first
(`in_digits`); a row's key is matched as said, in pieces too ("F K 5 1 12" is "FK-5-1-12").
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Sequence

from clara.knowledge.chunking import row_cells
from clara.knowledge.spoken_models import MULTIPLIERS, TEEN_WORDS, TENS_WORDS, UNIT_WORDS, spoken_quantity

KEY_PIECES = 6  # a row key said in at most this many pieces ("F K 5 1 12")
KEY_WORDS = 2  # a display code of letters is a word or two ("dO", "bA L"); a longer first cell is a description


# A figure as the question says it: not part of a model or code ("BFC-750", "T14"), thousands written or not.
_FIGURE = re.compile(r"(?<![\w.-])\d+(?:,\d{3})*(?:\.\d+)?(?![\w-])")
_VALUE = r"(\d+(?:,\d{3})*(?:\.\d+)?)"
# How a row's key bounds a figure: "125 to 300 hp", "7-26 Ah", "up to 100 hp", "above 300 hp".
_BETWEEN = re.compile(rf"(?<![\w.-]){_VALUE}\s*(?:to|through|-|–)\s*{_VALUE}(?![\d.])", re.IGNORECASE)
_AT_MOST = re.compile(rf"\b(?:up\s+to|below|under|less\s+than|not\s+(?:more|greater)\s+than)\s+{_VALUE}(?![\d.])",
                     re.IGNORECASE)
_AT_LEAST = re.compile(rf"\b(?:above|over|more\s+than|greater\s+than|at\s+least|not\s+less\s+than)\s+"
                       rf"{_VALUE}(?![\d.])", re.IGNORECASE)


def _value(written: str) -> float:
    return float(written.replace(",", ""))


def holds(span_text: str, figures: Sequence[float]) -> bool:
    """Whether a table row's key states a range holding one of the question's figures: of the rows "up to 100 hp",
    "125 to 300 hp" and "above 300 hp", the one a "150 horse" motor is in. Only a row's key: a sentence's "not less
    than 30 seconds" is a limit the rule sets, not the case it is about, and rule text is full of them."""
    cells = row_cells(span_text)
    if cells is None:
        return False
    body = cells[0]
    bounds = [(_value(m[1]), _value(m[2])) for m in _BETWEEN.finditer(body)]
    bounds += [(-math.inf, _value(m[1])) for m in _AT_MOST.finditer(body)]
    bounds += [(_value(m[1]), math.inf) for m in _AT_LEAST.finditer(body)]
    return any(low <= figure <= high for low, high in bounds for figure in figures)


_NUMBER_WORD = "|".join(w for w in [*UNIT_WORDS, *TEEN_WORDS, *TENS_WORDS] if w != "oh")  # "oh" is a word too
_RUN_WORD = "|".join([_NUMBER_WORD, *MULTIPLIERS])
# "and" joins a run only after "hundred"/"thousand" ("two hundred and twelve"): elsewhere it joins two quantities
# ("codes five and six", "between two and four psi"), and read as one run they would be "56" and "24".
_SPOKEN_RUN = re.compile(rf"\b(?:{_RUN_WORD})(?:[\s-]+(?:{_RUN_WORD})\b|(?:(?<=hundred)|(?<=thousand))[\s-]+and"
                         rf"(?=[\s-]+(?:{_NUMBER_WORD})\b))*\b", re.IGNORECASE)


def _spoken_quantity(run: str) -> str:
    """A run of number words in digits. Said with a tens word or "hundred" it is one quantity ("two hundred twelve"
    -> "212", "ninety" -> "90"); digits said one by one stay apart ("e zero four" -> "0 4"), as a code is read."""
    words = [w for w in re.split(r"[\s-]+", run.lower()) if w != "and"]
    if not any(w in TENS_WORDS or w in MULTIPLIERS for w in words):
        return " ".join(str(UNIT_WORDS.get(w, TEEN_WORDS.get(w))) for w in words)
    return str(spoken_quantity(words))


def in_digits(question: str) -> str:
    """ "flashing five times" -> "flashing 5 times", "the two hundred twelve degree head" -> "the 212 degree head":
    speech recognition writes numbers as words, tables as digits."""
    return _SPOKEN_RUN.sub(lambda m: _spoken_quantity(m[0]), question)


def figures(question: str) -> list[float]:
    return [_value(m[0]) for m in _FIGURE.finditer(in_digits(question))]


def states(span_text: str, figures: Sequence[float]) -> bool:
    """Whether a table row states one of the question's figures in a cell other than its key: "the 212 degree head"
    is the row "Intermediate | 212 deg F | green", "a 3 gallon tank" the row "WC3-300 | 3.0 gal | 11". The row a
    figure is found in is the case asked about; what the question wants is its other cells."""
    cells = row_cells(span_text)
    if cells is None:
        return False
    stated = {_value(m[0]) for cell in cells[1:] for m in _FIGURE.finditer(cell)}
    return any(figure in stated for figure in figures)


def measured(span_text: str, question: str) -> bool:
    """Whether a table row says a figure the question says with its unit, in any cell, its key too: "the 10 day
    items" are the row "5 June (10 days) | 3, 4", not "30 June (30 days) | 2, 7, 10", which only lists item 10. A
    figure with its unit is the case asked about, as a range holding it is (`holds`)."""
    cells = row_cells(span_text)
    return cells is not None and bool(_measures(question) & _measures(" ".join(cells)))


_MEASURED = re.compile(r"(?<![\w.-])(\d+(?:,\d{3})*(?:\.\d+)?)[\s-]?([a-z]+)", re.IGNORECASE)


def _measures(text: str) -> set[tuple[float, str]]:
    """The figures a text says with a unit ("14 days", "a 7-day notice", "30 psig"), as (value, the unit's first
    three letters): "day" and "days" alike."""
    return {(_value(m[1]), m[2].lower()[:3]) for m in _MEASURED.finditer(in_digits(text))
            if _MEASURE.fullmatch(m[2].lower())}


_TOKEN = re.compile(r"[a-z0-9]+(?:[-.,/][a-z0-9]+)*")


def names_row(question: str, span_text: str) -> bool:
    """Whether the question says the key of a table row, when that key holds a figure or a code: "blinking five
    times" names the row "5 | Outdoor coil sensor ...", "t 27" the row "T27 | DETECTOR DIRTY ...". A key said
    exactly is the surest sign of the row asked for; a word key ("Weekly") is left to the sentence scores."""
    cells = row_cells(span_text)
    key = _LEADING_ZEROS.sub("", re.sub(r"[^a-z0-9]", "", cells[0].split()[0].lower())) \
        if cells and cells[0].split() else ""
    if not re.search(r"\d", key):
        return bool(cells) and _says_code(question, cells[0].strip())
    bare = _BARE_NUMBER.fullmatch(cells[0]) is not None
    said = _key_tokens(question)
    after = re.findall(r"[a-z]+", cells[0].lower().split(maxsplit=1)[1])[:1] if key.isdigit() and \
        len(cells[0].split()) > 1 else []
    for start in range(len(said)):  # a code said in pieces: "e zero four", "F K 5 1 12" (FK-5-1-12)
        joined = ""
        for end, token in enumerate(said[start:start + KEY_PIECES], start + 1):
            joined += token
            if _LEADING_ZEROS.sub("", joined) == key and (not bare or _in_key_role(said, start, end)) and \
                    not _other_unit(said[end:end + 1], after):
                return True
    return False


def _other_unit(said_after: Sequence[str], key_after: Sequence[str]) -> bool:
    """Whether the question says its number in a unit that the row's key does not: "due in 14 days" names no row
    "14 May 2026 | ...", a date whose day is 14; "4 inch" still names "4 in. | ..." """
    if not said_after or not key_after or _MEASURE.fullmatch(said_after[0]) is None:
        return False
    unit, key_unit = said_after[0], key_after[0]
    return not (unit.startswith(key_unit) or key_unit.startswith(unit) or unit[:3] == key_unit[:3])


_BARE_NUMBER = re.compile(r"\s*\d+\s*")  # a key that is a number alone ("3"), not a code ("E03") or a size ("4 in.")
# Words saying that a number the question says is a row's key, a count of flashes or a code's number, not a count of
# something else: "blinking five times", "3 flashes", "code 3", "what does 3 mean". "Fails to light three times"
# counts tries, and names no row "3 | Pressure switch did not close" of a flash table.
_KEY_ROLE = re.compile(r"(?:codes?|errors?|faults?|alarms?|flash\w*|blink\w*|pulses?|numbers?|no|steps?|zones?|items?|"
                       r"terminals?|pins?|positions?|callouts?|means?|meaning)")
ROLE_WINDOW = 3  # tokens either side of the number
# A unit right after the number: a measure, as a chart's key is ("R-134a at 100 F" is the chart's row 100).
_MEASURE = re.compile(r"(?:f|c|degs?|degrees?|psig?|hp|horse\w*|in|inch\w*|ft|feet|foot|gpm|cfm|v|volts?|amps?|tons?|"
                      r"lbs?|pounds?|gal\w*|mm|kw|btu\w*|mbh|ah|hz|ohms?|percent|mesh|awg|gauge|size|"
                      r"seconds?|minutes?|hours?|hrs?|days?|months?|years?)")


def _in_key_role(said: tuple[str, ...], start: int, end: int) -> bool:
    """Whether a number said at tokens start..end is said as a row's key: a word naming a key's role sits within
    ROLE_WINDOW tokens of it, or a unit follows it. A key that is a number alone is otherwise any count the question
    says ("three times", "two units"), while a code ("E03") or a key with its unit ("4 in.") is named by being said."""
    near = said[max(0, start - ROLE_WINDOW):start] + said[end:end + ROLE_WINDOW]
    return any(_KEY_ROLE.fullmatch(token) for token in near) or \
        (end < len(said) and _MEASURE.fullmatch(said[end]) is not None)


def _says_code(question: str, key: str) -> bool:
    """Whether the question writes a row's key of letters, cased as no word is ("dO", "bA L"), exactly as the row
    does, or spells it letter by letter as speech recognition writes it ("d o"): a display's code, which the
    digits-only reading above never names."""
    parts = key.split()
    if not 0 < len(parts) <= KEY_WORDS or _CODE_CASED.fullmatch(parts[0]) is None:
        return False
    if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", question) is not None:
        return True
    # spoken, letter by letter ("the p h range" for "pH"): spelled out so, no word reads as the code
    spelled = r"\s+".join(map(re.escape, key.replace(" ", "")))
    return len(parts) == 1 and re.search(rf"(?<![\w-]){spelled}(?![\w-])", question, re.IGNORECASE) is not None


@lru_cache(maxsize=64)
def _key_tokens(question: str) -> tuple[str, ...]:
    """The question's tokens as a row key is read from them, once per question: `names_row` asks of every span of
    every candidate passage, and reading the question again for each was most of the ranking's kind signal's time."""
    return tuple(re.sub(r"[^a-z0-9]", "", t) for t in _TOKEN.findall(_key_in_digits(question).lower()))


@lru_cache(maxsize=64)
def _said_text(question: str) -> str:
    """The question's words in digits, spaced, as a list item's label is looked for in it (`names_item`)."""
    return " ".join(_TOKEN.findall(in_digits(question).lower()))


# A key of letters alone that no word is written as: lower case, then a capital ("dO", "nC" on a controller's display),
# said by the question exactly so ("dO on the display"); in lower case "do" is the verb of any question.
_CODE_CASED = re.compile(r"[a-z]+[A-Z][A-Za-z]*")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")  # "E04" is said "e four", "ACX-090" "acx ninety"
_CODE_WORD = re.compile(r"(?:codes?|errors?|faults?)$", re.IGNORECASE)
_PIECE = re.compile(r"(?:\w*\d\w*|(?![ai])[a-z])$", re.IGNORECASE)  # "e 1", "1 f", "t27 1": not the words "a", "i"


def _key_in_digits(question: str) -> str:
    """`in_digits` for reading a row key, but a lone "one" stays a word: it is mostly the pronoun ("which one is the
    low water fault", "one more time"), and as "1" it would name row "1 | Flame failure". It is a key piece only next
    to another piece ("e one", "one f") or after a word naming a code ("code one", "fault one")."""
    def said(run: re.Match[str]) -> str:
        if run[0].lower() != "one":
            return _spoken_quantity(run[0])
        before = re.findall(r"[a-z0-9]+", question[:run.start()], re.IGNORECASE)[-1:]
        after = re.findall(r"[a-z0-9]+", question[run.end():], re.IGNORECASE)[:1]
        keyed = any(_PIECE.match(w) for w in before + after) or any(_CODE_WORD.match(w) for w in before)
        return "1" if keyed else run[0]
    return _SPOKEN_RUN.sub(said, question)


# A list item keyed by its label: "- 3 flashes: ignition lockout ...", "Step 4: ...", "Zone 2: ...".
_ITEM_KEY = re.compile(r"^\s*(?:[-•*▪–]\s+)?(?P<key>[^:;,.|]{1,30}?)\s*:\s+\S")
ITEM_KEY_WORDS = 4  # a longer label is a sentence's opening ("The panel then does this: ..."), not a key


def names_item(question: str, span_text: str) -> bool:
    """Whether the question says the label of a list item keyed by a figure, as `names_row` a table row's key: "HIC-3
    board 3 flashes" names "- 3 flashes: ignition lockout", not "- 1 flash: airflow fault"; the label is said whole,
    in its order, and not as part of a code ("HIC-3" says no "3")."""
    found = _ITEM_KEY.match(span_text)
    if found is None or row_cells(span_text) is not None:
        return False
    key = " ".join(_TOKEN.findall(found["key"].lower()))
    if not key or len(key.split()) > ITEM_KEY_WORDS or not re.search(r"\d", key):
        return False
    said = _said_text(question)
    return re.search(rf"(?<![\w.,/-]){re.escape(key)}(?![\w-])", said) is not None


# A field labelled in words ("Designated level: Level 1, Main Street lobby.", "A. Trip point: 28 psig"), its item's
# marker aside; a label holding a bracket or a figure is a sentence's opening or a figure's key (`names_item`)
_WORD_LABEL = re.compile(r"^\s*(?:[-•*▪–]\s+|[A-Za-z0-9]{1,3}[.)]\s+)?(?P<key>[A-Za-z][A-Za-z -]{2,30}?)\s*:\s+\S")


def names_label(question: str, span_text: str) -> bool:
    """Whether the question says every word of a span's label of two to ITEM_KEY_WORDS words ("the designated and
    alternate recall levels": "Designated level: Level 1 ...", "Alternate level: Level 2 ..."), a word's first five
    letters as its stem: the label names what its value is, as a row's key does, while the sentences around it that
    share the question's words ("Alternate recall (to the alternate level): the lobby detectors") say other things."""
    found = _WORD_LABEL.match(span_text)
    if found is None or row_cells(span_text) is not None:
        return False
    label = re.findall(r"[a-z]+", found["key"].lower())
    said = {w[:5] for w in re.findall(r"[a-z]+", question.lower())}
    return 2 <= len(label) <= ITEM_KEY_WORDS and all(w[:5] in said for w in label)
