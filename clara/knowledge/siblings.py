"""A question that names a model picks that model's document over its siblings.

Manufacturers publish one manual or spec sheet per model of a family ("XR-200", "XR-300"; an "-36H" heat pump and
an "-36C" cooling-only unit) with the same sections and different values. Both indexes see such siblings as near
duplicates: PostgreSQL reads "XR-300" as `xr` and `-300`, so "xr 300", "XR300" or "x r three hundred" meet no
passage's words; MiniLM barely tells 200 from 300; and a sibling that names the other model in passing ("above
25 hp use the XR-300") holds the asked model's words too. What tells them apart is each document's identity: the
models its title names (a sheet often names its model only there and in its running header, never in the body).

So the models a question names are read as whole identifiers, typed, run together, spaced or spoken ("XR-300",
"XR300", "xr 300", "x r three hundred"), and matched against the models in the documents' titles. A document whose
title names one is the named document. When the question writes the model otherwise than its title does, its
passages are raised by `NAMED`: a spoken, spaced or run-together model meets neither index, so generic corpus
sharing the question's other words outranked it. Written as the title writes it, both indexes already see it (the
title's words, the ranker's `product` signal), and a raise on top put a bulletin titled "CB-7 control board" over
the procedures that hold the CB-7's fault codes. A document whose title names a
different model of the same family (`same_family`) and not the named one is a sibling: its passages are lowered by
`SIBLING`, below the named one's and below what would be offered as a runner-up, since a sibling's value said as
"it may also be" is a wrong number in the technician's ear. A question that names only the brand ("the Corrigan
controller") names no model and changes nothing: any sibling stating the fact answers it, and which model is meant
is the answer's to ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from clara.knowledge.identifiers import model_key
from clara.knowledge.ranking import Candidate
from clara.knowledge.spoken_models import spelled_out
from clara.platform.logging import get_logger
from clara.stores import Stores
from clara.stores.lexical import Matrix

log = get_logger(__name__)

NAMED = 2.0  # the named model's own document, over generic corpus that shares the question's words
SIBLING = 4.0  # a sibling's passage differs from the named one's in its values only: it must not come first
WINDOW = 7  # words one model may be said in: "a h p thirty six h" is six
_WORD = re.compile(r"[A-Za-z0-9]+")
_MODEL = re.compile(r"[A-Za-z0-9]+(?:[-/.][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Named:
    """What a question's models name among the documents."""

    models: frozenset[str]  # the title models the question names, as keys ("XR300")
    documents: frozenset[int]  # the documents whose title names one of them
    raised: frozenset[int]  # those of them whose model the question writes otherwise than their title does
    siblings: frozenset[int]  # the documents whose title names another model of the same family, and none of them
    titled: frozenset[str] = frozenset()  # every model the named documents' titles name, the question's or not

    def weigh(self, found: Sequence[Candidate]) -> list[Candidate]:
        """`found` with the named document's passages raised and its siblings' lowered (in `boost`, which every
        ranking adds to the fitted score)."""
        if not self.documents:
            return list(found)
        return [replace(c, boost=c.boost + self._shift(int(c.row["document_id"])) - self._other_model(c))
                for c in found]

    def _shift(self, document: int) -> float:
        if document in self.documents:
            return NAMED if document in self.raised else 0.0
        return -SIBLING if document in self.siblings else 0.0

    def _other_model(self, candidate: Candidate) -> float:
        """How far a named document's passage is lowered when its own place names another of the document's models
        and not the asked one: a price book titled by two models ("975RP / 850DC repair kits") gives each its own
        table, alike row for row, and the other model's table ("Table 1 975RP repair kits") came first for the
        850DC's kit, its row said as the answer. The passage is about the models of the nearest of its places that
        names any (its section, then its headings inward out, under the document's title): a chapter over both
        models' tables names both. A passage that names the asked model in its text ("on the 975RP they are not",
        under the 850DC) speaks of it, wherever it is."""
        if int(candidate.row["document_id"]) not in self.documents or \
                set(title_models(str(candidate.row["text"]))) & self.models:
            return 0.0
        places = [str(candidate.row.get("section") or ""), *reversed(str(candidate.row.get("heading") or "")
                                                                     .split(" > ")[1:])]
        for place in places:
            if placed := set(title_models(place)) & self.titled:
                return 0.0 if placed & self.models else SIBLING
        return 0.0


NOTHING = Named(frozenset(), frozenset(), frozenset(), frozenset())


def title_models(title: str) -> dict[str, str]:
    """The models a document's title names, key -> as written, lower case: tokens with letters and digits
    ("XR-300" -> "XR300": "xr-300"); a section number or a year ("13.2.4", "2024") names no model."""
    named = {model_key(token): token.lower() for token in _MODEL.findall(title)}
    return {k: t for k, t in named.items()
            if len(k) >= 3 and any(c.isdigit() for c in k) and any(c.isalpha() for c in k)}


def said_models(question: str, known: frozenset[str]) -> frozenset[str]:
    """The models of `known` the question names as whole identifiers, however they were written or said: every run
    of up to `WINDOW` words is read as one model (`spelled_out`: "x r three hundred" -> "xr300", "xr 300" ->
    "xr300") and kept when it is a known model and no longer run through the same words is one too ("XR-3000" is
    not the XR-300)."""
    words = _WORD.findall(question)
    found: dict[tuple[int, int], str] = {}
    for start in range(len(words)):
        for end in range(min(len(words), start + WINDOW), start, -1):
            key = model_key(spelled_out(" ".join(words[start:end])))
            if key in known:
                found[(start, end)] = key
                break  # the longest reading from this word
    return frozenset(key for (start, end), key in found.items()
                     if not any(s <= start and end <= e and (s, e) != (start, end) for s, e in found))


def same_family(one: str, other: str) -> bool:
    """Whether two different model keys are siblings: they open alike for at least two characters, a letter among
    them ("XR200" / "XR300", "AHP36H" / "AHP36C", "50TCQA04" / "50TCQA06"); "LX60" and "LGH120" are not."""
    shared = 0
    for a, b in zip(one, other):
        if a != b:
            break
        shared += 1
    return one != other and shared >= 2 and any(c.isalpha() for c in one[:shared])


class Identities:
    """The models each document's title names, read once per lexical snapshot of a store (any upload or deletion
    makes a new one), so a search costs a dictionary walk, not a query."""

    def __init__(self) -> None:
        self._snapshot: tuple[Stores, Matrix] | None = None
        self._models: dict[int, dict[str, str]] = {}

    async def of(self, stores: Stores, matrix: Matrix) -> dict[int, dict[str, str]]:
        if self._snapshot is None or self._snapshot[0] is not stores or self._snapshot[1] is not matrix:
            async with stores.db.connection() as conn:
                cur = await conn.execute("SELECT id, title FROM knowledge_documents")
                rows = await cur.fetchall()
            self._models = {int(r["id"]): models for r in rows if (models := title_models(r["title"] or ""))}
            self._snapshot = (stores, matrix)
        return self._models


_IDENTITIES = Identities()


async def named(stores: Stores, matrix: Matrix, question: str) -> Named:
    """The documents the question names by model (and which of them to raise), and their siblings."""
    identities = await _IDENTITIES.of(stores, matrix)
    if not identities:
        return NOTHING
    models = said_models(question, frozenset().union(*(keys.keys() for keys in identities.values())))
    if not models:
        return NOTHING
    written = {token.lower() for token in _MODEL.findall(question)}
    documents = frozenset(d for d, keys in identities.items() if keys.keys() & models)
    raised = frozenset(d for d in documents if not any(identities[d][m] in written for m in models
                                                       if m in identities[d]))
    siblings = frozenset(d for d, keys in identities.items() if d not in documents
                         and any(same_family(key, model) for key in keys for model in models))
    log.debug("knowledge_model_named", models=sorted(models), documents=len(documents), raised=len(raised),
              siblings=len(siblings))
    titled = frozenset(key for d in documents for key in identities[d])
    return Named(models, documents, raised, siblings, titled)
