"""What free text the server takes: no control characters but tab, line feed and carriage return.

A stray control character (a pasted form feed, a vertical tab from a keyboard, a NUL that PostgreSQL text cannot
hold at all) is invisible in the app yet stored as sent, and breaks whatever later shows or exports the note. The
request is refused, 400 `validation_error` naming the field, rather than changed behind the technician's back: what
is stored is what was sent. The request schema carries the same rule as its `pattern`, so a generated client can
check a value before sending it; services that take text from elsewhere (Clara's tools) apply `has_control`.
"""

from __future__ import annotations

import re

# C0 controls but \t \n \r, DEL, and the C1 controls: written for both Python's and ECMA-262's regular expressions.
CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
NO_CONTROL = rf"^[^{CONTROL}]*$"
# Characters that print nothing: soft hyphen, zero-width spaces and joiners, direction marks and embeddings, word
# joiner, byte-order mark. Allowed inside text (they join emoji and right-to-left names), but not as all there is.
INVISIBLE = r"\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
# And a character that shows: a description of three zero-width spaces is a blank record on the technician's screen.
SOME_TEXT = rf"^[^{CONTROL}]*[^\s{CONTROL}{INVISIBLE}][^{CONTROL}]*$"
_CONTROL_CHARACTER = re.compile(f"[{CONTROL}]")


def has_control(text: str) -> bool:
    return _CONTROL_CHARACTER.search(text) is not None


CONTROL_RULE = "must not contain control characters (tab and line breaks are fine)"
