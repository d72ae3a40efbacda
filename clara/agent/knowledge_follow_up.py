"""A knowledge question asked elliptically after another: "and the electric ones?" after "how often do we run a
diesel fire pump and for how long" asks the same of electric fire pumps; "what about for the dry system" after "how
long does the main drain test take on a wet system" asks it of a dry system. Searched alone, the fragment finds
whatever mentions "electric"; the earlier question, with the fragment's noun phrase put in place of the one it
stands for, asks what the technician means.

The phrase replaced is the earlier question's noun phrase with the same head noun ("a wet system" for "the dry
system"); for a head said as "one" or "ones", a phrase whose words it keeps ("the electric ones" is "the electric
fire pump"); else the earlier question's first noun phrase, which is usually what it asks about. A question that
points back at one asked by its section number ("fourteen four four three ..." then "how far can I stretch that
out") is asked of that section.
"""

from __future__ import annotations

import re

from clara.agent.sections_said import SECTION
from clara.jobs.unit_match import UNIT_KINDS
from clara.knowledge.spoken_models import model_mentions

# "and", "what about", "how about", "same for", with a preposition the fragment keeps nothing of ("for the dry one")
_CONNECTIVE = re.compile(r"^\s*(?:(?:and|also|plus|ok(?:ay)?|so|but)\s+)?(?:(?:what|how)\s+about|same\s+(?:for|with)"
                         r"|and|also|plus)\b\s*(?:(?:for|with|on|in|at|of)\s+)?", re.IGNORECASE)
# A fragment of its own question is not elliptical: "and a diesel pump, how often does that get run" asks in full.
_ASKS = re.compile(r"\b(?:how|what|when|where|why|which|who|whose|does|do|did|is|are|was|were|can|could|should"
                   r"|must|will|would|has|have|need|needs)\b|\?\s*\S", re.IGNORECASE)
FRAGMENT_WORDS = 6  # an elliptical follow-up names a thing in a few words: "and the electric ones"
_DETERMINERS = frozenset("a an the my our your this that these those its their each every any".split())
# Words that end a noun phrase: what a question is made of around the thing it asks about.
_FUNCTION = _DETERMINERS | frozenset(
    "and or but so of to in on at for from with by as into onto over under between about after before during than"
    " is are was were be been being am do does did done have has had can could may might must shall should will would"
    " gotta got get gets need needs i we you he she it they me us them how what when where why which who whom whose"
    " often long much many far soon there here not no what's how's where's it's that's".split())
_PRO_FORMS = frozenset({"one", "ones", "kind", "kinds", "type", "types"})
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'./-]*")


def elliptical(query: str) -> list[str] | None:
    """The noun phrase of a follow-up that asks nothing of its own ("and the electric ones" -> the, electric,
    ones), or None when the query is a question in its own right."""
    connective = _CONNECTIVE.match(query)
    if connective is None or not connective.group(0).strip():
        return None
    rest = query[connective.end():].strip(" ?.!")
    words = _WORD.findall(rest)
    if not words or len(words) > FRAGMENT_WORDS or _ASKS.search(rest):
        return None
    return words


def _phrases(words: list[str]) -> list[tuple[int, int, bool]]:
    """The noun phrases of a question as (start, end, determined): a run of words up to the next function word, with
    the determiner before it if any ("a diesel fire pump" in "how often do we run a diesel fire pump and for how
    long", "tamper switches" in "how often are tamper switches tested")."""
    found = []
    i = 0
    while i < len(words):
        determined = words[i].lower() in _DETERMINERS
        end = i + 1 if determined else i
        while end < len(words) and words[end].lower() not in _FUNCTION:
            end += 1
        if end > i + determined:
            found.append((i, end, determined))
        i = max(end, i + 1)
    return found


def subject_of(question: str) -> str | None:
    """What a question is about when it names no kind of unit or model: its first noun phrase led by a determiner
    ("the air compressor" in "the air compressor on a dry system keeps running nonstop, what's going on")."""
    words = _WORD.findall(question)
    led = [(start, end) for start, end, determined in _phrases(words) if determined]
    return " ".join(words[led[0][0]:led[0][1]]) if led else None


def described(question: str, kind: re.Match[str]) -> str:
    """A kind of unit a question names, with the words before it that describe it: "diesel fire pump" in "how often
    does a diesel fire pump have to be run" (its churn test is not an electric one's), "fire alarm panel" in "our
    fire alarm panel is showing a ground fault". The noun phrase up to the kind's last word, without its determiner;
    what follows it is what the question says of it ("keeps kicking on")."""
    before = _WORD.findall(question[:kind.start()])
    start = len(before)
    while start and before[start - 1].lower() not in _FUNCTION:
        start -= 1
    return " ".join([*before[start:], *_WORD.findall(kind.group(0))]).lower()


# A rate, not a thing: "per circuit", "per head", "per zone".
_QUALIFIES = re.compile(r"^per\s", re.IGNORECASE)


def carried_over(earlier: str, fragment: list[str]) -> str:
    """The earlier question asked of the fragment's thing: its noun phrase in place of the one it stands for. A
    fragment that only qualifies the question ("and per circuit") is added to it: it names no other thing, and put in
    place of one it asked "how many amps can the per circuit"."""
    words = _WORD.findall(earlier)
    if _QUALIFIES.match(" ".join(fragment)):
        return " ".join([*words, *fragment])
    determiner = fragment[:1] if fragment[0].lower() in _DETERMINERS else []
    described = fragment[len(determiner):]
    head = described[-1].lower()
    phrases = _phrases(words)
    for start, end, determined in reversed(phrases):  # the phrase with the same head: "a wet system", "the dry system"
        at = next((i for i in range(start, end) if words[i].lower() == head), None)
        if at is not None:
            first = start + determined if not determiner else start
            return " ".join([*words[:first], *determiner, *described, *words[at + 1:]])
    led = [p for p in phrases if p[2]]
    if not led:
        return " ".join([*words, *fragment])
    if head in _PRO_FORMS:  # "the electric ones": the last phrase, its first describing word replaced
        start, end, _ = led[-1]
        kept = words[start + 2:end] if end - start > 2 else words[start + 1:end]
        return " ".join([*words[:start], *(determiner or words[start:start + 1]), *described[:-1], *kept,
                         *words[end:]])
    start, end, _ = led[0]  # another thing altogether: in place of the first one asked about
    return " ".join([*words[:start], *(determiner or words[start:start + 1]), *described, *words[end:]])


# A question that points back at the last one: a pro-form ("how far can I stretch that out", "how far to walk to
# one") or an opening "and" ("and what's the max").
_POINTS_BACK = re.compile(r"^\W*(?:and|also|plus)\b|\b(?:it|its|it's|that|this|those|these|them|one|ones)\b",
                          re.IGNORECASE)
_STANDARD = re.compile(r"\bNFPA[\s-]*\d{1,4}[A-Z]?\b", re.IGNORECASE)


def in_the_section(said: str, earlier: str | None) -> str:
    """`said` asked of the section the earlier question named, when it points back and names no section, standard,
    kind of unit or model of its own: an inspector working through "fourteen four four three, smoke detector
    sensitivity" asks "how far can I stretch that out" of 14.4.4.3, which the search then reads first. Searched
    alone, such a question finds whatever else stretches or has a maximum."""
    if not earlier or not _POINTS_BACK.search(said) or SECTION.search(said) or _STANDARD.search(said) or \
            UNIT_KINDS.search(said) or model_mentions(said):
        return said
    section = SECTION.search(earlier)
    if section is None:
        return said
    standard = _STANDARD.search(earlier)
    number = re.sub(r"^\D+", "", section.group(0))  # "per 17.15" is section 17.15
    return f"{standard.group(0) + ' ' if standard else ''}{number}, {said}"


# "it" said of a thing, not of the weather or the time: "how often is it meant to be looked at", "does it need a
# tag", "when does that one get tested".
_IT_SAID = re.compile(r"\b(?:it|its|it's|that one|this one|that thing|this thing)\b", re.IGNORECASE)


# What a question says around the thing it asks of, beyond its function words: no passage need hold these.
_FRAME = _FUNCTION | _PRO_FORMS | frozenset(
    "whats check first look usually supposed just really ever even out up off itself themselves".split())
_PASSAGE_WORD = re.compile(r"[a-z0-9]+")


def own_words(question: str) -> list[str]:
    """The words a question asks with of its own, lowercased: "what size wire do i run for a 20 amp circuit" ->
    size, wire, run, 20, amp, circuit."""
    said = (w.lower().strip("'.-/") for w in _WORD.findall(question))
    return list(dict.fromkeys(w for w in said if len(w) > 1 and w not in _FRAME))


def _holds(tokens: set[str], word: str) -> bool:
    """Whether a passage's tokens hold a word in some form: "tested" in "test", "install" in "installation"; a short
    word only as itself or its plural ("amp", "amps")."""
    if len(word) < 5:
        return any(t.startswith(word) and len(t) <= len(word) + 2 for t in tokens)
    stem = word[:max(3, min(5, len(word) - 2))]
    return any(t.startswith(stem) for t in tokens)


def holds_most_of(question: str, passage: str) -> bool:
    """Whether a passage holds at least half of a question's own words (or the question says none: "what should I
    check first"). A follow-up asked of the last question's subject is about that subject only when the passage the
    two find together still speaks of what the follow-up asks: "so how far apart should the start and stop be" after
    the jockey pump finds the jockey's start and stop; "what size wire do I run for a 20 amp circuit" after the RPZ
    finds the RPZ's sheet by its size alone, however much surer the subject makes the search."""
    words = own_words(question)
    tokens = set(_PASSAGE_WORD.findall(passage.lower()))
    return 2 * sum(_holds(tokens, word) for word in words) >= len(words)


def of_the_unit(said: str, kind: str | None, unit_just_discussed: bool) -> str:
    """`said` asked of the kind of unit the last turn was about, when it says "it" of no thing it names itself:
    after the kitchen extinguisher was found by its serial, "how often is it meant to get looked at" asks about fire
    extinguishers (searched alone, "it" finds whatever is looked at most often). Only right after a turn about a unit
    at the site (`unit_just_discussed`): an older unit is no longer what "it" means."""
    if not kind or not unit_just_discussed or not _IT_SAID.search(said) or UNIT_KINDS.search(said) or \
            model_mentions(said) or SECTION.search(said) or _STANDARD.search(said):
        return said
    return f"{kind}: {said}"
