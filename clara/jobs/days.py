"""Which day a technician means in words: "tomorrow", "first thing tomorrow", "on Monday", "the day after tomorrow".

The schedule is kept by date; a technician names days relative to today, in the company's time zone.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_WORDS = re.compile(r"\b(?:(?:the )?day after tomorrow|tomorrow|tmrw|yesterday|today|tonight|"
                       r"(?:next |this )?(?:" + "|".join(WEEKDAYS) + r"))\b", re.IGNORECASE)


def day_meant(words: str | None, today: date) -> date | None:
    """The date the words name, or None when they name no day. A weekday is its next occurrence (today when it
    is today); "next Monday" is never today."""
    found = DAY_WORDS.search(words or "")
    if found is None:
        return None
    said = found.group(0).lower()
    if said.endswith("day after tomorrow"):
        return today + timedelta(days=2)
    if said in ("tomorrow", "tmrw"):
        return today + timedelta(days=1)
    if said == "yesterday":
        return today - timedelta(days=1)
    if said in ("today", "tonight"):
        return today
    ahead = (WEEKDAYS.index(said.split()[-1]) - today.weekday()) % 7
    return today + timedelta(days=ahead or (7 if said.startswith("next") else 0))
