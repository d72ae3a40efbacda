"""What a question asks beyond the span a passage's answer is said around (`clara.knowledge.spans.answer`): its other
part ("how soon must it be registered, and the fee"), told by the section's best span naming it, and what the sentence
after the answer adds of it ("It closes on fire alarm reset." for "when does the vent close")."""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence


# Words that ask rather than name what is asked: a part of a question made only of these asks nothing of its own.
_ASKING = frozenset(
    "a an the and or but so of to in on at for from with by as is are was were be been am do does did done have has"
    " had can could may might must shall should will would i we you he she it they me us them my our your his her its"
    " their this that these those there here what which who whom whose when where why how long soon much many often"
    " far also plus well too any some all each every one get got need needs needed tell say said know about".split())
_PARTS = re.compile(r"\s*(?:,\s*)?\b(?:and|plus|as\s+well\s+as)\b\s*", re.IGNORECASE)
PART_WORDS = 3  # a question's other part names its thing in a few words: "... and the fee", "and what voltage"


def stems(text: str) -> set[str]:
    """Words as compared across a question and a passage: "registered" and "registration" alike ("regis")."""
    return {w[:5] for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _ASKING and len(w) > 1}


def other_part(question: str, said: str, spans: Sequence[Sequence[Any]], best: int, scores: Sequence[float],
               span_text: Callable[[int], str]) -> int | None:
    """The best span of the best one's section telling what the question's other part asks, when what is said tells
    none of it: "how soon must it be registered and the fee" is answered by "within 30 days" and, two sentences on,
    "The registration fee is $40". Only a short part (PART_WORDS) naming a thing the said text never mentions: a
    longer one is a question of its own, and words the answer already says are answered."""
    parts = [stems(p) for p in _PARTS.split(question)]
    if len(parts) < 2:
        return None
    told = stems(said)
    missing = [p for p in parts[1:] if 0 < len(p) <= PART_WORDS and not p & told]
    if not missing:
        return None
    named = [i for i in range(len(spans)) if spans[i][2] == spans[best][2] and span_text(i) not in said and
             any(p & stems(span_text(i)) for p in missing)]
    return max(named, key=lambda i: scores[i]) if named else None


def going_on(question: str, said: str, spans: Sequence[Sequence[Any]], best: int, used: set[int],
             span_text: Callable[[int], str], points_back: Callable[[str], bool]) -> int | None:
    """The span right after what is said, when it points back to it ("It closes on fire alarm reset.") and names a
    word of the question that nothing said does ("when does the hoistway vent close"): the best sentence, about the
    vent, says when it opens, and the short one after it, about "it", is the answer. Scored alone, "It closes ..."
    shares one word with the question and never came close to the best. A stem shorter than five letters ("shut")
    is a word's whole, and names its longer forms ("shuts")."""
    after = max(used) + 1
    if after >= len(spans) or spans[after][2] != spans[best][2] or span_text(after) in said or \
            " | " in span_text(after) or not points_back(span_text(after)):
        return None
    unsaid = stems(question) - stems(said)
    words = stems(span_text(after))
    named = any(min(len(u), len(w)) >= 3 and (w.startswith(u) or u.startswith(w)) for u in unsaid for w in words)
    return after if named else None
