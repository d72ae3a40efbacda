"""A setting asked of a unit ("what air pressure do I keep on it", "what should the pressure be set to") is a
procedure, not a rating: the sheet's service notes say what to set, keep or maintain ("set air about 20 psi above
trip per the manufacturer's chart"), while its pressure field is the most the unit withstands. A figure field that
only shares the question's noun answered such a question with the unit's maximum working pressure.
"""

from __future__ import annotations

import re

from clara.knowledge.models import Spec

# What the technician is to set, keep or maintain: the verb with who does it ("do I keep", "should we set") or said of
# the value ("be set at", "is kept at"). "the set pressure" of a relief valve names a rating, and what the unit itself
# should hold ("at 150 percent flow what should it hold") its performance.
_SETTING = re.compile(
    r"\b(?:do|does|should|must|shall|would|supposed to|have to|has to|need to|needs to|gotta|got to|to)\s+"
    r"(?:i|we|you)\s+(?:(?:just|normally|usually|always|really)\s+)?"
    r"(?:keep|set|maintain|hold|charge|adjust|run|pump (?:it )?up)\b"
    r"|\b(?:be|is|are|was|get|gets)\s+(?:(?:normally|usually|always)\s+)?(?:kept|set|maintained|held|charged|"
    r"adjusted)\b", re.IGNORECASE)
# A note that says what to do with a value.
_DOES = re.compile(r"\b(?:set|keep|kept|maintain\w*|adjust\w*|charge\w*|hold|held)\b", re.IGNORECASE)
# The question's frame and the setting verbs themselves: what is left names the thing set ("air", "pressure").
_FRAME = frozenset("what whats how much many do does should must shall would i we you they it he she the a an on in at "
                   "to of for is are be was get gets keep set maintain hold charge adjust run kept held charged "
                   "maintained adjusted supposed have has need needs gotta got just normally usually always really "
                   "this that one unit there here valve pump".split())


def asks_setting(question: str | None) -> bool:
    """Whether a question asks what to set, keep or maintain something at, rather than what the unit is rated for."""
    return bool(_SETTING.search(question or ""))


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _FRAME and len(w) > 2}


def setting_note(spec: Spec, question: str | None) -> str | None:
    """The service note that says what to set the asked thing to: it shares a word of what is set ("air",
    "pressure") and says to set, keep or maintain it. None when the sheet's notes say no such thing."""
    asked = _words(question or "")
    notes = spec.details.get("service_notes") or []
    scored = [(len(asked & _words(str(note))), str(note)) for note in notes if isinstance(note, str)]
    fitting = [(score, note) for score, note in scored if score and _DOES.search(note)]
    return max(fitting, key=lambda pair: pair[0])[1] if fitting else None
