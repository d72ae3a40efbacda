"""What a unit shows, as a technician reports it: a display's words ("it says high airflow", "the panel's reading
ground fault") or a fault code ("F01", "E3", "E-15"). Either is a symptom to look up in the manuals, never a model
whose spec sheet is wanted: "F01" is one dash away from the Viking F-1-4, and "it" in "it says ..." is the display
speaking, not a unit the conversation named.
"""

from __future__ import annotations

import re

# Something reporting what it shows: "it says", "the panel is reading", "controller's throwing", "display shows".
_SHOWS = re.compile(r"\b(?:says|reads|reading|shows|showing|displays?|displaying|flash\w*|blink\w*|throw\w*|"
                    r"threw|came up with|popped up)\b", re.IGNORECASE)
# A code as displays write them: one or two letters and one or two digits ("F01", "E3", "E-15", "LO2"). Model
# numbers carry more ("B260", "CR3-19", "50TCQA06").
_CODE = re.compile(r"(?<![\w-])[A-Za-z]{1,2}-?\d{1,2}(?![\w-])")
# How a code is asked about: what it is, what it means, what to do about it.
_ABOUT_A_CODE = re.compile(r"\b(?:codes?|faults?|errors?|alarms?|troubles?|means?|meaning|lockout)\b", re.IGNORECASE)


def fault_code(text: str) -> str | None:
    """The fault code a message reports or asks about ("panel is throwing an F01", "what does E3 mean"), if any."""
    code = _CODE.search(text)
    if code is None or not (_SHOWS.search(text) or _ABOUT_A_CODE.search(text)):
        return None
    return code.group(0)


def reports_a_reading(text: str) -> bool:
    """Whether a message reports what a unit or its display shows ("it says high airflow", "the controller is
    showing fail to start"): a symptom, for the manuals."""
    return bool(_REPORTS.search(text))


# A display speaking: "it says", "the panel's showing", "controller keeps throwing", "screen reads".
_REPORTS = re.compile(r"\b(?:it|the \w+(?: \w+)?|display|screen|panel|controller|board|thermostat)(?:\s+says|\s+reads|"
                      r"\s+shows|\s+displays|\s+flashes|\s+throws|(?:'s|s|\s+is|\s+keeps|\s+was)\s+(?:showing|reading|"
                      r"displaying|flashing|blinking|throwing|saying))\b", re.IGNORECASE)


def reports_a_symptom(text: str) -> bool:
    """Whether a message says how a unit is misbehaving: a quantity off its mark ("head pressure is way up",
    "superheat's real low"), a burner that won't light, an indicator lit ("low water light on"). A symptom is
    troubleshooting, for the manuals; a quantity asked without a state ("head pressure rating") is a spec sheet's."""
    return bool(_SYMPTOM.search(text))


_QUANTITY = (r"\b(?:pressure|amps?|amperage|draw|current|voltage|volts|temps?|temperature|superheat|subcool(?:ing)?|"
             r"airflow|flow|static|delta ?t|flame signal|water level|level)")
_STATE_VERB = r"(?:'s|s|\s+is|\s+are|\s+was|\s+were|\s+seems?|\s+looks?|\s+running|\s+reading|\s+went|\s+goes|" \
              r"\s+getting|\s+keeps? (?:going|getting|climbing|dropping))"
_DIRECTION = r"(?:up|high|low|down|off|climbing|dropping|rising|falling|spiking|through the roof|out of range)\b"
_SYMPTOM = re.compile(
    rf"{_QUANTITY}{_STATE_VERB}(?:\s+(?:way|really|real|too|very|pretty|super|kinda|all the way))*\s+{_DIRECTION}"
    rf"|{_QUANTITY}\s+(?:way|really|too)\s+{_DIRECTION}"
    r"|\b(?:won'?t|wont|doesn'?t|doesnt|will not|not)\s+(?:fire|light|ignite|lite|kick on)\b"
    r"|\b(?:light|led|lamp|indicator)\s+(?:is\s+|'s\s+|stays?\s+)?(?:on|lit|flashing|blinking)\b",
    re.IGNORECASE)
