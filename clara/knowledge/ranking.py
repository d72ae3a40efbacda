"""Stage two of knowledge search: measure where in each candidate passage the asked fact is, and score it.

Each candidate is measured on a few general signals, combined by weights fitted by logistic regression on the
development sets and the shipped corpus's questions (`bench/fit_ranker.py`, never on a held-out set):

- `dense`: cosine of the question and the passage;
- `lexical`: the passage's BM25 over the question's total idf, i.e. how much of the question's rare vocabulary it holds;
- `span_dense`, `span_lexical`: the same for the passage's best sentence or table row (late-chunked vectors), because
  the fact a technician asks for sits in one sentence, not spread over the passage;
- `product`, `other_product`: whether the question names a word only one or two documents hold and some document's
  title carries (a brand, a model family, an agency) and this passage's document is (or is not) one of them. A word
  merely rare in the bodies ("walk") names no document, yet it used to mark every other document as "not the one
  named";
- `span_kind`: how much the sentence the passage's answer is said around (its best by score and this preference
  together, `with_kind`) is of the kind the question asks for, a graded sum, not a yes/no
  (`spans.kind_preferences`: a number or a frequency for "how many"/"how often", a rule for "can I", an instruction for
  "how do I", a row whose range holds the figure said or whose cells state it, and the largest term, a row whose key the
  question says, "e zero four": "E04 | ..."). Passages that share the question's words often differ in which one states
  the asked fact; this tells the one that does. Fitted without the shipped corpus's questions it cost that corpus 6 of
  104 right first passages ("how often ..." is answered by "quarterly", which held no number); fitted with them, and
  with frequencies read as amounts, the held-out sets heldout-heldout3 gain 4 right first passages of 275 and 3 in the
  top 3, shipped loses 2 first and gains 1 in the top 3 (bench/ablate_ranker.py, same candidates). Read off the best
  scored sentence alone it missed the row a table passage names when a neighbour row scored as well (the chart's "95"
  row for "R-134a psig at 100 F"); read off the sentence said among those close to the best (`KIND_MARGIN`), the
  same candidates and weights put 1213 right passages first and 1389 in the top 3 of 1453 studied questions
  (heldout..heldout9) against 1207 and 1389, the dev sets (dev, dev_spans, dev_siblings, dev_layouts, shipped)
  319/346 against 317/344, for about three times the preference reads (~150 spans a question against ~46).
- `phrase`: the share (by idf) of the question's adjacent content-word pairs ("alarm valve", "backflow preventer")
  the passage or its heading says side by side, in order: a passage about the fire alarm system that mentions a
  valve holds both words, scattered. Fitted at 0.39 it is a tie-breaker: over the same candidates, against the
  weights refitted without it, the studied held-out sets heldout..heldout6 gain 4 right first passages of 813 and 1
  in the top 3, shipped loses 1 first of 104 (leave-one-document-out on the training sets: no change). A window of
  two words did as well; a pair weighted by how few candidates say it did worse; a pair's words held but scattered
  was fitted as a plus, not a penalty. Weighted 3 (eight times its fit) it still left the developers' guide's
  "quarterly alarm valve inspections" on the control-valve passage that says "quarterly" (the alarm-valve passage
  second) and cost heldout 72 -> 67 right first of 92, shipped 94 -> 92.

(Measured and left out, session 16: a word the question says in a compound ("alarm" of "alarm valve") counted at
half its idf, in BM25 and in the best sentence, in a passage that holds it only apart from every partner. It put the
guide's question on the alarm-valve passage, but cost recall@1 on heldout 0.783 -> 0.739, heldout3 0.878 -> 0.837,
heldout6 0.883 -> 0.842 and dev 0.844 -> 0.811: a brand said apart from its model, "factory ... cut-out" said in
another order, are still the evidence. In the best sentence alone it did not move the guide's question.)

(An `identifier` signal moved no set by more than a question, bench/ablate_ranker.py: BM25 and the exact boost weigh
identifiers. Nor did, refitted on dev and dev_spans, each candidate's rank or distance from the best in each signal,
its share of the question's words in its headings, a table row keyed by a word of the question, or sitting under
the bare document title: each moved the held-out sets' recall@3 by three questions of 275 or fewer, either way.)

(Measured and left out, session 17, for the guide's question: each signal refitted on dev, dev_spans and shipped and
counted over the same candidates on the studied sets heldout..heldout8, whose right first passages number 1014 of
1214 under the weights below (1011 refitted without a new signal): the idf share of the question's words in the
passage's headings, title left out (999; the leaf heading alone 992), the question's word pairs said in its headings
(1012) or leaf heading (1010), a leaf heading putting another word before the question's noun ("Control valve" for
"alarm valve", 999), the headings read with every sentence (1001), MiniLM similarity of the question and the leaf
heading (988), and the question's words no passage holds left out of its total idf (1014, but shipped 96 -> 92 right
first of 104). None put "quarterly alarm valve inspections" on 13.4.1.1: control valves' 13.3.2.1 holds all four
of its words in one sentence, and a heading share would need several times its fitted weight (1.8) to overcome that.)
(Measured and left out, session 18, over the same candidates and weights (right first / top 3, studied sets
heldout..heldout9 of 1453 questions, then the dev sets): a passage's `span_kind` damped toward the best of its
siblings under one parent heading (the group's best plus half the difference), 1207/1389 -> 1215/1385 and 317/344 ->
316/344. It loses the top 3 because every sibling inherits half the group's kind whether or not it holds a sentence of
it: prose under a PT chart rose to 1.5 beside the chart's 3.0 ("is R-134a in a vacuum at minus 30": 3rd -> 5th), a
compressor's maintenance table beside its parts list. Most of its gains were passages whose kind sentence was not
their best scored one, which the sentence said now measures; on top of that it gave 1213/1386 and 315/346. Refitted
with it, 1211/1383; the group's best as a feature of its own the fit weighs (-0.19), 1201/1380 and 314/342. Through
bench/knowledge_eval.py the kind read off every sentence gave the figures the candidates gave, set by set.)
A passage whose own section, clause or model the question names exactly ranks first, unless the question names
another document's product ("Thorncliff 4.3.1" is a release of the Thorncliff panel, not NFPA 25 4.3.1). A passage
that only mentions the model, part or code the question names is raised a little (`NAMED_PASSAGE`): of a parts list
or a fault table cut in several passages alike in words, it is the one holding the row asked about.

The score's logistic (`probability`) is the chance that a candidate carries the answer, fitted over all of a
question's candidates; a returned hit's `confidence` is calibrated apart (`clara.knowledge.confidence`), on returned
hits of answerable and unanswerable questions, because how far a passage leads or trails the others, and whether the
question's models and words are in it at all, say more of whether it answers than its own score.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, replace
from typing import Any, Collection, Sequence

from clara.knowledge import figures_said, spans
from clara.knowledge.chunking import row_cells
from clara.knowledge.identifiers import text_identifiers
from clara.knowledge.question import Query, code_key, words
from clara.knowledge.questions_in_text import questions_only
from clara.knowledge.scope_sentences import only_listed
from clara.knowledge.vectors import unpack
from clara.stores.lexical import Matrix

SPAN_DENSE, SPAN_LEXICAL = 4.229, 2.846  # which sentence of a passage holds the fact: meaning and rare words
EXACT_BOOST = 20.0  # the passage the question names by its own section, clause or model comes first
STANDARD_BOOST = 1.0  # "NFPA 25 ..." prefers NFPA 25's passages over another standard's
# A passage that mentions the model, part or code the question names ("AUL-60620", "g h x sixty", "e zero four") over
# its neighbours sharing the question's other words: which part of a parts list, performance table or fault table
# holds its row. Set by hand, not fitted: the ranker's own sets (dev, dev_spans, shipped) hold almost no such question.
# On the development sets heldout..heldout5 (same candidates, search's weights) it put 8 right passages first and cost
# 1, and moved no dev, dev_spans or shipped question first or out of it; at 2 it cost dev and heldout 2 each. Through
# bench/knowledge_eval.py recall@1 went 0.750 -> 0.783 on heldout and 0.867 -> 0.882 on heldout5, dev and shipped
# unchanged, and the blind sets' summaries rose too (heldout7 0.783 -> 0.798, heldout8 0.803 -> 0.818).
NAMED_PASSAGE = 1.0
SCORE_CAP = 10.0  # an exact section match adds 20: beyond this a score says nothing more about being right
# Below this `probability` a passage shares stray words with the question, not its subject: search drops it and the
# keyless answer says "I don't know" (as it does too for a returned passage whose calibrated confidence is below
# `knowledge_said.NOTHING_BELOW`: search still returns it, for a caller that weighs the confidence itself).
# Leave-one-document-out on dev, dev_spans and shipped it drops no right first hit (0.01 dropped 5 of 222 once the
# shipped questions joined the fit, which lowered every score), nor on heldout-heldout3; twenty questions about
# anything but the trades ("pizza dough recipe", "who won the world cup") are refused as often as at 0.01 before.
FLOOR = 0.002
# `span_kind` is read off the sentences of a passage scoring within this of its best (`with_kind`): over the same
# candidates and weights the studied sets heldout..heldout9 put 1213 right passages first and 1389 in the top 3 of
# 1453, against 1210/1388 with every sentence and 1207/1389 with the best alone (0.25: 1212/1388; 0.75: as every one);
# the dev sets 319/346, 318/346 and 317/344. It reads about 150 spans a question against 240 (6 ms of CPU, 10 ms).
KIND_MARGIN = 0.5


def lexeme_pattern(lexemes: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern for the question's lexemes, matching a word that starts with one (the English stemmer cuts words
    to a prefix: "pressur" for pressure, pressures), longest first, and consuming the rest of the word. Each lexeme is
    its own named group (`matched`), since the word matched need not start with the lexeme's own spelling."""
    if not lexemes:
        return None
    alternatives = "|".join(f"(?P<x{t.encode().hex()}>{_surface(t)})"
                            for t in sorted(set(lexemes), key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})[a-z0-9]*")


def _surface(lexeme: str) -> str:
    """The words a lexeme stands for, as a pattern. The stemmer does not only cut: "safety" and "supply" become
    "safeti" and "suppli", "wiring" and "rating" become "wire" and "rate", "visibility" becomes "visibl"; those
    lexemes prefix none of their own words, so a sentence saying "supply" held none of the question's "suppli". A
    number is no stem: "4" (inch) must not match "40 lb"."""
    escaped = re.escape(lexeme)
    if lexeme.isdigit():
        return escaped + r"(?![0-9])"
    if len(lexeme) < 3:
        return escaped
    if lexeme.endswith("i"):
        return escaped[:-1] + "[iy]"
    if lexeme.endswith("bl"):
        return escaped[:-1] + "(?:l|(?=ilit))"
    if lexeme.endswith("e"):
        return escaped[:-1] + "(?:e|(?=ing))"
    return escaped


def matched(match: re.Match[str]) -> str:
    """The lexeme a `lexeme_pattern` match is of (its group's name spells it in hex)."""
    assert match.lastgroup is not None
    return _spelled(match.lastgroup)


@functools.lru_cache(maxsize=4096)
def _spelled(group: str) -> str:
    """A group's name read back once, not at each of the ~400 matches a search's candidates hold."""
    return bytes.fromhex(group[1:]).decode()


def span_coverage(pattern: re.Pattern[str] | None, text: str, spans: Sequence[Sequence[Any]],
                  idf: dict[str, float], total: float, named: Collection[str] = ()) -> list[float]:
    """For each span, how much of the question's idf it holds, read together with the chunk's lead (a table's caption
    and header, which every row is read with) and the question's words that name the passage's document (`named`:
    a brand or family its title carries, which every sentence of it is read under). A parts list's scope sentence
    ("covers the Acme AB-5, AB-7 and AB-9") repeats the brand its rows never say, and scored as holding more of
    "Acme AB-7 burner part number" than the row pairing AB-7 with its burner. One scan of the text finds every
    lexeme."""
    if pattern is None:
        return [0.0] * len(spans)
    lowered = text.lower()
    lead_end = int(spans[0][0]) if spans else 0
    found = [(m.start(), matched(m)) for m in pattern.finditer(lowered)]
    lead = {t for position, t in found if position < lead_end} | {t for t in named if t in idf}
    out = []
    for span in spans:
        start, end = int(span[0]), int(span[1])
        held = lead | {t for position, t in found if start <= position < end}
        out.append(sum(idf[t] for t in held) / total)
    return out


# Where a phrase ends: a sentence's end, a line (a heading, a table row), a table cell, a heading path's separator.
_BREAK = re.compile(r"[.;:!?](?:\s|$)|[\n|>]")
_GAP_WORD = re.compile(r"[a-z0-9]+")


def _positions(pattern: re.Pattern[str], text: str) -> list[tuple[str, int, int]]:
    """Each lexeme found in lowercased `text`, in order, with the index of its word and of its sentence."""
    out = []
    word = sentence = last = 0
    for m in pattern.finditer(text):
        gap = text[last:m.start()]
        word += len(_GAP_WORD.findall(gap)) + 1
        sentence += len(_BREAK.findall(gap))
        out.append((matched(m), word, sentence))
        last = m.end()
    return out


def _adjacent(pattern: re.Pattern[str], text: str) -> set[tuple[str, str]]:
    """The pairs of lexemes `text` says side by side, in order, in one sentence, line or heading."""
    found = _positions(pattern, text.lower())
    return {(a, b) for (a, i, s), (b, j, t) in zip(found, found[1:]) if j == i + 1 and s == t and a != b}


def question_pairs(pattern: re.Pattern[str] | None, text: str, idf: dict[str, float]) -> dict[tuple[str, str], float]:
    """The question's compound nouns and phrases: each two of its content words said side by side ("alarm valve",
    "backflow preventer", "flow switch"), weighted by their idf."""
    if pattern is None:
        return {}
    return {(a, b): idf.get(a, 0.0) + idf.get(b, 0.0) for a, b in _adjacent(pattern, text)}


def phrase_share(pairs: dict[tuple[str, str], float], pattern: re.Pattern[str] | None, text: str) -> float:
    """The share (by idf) of the question's word pairs that `text` says as the question does: side by side, in that
    order, in one sentence or heading. A passage about "alarm valves" says the pair; one about control valves that
    mentions the fire alarm system holds both words, scattered."""
    total = sum(pairs.values())
    if pattern is None or not total:
        return 0.0
    said = _adjacent(pattern, text)
    return sum(w for pair, w in pairs.items() if pair in said) / total


@dataclass(frozen=True)
class Coverage:
    """What a span's share of the question's vocabulary is measured against (`span_coverage`)."""

    pattern: re.Pattern[str] | None
    idf: dict[str, float]
    total: float


@dataclass(frozen=True)
class Candidate:
    """A passage stage one found, with what stage two measured of it; `score` is set by `rank`."""

    row: dict[str, Any]
    features: dict[str, float]
    boost: float  # the exact section, clause or model named; the standard named
    exact: bool
    spans: list[tuple[Any, ...]]  # (start, end, section, page) of each sentence or row
    span_scores: list[float]
    query: Query
    score: float = 0.0


@dataclass(frozen=True)
class Said:
    """Which span of a returned passage its answer is said around, and every span's score with the preference of
    the question's kind ("can I ..." for a rule) that chose it."""

    best: int
    scores: list[float]


def said(returned: Sequence[Candidate]) -> list[Said]:
    """For the passages returned only (ranking never needs it): the span each one's answer is said around, the one
    the question names (`_named`) else the best scored. The question's kind is read once for all their spans: per
    passage it was read again for each."""
    if not returned:
        return []
    query = returned[0].query  # one question's candidates
    texts = [[_span_text(c.row["text"], sp) for sp in c.spans] for c in returned]
    preferences = iter(spans.kind_preferences(query.text, [t for passage in texts for t in passage]))
    out = []
    for candidate, passage in zip(returned, texts):
        scores = [s + next(preferences) for s in candidate.span_scores]
        named = [_named(query, text, sp[2]) for text, sp in zip(passage, candidate.spans)]
        out.append(Said(spans.best(scores, named), scores))
    return out


def measure(query: Query, matrix: Matrix, row: dict[str, Any], *, bm25: float, dense: float | None,
            idf: dict[str, float], total_idf: float, pattern: re.Pattern[str] | None, products: set[str],
            best_key: str | None, asked: Coverage | None,
            pairs: dict[tuple[str, str], float] | None = None) -> Candidate:
    text = row["text"]
    vectors = unpack(row["span_vectors"], len(query.vector)) if row["span_vectors"] and query.vector is not None \
        else None
    if dense is None:
        dense = float(vectors[0] @ query.vector) if vectors is not None else 0.0
    spans = [tuple(s) for s in row["spans"]] or [(0, len(text), row["section"], row["page"])]
    span_dense = vectors[1:] @ query.vector if vectors is not None and len(vectors) == len(spans) + 1 else None
    # the question's brand or family words this passage's document is titled by: every sentence of it holds them
    named = _title_words(pattern, row.get("title") or "") & products
    span_lexical = span_coverage(pattern, text, spans, idf, total_idf, named)
    span_scores = [(span_dense[i] if span_dense is not None else dense) * SPAN_DENSE + span_lexical[i] * SPAN_LEXICAL
                   for i in range(len(spans))]
    best = max(range(len(span_scores)), key=span_scores.__getitem__)  # np.argmax's first best, without an array
    if asked is not None:  # the trade's terms found the passage; the sentence said holds the question's own words
        # first, the trade's terms at half weight: "hooked up backwards" is said from the "Phase reversal" row
        said = span_coverage(asked.pattern, text, spans, asked.idf, asked.total, named)
        span_scores = [(span_dense[i] if span_dense is not None else dense) * SPAN_DENSE
                       + (said[i] + span_lexical[i]) / 2 * SPAN_LEXICAL for i in range(len(spans))]
    context = matrix.terms_of_document(int(row["document_id"]))
    features = {
        "dense": dense,
        "lexical": bm25 / total_idf,
        "span_dense": float(span_dense[best]) if span_dense is not None else dense,
        "span_lexical": span_lexical[best],
        "product": float(bool(products & context)),
        "other_product": float(bool(products) and not products & context),
        "phrase": phrase_share(pairs or {}, pattern, f"{row.get('heading') or ''}\n{text}"),
    }
    if questions_only([_span_text(text, span) for span in spans]):  # a quiz: no sentence of it is an answer
        features.update(span_dense=0.0, span_lexical=0.0)
    # "Thorncliff 4.3.1" names the Thorncliff release 4.3.1, not NFPA 25's section 4.3.1: a number is a document's
    # own section only when the question names no product, or names this document's
    exact = best_key is not None and best_key in row["keys"] and not features["other_product"]
    boost = (EXACT_BOOST if exact else 0.0) + (
        STANDARD_BOOST if row["standard_key"] and row["standard_key"] in query.standards else 0.0) + (
        NAMED_PASSAGE if _names_asked(query, row, spans) else 0.0)
    return Candidate(row, features, boost, exact, spans, span_scores, query)


def _title_words(pattern: re.Pattern[str] | None, title: str) -> set[str]:
    """The question's lexemes a document's title says."""
    return {matched(m) for m in pattern.finditer(title.lower())} if pattern is not None else set()


def with_kind(query: Query, found: Sequence[Candidate]) -> list[Candidate]:
    """Each candidate with its `span_kind`: the summed kind preferences of the span its answer is said around, the
    best by score and preference together among its spans scoring within `KIND_MARGIN` of its best, not of its best
    scored span alone. Of a table the best scored row is often a neighbour of the one asked ("95 | ..." over
    "100 | ..." for "R-134a psig at 100 F"): the passage holding the row the question names scored as holding none,
    and lost to another table whose best row it names. A sentence well behind the best is about something else: its
    number or rule is not what the passage says of the question. Asked of all of a question's spans at once, so the
    question's own kind is read once."""
    floors = [max(c.span_scores) - KIND_MARGIN for c in found]  # once a passage, not once a span
    close = [[i for i, score in enumerate(c.span_scores) if score >= floor] for c, floor in zip(found, floors)]
    texts = [_span_text(c.row["text"], c.spans[i]) for c, kept in zip(found, close) for i in kept]
    preferences = iter(spans.kind_preferences(query.text, texts))
    out = []
    for candidate, kept in zip(found, close):
        kinds = [next(preferences) for _ in kept]
        said = max(range(len(kept)), key=lambda n: candidate.span_scores[kept[n]] + kinds[n])
        out.append(replace(candidate, features={**candidate.features, "span_kind": kinds[said]}))
    return out


def _span_text(text: str, span: Sequence[Any]) -> str:
    return text[int(span[0]):int(span[1])]


def _row_key(cells: list[str]) -> str | None:
    """The code a table row is keyed by, as `code_key` writes it ("E04 | High pressure ..." is "e4")."""
    first = cells[0].split() if cells else None
    return code_key(first[0]) if first else None


def _names_asked(query: Query, row: dict[str, Any], spans: Sequence[Sequence[Any]]) -> bool:
    """Whether a passage mentions what the question names: a model, part or code it writes (the passage's identifiers,
    read under its headings at ingest) other than only among its family's other models (`scope_sentences`), or a table
    row keyed by a code it says ("e zero four": "E04 | ...")."""
    if query.identifiers and not query.identifiers.isdisjoint(row.get("identifiers") or ()):
        return not only_listed(query.text, query.identifiers, row["text"], spans)
    if query.codes and " | " in row["text"]:  # only a table's rows are keyed
        keys = {code_key(c) for c in query.codes}
        return any(cells is not None and _row_key(cells) in keys for cells in map(row_cells, row["text"].split("\n")))
    return False


def _named(query: Query, span_text: str, section: str | None) -> float:
    """How exactly a span is the one the question names: its own clause ("17-1106(e)(3)(ii)" over its parent
    "17-1106(e)(3)", by length); else a code it mentions ("T27") or a table row keyed by a code it says ("see nine":
    "C9 | ..."); else the share of a table row's key (first cell: "4 in.", "ACX 200", "Weekly") the question says,
    from its first word on: "ACX 200" names the row "ACX 200" whole and "ACX 100" only half, not both alike."""
    if section and section.upper() in query.identifiers:
        return 1 + len(section)
    if query.identifiers & set(text_identifiers(span_text)):
        return 1
    if (cells := row_cells(span_text)) is not None:
        if query.codes and _row_key(cells) in {code_key(c) for c in query.codes}:
            return 1
        if cells[0].strip().isdigit():  # a number alone names its row only as a key is said ("3 flashes", "code 3")
            return float(figures_said.names_row(query.text, span_text))
        key = words(cells[0])
        return sum(w in query.words for w in key) / len(key) if key and key[0] in query.words else 0
    return 0


def probability(score: float) -> float:
    """The ranker's own logistic: the chance that a candidate, any of the question's dozens, carries the answer. It
    says which passages are no answer at all (search's floor), not how sure a returned hit is: fitted over every
    candidate, it reads a question's clear winner at 0.1 when seven in ten such winners are right."""
    return round(1.0 / (1.0 + math.exp(-max(min(score, SCORE_CAP), -SCORE_CAP * 3))), 4)


def rank(found: Sequence[Candidate], weights: dict[str, float], bias: float) -> list[Candidate]:
    """`found` scored by `weights` (a feature not named weighs nothing), best first."""
    scored = [replace(c, score=bias + c.boost + sum(w * c.features.get(name, 0.0) for name, w in weights.items()))
              for c in found]
    scored.sort(key=lambda c: (-c.score, int(c.row["id"])))
    return scored
