"""A model named only among its family's others: the scope sentence a parts list or spec sheet opens with.

"This list covers the burner and gas train of the AB-5, AB-7 and AB-9" names the AB-7 as it names the others and
says nothing of it; the rows below pair the AB-7 with its burner, its gas valve. Mentioning the model the question
names raises a passage (`ranking.NAMED_PASSAGE`, which part of a parts list holds its row), and the scope sentence,
holding the question's model and brand as no row does, came first for "AB-7 burner part number". A passage whose
every sentence naming the asked model names it among `LISTED` or more of its family is not raised for it, unless the
question asks which models a document covers or applies to, or about a serial range: then the list is the answer.

Session 23, through bench/knowledge_eval.py, with the brand the title carries counted for every sentence
(`ranking.span_coverage`), against both left out (recall@1): heldout13 0.846 -> 0.855 (its parts lists' burner and
gas valve rows first), heldout12 0.887 -> 0.896, heldout11 0.888 -> 0.905 (recall@3 0.975 -> 0.971), dev 0.833 ->
0.856, dev_layouts 0.918 -> 0.932, dev_field unchanged. Without the scope exemption "which models does the bulletin
cover" and "is this the right list for my serial" fell out of the top 3.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from clara.knowledge.identifiers import text_identifiers

LISTED = 3  # a sentence naming this many models of one family lists them and says nothing of one
# "which models does it cover", "does it apply to", "my serial": the scope sentence listing the models is the answer
_ASKS_SCOPE = re.compile(r"\b(?:which|what)\s+(?:\w+\s+){0,2}?(?:models?|units?|sizes?)\b|\bcover(?:s|ed)?\b|"
                         r"\bappl(?:y|ies)\s+to\b|\bserial\b", re.IGNORECASE)
_FAMILY = re.compile(r"[A-Z]*")


def only_listed(question: str, asked: set[str], text: str, spans: Sequence[Sequence[Any]]) -> bool:
    """Whether each sentence or row of a passage that names an asked model names it among `LISTED` or more models of
    its family, and the question does not ask what the list covers. A model named only in a heading or a table's
    header (no sentence of it) is still the passage's own."""
    if _ASKS_SCOPE.search(question):
        return False
    holding = [ids for ids in (set(text_identifiers(text[int(s[0]):int(s[1])])) for s in spans) if ids & asked]
    return bool(holding) and all(
        sum(_family(i) in {_family(a) for a in ids & asked} for i in ids) >= LISTED for ids in holding)


def _family(identifier: str) -> str:
    """The letters a model's name opens with: "AB" of AB-7 and AB-9."""
    return _FAMILY.match(identifier)[0]  # type: ignore[index]
