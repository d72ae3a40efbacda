"""What a speech recogniser wrote, as the technician meant it, once, before any rule reads the message.

Recognisers write what they hear: letters one by one ("t c q a", "a c", "n f p a", "s f p l"), numbers in words
("one thousand", "five hundred"), and a number's homophones ("oh for" for "04", "to" for "two"). Every reader after
this one (places, units, models, writes, standards) then sees the forms it knows: "TCQA", "AC", "NFPA 25",
"SFPL", "DC1", "CO2", "1000", "oh four". Digits spoken inside a model ("five oh TCQA oh six") are left to
`clara.knowledge.spoken_models.model_mentions`, which joins them against the spelling of real models; a short group
of letters said next to spoken digits is written in capitals here ("forty eight tc d a twelve", "ysc oh nine oh")
so that reader sees it as a piece of the model, unless it is an everyday word ("job two", "room four oh two").

Two passes come first: trade words a recogniser splits into everyday ones ("in spec shun", "over due", "free on")
are joined again and two-word trade terms run together ("firepump") split; and everyday words that sound like a
letter ("tea", "see", "queue") are letters only inside a run of spoken digits and letters ("fifty tea see queue a
oh six"), never in "do you see a two".

Only number context changes a homophone: "for" is "four" right after a spoken digit that follows a letter or
another digit ("t c q a oh for"), never in "the breaker for a 50TCQA04" or "from one to three".
"""

from __future__ import annotations

import re
from functools import lru_cache

from clara.agent.spanish_said import in_english
from clara.agent.texted import untexted
from clara.jobs.days import DAY_WORDS
from clara.knowledge.spoken_models import HOMOPHONES as _HOMOPHONES, LETTER_NAMES, MULTIPLIERS as _MULTIPLIERS, \
    NUMBER_WORDS
from clara.knowledge.spoken_models import TENS_WORDS, UNIT_WORDS, coded_piece, spoken_number as _value, \
    spoken_quantity

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
# Short words a number can stand next to that are never part of a model ("five to six", "ten amps two", "room four
# oh two", "took two three hours"): everyday words, units and the places and things numbers count.
_NOT_A_PIECE = set("""
and or to by of at in on is are was were be been the an for from point times plus minus feet foot inch psi amps amp
volts volt gpm hp lb lbs hours hour years year days day weeks week am pm dash then each per more less max min mins
it its me my we us our you your he his she her they them this that these what whats how who when why which with
into onto over under just only also like some any all both few many much next last first past ago than not no yes
ok okay so up down out off get got had has have did does do done can will would could may must take took make made
give gave say said says see saw ask tell call come came go goes went set put run ran need want find show keep
job jobs unit room zone bay dock floor level line loop tank pump site door gate wing side area pole post roof shop
step page item rule code part week hall bed tier row rack cell lane road unit suite pier stop visit call wire
sorry mean meant wait make scratch oops till until around about after before since
""".split())
# Fire classes an extinguisher is rated for, said as one letter before what is rated ("a k extinguisher", "k can").
_FIRE_CLASSES = {"a", "b", "c", "d", "k"}
_CLASSED = {"extinguisher", "extinguishers", "can", "cans", "fire", "fires", "rated", "unit", "units"}
# Everyday words that sound like a letter's name, as a recogniser writes a model said in pieces ("fifty tea see queue
# a oh six" is 50TCQA06): letters only inside such a run (`_sounded_letters`).
_SOUNDS_LIKE_A_LETTER = {"bee": "b", "be": "b", "see": "c", "sea": "c", "tea": "t", "queue": "q", "pea": "p",
                         "why": "y", "are": "r", "you": "u", "eye": "i", "gee": "g", "jay": "j", "kay": "k"}
# Trade words recognisers split into everyday ones ("in spec shun", "over due", "free on"), and two-word trade terms
# they run together ("firepump"): put back whole before any rule reads the message (`_trade_words`).
_TRADE_WORDS = ("freon", "overdue", "inspection", "inspections", "refrigerant", "extinguisher", "extinguishers",
                "sprinkler", "sprinklers", "deficiency", "deficiencies", "manometer", "compressor", "condenser",
                "evaporator", "thermostat", "backflow", "annunciator", "detector", "detectors", "suppression",
                "standpipe", "superheat", "subcooling", "amperage", "overcurrent")
_RUN_TOGETHER = {"firepump": "fire pump", "jockeypump": "jockey pump", "firealarm": "fire alarm",
                 "pullstation": "pull station", "cleanagent": "clean agent", "drypipe": "dry pipe",
                 "rooftopunit": "rooftop unit", "alarmvalve": "alarm valve", "checkvalve": "check valve"}
_TOKEN = re.compile(r"\S+")
_EDGE = re.compile(r"^([^\w']*)(.*?)([^\w']*)$")


def _core(token: str) -> str:
    return _EDGE.match(token).group(2).lower()  # type: ignore[union-attr]


def _is_number(word: str) -> bool:
    return word in NUMBER_WORDS or word.isdigit()


def _is_letter(word: str) -> bool:
    return len(word) == 1 and word.isalpha()


def _group_piece(words: list[str], index: int) -> bool:
    """Whether a short group of letters is a piece of a model said in pieces: between spoken digits, between a
    spoken digit and a letter ("forty eight tc d a twelve"), or before a number said in two words or more ("ysc oh
    nine oh", "ty thirty one fifty one"). Everyday words never are, nor a letter's name ("el gee aitch oh sixty"):
    the model reader spells those itself, and "AITCH" written as a group would be taken for four letters."""
    word = words[index]
    if not (2 <= len(word) <= 5 and word.isalpha()) or word in _NOT_A_PIECE or word in NUMBER_WORDS or \
            word in _HOMOPHONES or word in LETTER_NAMES:
        return False
    before = words[index - 1] if index > 0 else ""
    after, then = (words[index + i] if index + i < len(words) else "" for i in (1, 2))
    if _is_number(before) and (_is_number(after) or _is_letter(after) or coded_piece(after)):
        return True  # "forty eight tc d a twelve", "50 tcq a06"
    return after in NUMBER_WORDS and (then in NUMBER_WORDS or then in _HOMOPHONES)


def _coded_with(words: list[str], tokens: list[str], index: int) -> bool:
    """Whether a word of letters and digits (`coded_piece`) is a piece of the model beside it, so that the model reader
    joins them as it joins capitals: after a group of letters read as a piece ("50 TCQ a06"), beside another such word
    ("50tcq a06"), or a series' short prefix before its number ("nfs2 3030"; "ty3151 100 heads" stays apart: a model
    written whole, then a count)."""
    word = words[index]
    if not coded_piece(word):
        return False
    before = tokens[index - 1] if index > 0 else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    if (before.isalpha() and before.isupper() and len(before) > 1) or coded_piece(_core(before)) or coded_piece(after):
        return True
    digits = re.sub(r"\D", "", word)
    return word[-1].isdigit() and len(digits) <= 2 and after.isdigit() and 3 <= len(after) <= 4


@lru_cache(maxsize=256)  # one message is read three times a turn (the chat, then each of the offline LLM's calls)
def heard(text: str) -> str:
    """The message with spelled letters joined, numbers after letters or before "hundred"/"thousand" in digits, and
    number homophones read as digits where a number is being spoken; Spanish said mid-sentence in English
    (`clara.agent.spanish_said`) and texting shorthand (`clara.agent.texted`). Text with none of these comes back as
    is."""
    text = in_english(untexted(text))
    said = _TOKEN.findall(text)
    tokens = _sounded_letters(_trade_words(said))
    words = [_core(token) for token in tokens]
    # Homophones first, so "oh for" reads as two spoken digits below.
    for index, word in enumerate(words):
        if word in _HOMOPHONES and index >= 2 and words[index - 1] in UNIT_WORDS and \
                (_is_number(words[index - 2]) or _is_letter(words[index - 2]) or _group_piece(words, index - 2)):
            words[index] = _HOMOPHONES[word]
            tokens[index] = tokens[index].replace(_EDGE.match(tokens[index]).group(2), words[index])  # type: ignore
    for index in range(len(words)):  # "five oh tcqa oh six", "ysc oh nine oh": a model's letters
        if _group_piece(words, index):
            tokens[index] = tokens[index].upper()
    for index in range(len(words)):  # "50 TCQ a06", "nfs2 3030", "50tcq a06": pieces typed or heard in lower case
        if _coded_with(words, tokens, index):
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
        size = 3 if words[index] in TENS_WORDS and words[index + 1:index + 2] and words[index + 1] in UNIT_WORDS else 2
        if index + size - 1 < len(words) and _is_number(words[index]) and words[index + size - 1] in _MULTIPLIERS:
            rest = _amount_rest(words, index + size)  # "two hundred twelve": one amount, 212, not "200 twelve"
            out.append(str(spoken_quantity(words[index:index + size + rest])) if rest and words[index].isalpha()
                       else _value(words[index:index + size]))  # "one thousand", "forty one hundred"
            index += size + rest
            continue
        out.append(tokens[index])
        index += 1
    return " ".join(out) if out != said else text


# A digit followed by a tens or teens word starts a group said the way model numbers are ("one twenty five" is
# 125): an amount never goes on that way after "thousand" ("one thousand one hundred twenty five" is one).
_GROUP_TENS = set(TENS_WORDS) | {"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                                 "eighteen", "nineteen"}


def _amount_rest(words: list[str], start: int) -> int:
    """How many words after "... hundred" or "... thousand" still say the same amount: "twelve", "and fifty", "two
    hundred and five" (after a thousand); never "oh", which begins a model's digits."""
    end = start
    after_hundred = start > 0 and words[start - 1] == "hundred"  # "two hundred two hundred" is two amounts, not 20200
    while end < len(words):
        word = words[end]
        if after_hundred and end + 1 < len(words) and words[end + 1] == "hundred":
            break
        if word in UNIT_WORDS and end + 1 < len(words) and words[end + 1] in _GROUP_TENS:
            break  # "one thousand one twenty five": 1000 then 125 said in digit groups, as a model's "1000-125"
        if word == "and" and end + 1 < len(words) and words[end + 1] in NUMBER_WORDS and words[end + 1] != "oh":
            end += 1
        elif (word in NUMBER_WORDS and word != "oh") or (word == "hundred" and end > start):
            end += 1
        else:
            break
    return end - start


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


# A dash said inside a model ("c r three dash nineteen"); and words that sound like a letter but open a sentence far
# more often than a model ("you are twenty minutes out").
_DASH_SAID = frozenset({"dash"})
_NOT_OPENING = frozenset({"you"})


def _sounded_letters(tokens: list[str]) -> list[str]:
    """Tokens with everyday words that sound like letters ("tea", "see", "queue") written as those letters where they
    sit in a model said in pieces: a run of spoken digits and letters (a said dash between them) that holds at least
    two of each and opens with a digit or a letter ("fifty tea see queue a oh six"), or with two or more such words
    before its digits ("see are three dash nineteen" is the CR3-19). "do you see a two" opens with a word, and stays
    words."""
    words = [_core(token) for token in tokens]

    def kind(word: str) -> str:
        if _is_number(word):
            return "digit"
        if _is_letter(word) or word in LETTER_NAMES:
            return "letter"
        if word in _DASH_SAID:
            return "dash"
        return "sound" if word in _SOUNDS_LIKE_A_LETTER else ""

    kinds = [kind(word) for word in words]
    out = list(tokens)
    start = 0
    while start < len(words):
        end = start
        while end < len(words) and kinds[end]:
            end += 1
        if end - start > 1 and words[start] in ("a", "i") and kinds[start + 1] == "sound":
            start += 1  # "on a see are three dash nineteen": the article before the model
        run = kinds[start:end]
        opens = run[0] != "sound" if run else False
        if run and run[0] == "sound" and words[start] not in _NOT_OPENING:  # "see are three dash nineteen": letters
            letters = next((i for i, k in enumerate(run) if k not in ("sound", "letter")), len(run))  # then digits
            opens = letters >= 2 and letters < len(run) and run[letters] == "digit"
        if opens and words[start] not in ("a", "i") and "sound" in run and run.count("digit") >= 2 and \
                len(run) - run.count("digit") - run.count("dash") >= 2:
            for index in range(start, end):
                if kinds[index] == "sound":
                    out[index] = tokens[index].replace(_EDGE.match(tokens[index]).group(2),  # type: ignore[union-attr]
                                                       _SOUNDS_LIKE_A_LETTER[words[index]])
        start = end + 1 if end == start else end
    return out


def _sound_key(word: str) -> str:
    """How a word sounds, roughly: "shun" and "tion" alike, doubled letters as one ("freeon" is "freon")."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"sh[ue]n", "tion", word))


_TRADE_KEYS = {_sound_key(word): word for word in _TRADE_WORDS}


def _trade_words(tokens: list[str]) -> list[str]:
    """Tokens with a trade word split into pieces joined again ("in spec shun" -> "inspection", "free on" ->
    "freon") and a two-word trade term run together split ("firepump" -> "fire pump")."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        for size in (3, 2):
            pieces = [_core(token) for token in tokens[index:index + size]]
            following = _core(tokens[index + size]) if index + size < len(tokens) else ""
            if len(pieces) == size and all(p.isalpha() for p in pieces) and \
                    _sound_key("".join(pieces)) in _TRADE_KEYS and not any(p in _TRADE_WORDS for p in pieces) and \
                    not (DAY_WORDS.fullmatch(following) or _is_number(following) or following == "to"):
                # "free on monday", "over due 2", "it's over due to the rain" stay words
                lead = _EDGE.match(tokens[index]).group(1)  # type: ignore[union-attr]
                trail = _EDGE.match(tokens[index + size - 1]).group(3)  # type: ignore[union-attr]
                out.append(lead + _TRADE_KEYS[_sound_key("".join(pieces))] + trail)
                index += size
                break
        else:
            core = _core(tokens[index])
            out.append(tokens[index].replace(_EDGE.match(tokens[index]).group(2), _RUN_TOGETHER[core])  # type: ignore
                       if core in _RUN_TOGETHER else tokens[index])
            index += 1
    return out
