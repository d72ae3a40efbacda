"""A job of the day pointed at by its place in the list Clara read out: "the first one you said", "the last one you
mentioned", "that second place you listed".

After "what does today look like", a technician asks about one of the jobs by where it came in the answer, several
turns later. The list was today's jobs in start order, so "the first one you said" is the day's first job: the
words are read as that job ("my first job") and the rules take the question from there ("..., what time do I need
to be there" is that job's time). Only once the day was listed in the conversation: otherwise "the first one you
said" points at something else (an earlier answer), and is left as said.
"""

from __future__ import annotations

import re
from typing import Sequence

from livekit.agents import llm

_POINTED = re.compile(r"\b(?:the|that)\s+(?P<nth>first|second|third|fourth|last|final)\s+(?:one|job|place|site|stop)"
                      r"\s+(?:that\s+)?you\s+(?:just\s+)?(?:said|mentioned|listed|named|read out|gave me|told me)\b",
                      re.IGNORECASE)
# The tools whose answer lists the day's jobs in order.
_LISTS_THE_DAY = {"my_jobs_today", "daily_brief"}


def listed_named(text: str, earlier: Sequence[llm.ChatItem]) -> str:
    """`text` with a job pointed at by its place in the listed day ("the first one you said") said as that job ("my
    first job"); `text` unchanged when it points at none or the day was not listed."""
    pointed = _POINTED.search(text)
    if pointed is None or not any(isinstance(item, llm.FunctionCall) and item.name in _LISTS_THE_DAY
                                  for item in earlier):
        return text
    nth = "last" if pointed.group("nth").lower() == "final" else pointed.group("nth").lower()
    return f"{text[:pointed.start()]}my {nth} job{text[pointed.end():]}"
