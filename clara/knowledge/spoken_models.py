"""Model numbers as technicians say them and speech recognisers write them: read into the characters meant, then
matched against the catalogue by a distance that knows which differences cannot change the unit.

Reading: a model is said in pieces: grouped digits ("forty eight", "one twenty", "fifteen hundred"), "oh" for zero,
digits' homophones next to other digits ("oh for", "oh ate"), letters one by one or by their names ("bee", "en eff
ess"), letter groups ("TCQA"), dashes. `spelled_out` writes a string said as one model; `model_mentions` finds the
models in a sentence (and applies a correction said after one: "oh five sorry i mean oh six").

Matching (`match_model`), nearest first: the same characters once case, spaces, dashes, leading zeros and a brand in
front are gone; a model's name up to a dash when only one model carries it ("AEF1500" is the AEF1500-115); one letter
dropped, added or misheard with every digit intact; else the series the words begin (never exact). Digits are never
"close enough": 50TCQA10 is another unit, not the 50TCQA12. Two or three models equally near: the caller asks which.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from clara.knowledge.identifiers import model_key

UNIT_WORDS = {"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
              "eight": 8, "nine": 9}
TEEN_WORDS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
              "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
              "ninety": 90}
NUMBER_WORDS = {**UNIT_WORDS, **TEEN_WORDS, **TENS_WORDS}
MULTIPLIERS = {"hundred": 100, "thousand": 1000}
# Words a recogniser writes for a digit it heard; read as the digit only next to other spoken digits.
HOMOPHONES = {"for": "four", "fore": "four", "to": "two", "too": "two", "won": "one", "ate": "eight"}
# Letters written as the recogniser heard their names. Names that are also everyday words ("see", "are", "you",
# "why", "oh", "be") are left out: "oh" is zero in a model, the rest are words.
LETTER_NAMES = {"bee": "b", "cee": "c", "dee": "d", "ee": "e", "eff": "f", "gee": "g", "aitch": "h", "jay": "j",
                "kay": "k", "el": "l", "ell": "l", "em": "m", "en": "n", "pee": "p", "cue": "q", "ar": "r", "ess": "s",
                "tee": "t", "vee": "v", "ex": "x", "wye": "y", "zee": "z", "zed": "z"}

_SPOKEN_TOKEN = re.compile(r"[A-Za-z0-9]+|-")
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")


def spoken_number(words: list[str]) -> str:
    """Number words said as one number, in digits: "twenty five" -> "25", "fifteen hundred" -> "1500", "forty one
    hundred" -> "4100", "one thousand" -> "1000", digits one by one -> their digits ("three oh three oh" -> "3030").
    `words` are lower-case number words or digit strings, "hundred" and "thousand" only after a number."""
    out: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        after = words[index + 1] if index + 1 < len(words) else ""
        value: int | None = None
        step = 1
        if word in TENS_WORDS and after in UNIT_WORDS and after not in ("zero", "oh"):
            value, step = TENS_WORDS[word] + UNIT_WORDS[after], 2
        elif word.isdigit() or word in NUMBER_WORDS:
            value = int(word) if word.isdigit() else NUMBER_WORDS[word]
        following = words[index + step] if index + step < len(words) else ""
        if value is not None and following in MULTIPLIERS:
            out.append(str(value * MULTIPLIERS[following]))
            index += step + 1
            continue
        if value is None:
            index += 1
            continue
        out.append(word if word.isdigit() else str(value))  # typed digits keep their zeros: "06"
        index += step
    return "".join(out)


def spoken_quantity(words: list[str]) -> int:
    """Number words said as one quantity: "two hundred twelve" -> 212, "twenty five" -> 25, "one thousand two
    hundred and fifty" -> 1250, "fifteen hundred" -> 1500, "one fifty" -> 150, "twenty twenty" -> 2020. Unlike
    `spoken_number` (a model's digits one by one: "three oh three" -> "303"), the words add up as an amount is
    said."""
    total = current = 0
    previous = ""
    for word in words:
        if word in MULTIPLIERS:
            current = (current or 1) * MULTIPLIERS[word]
            if MULTIPLIERS[word] >= 1000:
                total, current = total + current, 0
        elif word in TENS_WORDS and (previous in UNIT_WORDS or previous in TEEN_WORDS or previous in TENS_WORDS):
            # a tens word after a number word starts a new group: "one fifty" is 150, "fifteen twenty" 1520, "twenty
            # twenty" 2020 (added, it would be 40)
            current = current * 100 + TENS_WORDS[word]
        elif word in NUMBER_WORDS:
            current += NUMBER_WORDS[word]
        previous = word
    return total + current


def spelled_out(text: str) -> str:
    """A string said as one model, written as its characters: "five zero T C Q A zero six" -> "50TCQA06", "forty
    eight TCDA twelve" -> "48TCDA12", "bee two sixty" -> "b260", "fifty tcqa oh ate" -> "50tcqa08". Text without
    spoken numbers or letter names comes back unchanged."""
    tokens = _SPOKEN_TOKEN.findall(text)
    lowered = [t.lower() for t in tokens]
    if not any(w in NUMBER_WORDS or w in LETTER_NAMES for w in lowered):
        return text
    out: list[str] = []
    index = 0
    while index < len(tokens):
        if _numeric(lowered, index):
            end = index
            while end < len(tokens) and (_numeric(lowered, end) or (end > index and lowered[end] in MULTIPLIERS)):
                end += 1
            out.append(spoken_number([HOMOPHONES.get(w, w) for w in lowered[index:end]]))
            index = end
            continue
        word = lowered[index]
        out.append("-" if word == "dash" else LETTER_NAMES.get(word, tokens[index]))
        index += 1
    return "".join(out)


def _numeric(words: list[str], index: int) -> bool:
    """Whether the word at `index` is a spoken digit: a number word or digits, or a homophone ("for", "ate") next to
    a number word."""
    word = words[index]
    if word in NUMBER_WORDS or word.isdigit():
        return True
    if word not in HOMOPHONES:
        return False
    return any(0 <= i < len(words) and words[i] in NUMBER_WORDS for i in (index - 1, index + 1))


def loose_key(raw: str) -> str:
    """A model key that also forgives dropped or added leading zeros: "50TCQA6" and "50TCQA06" meet."""
    return _LEADING_ZEROS.sub("", model_key(raw))


def _digits(key: str) -> list[str]:
    return re.findall(r"\d+", key)


def _letter_edits(said: str, known: str) -> int | None:
    """Letters dropped, added or misheard between two loose keys whose digit groups are the same, or None when a
    digit differs (another size is another unit)."""
    if _digits(said) != _digits(known):
        return None
    matcher = difflib.SequenceMatcher(a=said, b=known, autojunk=False)
    edits = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if any(c.isdigit() for c in said[i1:i2] + known[j1:j2]):
            return None
        edits += max(i2 - i1, j2 - j1)
    return edits


@dataclass(frozen=True)
class ModelMatch:
    """Which known models a spoken or typed model number names: `exact` when the spelling only differed in ways
    that cannot change the unit (case, spaces, dashes, leading zeros, a brand in front, spelled digits, the part of
    a name after a dash when only one model carries the rest, one letter misheard)."""

    keys: list[str]
    exact: bool


def match_model(wanted: str, models: dict[str, str]) -> ModelMatch:
    """The known model keys nearest to `wanted` (`models` maps keys to display forms), nearest tier first: see the
    module's docstring. Letters in front of a known model ("Carrier 50TCQA06", "MCA 50TCQA06") are a brand or a
    word run into it. A series without its size ("NFS2") is a partial match, never exact."""
    key = model_key(spelled_out(wanted))
    if key in models:
        return ModelMatch([key], True)
    letters = len(key) - len(key.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    candidates = [loose_key(c) for c in (key, *(key[i:] for i in range(1, letters + 1) if len(key) - i >= 2),
                                         *_asked_after(key))]
    loose = {k: loose_key(k) for k in models}
    for candidate in candidates:
        same = sorted(k for k in models if loose[k] == candidate)
        if same:
            return ModelMatch(same, True)
    for candidate in candidates:  # "AEF1500": the one model whose name up to a dash is that
        headed = sorted(k for k in models if loose_key(models[k].split("-")[0]) == candidate and "-" in models[k])
        if len(headed) == 1:
            return ModelMatch(headed, True)
        if headed:
            return ModelMatch(headed, False)
    for candidate in candidates:  # one letter misheard, dropped or added; digits as said
        if len(candidate) < 5:
            continue
        near = sorted(k for k in models if _letter_edits(candidate, loose[k]) == 1)
        if near:
            return ModelMatch(near, len(near) == 1)
    prefix = candidates[0]
    partial = sorted(k for k in models if len(prefix) >= 2 and loose[k].startswith(prefix))
    return ModelMatch(partial, False)


def _asked_after(key: str) -> list[str]:
    """`key` without the word said after the model, when that word is letters only ("50TCQA06 MCA", "TY7226 ESFR",
    "LGH120 MOCP": a recogniser runs the asked figure or the kind into the model). Tried after the key as said, so a
    model whose own name ends in letters ("4100ES") is matched whole first."""
    stem = key.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if len(key) - len(stem) < 2 or len(stem) < 4 or not stem[-1].isdigit() or stem.isdigit():
        return []
    return [stem]


def close_matches(wanted: str, models: dict[str, str], limit: int = 5) -> list[str]:
    """Models a technician probably meant: same prefix first (a series without its size), then similar spellings.

    `models` maps each model's key to its display form.
    """
    key = model_key(spelled_out(wanted))
    if not key:
        return []
    prefixed = [k for k in sorted(models) if k.startswith(key) or key.startswith(k)]
    similar = difflib.get_close_matches(key, list(models), n=limit, cutoff=0.6)
    ordered = list(dict.fromkeys([*prefixed, *similar]))
    return [models[k] for k in ordered[:limit]]


# -- model numbers in a sentence --------------------------------------------------------------------------------------

# Runs of capitals and digits a speech recogniser splits a model into ("50 TCQ A06", "NFS2 3030"); a word in
# lower case ends a run, so "the 48TCDA12 at 460 V" keeps its model alone.
_CAPS_RUN = re.compile(r"(?<![\w-])[A-Z0-9]+(?:[ -][A-Z0-9]+)*(?![\w-])")
# What looks like a model but is a quantity, a standard, a refrigerant, an ordinal or a time.
_NOT_A_MODEL = re.compile(
    r"^(?:nfpa\d+[a-z]?|\d+(?:st|nd|rd|th)"
    r"|\d+(?:[.,-]\d+)*(?:a|v|w|kw|hz|vac|vdc|ah|psi|psig|psid|gpm|cfm|ft|in|lb|lbs|kg|kpa|am|pm|s|min|h|hr|hrs"
    r"|mi|km|mm|f|c|k)|r-?\d{2,3}[a-z]?|i-?\d+|[a-z]\d|\d[a-z])$",
    re.IGNORECASE,
)
_DIGITS_MODEL = re.compile(r"^\d{3,4}-\d$")  # "957-4", "757-8": backflow sizes, not a range like "10-15"
_NUMBER_WORD = "|".join(rf"[{w[0]}{w[0].upper()}]{w[1:]}" for w in (*NUMBER_WORDS, *LETTER_NAMES))
# A spoken model: single letters or their names, capital groups ("TCQA", "HUF30"), digits and number words, at least
# three in a row (two with a letter's name: "bee 500").
_PIECE = rf"(?:[A-Za-z]|[A-Z]{{2,4}}|[A-Z]+\d[A-Z\d]*|\d+[A-Z]*|{_NUMBER_WORD})"
_SPELLED_RUN = re.compile(rf"\b(?:{_PIECE}\s+(?:dash\s+)?){{1,}}{_PIECE}\b")
# A correction said after a model, then only its changed end: "fifty tcqa oh five sorry i mean oh six".
_CORRECTED_TAIL = re.compile(
    rf"\b(?:sorry|i mean|i meant|no wait|make that|scratch that|correction|actually)\b[\s,]*(?:i mean\s+)?"
    rf"(?:the\s+)?(?P<tail>(?:(?:{'|'.join(NUMBER_WORDS)}|\d+)\b\s*)+)(?:[.?!,]|$)", re.IGNORECASE)


# A code's section cited by its book ("IFC 901.6.1", "CMC 1104.2", "CFPC 9-402(a)"): a clause or a dotted part after
# the number says section, never model (a model's number is not cut by dots, nor followed by "(a)").
_SECTION_CITED = re.compile(r"\b[A-Z]{2,6}\s+\d+(?:-\d+)?(?:\.\d+|\([a-z0-9]{1,3}\))+")


def coded_piece(token: str) -> bool:
    """Whether a word mixes letters and digits as a model's pieces do ("a06", "nfs2", "50tcq"), and is no quantity,
    ordinal, refrigerant or standard ("460v", "3rd", "r410a", "nfpa25")."""
    return bool(re.fullmatch(r"[a-z]{1,4}\d{1,4}[a-z]?|\d{1,4}[a-z]{1,5}", token, re.IGNORECASE)) and \
        not _NOT_A_MODEL.match(token) and not re.fullmatch(r"nfpa\d+[a-z]?", token, re.IGNORECASE)


def _is_model(token: str) -> bool:
    key = model_key(token)
    if _DIGITS_MODEL.match(token):
        return True
    return (len(key) >= 3 and any(c.isdigit() for c in key) and any(c.isalpha() for c in key)
            and not _NOT_A_MODEL.match(token.replace(" ", "")))


# Everyday words a recogniser writes for a letter's name ("why ess see one twenty" is YSC120, "fifty tea see queue a
# oh eight" the 50TCQA08): read as letters only inside a run that spells a model anyway, one with a spoken number and
# a letter by its name (or two such words), so "I see one twenty" stays words.
_EVERYDAY_LETTERS = {"see": "cee", "sea": "cee", "why": "wye", "tea": "tee", "queue": "cue"}
_HEARD_RUN = re.compile(rf"\b(?:(?:{'|'.join([*NUMBER_WORDS, *LETTER_NAMES, *_EVERYDAY_LETTERS])}|[a-z]|\d+)\s+)+"
                        rf"(?:{'|'.join([*NUMBER_WORDS, *LETTER_NAMES, *_EVERYDAY_LETTERS])}|[a-z]|\d+)\b",
                        re.IGNORECASE)


def _letters_heard(run: str) -> str:
    """A run's everyday words as the letters they were, when the run spells a model (`_EVERYDAY_LETTERS`)."""
    words = run.split()
    lowered = [w.lower() for w in words]
    everyday = sum(w in _EVERYDAY_LETTERS for w in lowered)
    numbers = sum(w in NUMBER_WORDS or w.isdigit() for w in lowered)
    letters = sum(w in LETTER_NAMES or (len(w) == 1 and w.isalpha() and w not in ("a", "i")) for w in lowered)
    if not everyday or len(words) < 3 or not numbers or letters + everyday < 2:
        return run
    return " ".join(_EVERYDAY_LETTERS.get(w, word) for w, word in zip(lowered, words))


def model_mentions(text: str) -> list[str]:
    """The equipment model numbers a sentence names, as written or spoken: "50TCQA06", "NFS2-3030", "50 TCQ A06"
    (joined), "five zero T C Q A zero six" (spelled), "bee two sixty" (letter names). Quantities ("25 A", "460V"),
    standards ("NFPA 25") and refrigerants ("R-410A") are not models. A correction of the model's end said after it
    ("oh five sorry i mean oh six") makes the last one the corrected model."""
    text = _SECTION_CITED.sub(" ", text)
    spelled = _SPELLED_RUN.sub(lambda m: _spelled_run(m.group(0)), _HEARD_RUN.sub(lambda m: _letters_heard(m.group(0)),
                                                                                    text))
    found: list[str] = []
    for run in _CAPS_RUN.findall(spelled):
        joined = run.replace(" ", "")
        if _is_model(joined):
            found.append(joined)
        else:  # a run that is not one model may hold some ("NFPA 25 and 50TCQA06")
            found += [part for part in re.split(r"\s+", run) if _is_model(part)]
    for token in re.findall(r"(?<![\w-])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![\w-])", spelled):
        if token not in found and not token.isupper() and _is_model(token) and any(c.islower() for c in token):
            found.append(token)  # typed in lower case: "50tcqa06"
    correction = _CORRECTED_TAIL.search(text)
    if found and correction and re.search(r"\d$", found[-1]):
        tail = spoken_number([w.lower() for w in correction.group("tail").split()])
        found.append(re.sub(r"\d+$", tail, found[-1]))
    return found


def _spelled_run(run: str) -> str:
    """A run of words that spells a model: a number said in words (or a letter by its name, or a group of capitals
    with a lone letter: "48 TCD a 12") and a second number or a letter. Left alone otherwise: capitals and digits
    typed as such are `_CAPS_RUN`'s to read."""
    words = run.split()
    lowered = [w.lower() for w in words]
    spoken = any(w in NUMBER_WORDS or w in LETTER_NAMES for w in lowered) or \
        (any(len(w) > 1 and w.isupper() and w.isalpha() for w in words) and any(len(w) == 1 and w.islower()
                                                                                for w in words))
    numbers = sum(w in NUMBER_WORDS or w.isdigit() for w in lowered)
    lettered = any(w.isalpha() and w not in NUMBER_WORDS for w in lowered)
    if not spoken or not numbers or (numbers < 2 and not lettered) or \
            (len(words) < 3 and not any(w in LETTER_NAMES for w in lowered)):  # "bee 500", never "fifty x"
        return run
    # "on a five zero T C Q A...", "on a 4100 ES": the article is no letter; "a e f" spells one
    article = words[0] in ("a", "I") and not (len(words[1]) == 1 or lowered[1] in LETTER_NAMES)
    return ("a " if article else "") + spelled_out(" ".join(words[article:])).upper()


# -- a unit named by its place in the family of the one discussed ----------------------------------------------------

_NUMBER_ALT = "|".join(NUMBER_WORDS)
# "the oh eight", "the thirty thirty", "the 640": a model's number said alone after "the".
_NUMBER_ALONE = re.compile(rf"\bthe\s+(?P<n>(?:(?:{_NUMBER_ALT}|\d+)\b\s*)++)(?![\s-]*(?:tons?|amps?|a|v|volts?|psi|"
                           rf"gpm|lbs?|pounds?|hp|percent|%|minutes?|hours?|inch|inches|feet|foot|ft)\b)",
                           re.IGNORECASE)
_TONS = re.compile(rf"\b(?P<n>\d+(?:\.\d+)?|(?:{_NUMBER_ALT})(?:\s+(?:{_NUMBER_ALT}))?)[\s-]*tons?\b"
                   rf"(?![\s-]*(?:of|is)\b)",
                   re.IGNORECASE)
# A size word names a unit only with a word for a unit after it: "the bigger one", never "a bigger breaker".
_ONE = r"\s+(?:one|model|unit|version|size)\b"
_BIGGER = re.compile(rf"\b(?:bigger|larger){_ONE}|\b(?:next size up|one size up)\b", re.IGNORECASE)
_SMALLER = re.compile(rf"\b(?:smaller|littler){_ONE}|\b(?:next size down|one size down)\b", re.IGNORECASE)
_BIGGEST = re.compile(rf"\b(?:biggest|largest|big){_ONE}|\btop of the (?:line|range)\b", re.IGNORECASE)
_SMALLEST = re.compile(rf"\b(?:smallest|small|little){_ONE}", re.IGNORECASE)
_SISTER = re.compile(r"\b(?:sister|sibling|brother)(?:\s+(?:model|unit|one))?\b|\bsame (?:series|family|line)\b",
                     re.IGNORECASE)


def names_a_relative(text: str) -> bool:
    """Whether a message names a unit by its place in the family of the one discussed: "its sister model", "the
    bigger one", "the 12-ton version", "the oh eight in that same series"."""
    return any(p.search(text) for p in (_SISTER, _BIGGER, _SMALLER, _BIGGEST, _SMALLEST)) or \
        bool(_TONS.search(text) and re.search(r"\b(?:version|one|model|unit)\b", text, re.IGNORECASE))


def may_name_relative(said: str) -> bool:
    """Whether `said` holds any of the words `relative_models` reads (a number alone, a tonnage, bigger or smaller,
    biggest or smallest, a sister model): without one it names no relative, and the family need not be loaded."""
    return any(p.search(said) for p in (_NUMBER_ALONE, _TONS, _BIGGER, _SMALLER, _BIGGEST, _SMALLEST, _SISTER))


def relative_models(said: str, current: str | None, family: dict[str, tuple[float | None, float | None]]) -> list[str]:
    """The family members (`family` maps each key to its (size, tons)) that `said` names relative to `current` (a
    key in `family`, or None when the family is the choices just offered): a number said alone matches a model's
    last digits ("the oh eight", "the thirty thirty"); a tonnage the member of that tonnage; bigger or smaller the
    next size either way; biggest or smallest the end of the range; a sister model the neighbours. Empty when
    `said` names none of these."""
    number = _NUMBER_ALONE.search(said)
    if number:
        digits = _LEADING_ZEROS.sub("", spoken_number([w.lower() for w in number.group("n").split()]))
        found = [k for k in family if k != current and re.search(rf"(?<!\d)0*{digits}$", k)] if digits else []
        if found:
            return sorted(found)
    tons = _TONS.search(said)
    if tons:
        wanted = float(spoken_number([w.lower() for w in tons.group("n").split()]) or 0)
        gaps = {k: abs(t - wanted) for k, (_, t) in family.items() if t is not None and abs(t - wanted) <= 1}
        if gaps:  # the nearest tonnage within a ton: "the 12-ton version" of a range with 12.5
            return sorted(k for k, gap in gaps.items() if gap == min(gaps.values()))
    ordered = sorted((k for k, (size, _) in family.items() if size is not None), key=lambda k: family[k][0] or 0)
    if _BIGGEST.search(said) and ordered:
        return [ordered[-1]]
    if _SMALLEST.search(said) and ordered:
        return [ordered[0]]
    if current not in ordered:
        return []
    at = ordered.index(current)
    up, down = ordered[at + 1:at + 2], ordered[max(at - 1, 0):at]
    if _BIGGER.search(said):
        return up
    if _SMALLER.search(said):
        return down
    return [*down, *up] if _SISTER.search(said) else []
