"""What a message's words are before anything is looked up: the request without hesitations, its clauses, the
preferences it states, the small talk it is, and the `Route` a reading of it ends in.

Kept apart from the rules that pick a tool (`routing`) so the readers of places (`places_said`), of writes
(`deficiency_said`) and of answers to a read-back (`draft_said`) share one notion of a clean request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Route:
    tool: str
    arguments: dict[str, Any]


# Discourse markers and hesitations speech recognition keeps ("uh", "ok so", "morning clara"): they carry no request.
_HESITATION = re.compile(r"\b(?:uh+|um+|erm|hmm+)\b[,.]?\s*", re.IGNORECASE)
# "g'day clara": a greeting and the assistant's name open a request; read on, "clara" would be Santa Clara's site.
_LEADING_FILLERS = re.compile(r"^(?:\s*(?:ok(?:ay)?|so|well|alright|all right|right|oh|hey|hi|hello|yo|g'?day|clara|"
                              r"actually|wait|sorry|(?:good )?(?:mornin'?g?|afternoon|evenin'?g?)|"
                              # an interruption that takes the talk back or holds it ("hang on.", "no wait go back,
                              # what time was ..."): what follows is the request; "go back to metric" is one itself
                              r"hang on|hold on|one sec(?:ond)?|no wait|go back(?=\s*[,.!]))\b[,.!]?)+\s*",
                              re.IGNORECASE)
_PUT_ON = r"(?:\bme (?:back )?(?:on|onto|to|over to|in)|\bback (?:on|to|in)|^(?:on|in)|" \
          r"\b(?:switch|change|go|move|flip)(?: it| everything| the units)?(?: back)? (?:to|over to|into)) "
# A measure said with how long it should hold: "give me the weights in kilos from now on".
_ONWARD = r"\b(?:from now on|going forward|by default|for good|all the time)\b"
_METRIC_MEASURES = r"\b(?:kilos|kilograms|kgs?|met(?:er|re)s|celsius|lit(?:er|re)s)\b"
_IMPERIAL_MEASURES = r"\b(?:pounds|lbs|feet|fahrenheit|inches|gallons)\b"
_PREFERENCE_PHRASES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("skill_level", ((r"\b(beginner|novice|new tech\w*|apprentice|explain (?:more|the steps))\b", "beginner"),
                     (r"\b(expert|senior tech\w*|just the numbers|terse)\b", "expert"),
                     (r"\bintermediate\b", "intermediate"))),
    ("units", ((r"\bmetric\b", "metric"), (r"\b(imperial|us units|us customary|feet and inches)\b", "imperial"),
               # a system named by one of its measures, as where the technician is put: "put me back on pounds", or
               # by several said together: "back to pounds and inches", "kilos and metres"
               (rf"{_PUT_ON}{_METRIC_MEASURES}(?:(?:,\s*|\s+and\s+|\s*&\s*){_METRIC_MEASURES})*", "metric"),
               (rf"{_PUT_ON}{_IMPERIAL_MEASURES}(?:(?:,\s*|\s+and\s+|\s*&\s*){_IMPERIAL_MEASURES})*", "imperial"),
               (rf"{_METRIC_MEASURES}.*{_ONWARD}|{_ONWARD}.*{_METRIC_MEASURES}", "metric"),
               (rf"{_IMPERIAL_MEASURES}.*{_ONWARD}|{_ONWARD}.*{_IMPERIAL_MEASURES}", "imperial"))),
    ("verbosity", ((r"\b(brief|shorter|short answers|(?:answers?|it) short|less detail|concise)\b", "brief"),
                   (r"\b(detailed|more detail|longer answers|elaborate)\b", "detailed"),
                   (r"\bnormal (?:length|answers|verbosity)\b", "normal"))),
)


def clean(text: str) -> str:
    return text.strip().strip("?!.,;: ").strip()


def clauses(text: str) -> list[str]:
    """A message's clauses: split at commas, semicolons and sentence ends (not the point in "2.5")."""
    return [part for part in re.split(r"\s*(?:[,;]|[.!](?=\s|$))\s*", text) if part]


def plain(text: str) -> str:
    """The request without hesitations and discourse markers ("ok so uh what's next" -> "what's next", "ok whats my
    first one then" -> "whats my first one")."""
    return _TRAILING_FILLER.sub(r"\1\2", _LEADING_FILLERS.sub("", _HESITATION.sub("", text))).strip()


# "then" or "though" closing a question of three words or more: "whats my first one then" asks "whats my first one"
# ("what then" keeps its "then")
_TRAILING_FILLER = re.compile(r"^((?:\S+\s+){2,}\S+?)\s*,?\s+(?:then|though|tho)\s*([?.!]*)\s*$", re.IGNORECASE)


# Contractions typed or transcribed without their apostrophe ("whats due here", "wheres the riser", "dont save it"),
# given it back, so a rule written for "what's" reads "whats" too. Only words that are nothing else: "its", "were",
# "ill", "well", "lets", "wont", "hell" and "shed" are words of their own.
_BARE_CONTRACTIONS = re.compile(r"\b(what|where|who|how|when|that|there|here|why)s\b|"
                                r"\b(do|does|did|is|are|was|ca|could|would|should|has|have|had)nt\b|\b(i)(m|ve)\b",
                                re.IGNORECASE)


def with_apostrophes(text: str) -> str:
    """`text` with its apostrophe-less contractions spelled as contractions: "whats" -> "what's", "cant" ->
    "can't", "im" -> "i'm"."""
    def spelled(match: re.Match[str]) -> str:
        if match.group(1):
            return f"{match.group(1)}'s"
        if match.group(2):
            return f"{match.group(2)}n't"
        return f"{match.group(3)}'{match.group(4)}"
    return _BARE_CONTRACTIONS.sub(spelled, text)


def preferences(text: str) -> dict[str, str]:
    lowered = text.lower()
    changes: dict[str, str] = {}
    for preference, phrases in _PREFERENCE_PHRASES:
        value = next((value for pattern, value in phrases if re.search(pattern, lowered)), None)
        if value is not None:
            changes[preference] = value
    return changes


# Leaving the conversation ("talk to you later", "ok catch you later clara", "that's all for now, bye"), and the
# pleasantries said around it. A message made only of these asks for nothing: it is answered briefly, no tool called.
_SIGN_OFF = re.compile(r"\b(?:(?:good)?bye|bye[- ]bye|good ?night|ttyl|over and out|(?:(?:i'?m|im|i am) )?signing off(?: for (?:the day|today|now|tonight))?|(?:i'?m|im) out|"
                       # radio talk closes with "out" ("copy, out")
                       r"out(?=\W*$)|"
                       r"(?:talk|speak|chat) (?:to you |with you )?(?:later|soon|tomorrow)|"
                       r"(?:catch|see) (?:you|ya|u)(?: later| soon| tomorrow| around)?|later|laters|"
                       r"that'?s (?:all|it|everything)(?: (?:i need(?:ed)?|for (?:now|today|the day)))*|"
                       r"have a (?:good|great|nice) (?:one|day|night|evening|weekend))\b", re.IGNORECASE)
# Radio acknowledgements count among them: "copy", "roger", "10-4", "over".
_PLEASANTRIES = re.compile(r"(?<![\w-])(?:ok(?:ay)?|kk?|noted|alright|all right|cool|great|perfect|thanks|thank you|cheers|"
                           r"copy(?: that)?|roger(?: that)?|10-?4|ten[- ]four|wilco|over|understood|got it|"
                           # thanks with its first syllable dropped ("preciate it"), and whom it is said to ("y'all")
                           r"(?:ap)?preciate (?:it|ya|you)|y'?all|you guys|"
                           r"clara|then|for now|man|again|so|well|yeah|yep|sounds good|"
                           # British and Australian thanks and all-clears: "ta", "no worries", "brilliant", "legend"
                           r"ta|no worries|no (?:problem|probs)|brilliant|lovely|legend|mate|much obliged|nice one)\b",
                           re.IGNORECASE)


def signs_off(text: str) -> bool:
    """Whether a message only takes leave: a sign-off, with nothing but pleasantries around it."""
    if not _SIGN_OFF.search(text):
        return False
    rest = _PLEASANTRIES.sub(" ", _SIGN_OFF.sub(" ", text))
    return not re.sub(r"[\W_]+", "", rest)


# Words around a preference's value that ask nothing else: "metric please", "go back to imperial", "imperial again",
# "thanks, put me back on imperial".
# A message of only these and a value sets the preference; "what's that in metric" asks for a figure.
_AROUND_A_PREFERENCE = re.compile(
    r"\b(?:(?:put|switch|set|change|move|flip) me|go|going|back|to|in|please|again|instead|now|then|from now on|"
    r"use|using|units?|system|just|only|can|could|"
    r"we|you|i|let'?s|lets|do|all|the|and|actually|no|nah|yeah|yes|ok(?:ay)?|so|switch|change|set|put|make|want|"
    r"rather|prefer|would|i'?d|id|answers?|measurements?|for|my|on|over|thanks|thank you|cheers|"
    # the units as "it": "ok put it back to imperial", "set it to metric"
    r"it)\b", re.IGNORECASE)
# "switch me back", "change my units back please": what the last preference change replaced. Only the technician or
# their settings are the object: "change it back", "put it back", "flip it back" are said of a breaker, a valve or a
# transfer switch on site, and read as a preference they would undo a setting nobody asked about.
_REVERT = re.compile(r"^\W*(?:(?:no|nah|actually|ok(?:ay)?|wait|hmm+)\W+)*(?:(?:can you|could you|please|just)\s+)?"
                     r"(?:switch|change|put|set)\s+(?:me|my settings|my units|the units|units)\s+back\b(?:\s+(?:please|again|to (?:how it was|what it was|"
                     r"before|the way it was|normal)))?\W*$", re.IGNORECASE)


# "in metric?", "and in metric": the last figure asked for again in other units, a question and no setting.
_IN_OTHER_UNITS = re.compile(r"^\W*(?:and|what about|how about)?\s*in\s+[\w ]+?\s*\?\s*$|^\W*and\s+in\b",
                             re.IGNORECASE)


def only_preferences(text: str) -> bool:
    """Whether a message says nothing but how answers should be ("metric please", "back to imperial"); a figure
    asked for in other units ("and in metric?") says how to answer once, not from now on."""
    if _IN_OTHER_UNITS.match(text):
        return False
    rest = text.lower()
    for _, phrases in _PREFERENCE_PHRASES:
        for pattern, _value in phrases:
            rest = re.sub(pattern, " ", rest)
    return not re.search(r"[a-z0-9]", _AROUND_A_PREFERENCE.sub(" ", rest))


def reverts_preferences(text: str) -> bool:
    """Whether a message asks to undo the last preference change, naming no value ("switch me back")."""
    return bool(_REVERT.match(text))


# Taking back what was just being said ("can you log a... actually forget it", "never mind"): the request, if any,
# is what follows. "forget it's ..." says something else.
_WITHDRAWN = re.compile(r"\b(?:never ?mind|forget (?:it|that|about it)|disregard (?:it|that))\b(?!')[\W_]*",
                        re.IGNORECASE)


def after_withdrawn(text: str) -> str | None:
    """What a message says after the last thing it takes back ("hey can you log a... actually forget it. what time
    am i at the plant" -> "what time am i at the plant"; "never mind" -> ""); None when it takes nothing back."""
    last = None
    for last in _WITHDRAWN.finditer(text):
        pass
    return text[last.end():].strip() if last is not None else None


_GREETING = re.compile(r"^(hi|hello|hey|good (?:morning|afternoon|evening)|yo)\b")
# A greeting before this many words (pleasantries and "clara" aside) only opens the message: "hey the indoor fan on
# this unit comes on late, is that a problem" asks something, which no rule had routed; answered "Hi, Clara here" it
# was dropped. "hey clara hows your morning going" (four) stays a greeting.
GREETING_TAIL = 5


def small_talk(text: str) -> str | None:
    lowered = text.lower().strip()
    if signs_off(lowered):
        return "Talk to you later."
    greeting = _GREETING.match(lowered)
    if greeting and len(re.findall(r"[\w']+", _PLEASANTRIES.sub(" ", lowered[greeting.end():]))) < GREETING_TAIL or \
            re.fullmatch(r"\W*(?:morning|afternoon|evening)\b[\s\w,.!']*", lowered) and \
            not re.sub(r"[\W_]+", "", _PLEASANTRIES.sub(" ", re.sub(r"^\W*\w+", "", lowered))):
        # "morning clara": a greeting without "good", nothing asked after it
        return "Hi, Clara here. Ask me about your jobs, a customer, an equipment spec or a code requirement."
    # "ta" only where thanks go, at the end ("no worries, ta")
    if re.search(r"\b(thanks|thank you|cheers|appreciate it|much obliged)\b|(?:^|[,.]\s*|\s)ta(?: mate| very much)?"
                 r"\W*$", lowered):
        return "You're welcome."
    if re.match(r"^(ok|okay|got it|cool|great|perfect|sounds good|yes|yeah|yep|sure|no|nope|alright|all right|"
                r"copy(?: that)?|roger(?: that)?|10-?4|ten[- ]four|understood)\W*$", lowered) or \
            re.search(r"\w", lowered) and not re.sub(r"[\W_]+", "", _PLEASANTRIES.sub(" ", lowered)):  # "ok got it", "k cool": acknowledged only
        return "Okay."
    if re.search(r"\b(?:how are you|how(?:'?s| is) (?:it|your (?:day|morning|afternoon|evening|week)) going)\b",
                 lowered):
        return "Going well, thanks. What can I look up for you?"
    if re.search(r"\b(tell me a joke|who are you|what can you do)\b", lowered):
        return ("I'm Clara: I look up your jobs, customers, equipment specs and code requirements, and log "
                "deficiencies.")
    return None

