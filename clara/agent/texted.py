"""Words typed in texting shorthand, as the technician meant them, before any rule reads the message.

A technician typing with one thumb on a roof writes "hw many jobs 2day", "wat time ferry bldg", "any rules @ ferry",
"k thx". Every reader after this one (the day, places, units, small talk) knows the whole words; read as they are,
"2day" looks like a model number and "bldg" names no place. Only shorthand that is never a word, a model piece or
a letter of a spelled model is read here: single letters ("u", "r", "n", "k") stay as typed, since "a k can" is a
class K extinguisher and "t c q a" a model said in letters. Nor "ty" for thanks: it starts Tyco's sprinkler models
("a ty thirty one fifty one" is the TY3151).
"""

from __future__ import annotations

import re

# Shorthand and the word it stands for; matched whole, any case.
_SHORTHAND: dict[str, str] = {
    "2day": "today", "2nite": "tonight", "2night": "tonight", "2moro": "tomorrow", "2morrow": "tomorrow",
    "2mrw": "tomorrow", "tmrw": "tomorrow", "tmw": "tomorrow", "tmr": "tomorrow", "2mro": "tomorrow",
    "hw": "how", "wat": "what", "wut": "what", "wht": "what", "wats": "what's", "whr": "where", "wher": "where",
    "wen": "when", "wich": "which", "bldg": "building", "bldng": "building", "thx": "thanks", "thnx": "thanks",
    "thanx": "thanks", "tks": "thanks", "pls": "please", "plz": "please", "nxt": "next",
    "appt": "appointment", "b4": "before", "abt": "about", "ur": "your", "cust": "customer", "addr": "address",
    "sched": "schedule", "w/": "with", "w/o": "without",
}
_WORD = re.compile(r"(?<![\w/])(" + "|".join(re.escape(k) for k in sorted(_SHORTHAND, key=len, reverse=True))
                   + r")(?![\w/])", re.IGNORECASE)
# "@" standing for "at" between words ("any rules @ ferry", "whos @ the plant"), not inside an email address.
_AT = re.compile(r"(?:(?<=\s)|^)@(?=\s|\w)(?!\w+\.\w)")


def untexted(text: str) -> str:
    """The message with texting shorthand written out ("hw many jobs 2day" -> "how many jobs today"); text with
    none comes back as is."""
    written = _WORD.sub(lambda m: _SHORTHAND[m.group(1).lower()], text)
    return _AT.sub("at ", written).replace("at  ", "at ")
