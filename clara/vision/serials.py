"""When a unit was built, from its serial number: each manufacturer's published scheme, for the eras it covers.

A serial's shape is shared by several makers (Carrier's WWYY-letter and Lennox's plant-YY-month-letter serials
are both four digits, a letter and five digits), so a serial is decoded only under its manufacturer's scheme;
an unknown maker or an unknown era gives no date rather than a wrong one. A scheme's typed positions also repair
OCR's confusions (O/0, I/1, S/5, B/8, Z/2, G/6) where a digit or a letter must stand.

Schemes, as given in the manufacturers' serial-number guides (compiled, with examples, by the Building
Intelligence Center, building-center.org, and pickhvac.com's per-brand decoding pages):

- Carrier, Bryant, Payne, Day & Night (10 characters, since the late 1980s): ``WWYY`` + plant letter + five digits;
  week WW of year YY. ``1104B12345`` is week 11 of 2004.
- Trane, American Standard: from 2010, 10 characters ``YYWW`` + six characters (``17103N6MF4``: week 10 of 2017);
  2002-2009, 9 characters ``YWW`` + six (``81422S41G``: week 14 of 2008). Earlier serials (a year letter
  only, no month) are not decoded.
- Lennox (10 characters, plant-year-month format, 1990s on): two-digit plant, ``YY``, a month letter A-M without I
  (A January ... H August, J September ... M December), five digits. ``5898G07568`` is July 1998.
- York, Johnson Controls, Coleman, Luxaire, Fraser-Johnston, Guardian (from October 2004): plant letter, year digit,
  month letter A-N without I and J (A January ... H August, K September ... N December), year digit, six digits;
  the two digits read together are the year. ``W1G7123456`` is July 2017. The 1971-2004 all-letter format
  repeats its year letters every 21 years and is not decoded.
- Rheem, Ruud (styles 2 and 3 of Rheem's guide): plant-line letter, ``WWYY``, five digits (``W291013412``: week 29
  of 2010), optionally after a five-character factory code (``0R177M280700097``: week 28 of 2007).

A week becomes the month holding its middle day. Two-digit years are read as the latest year not in the future.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

_TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "J": "1", "Z": "2", "S": "5", "B": "8",
             "G": "6", "T": "7"}
_TO_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G"}
_LENNOX_MONTHS = "ABCDEFGHJKLM"  # I skipped
_YORK_MONTHS = "ABCDEFGHKLMN"  # I and J skipped

YearMonth = tuple[int, int]


@dataclass(frozen=True)
class Scheme:
    name: str
    shape: str  # one letter per character: D digit, L letter, A either
    read: Callable[[str, date], YearMonth | None]
    since: YearMonth  # the era the scheme covers starts here; an earlier decode is a misread


@dataclass(frozen=True)
class Decoded:
    serial: str  # as read, with OCR confusions repaired where the scheme says a digit or a letter stands
    manufactured: str | None  # YYYY-MM
    scheme: str | None


def _year(two_digits: str, today: date) -> int:
    year = 2000 + int(two_digits)
    return year if year <= today.year else year - 100


def _week_month(year: int, week: int) -> YearMonth | None:
    if not 1 <= week <= 53:
        return None
    middle = date(year, 1, 1) + timedelta(days=(week - 1) * 7 + 3)
    return (year, middle.month) if middle.year == year else (year, 12)


def _carrier(s: str, today: date) -> YearMonth | None:
    return _week_month(_year(s[2:4], today), int(s[0:2]))


def _trane_2010(s: str, today: date) -> YearMonth | None:
    return _week_month(_year(s[0:2], today), int(s[2:4]))


def _trane_2002(s: str, today: date) -> YearMonth | None:
    return _week_month(2000 + int(s[0]), int(s[1:3])) if s[0] in "23456789" else None


def _lennox(s: str, today: date) -> YearMonth | None:
    month = _LENNOX_MONTHS.find(s[4])
    return None if month < 0 else (_year(s[2:4], today), month + 1)


def _york(s: str, today: date) -> YearMonth | None:
    month = _YORK_MONTHS.find(s[2])
    return None if month < 0 else (_year(s[1] + s[3], today), month + 1)


def _rheem(s: str, today: date) -> YearMonth | None:
    start = len(s) - 10  # the plant-line letter, after the optional five-character factory code
    return _week_month(_year(s[start + 3:start + 5], today), int(s[start + 1:start + 3]))


SCHEMES: dict[str, tuple[Scheme, ...]] = {
    "carrier": (Scheme("carrier", "DDDDLDDDDD", _carrier, (1988, 1)),),
    "trane": (Scheme("trane-2010", "DDDDAAAAAA", _trane_2010, (2010, 1)),
              Scheme("trane-2002", "DDDAAAAAA", _trane_2002, (2002, 1))),
    "lennox": (Scheme("lennox", "DDDDLDDDDD", _lennox, (1990, 1)),),
    "york": (Scheme("york", "LDLDDDDDDD", _york, (2004, 10)),),
    "rheem": (Scheme("rheem", "LDDDDDDDDD", _rheem, (1990, 1)),
              Scheme("rheem-factory", "AAAAALDDDDDDDDD", _rheem, (1980, 1))),
}
BRANDS: dict[str, tuple[str, ...]] = {
    "carrier": ("carrier", "bryant", "payne", "day & night", "day and night"),
    "trane": ("trane", "american standard"),
    "lennox": ("lennox",),
    "york": ("york", "johnson controls", "coleman", "luxaire", "fraser-johnston", "guardian"),
    "rheem": ("rheem", "ruud"),
}


def family(manufacturer: str | None) -> str | None:
    """The scheme family of a manufacturer's name ("Bryant Heating & Cooling" -> carrier), or None."""
    name = (manufacturer or "").casefold()
    return next((key for key, brands in BRANDS.items() if any(b in name for b in brands)), None)


def fit(text: str, shape: str) -> str | None:
    """`text` with each position coerced to what `shape` says stands there, or None when it cannot fit."""
    if len(text) != len(shape):
        return None
    out = []
    for char, kind in zip(text, shape):
        if kind == "D" and not char.isdigit():
            char = _TO_DIGIT.get(char, char)
        elif kind == "L" and not char.isalpha():
            char = _TO_LETTER.get(char, char)
        if (kind == "D" and not char.isdigit()) or (kind == "L" and not char.isalpha()) or not char.isalnum():
            return None
        out.append(char)
    return "".join(out)


def decode(serial: str, manufacturer: str | None, *, today: date | None = None) -> Decoded:
    """The serial (repaired) and its month of manufacture under the manufacturer's scheme, when one fits."""
    today = today or date.today()
    compact = re.sub(r"[\s-]", "", serial.upper())
    for scheme in SCHEMES.get(family(manufacturer) or "", ()):
        fitted = fit(compact, scheme.shape)
        if fitted is None:
            continue
        made = scheme.read(fitted, today)
        if made is None or not scheme.since <= made <= (today.year, today.month):
            continue
        return Decoded(fitted, f"{made[0]:04d}-{made[1]:02d}", scheme.name)
    return Decoded(serial, None, None)
