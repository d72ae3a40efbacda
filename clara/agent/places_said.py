"""Where and when a message points: a known customer or site name, "here" and "there", a job in the day's order
("my next job", "the job after Chase Center", "the ten o'clock one"), a place corrected mid-sentence, and the two
ends of a trip. The words are passed on as said: `clara.jobs.resolution` decides what they mean.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from clara.agent.said import clean
from clara.agent.streets_said import street_named
from clara.jobs.place_kinds import KIND_OF_PLACE
from clara.jobs.spoken import clock_heard

JOB_REF = re.compile(
    r"\b(?:my |the )?(?:next|last|final|first|previous) (?:job|site|stop|appointment|visit|call|customer|work order)"
    r"(?: (?:of the day|today))?\b|\b(?:this|my current|the current) job\b|\bjob (?:number |#\s*)?\d+\b|"
    # "the last one of the day": "one" is a job only with the day said
    r"\b(?:my |the )?(?:next|last|final|first|previous) one (?:of the day|today)\b",
    re.IGNORECASE,
)
# ("at that site before I begin": a clause after "before", which its subject opens, is a time, not a job)
AFTER = re.compile(r"\b(?:job|stop|one|site|place|building|appointment|visit|work|go)\s+(?P<side>after|before)\s+(?:the\s+|my\s+)?"
                    r"(?!(?:i|we|you|he|she|they|i'?m|we'?re)\s)(?P<what>[A-Za-z0-9][\w .'&-]*?)\s*(?:\?|$|[.!,])", re.IGNORECASE)
HERE_WORDS = re.compile(r"\b(here|this (?:site|building|place|location|address)|where i am|where i'm at)\b",
                         re.IGNORECASE)
# "at that one" after a job was named ("and her last job" ... "any rules at that one"): the job's site; "for that
# one" may be a unit's figure, so only "at" points at a place with "one"
THERE_WORDS = re.compile(r"\b(there|that (?:site|building|place|location|address)|(?:at|for|to) that (?:job|stop|visit)|"
                         r"at that one)\b", re.IGNORECASE)
# The customer talked about, as people: "their number", "do they have any rules", "when do we see them".
THEY_WORDS = re.compile(r"\b(?:they|them|their|theirs|they'?re|they'?ve)\b", re.IGNORECASE)
_PREPOSITION = re.compile(r"\b(?:at|for|to|of|owns|near)\s+(?:the\s+)?([A-Za-z0-9][\w .'&-]*?)\s*(?:\?|$|\.|,|!)",
                          re.IGNORECASE)
NOT_A_PLACE = re.compile(r"^(?:this|that|the|my)?\s*(?:site|building|place|job|location|one|here|there|it|on ?site|"
                          r"get there|away|inspection|inspections|know|show up|roll in|roll up|arrive|pull in|"
                          r"pull up|get in|be in|be there|be here)$", re.IGNORECASE)
# Who a contact question asks for, in words that would otherwise read as a place's: "the number for the building
# engineer" wants the site's person ("building" is no Ferry Building), "who do I talk to about the invoice" its card.
_PERSON = re.compile(r"\b(?:engineer|manager|super|superintendent|guy|gal|lady|man|person|tech|technician|owner|"
                     r"contact|guard|security|janitor|custodian|foreman|boss|rep|representative|inspector|marshal|"
                     r"chief|admin|someone|somebody|anyone|anybody|invoice|bill|billing|paperwork)s?$", re.IGNORECASE)
# "after Chase Center", "after this one", "before that": the anchor of a question about the day's order. Being done
# at a job says "after" in other words: "where do I go once I'm done at WeWork", "when I finish up with this one".
_ANCHOR = re.compile(r"\b(?:(?:once|when|after|as soon as)\s+(?:i'?m|im|i am|we'?re|i'?ve|i|we)\s+(?:(?:all|just)\s+)?"
                     r"(?:done|finished|through|wrapped up|finish(?: up)?|wrap(?: it)? up|leave|get done)\s+"
                     r"(?:(?:up|over)\s+)?(?:at|with|in)\s+|(?P<side>after|before)\s+)(?P<what>[^?.!,]+)",
                     re.IGNORECASE)
# Words that point at a job already in the conversation ("this one", "that stop"), as an anchor's whole phrase.
DEICTIC_JOB = re.compile(r"^(?:this|that|it|there|here|this one|that one|the current one|(?:this|that|my current|"
                          r"the current|the) (?:job|stop|site|place|visit|appointment|call|one))\b", re.IGNORECASE)
# An ordinal said on its own ("who am I seeing first", "what's next", "the last one today"): a place in today's
# order, not the first step of a procedure.
ORDINAL = re.compile(r"\b(?P<which>first|next|last|final|previous)(?:\s+(?:one|up|stop|job|site|visit|call|"
                      r"appointment|place|customer))?(?:\s+(?:today|(?:of )?the day|on (?:my|the) (?:list|schedule)))?"
                      r"\s*(?:[?.!,]|$)", re.IGNORECASE)

# Today's job by its place in the order past the first, or by the part of the day: "the second one", "my third
# stop", "the one after lunch", "the place this afternoon" (`clara.jobs.order_said` resolves them).
_BY_ORDER = re.compile(r"\b(?:my |the )?(?:second|third|fourth|fifth|2nd|3rd|4th|5th) (?:one|job|site|stop|appointment|"
                       r"visit|call|customer|place)\b|\b(?:the (?:one|job|stop|place|site|visit|appointment) )?"
                       r"(?:after|before) lunch\b|\bthe (?:one|job|stop|place|site|visit|appointment) "
                       r"(?:this|in the) (?:morning|afternoon|arvo|evening)\b|"
                       # "my afternoon job", "the arvo one" (Australian for the afternoon)
                       r"\b(?:the|my) (?:morning|afternoon|arvo|evening) (?:one|job|stop|place|site|visit|appointment|"
                       r"call)\b", re.IGNORECASE)

# The first or last job of another day: "the first one tomorrow", "my last stop on Monday".
ON_A_DAY = re.compile(r"\b(?:my |the )?(?:first|last|final)(?: (?:one|job|stop|visit|call|site|appointment|customer|thing))?"
                      r" (?:on |for )?(?:tomorrow|tmrw|(?:the )?day after tomorrow|(?:next |this )?(?:monday|tuesday|"
                      r"wednesday|thursday|friday|saturday|sunday))\b", re.IGNORECASE)

# Words that open many place names without telling one from another ("San Jose ...", "Port of ...").
_GENERIC_FIRST = {"the", "san", "santa", "port", "north", "south", "east", "west", "new", "old", "main", "one",
                  "mount", "mountain", "lake", "bay", "palo", "city", "county"}


@lru_cache(maxsize=4)
def _short_names(known: tuple[str, ...]) -> dict[str, str]:
    """What technicians call a place by its first word ("ABC" for ABC Manufacturing, "Salesforce" for Salesforce
    Tower): the first word of a longer name, when no other name uses it except as its own first word and it is not
    a word many place names open with. It stands for the shortest such name when they all share their first two
    words; otherwise for itself, and the CRM's search says which sites it could be. A street address's words
    ("2151 Ferry Point", "2 Westlake Ave") name a street, which nobody calls a site by: they neither open a
    nickname nor keep "the ferry" from meaning the Ferry Building."""
    openers: dict[str, list[str]] = {}
    inner: dict[str, set[str]] = {}  # a word inside a name -> the two words it opens there
    for name in known:
        words = name.split()
        if len(words) < 2 or words[0][0].isdigit():
            continue
        openers.setdefault(words[0].lower(), []).append(name)
        for at, word in enumerate(words[1:], start=1):
            inner.setdefault(word.lower(), set()).add(" ".join(words[at:at + 2]).lower())
    short = {}
    for word, names in openers.items():
        shared = {" ".join(name.split()[:2]).lower() for name in names}
        # inside another name only as the same two words, it is the same place ("Daly City Westlake Shopping" is
        # the customer of "Westlake Shopping Center")
        if word in _GENERIC_FIRST or (word in inner and not inner[word] <= shared) or \
                not re.fullmatch(r"[a-z][a-z'&]{2,}", word):
            continue
        short[word] = min(names, key=len) if len(shared) == 1 else word
    return short


# Last words of place names that say what any place or company is, never which one ("the building", "the
# center", "the group"): what stays is the kind of place that one name is ("the plant", "the tower", "the hangar").
_PLACE_WORDS = {"site", "building", "place", "location", "center", "centre", "campus", "group", "management",
                "operations", "partners", "district", "facilities", "health", "unified", "centers", "offices",
                "marketplace", "shopping", "living", "services", "company", "north", "south", "east", "west"}


@lru_cache(maxsize=4)
def _name_nouns(known: tuple[str, ...]) -> dict[str, str]:
    """What technicians call a place by the noun that ends its name ("the plant" for ABC Manufacturing Plant 1, "the
    tower" for Salesforce Tower, "the hangar"): when that noun ends no other name (street addresses aside) and says
    more than "building" or "center"."""
    holders: dict[str, list[str]] = {}
    for name in known:
        words = [w.lower() for w in name.split() if re.fullmatch(r"[A-Za-z']+", w)]
        if len(words) >= 2 and not name[:1].isdigit() and len(words[-1]) >= 4 and words[-1] not in _PLACE_WORDS:
            holders.setdefault(words[-1], []).append(name)
    return {word: names[0] for word, names in holders.items() if len(names) == 1}


@lru_cache(maxsize=4)
def _name_tails(known: tuple[str, ...]) -> tuple[dict[str, str], re.Pattern[str] | None]:
    """What technicians call a place by "the" and the last words of its name ("the hall of justice" for San Mateo
    County Hall of Justice, "the research campus"): two or more closing words that close no other name and say more
    than "high school" or "medical center" would (a word of four letters or more that is not a generic place word).
    "The" is required: "sprinkler rules for a public library" asks about a kind of building, not a customer."""
    holders: dict[str, set[str]] = {}
    for name in known:
        words = name.lower().split()
        if name[:1].isdigit() or len(words) < 3:
            continue
        for size in range(2, len(words)):
            tail = words[-size:]
            if tail[0] in ("of", "the", "and", "&") or \
                    not any(len(w) >= 4 and w.isalpha() and w not in _PLACE_WORDS for w in tail):
                continue
            holders.setdefault(" ".join(tail), set()).add(name)
    tails = {tail: next(iter(names)) for tail, names in holders.items() if len(names) == 1}
    if not tails:
        return tails, None
    ordered = sorted(tails, key=len, reverse=True)
    return tails, re.compile(r"\bthe (" + "|".join(re.escape(t) for t in ordered) + r")(?!\w)")


@lru_cache(maxsize=4)
def _whole_names(known: tuple[str, ...]) -> tuple[list[str], re.Pattern[str], dict[str, int]]:
    """The names longest first, one pattern that finds, at every position of a lowered text, the longest of them
    said there as whole words, and each lowered name's place in that order. Built once per set of names (it is the
    same all day), not a pattern per name per message."""
    ordered = sorted(known, key=len, reverse=True)
    rank: dict[str, int] = {}
    for index, name in enumerate(ordered):
        rank.setdefault(name.lower(), index)
    # A lookahead matches at every position without consuming, so a name inside or overlapping another is seen too.
    pattern = re.compile(r"(?=(?<!\w)(" + "|".join(re.escape(name.lower()) for name in ordered) + r")(?!\w))")
    return ordered, pattern, rank


# What makes a first word said alone an extinguisher's fire-class rating, not a place: "a regular abc dry chem one".
_RATING_AFTER = re.compile(r"\s+(?:dry\b|chem\w*|extinguishers?\b|powder\b|rated\b|class\b|type\b|fires?\b)")


def known_in(text: str, known: Sequence[str]) -> str | None:
    """The longest known customer name, site name or street address the text contains; else a site's street said
    without its number ("larkin street"); else a place said by its first word alone ("when am I at ABC"; after "a"
    it is a kind: "an ABC extinguisher"), or by "the" and the noun of its name ("who runs the tower")."""
    lowered = text.lower()
    if known:
        ordered, pattern, rank = _whole_names(tuple(known))
        said = [rank[match.group(1)] for match in pattern.finditer(lowered)]
        if said:
            return ordered[min(said)]
        street = street_named(lowered, known)  # "the job on Industrial Parkway": the site at 456 Industrial Pkwy
        if street:
            return street
    short = _short_names(tuple(known))
    first = next((short[m.group(0)] for m in re.finditer(r"[a-z][a-z'&]+", lowered)
                  if m.group(0) in short and not re.search(r"\ban?\s+$", lowered[:m.start()]) and
                  not _RATING_AFTER.match(lowered, m.end())), None)
    if first is not None:
        return first
    tails, tail_pattern = _name_tails(tuple(known))
    tail = tail_pattern.search(lowered) if tail_pattern is not None else None
    if tail is not None:
        return tails[tail.group(1)]
    nouns = _name_nouns(tuple(known))
    return next((nouns[m.group(1)] for m in re.finditer(r"\bthe ([a-z]+)\b(?!\s+(?:room|roof|floor|unit|level|side|"
                                                         r"door|wall|area)\b)", lowered) if m.group(1) in nouns), None)


def place_named(text: str, known: Sequence[str]) -> str | None:
    """A place a message names: a known name (`known_in`), else a kind of place it points at ("that school", "the
    factory"), in the words said, for `clara.jobs.resolution` to pick the site."""
    name = known_in(text, known)
    if name:
        return name
    kind = KIND_OF_PLACE.search(text)
    return re.sub(r"'s$", "", kind.group(0).lower()) if kind else None


# "..., no wait, ...": what follows takes the place of what the technician named just before it.
_CORRECTION = re.compile(r"[,;.]?\s*\b(?:no wait|wait no|no sorry|sorry|no,? i mean|i mean|i meant|scratch that|"
                         r"actually|no)\b[,;.]?\s+(?:make (?:it|that)\s+|i mean\s+)?", re.IGNORECASE)


@lru_cache(maxsize=4)
def _numbered_names(known: tuple[str, ...]) -> tuple[re.Pattern[str] | None, list[re.Pattern[str]]]:
    """The names with a digit in them, longest first, each as a whole-word pattern, and one pattern for any of them
    (None when there is none): built once per set of names."""
    numbered = [name for name in sorted(known, key=len, reverse=True) if re.search(r"\d", name)]
    each = [re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE) for name in numbered]
    alternatives = "|".join(re.escape(name) for name in numbered)
    return (re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if numbered else None), each


def without_places(text: str, known: Sequence[str]) -> str:
    """The text with the known places it names taken out: "Fremont DC1" or "Plant 1" name a site, not a model."""
    any_name, each = _numbered_names(tuple(known))
    if any_name is None or not any_name.search(text):  # most messages name no numbered place: nothing to take out
        return text
    for name in each:  # longest first, one after the other: what a longer name took out is not found again
        text = name.sub(" ", text)
    return text


def corrected(text: str, known: Sequence[str]) -> str:
    """The message as meant when a place is corrected mid-sentence: "how long to the ferry building, no wait, the
    wework" asks about WeWork. Only a known place named on both sides counts, so "no" elsewhere changes nothing."""
    for match in _CORRECTION.finditer(text):
        before, after = text[:match.start()], text[match.end():]
        wrong, right = known_in(before, known), known_in(after, known)
        if wrong and right and wrong.lower() != right.lower():
            cut = before.lower().rfind(wrong.lower())
            rest = after[after.lower().find(right.lower()) + len(right):]
            return before[:cut] + right + rest
    return text


def place_reference(text: str, known: Sequence[str]) -> str | None:
    """The place a message means, in its own words: a job reference ("my next site", "the job after X"), a known
    name, "here", "there", or what follows "at/for/to"; None when it names none."""
    named = named_place(text, known)
    if named:
        return named
    match = _PREPOSITION.search(text)
    place = clean(match.group(1)) if match else None
    return None if not place or NOT_A_PLACE.match(place) or _PERSON.search(place) else place


def day_anchor(text: str, known: Sequence[str]) -> tuple[str, str] | None:
    """The job a question about the day's order counts from, as (side, words): "after Chase Center", "after this
    one", "before that". None when "after" anchors something else ("recharging after use")."""
    trailing = re.search(r"\b(?:one|job|stop|site)\s+(?P<side>after|before)\s*(?:that|it|this)?\s*[?.!]*$", text,
                         re.IGNORECASE)
    if trailing:  # "and the one after": after the job just discussed
        return trailing.group("side").lower(), "that"
    for match in _ANCHOR.finditer(text):
        words = re.sub(r"^(?:the|my)\s+", "", clean(match.group("what")), flags=re.IGNORECASE)
        words = re.sub(r"\s+(?:today|job|one|stop|site)$", "", words, flags=re.IGNORECASE) or words
        side = (match.group("side") or "after").lower()
        if DEICTIC_JOB.fullmatch(words) or clock_heard(words):  # "after this one", "after the ten o'clock one"
            return side, words.lower()
        name = known_in(words, known)
        # the name said in full, by the first word technicians call it by ("after the ferry" today), or by its street
        if name and (words.lower().startswith(name.lower()) or name == street_named(words, known) or
                     name.lower().split()[0] == words.lower().split()[0]):
            return side, name
        job = JOB_REF.match(clean(match.group("what")))
        if job:
            return side, job.group(0).lower()
    return None


_AT_MY_ONE = re.compile(r"\b(?:at|to|for|from) my (?P<which>next|last|final|first|previous) one\b", re.IGNORECASE)


def named_place(text: str, known: Sequence[str]) -> str | None:
    """A place a message names or points at, without guessing from "at/for ...": a job reference, a known name,
    "here" or "there"."""
    after = AFTER.search(text)
    if after:
        return f"{after.group('side')} {clean(after.group('what'))}"
    job = JOB_REF.search(text)
    if job:
        return job.group(0).lower()
    one = _AT_MY_ONE.search(text)  # "at my next one, who do I ask for": a place in the day's order is a job
    if one:
        return f"my {one.group('which').lower()} job"
    name = place_named(text, known)
    if name:
        return name
    when = _BY_ORDER.search(text)
    if when:
        return when.group(0).lower()
    when = clock_reference(text)  # "the three o'clock, who do I ask for when I get there": that job is "there"
    if when:
        return when
    if HERE_WORDS.search(text):
        return "here"
    return "there" if THERE_WORDS.search(text) or THEY_WORDS.search(text) else None


def clock_reference(text: str) -> str | None:
    """A job named by its start time ("heading to my ten o'clock now", "done with the 1:30"): the words that name
    it, for `clara.jobs.resolution`; None when no time of day is said."""
    for lead in re.finditer(r"\b(?:my|the)\s+", text, re.IGNORECASE):
        words = re.findall(r"[\w:.']+", text[lead.end():])[:4]
        for size in range(len(words), 0, -1):
            phrase = re.sub(r"\bo'?clock\b", "o'clock", " ".join(words[:size]).rstrip("."), flags=re.IGNORECASE)
            if clock_heard(phrase):  # speech writes "ten oclock"
                return phrase.lower()
    return None


# The end or the start of the day said as a verb: "which one am I finishing at", "where do I wrap up today", "which
# job do I start the day with". Asked with which/where/what, and tied to a place ("where", "... at", "... with") or to
# the day, so "what do I check before I start the test" stays a procedure.
_WHICH_OR_WHERE = re.compile(r"^\s*(?:and\s+|so\s+)?(?P<word>which|where|wheres|where'?s|what|whats|what'?s)\b",
                             re.IGNORECASE)
_DAY_ENDS = re.compile(r"\b(?:finish\w*|end(?:s|ing)?|wrap\w* (?:up|things up)|clos\w* out|call\w* it a day)\b",
                       re.IGNORECASE)
_DAY_STARTS = re.compile(r"\b(?:start\w*|begin\w*|kick\w* (?:off|things off)|first thing)\b", re.IGNORECASE)
_MINE = re.compile(r"\b(?:i|i'?m|im|we|we'?re)\b", re.IGNORECASE)  # the technician's day, not a pipe's end
_A_JOB = re.compile(r"\b(?:jobs?|stops?|visits?|calls?|appointments?|sites?)\b|\bup\b\s*[?.!]*$", re.IGNORECASE)
# Which of the jobs just listed comes first or last: "which of those starts earliest", "which one's latest".
_SOONEST = re.compile(r"\b(?:earliest|soonest|latest)\b", re.IGNORECASE)
_OF_THE_LIST = re.compile(r"\b(?:of (?:those|them|these|my jobs|the jobs)|one'?s?|job|stop|visit)\b", re.IGNORECASE)
_OF_THE_DAY = re.compile(r"\b(?:the day|my day|today|tonight)\b|\b(?:at|with)\s*[?.!]*$", re.IGNORECASE)


def day_end(text: str) -> str | None:
    """ "last" when a question asks where the day ends ("which one am I finishing at"), "first" where it starts;
    None otherwise."""
    asked = _WHICH_OR_WHERE.match(text)
    if asked is None:
        return None
    superlative = _SOONEST.search(text)
    which = "last" if _DAY_ENDS.search(text) else "first" if _DAY_STARTS.search(text) else None
    if superlative:  # "which of those starts earliest": the earliest is the first, whatever the verb
        which = "last" if superlative.group(0).lower() == "latest" else "first"
    if which is None:
        return None
    if superlative and asked.group("word").lower() == "which" and _OF_THE_LIST.search(text):
        return which
    if asked.group("word").lower().startswith("where"):  # "where does the sprinkler main end": not the day
        return which if _MINE.search(text) and (_OF_THE_DAY.search(text) or _A_JOB.search(text)) else None
    return which if _OF_THE_DAY.search(text) else None


# "whats my second one": a job by its place in the order, said with "my" (a bare "the second one" may pick between
# units or places just offered)
_MY_NTH = re.compile(r"\bmy (?P<which>second|third|fourth|fifth) (?:one|job|stop|site|visit|call|appointment)"
                     r"(?:\s+today)?\s*[?.!,]*$", re.IGNORECASE)


def ordinal_alone(text: str) -> str | None:
    """ "who am I seeing first", "what's next", "and the last one?", "whats my second one": the ordinal, when it
    stands for a job."""
    match = ORDINAL.search(text) or _MY_NTH.search(text)
    return match.group("which").lower() if match else None


def heading_for(text: str) -> str:
    """On the way, the job is where they are going, not the one they leave: "leaving WeWork now, rolling to my ten
    o'clock" is the ten o'clock's; "heading to ABC" is ABC's."""
    going = re.search(r"\b(?:to|for)\s+(?!.*\b(?:to|for)\b)(.+)$", text, re.IGNORECASE)
    if going:
        return going.group(1)
    return re.sub(r"\b(?:leaving|left|from|done at|finished at)\b.*?(?=,|\bnow\b|$)", " ", text, flags=re.IGNORECASE)
