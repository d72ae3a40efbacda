"""What Clara says from knowledge search hits: the sentence(s) carrying the fact, with where they come from.

Extractive, so every word said is in a document, and cited as a technician would look it up ("NFPA 25, section
8.3.1.1", "the Brennick BFC-750 manual, section 3.5 Phase rotation, page 4"). The offline LLM speaks it as is; Gemini
may reword it. Each hit's words are built once per reply (`_Passage`): a reply compares and says the same passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clara.agent.answers import shaped
from clara.knowledge import figures_said
from clara.knowledge.confidence import said_confidence, untold
from clara.knowledge.chunking import row_cells
from clara.knowledge.models import SearchHit
from clara.knowledge.ranking import FLOOR, probability
from clara.knowledge.spans import kind_preferences
from clara.users.service import Preferences

# When the runner-up is at least half as likely to hold the answer as the best passage, the ranking cannot tell them
# apart: both are said, each with its source, and the technician (who sees the unit) picks. On the development set
# the runner-up was the right passage in 1 question of 8 and is said in about half the replies. "Likely" is the
# ranker's own probability from each hit's score (what these thresholds were set on), not the calibrated
# `confidence` a caller reads: that one already weighs the runner-up down for trailing the best.
RUNNER_UP = 0.5
# How sure the reply sounds follows `confidence.said_confidence`: the first hit's calibrated `confidence` (fitted on
# answerable questions and on questions no document answers, bench/data/knowledge_eval/unanswerable_dev), lowered
# when what is said leaves the question's own words untold (the right product's document, silent on the fact asked).
# At or above UNSURE_BELOW the passage is said as the answer; below it, as the closest found, still with its source
# and its fact, since a right passage the ranking is unsure of still answers; below NOTHING_BELOW Clara says she does
# not know, what she searched, and where the closest passage was, without reading it out as if it answered. Both set
# on the studied sets' replies: at 0.82 and 0.3 they said 294 of 478 right replies as the answer (281 before) and 12
# of 78 unanswerable ones (15 before), and declined no right reply.
UNSURE = "I'm not sure this is it, but the closest I found"
UNSURE_BELOW = 0.82
NOTHING_BELOW = 0.3


def citation(hit: SearchHit) -> str:
    """Where an answer comes from, as a technician would look it up: "NFPA 25, section 8.3.1.1", "the Brennick
    BFC-750 manual, section 3.5 Phase rotation, page 4", "1910.157(f)(10)"."""
    page = f", page {hit.page}" if hit.page else ""
    if hit.standard and hit.source == "nfpa":
        section = hit.section or ""
        number = section.removeprefix(hit.standard).strip() if section.startswith(hit.standard) else section
        return (f"{hit.standard}, section {number}" if number else hit.standard) + page
    where = f", section {hit.section}" if hit.section and hit.section not in hit.title else ""
    return f"{hit.title}{where}{page}"


@dataclass(frozen=True)
class _Passage:
    """A hit with what the reply says of it (`_said`) and the ranker's chance that it holds the answer: built once,
    though a reply compares the passages with each other and then says two of them."""

    hit: SearchHit
    said: str
    likely: float

    @classmethod
    def of(cls, hit: SearchHit) -> "_Passage":
        return cls(hit, _said(hit), probability(hit.score))


def knowledge(hits: list[SearchHit], preferences: Preferences, *, query: str = "") -> str:
    """The sentence that carries the fact, with its source: extractive, so every word said is in the document."""
    how_sure = sure(hits[0], query) if hits else 0.0
    if not hits or probability(hits[0].score) < FLOOR or how_sure < NOTHING_BELOW:
        asked = f" for \"{query.strip()}\"" if query.strip() else ""
        closest = f" The closest was {citation(hits[0])}." if hits else ""
        return (f"I don't know. I searched the standards, manuals, specifications and uploaded documents{asked} "
                f"and found nothing I'm confident answers it.{closest}")
    passages = [_Passage.of(hit) for hit in hits]
    best = passages[0]
    lead = f"Per {citation(best.hit)}: {best.said}" if how_sure >= UNSURE_BELOW else \
        f"{UNSURE} is {citation(best.hit)}: {best.said}"
    runner_up = _runner_up(passages, query)
    second = f"It may also be {_also_from(runner_up.hit, best.hit)}: {runner_up.said}" if runner_up else None
    also = [f"See also {citation(p.hit)}." for p in passages[1:3]
            if p is not runner_up and citation(p.hit) != citation(best.hit) and p.likely >= FLOOR]
    return shaped([lead, second], preferences, extra=also[:1])


def sure(hit: SearchHit, query: str) -> float:
    """How sure the reply is that saying this passage's answer says the fact asked (`confidence.said_confidence`):
    what UNSURE_BELOW and NOTHING_BELOW are read against."""
    return said_confidence(hit.confidence, untold_by(hit, query))


def untold_by(hit: SearchHit, query: str) -> float:
    """How much of the question what the reply says of `hit` (its answer, under its section) leaves untold
    (`confidence.untold`)."""
    return untold(query, hit.title, f"{hit.section or ''} {hit.answer or hit.text}")


def _runner_up(passages: list[_Passage], query: str) -> _Passage | None:
    """The second passage said, if any: the next passage when the ranking cannot tell it from the best; but a table
    row the question names by its key ("blinking 5 times", "T27") over a row it does not name, or over nothing, when
    the best passage's answer is prose, for that is then usually the text around the table ("the lamp blinks a
    number of times; see the table"). A best answer that is a row already answers from a table ("breaker size for
    the SDH-24": the MOCP row, not the line-set row keyed SDH-24), and a close passage of prose is the ranking's
    own doubt, which a key does not settle. With no close runner-up, a lower passage carrying what the question
    asks for when the best does not (`_asked`)."""
    best = passages[0]
    close = next((p for p in passages[1:2] if p.likely >= RUNNER_UP * best.likely and p.said != best.said), None)
    if row_cells(best.hit.answer or "") is None and (close is None or row_cells(close.hit.answer or "") is not None):
        named = next((p for p in passages[1:] if figures_said.names_row(query, p.hit.answer or "")), None)
        if named is not None:
            return named
    return close or _asked(passages, query)


def _asked(passages: list[_Passage], query: str) -> _Passage | None:
    """The first lower passage whose answer is more of the kind the question asks for than the best one's
    (`spans.kind_preferences`: a figure in the asked units for "how fast", a price for "what will it cost", a rule
    for "can I"): "how fast should the accelerator trip when tested without tripping the valve" is asked of the
    troubleshooting note saying to test it quarterly, and answered by the procedure two passages down, "within 15
    seconds". The best passage is still said first: the ranking's choice; what it lacks follows. A close runner-up
    is said instead, as the ranking's own doubt: on the development sets a lower passage of the kind asked put in
    its place was the wrong one more often than the right. A row the question names by its key is no answer of
    the kind asked: whether it is said is `_runner_up`'s rule for named rows ("breaker size for the SDH-24" is the
    MOCP row, not the line-set row keyed SDH-24)."""
    asked = [max(kind_preferences(query, (p.hit.answer or p.hit.text).splitlines() or [""])) for p in passages]
    return next((p for p, kind in zip(passages[1:], asked[1:]) if kind > asked[0] and p.said != passages[0].said
                 and not figures_said.names_row(query, p.hit.answer or "")), None)


def _also_from(hit: SearchHit, best: SearchHit) -> str:
    """Where a second passage comes from: only its section and page when it is in the document just named, so a
    reply read aloud does not say a long manual title twice."""
    if hit.document_id != best.document_id or not hit.section or hit.section in hit.title:
        return citation(hit)
    return f"section {hit.section}" + (f", page {hit.page}" if hit.page else "")


_LIST_ITEM_END = re.compile(r"\s*[;,](?:\s*(?:and|or))?\s*$")  # "; and" closing a list item
_LEADER = re.compile(r"\s*(?:(?:\.\s?){4,}|…)\s*")  # "Jockey pump stop .......... 5 psi": a label and its value


def _said(hit: SearchHit) -> str:
    """What is said from a passage, as sentences: a table row with its column names ("Carbon dioxide: Test interval
    (years) 5."), since "Carbon dioxide | 5" means nothing read aloud; prose on one line, ending as a sentence ends,
    a dotted leader read as the pause it is ("Jockey pump stop: 5 psi above jockey start").
    An answer of two spans (a sentence and a row, two rows) has them on lines of their own."""
    header = [" ".join(c.split()) for c in next(filter(None, map(row_cells, hit.text.splitlines())), [])]
    parts: list[str] = []
    prose: list[str] = []  # lines of prose are one run: a sentence broken over two lines of a passage is read as one
    for line in (hit.answer or hit.text).splitlines() + [""]:
        cells = row_cells(line)
        if cells is None and line.strip():
            prose.append(line)
            continue
        if prose:
            parts.append(_sentence(_LEADER.sub(": ", " ".join(" ".join(prose).split()))))
            prose = []
        if cells is not None:
            parts.append(_sentence(_row_said([" ".join(c.split()) for c in cells], header)))
    return " ".join(parts)


def _sentence(said: str) -> str:
    said = _LIST_ITEM_END.sub("", said)  # a list item said alone ends there: "...30 seconds; and" -> "...30 seconds."
    return said if said.endswith((".", "?", "!", ":")) else f"{said}."


def _row_said(cells: list[str], header: list[str]) -> str:
    """A table row with its header's names (the header is the chunk's first row); without a header that matches it,
    its cells in order. A header one cell short has lost its empty corner, as a table with the models as its columns
    has ("| | VPS-6 | VPS-10" over "Total output current | 6.0 A | 10.0 A"): its names are the value columns'."""
    if len(header) == len(cells) - 1:
        header = ["", *header]
    if len(header) != len(cells) or header == cells:
        return "; ".join(cells)
    return f"{cells[0]}: " + "; ".join(f"{name} {value}" for name, value in zip(header[1:], cells[1:]))

