"""What a speech recogniser wrote, as the technician meant it, once, before any rule reads the message.

Recognisers write what they hear: letters one by one ("t c q a", "a c", "n f p a", "s f p l"), numbers in words
("one thousand", "five hundred"), and a number's homophones ("oh for" for "04", "to" for "two"). Every reader after
this one (places, units, models, writes, standards) then sees the forms it knows: "TCQA", "AC", "NFPA 25",
"SFPL", "DC1", "CO2", "1000", "oh four". Digits spoken inside a model ("five oh TCQA oh six") are left to
`clara.knowledge.specs.model_mentions`, which joins them against the spelling of real models.

Only number context changes a homophone: "for" is "four" right after a spoken digit that follows a letter or
another digit ("t c q a oh for"), never in "the breaker for a 50TCQA04" or "from one to three".
"""

from __future__ import annotations

import re

from clara.knowledge.specs import NUMBER_WORDS, TENS_WORDS, UNIT_WORDS

_MULTIPLIERS = {"hundred": 100, "thousand": 1000}
# Words a recogniser writes for a digit it heard: only ever read as the digit inside a spoken number.
_HOMOPHONES = {"for": "four", "fore": "four", "to": "two", "too": "two", "won": "one", "ate": "eight"}
# Bodies whose documents are named with a space before the number ("NFPA 25", "UL 300"); other letters run into
# their number ("DC1", "CO2", "B260").
_STANDARDS = {"NFPA", "UL", "NEC", "IFC", "IBC", "ASHRAE", "ASME"}
# Words after which a lone "a" is the article ("on a c o two", "want a k class"), not the first letter of a name
# said in letters ("what a c unit", "peerless a e f").
_TAKES_ARTICLE = {"on", "in", "at", "for", "with", "of", "to", "is", "its", "it's", "was", "a", "have", "has", "got",
                  "need", "want", "check", "there's", "theres", "whats", "what's", "like", "about", "from", "into",
                  # a question put about any one of a kind: "can a k extinguisher ...", "does a k can need ..."
                  "can", "could", "should", "would", "will", "does", "do", "did", "must", "may", "use", "put", "mount",
                  "hang", "install"}
# Short words a number can stand next to that are never part of a model ("five to six", "ten amps two").
_NOT_A_PIECE = {"and", "or", "to", "by", "of", "at", "in", "on", "is", "are", "was", "the", "an", "for", "from",
                "point", "times", "plus", "minus", "feet", "foot", "inch", "psi", "amps", "amp", "volts", "volt", "gpm",
                "hp", "lb", "lbs", "hours", "hour", "years", "year", "days", "day", "weeks", "week", "am", "pm", "dash",
                "then", "each", "per", "more", "less", "max", "min"}
# Fire classes an extinguisher is rated for, said as one letter before what is rated ("a k extinguisher", "k can").
_FIRE_CLASSES = {"a", "b", "c", "d", "k"}
_CLASSED = {"extinguisher", "extinguishers", "can", "cans", "fire", "fires", "rated", "unit", "units"}
_TOKEN = re.compile(r"\S+")
_EDGE = re.compile(r"^([^\w']*)(.*?)([^\w']*)$")


def _core(token: str) -> str:
    return _EDGE.match(token).group(2).lower()  # type: ignore[union-attr]


def _is_number(word: str) -> bool:
    return word in NUMBER_WORDS or word.isdigit()


def _is_letter(word: str) -> bool:
    return len(word) == 1 and word.isalpha()


def _value(words: list[str]) -> str:
    """Number words said as one number: "twenty five" -> "25", "one thousand" -> "1000", "five hundred" -> "500",
    digits one by one -> their digits ("three oh three oh" -> "3030")."""
    out: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        after = words[index + 1] if index + 1 < len(words) else ""
        if word in TENS_WORDS and after in UNIT_WORDS and after not in ("zero", "oh"):
            out.append(str(TENS_WORDS[word] + UNIT_WORDS[after]))
            index += 2
            continue
        if after in _MULTIPLIERS:
            base = int(word) if word.isdigit() else NUMBER_WORDS[word]
            out.append(str(base * _MULTIPLIERS[after]))
            index += 2
            continue
        out.append(word if word.isdigit() else str(NUMBER_WORDS[word]))
        index += 1
    return "".join(out)


def heard(text: str) -> str:
    """The message with spelled letters joined, numbers after letters or before "hundred"/"thousand" in digits, and
    number homophones read as digits where a number is being spoken. Text with none of these comes back as is."""
    tokens = _TOKEN.findall(text)
    said = list(tokens)
    words = [_core(token) for token in tokens]
    # Homophones first, so "oh for" reads as two spoken digits below.
    for index, word in enumerate(words):
        if word in _HOMOPHONES and index >= 2 and words[index - 1] in UNIT_WORDS and \
                (_is_number(words[index - 2]) or _is_letter(words[index - 2])):
            words[index] = _HOMOPHONES[word]
            tokens[index] = tokens[index].replace(_EDGE.match(tokens[index]).group(2), words[index])  # type: ignore
    for index in range(1, len(words) - 1):  # "five oh tcqa oh six": letters between spoken digits are a model's
        word = words[index]
        if 2 <= len(word) <= 5 and word.isalpha() and word not in _NOT_A_PIECE and word not in NUMBER_WORDS and \
                _is_number(words[index - 1]) and _is_number(words[index + 1]):
            tokens[index] = tokens[index].upper()
    out: list[str] = []
    index = 0
    while index < len(tokens):
        if words[index] == "a" and index + 1 < len(words) and _is_letter(words[index + 1]) and \
                index > 0 and words[index - 1] in _TAKES_ARTICLE and not _air_conditioning(words, index):
            out.append(tokens[index])  # the article before a name said in letters
            index += 1
            continue
        letters = _letter_run(words, index)
        if letters:
            end = index + len(letters)
            joined = "".join(letters).upper()
            numbers = _number_run(words, end)
            follows = words[end + len(numbers)] if end + len(numbers) < len(words) else ""
            if numbers and joined in _STANDARDS:  # "n f p a twenty five" -> "NFPA 25"
                out.append(f"{joined} {_value(numbers)}")
                end += len(numbers)
            elif len(numbers) == 1 and not (_is_number(follows) or _is_letter(follows) or follows == "dash") and \
                    (len(letters) > 1 or letters[0] not in ("a", "i")):  # a name said whole: "d c one" -> "DC1"
                out.append(f"{joined}{_value(numbers)}")
                end += len(numbers)
            elif len(letters) > 1 or (numbers and letters[0] not in ("a", "i")):
                out.append(joined)  # part of a model said in pieces: the model reader joins it with its digits
            elif letters[0] in _FIRE_CLASSES and follows in _CLASSED:
                out.append(f"Class {joined}")  # "a k extinguisher": the class of fire it is rated for
            else:
                out.append(tokens[index])
            trailing = _EDGE.match(tokens[end - 1]).group(3)  # type: ignore[union-attr]
            out[-1] += trailing if not out[-1].endswith(trailing) else ""
            index = end
            continue
        if index + 1 < len(words) and _is_number(words[index]) and words[index + 1] in _MULTIPLIERS:
            out.append(_value(words[index:index + 2]))
            index += 2
            continue
        out.append(tokens[index])
        index += 1
    return " ".join(out) if out != said else text


def _air_conditioning(words: list[str], index: int) -> bool:
    """ "can a c unit ...": after a question word, "a c" before "unit" is still AC (one word to a technician)."""
    return words[index + 1] == "c" and index + 2 < len(words) and words[index + 2] in ("unit", "units", "system")


def _letter_run(words: list[str], start: int) -> list[str]:
    """Single letters said one after another from `start` ("t c q a"); "a" and "i" count only next to another
    letter, so the article in "on a five oh ..." stays a word."""
    run: list[str] = []
    index = start
    while index < len(words) and _is_letter(words[index]):
        run.append(words[index])
        index += 1
    if len(run) == 1 and run[0] in ("a", "i"):
        return []
    return run


def _number_run(words: list[str], start: int) -> list[str]:
    """Number words (and "hundred"/"thousand") from `start`: "two", "twenty five", "one thousand"."""
    run: list[str] = []
    index = start
    while index < len(words) and (_is_number(words[index]) or (run and words[index] in _MULTIPLIERS)):
        run.append(words[index])
        index += 1
    return run
