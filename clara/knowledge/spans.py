"""Which sentence(s) of a passage answer the question: the span a reply says and the search route returns.

Search's second stage scores every sentence, list item and table row of a passage by meaning and by the question's
rare words. Those find the sentence *about* the asked thing; the one that *answers* it is often its neighbour or is
told apart by the kind of question, as in extractive question answering:

- the kind of question wants a kind of sentence: "can I ..." is answered by a rule ("never", "must", "only"), "how do
  I ..." by an instruction, "why does it ..." by a cause ("because", "due to", "can kink"), "does pressing it ..." by
  a sentence saying what it does not, or only, do;
- a question asking for an amount ("how long", "what pressure", "max ...") is answered by a sentence giving a number,
  best one in the asked quantity's units, in digits or in words; a time also as a frequency ("every alternate year")
  or, asked "when does it end", a date; "when" setting a condition ("what does it show when it's low") asks no time;
- a question may also ask a place ("where does it tee in": "between ...", "where do I set it": "Program >") or colour;
- a figure the question says names the table row whose key's range holds it ("150 horse": "125 to 300 hp") or whose
  other cells state it ("the two hundred twelve degree head": "Intermediate | 212 deg F | green"), and a key said
  exactly, even in pieces, names its row within and across passages (`figures_said.names_row`: "blinking five
  times", row "5 | ..."; "e zero four", row "E04 | ..."), and a list item's label holding a figure said whole names
  its item ("board 3 flashes": "- 3 flashes: ignition lockout");
- a span mentioning a code the question says is said over a better scored one only when the scores cannot tell the
  two apart (`best`): the code is often the document's own model, mentioned by a page header as well;
- a run-in item title ("a) Engine start contact.") names what the sentence after it describes: both are said;
- a short sentence sets up the next one more often than it ends one ("The panel does not show which circuit; find it
  by elimination."): it is said with the sentence after it unless the one before is clearly the better; a question
  in the text ("Q: How often ...?") with what answers it, up to its next question (past any code it quotes to the
  answer labelled "Answer:", `questions_in_text`), an entry's run-in title ("Release will not reset.", or a short
  sentence opening a paragraph of three or more: "Code 7, outdoor sensor open.") with the entry it titles, as far
  as the reply's length allows, and a label whose dotted leader runs on to the next line ("Jockey pump stop ...")
  with its value;
- a sentence opening a list ("Each detector shall:") is said with the list's best item, an item with its opening;
- a sentence opening with a word that points back ("It releases with a short hiss ...", "When it trips ..."), its
  label aside, is said with the sentence before it, whether it is the best span or the close second, and after a
  short best one as what completes it ("Step 4.2.2.1 If it does not, check ...");
- a sentence going on a list item is said with its own item's label, not with the next item, and so is one said as
  the neighbour of the next item's label ("- Zone type: Program > Zones > Zone Type. Choose ... WATERFLOW ...");
- a table row stands alone (the reply reads it with its column names), whole even where a cell holds two sentences,
  and a short record of labelled fields ("Code: ...", "Finding: ...") is said whole (`field_records`);
- the next-best span of the section, or of the best one's list (a regulation's sibling clauses), is said too when it
  scores about as well: the ranking cannot tell which of the two holds the fact, or the question asks two things (a
  span per line, so two rows stay rows); when both would be too long to say, the second goes before a weaker
  sentence before a short best one, said with it as context, or any neighbour of a best one chosen for the code it
  names when the second scores higher, and replaces a best span too long to say at all;
- a question's other part ("how soon must it be registered, and the fee") nothing said names: its best span says it;
- a question asking for a kind of answer that nothing said is (a reason for "why", a figure in the asked units, a
  price for "what will it cost") is told by the section's best span of that kind, when it scores close to the best:
  the rule is the sentence closest to "why does the insurer want vibration switches", its commentary the answer.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

from clara.knowledge.amounts_asked import AMOUNT, AMOUNT_QUESTION, QUANTITIES
from clara.knowledge.asked_parts import going_on, other_part
from clara.knowledge.chunking import row_cells
from clara.knowledge.field_records import record
from clara.knowledge.figures_said import figures, holds, measured, names_item, names_label, names_row, states
from clara.knowledge.kinds_asked import ASPECTS, KINDS
from clara.knowledge import questions_in_text as in_text
from clara.knowledge.span_memo import found, stripped


ANSWER_WORDS = 25  # a shorter best sentence is said with a neighbour: "(7) Re-entry." names, the next tells
LIST_ITEMS = 8  # a sentence opening a list ("... shall:") is said with the best of the items that follow it
LABEL_WORDS = 10  # "- Zone type: Program > Zones > Zone Type.": an item's label, said with the item's next sentence
TITLE_WORDS = 6  # "a) Engine start contact.": a labelled line this short is an item's title, said with its sentence
BACKWARD_MARGIN = 0.5  # a short best sentence is said with the one before it, not after, when that is this much better
KIND_PREFERENCE = 0.6  # a sentence of the kind the question asks for, over a slightly closer one of another kind
AMOUNT_PREFERENCE = 1.0  # a sentence giving a number, when the question asks for one, over a closer one without
RANGE_PREFERENCE = 1.0  # a table row whose key's range holds the question's figure ("150 hp": "125 to 300 hp")
NAMED_ROW_PREFERENCE = 2.0  # a table row whose key the question says ("e zero four": "E04 | ..."), over any other
SECOND_MARGIN = 0.5  # a span of the best one's section this close to it in score is said too (dev: 0.5 to 3 alike)
KIND_MARGIN = 1.0  # a span of the kind asked, when nothing said is, this close to the best is said with it
SPOKEN_WORDS = 60  # ... unless the reply would pass this many words (about 25 seconds said aloud)

_LABEL = re.compile(r"^\s*(?:\(?[0-9A-Za-z]{1,4}\)|\d+(?:\.\d+)*\.?|[A-Za-z]\.)\s+")


def kind_preferences(question: str, texts: Sequence[str]) -> list[float]:
    """For each span, how much it is the kind of sentence the question asks for: KIND_PREFERENCE for a rule, an
    instruction or a cause when the question's kind asks one, and for a figure in the asked quantity's units;
    AMOUNT_PREFERENCE for any number when the question asks for an amount; KIND_PREFERENCE again for each other
    aspect asked (a place, a colour); RANGE_PREFERENCE for a row whose key's range holds a figure the question says
    or which says it with its unit (`measured`: "the 14 day items"), and KIND_PREFERENCE for a row stating that
    figure in another cell (`states`: "the 212 degree head"); and NAMED_ROW_PREFERENCE, the largest term, for a row
    whose key the question says (`names_row`) or a list item or field whose label it says (`names_item`,
    `names_label`): a key said exactly is the surest sign of the row asked for, so it outweighs every kind term.
    The terms add up: the result is graded, and `ranking` reads it as the `span_kind` signal."""
    bodies = [stripped(_LABEL, t) for t in texts]
    out = [0.0] * len(texts)
    for asks, answers in KINDS:
        if asks.search(question):
            out = [KIND_PREFERENCE * found(answers, b) for b in bodies]
            break
    units = [unit for asks, unit in QUANTITIES if asks.search(question)]
    if units:
        out = [p + KIND_PREFERENCE * any(found(u, b) for u in units) for p, b in zip(out, bodies)]
    if AMOUNT_QUESTION.search(question):
        out = [p + AMOUNT_PREFERENCE * found(AMOUNT, b) for p, b in zip(out, bodies)]
    for asks, answers in ASPECTS:
        if asks.search(question):
            out = [p + KIND_PREFERENCE * found(answers, b) for p, b in zip(out, bodies)]
    if said := figures(question):
        out = [p + RANGE_PREFERENCE * (holds(t, said) or measured(t, question)) + KIND_PREFERENCE * states(t, said)
               for p, t in zip(out, texts)]
    return [p + NAMED_ROW_PREFERENCE * (names_row(question, t) or names_item(question, t) or names_label(question, t))
            for p, t in zip(out, texts)]


# A list item as written: a bullet, "(ii)", "a)", "3.", "B.".
_ITEM = re.compile(r"^\s*(?:[-•*▪–]\s+|\(?[0-9A-Za-z]{1,4}\)\s+|\d+(?:\.\d+)*\.?\s+|[A-Za-z]\.\s+)")
_MARKED = re.compile(r"\s*(?:[-•*▪–]|\(?[0-9A-Za-z]{1,4}\))\s")  # a bullet or "(b)", "b)": an item, not a heading
_LEADER_END = re.compile(r"(?:\.\s?){4,}$|…$")  # "Jockey pump stop ..........": its value is on the next line
# A sentence opening with a word that points back ("It opens at 60 psi."), or with a condition on one ("When it trips
# the board shuts off the compressor"), is said with the sentence it points to.
_ANAPHOR = re.compile(r"^\s*(?:(?:when|whenever|if|once|after|before|until|while|unless|because|since)\s+)?"
                      r"(?:it|its|this|these|that|those|they|their|them|such)\b", re.IGNORECASE)
_STEP = re.compile(r"^\s*(?:[A-Za-z]+\s+)?\d+(?:\.\d+)+\s+")  # "Step 4.2.2.1 ", "Section 3.2 ": a numbered step's label


def _points_back(span_text: str) -> bool:
    """Whether a span, its label aside ("Step 4.2.2.1 If it does not, check ..."), points back to the one before."""
    return bool(_ANAPHOR.match(_LABEL.sub("", _STEP.sub("", span_text, count=1), count=1)))


def _in_item(text: str, span: Sequence[Any]) -> bool:
    """Whether a span is in a list item: its line starts with an item's marker ("- ", "(ii)", "3.")."""
    return bool(_ITEM.match(text[text.rfind("\n", 0, int(span[0])) + 1:int(span[1])]))


def _opens_item(text: str, span: Sequence[Any]) -> bool:
    """Whether a span opens a list item: its line starts with it, marked; the marker may be left out of the span."""
    line_start = text.rfind("\n", 0, int(span[0])) + 1
    return _in_item(text, span) and len(text[line_start:int(span[0])].strip()) <= 4


def _is_title(span_text: str) -> bool:
    """ "a) Engine start contact.", "(7) Re-entry.": a labelled item's run-in title, not a sentence of its own."""
    return bool(_LABEL.match(span_text)) and len(_LABEL.sub("", span_text, count=1).split()) <= TITLE_WORDS


def _lead_in(item: int, span_text: Callable[[int], str], is_sentence: Callable[[int], bool]) -> int | None:
    """The sentence opening the list ("Each detector shall:") that `item` is an item of, when every span from it
    to `item` is marked as an item ("- ", "(ii)", "3."): an item read alone does not say what it is about. A
    regulation's items are clauses of their own ("(d)(1)(ii)"), so the lead-in may be in another section."""
    for i in range(item - 1, max(-1, item - 1 - LIST_ITEMS), -1):
        if not is_sentence(i):
            return None
        if span_text(i).rstrip().endswith(":"):
            return i if all(_ITEM.match(span_text(j)) for j in range(i + 1, item + 1)) else None
    return None


def best(scores: Sequence[float], named: Sequence[float]) -> int:
    """The span the answer is said around: the one the question names, else the best scored. A clause named by its
    own number ("17-1106(e)(3)(ii)", named above 1) always; a span merely mentioning a code the question says, or a
    row whose key it says, only while no other span scores better by more than SECOND_MARGIN: the question's code is
    often its document's own model ("how high can the RDS-5 sit"), which a page header or the wrong answer of a FAQ
    mentions as well, and the scores then tell the sentence holding the fact."""
    top = max(range(len(scores)), key=lambda i: (named[i], scores[i]))
    if named[top] > 1:
        return top
    scored = max(range(len(scores)), key=lambda i: scores[i])
    return scored if scores[scored] > scores[top] + SECOND_MARGIN else top


def answer(text: str, spans: Sequence[Sequence[Any]], best: int, scores: Sequence[float], question: str = "") -> str:
    """What is said from a passage around its best span (see the module's docstring), with the close second of its
    section when the scores cannot tell the two apart (`_second`), and the span telling what a question's other
    part asks when neither says it (`asked_parts.other_part`)."""

    spans, best, scores = _whole_rows(text, spans, best, scores)

    def span_text(i: int) -> str:
        return text[int(spans[i][0]):int(spans[i][1])].strip()

    said, used = _around(text, spans, best, scores, span_text, question)
    on = going_on(question, said, spans, best, used, span_text, _points_back)
    if on is not None and len(said.split()) + len(span_text(on).split()) <= SPOKEN_WORDS:
        said, used = f"{said} {span_text(on)}", used | {on}
    said = _both(said, used, spans, best, scores, span_text)
    other = other_part(question, said, spans, best, scores, span_text)
    if other is not None and len(said.split()) + len(span_text(other).split()) <= SPOKEN_WORDS:
        return f"{said}\n{span_text(other)}"
    kind = _of_kind(question, said, spans, best, scores, span_text) if other is None else None
    if kind is None:
        return said
    if len(said.split()) + len(span_text(kind).split()) <= SPOKEN_WORDS:
        return f"{said}\n{span_text(kind)}"
    # too long to say both: the span of the kind asked alone, when the scores can barely tell it from the best
    return span_text(kind) if scores[kind] >= scores[best] - SECOND_MARGIN else said


def _of_kind(question: str, said: str, spans: Sequence[Sequence[Any]], best: int, scores: Sequence[float],
             span_text: Callable[[int], str]) -> int | None:
    """The best span of the best one's section that is of the kind the question asks for (`kind_preferences`: a
    cause for "why", a figure in the asked units, a rule for "can I"), when nothing said is, and it scores within
    KIND_MARGIN of the best: "why does the insurer want vibration switches" is asked of the rule "Provide each
    fan with a vibration cut-out switch", and answered by the commentary two sentences on ("A blade failure without
    a vibration trip can cut the fan stack"). The rule is said first, as the ranking's choice; the span of the kind
    asked completes it."""
    section = [i for i in range(len(spans)) if spans[i][2] == spans[best][2] and span_text(i) not in said]
    if not section:
        return None
    told = max(kind_preferences(question, said.split("\n")))
    kinds = kind_preferences(question, [span_text(i) for i in section])
    wanted = [(scores[i], i) for i, kind in zip(section, kinds) if kind > told]
    if not wanted:
        return None
    score, found = max(wanted)
    return found if score >= scores[best] - KIND_MARGIN else None


def _both(said: str, used: set[int], spans: Sequence[Sequence[Any]], best: int, scores: Sequence[float],
          span_text: Callable[[int], str]) -> str:
    """What is said around the best span, with the close second of its section when it can be said too."""
    second = _second(spans, best, scores, used, span_text)
    if second is None:
        return said
    also = span_text(second)
    before = second - 1  # "It releases with a short hiss ...": said with the sentence saying what "it" is
    if _points_back(also) and before >= 0 and before not in used and spans[before][2] == spans[second][2] and \
            row_cells(span_text(before)) is None:
        also = f"{span_text(before)} {also}"
    if len(said.split()) + len(also.split()) <= SPOKEN_WORDS:
        return f"{said}\n{also}"  # the best first, wherever the second stands: it is the likelier answer
    if len(said.split()) > SPOKEN_WORDS >= len(also.split()) and scores[second] >= scores[best]:
        return also  # a best span too long to say (a table flattened to a paragraph) yields to a second as good
    alone = span_text(best)
    # the sentence before a short best one, said with it as context, when it is the weaker of the two; the sentence
    # after it completes it ("Each unit shall be tested for 90 minutes." "At the start it shall give 1 foot-candle.")
    # unless the second outscores the best, chosen for the code it names ("The IGN-7 has one LED"): then the second
    # ("to read the stored codes, short TEST for 2 seconds") is likelier the answer than the best's neighbour
    helpers = used - {best}
    if helpers and (max(helpers) < best or scores[second] >= scores[best]) and not in_text.asks(alone) and \
            scores[second] > max(scores[i] for i in helpers) and len(alone.split()) + len(also.split()) <= SPOKEN_WORDS:
        return f"{alone}\n{also}"
    return said


def _whole_rows(text: str, spans: Sequence[Sequence[Any]], best: int,
                scores: Sequence[float]) -> tuple[list[Sequence[Any]], int, list[float]]:
    """The spans with each table row whole, scored as its best piece: sentences are cut at "; " and ". ", in a cell
    too ("B | 2025 | Date code range extended to 2409. Model KDS-40SW added."), and a piece loses the key or cells."""
    merged: list[Sequence[Any]] = []
    merged_scores: list[float] = []
    index: dict[int, int] = {}
    for i, span in enumerate(spans):
        start = int(span[0])
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        if row_cells(text[line_start:line_end]) is not None:
            if merged and int(merged[-1][0]) == line_start:  # another piece of the row just taken
                merged_scores[-1] = max(merged_scores[-1], scores[i])
                index[i] = len(merged) - 1
                continue
            span = (line_start, len(text[:line_end].rstrip()), *span[2:])
        merged.append(span)
        merged_scores.append(scores[i])
        index[i] = len(merged) - 1
    return merged, index[best], merged_scores


def _second(spans: Sequence[Sequence[Any]], best: int, scores: Sequence[float], used: set[int],
            span_text: Callable[[int], str]) -> int | None:
    """The best span of the best one's section, or of its list, not said yet, when it scores within SECOND_MARGIN of
    it: the fact asked often sits in the next-best sentence ("factory setting: every 7 days" beside "once every 7, 14
    or 30 days"), or a question asks two things, each told by its own sentence or row ("cut-in and cut-out"). A
    regulation's list items are clauses of their own ("(d)(1)(iii)", "(d)(1)(iv)"), each its own section, yet as
    alike as two sentences of one. As with two close passages (`clara.agent.knowledge_said.RUNNER_UP`), what the
    ranking cannot tell apart is said, both; and if saying both is too long, said is the better of the second and
    the neighbour a short best sentence came with (`answer`)."""

    def prose(i: int) -> bool:
        return i >= 0 and row_cells(span_text(i)) is None

    lead = _lead_in(best, span_text, prose)
    others = [i for i in range(len(spans)) if i not in used and (
        spans[i][2] == spans[best][2] or (lead is not None and _lead_in(i, span_text, prose) == lead))]
    if not others:
        return None
    second = max(others, key=lambda i: scores[i])
    return second if scores[second] >= scores[best] - SECOND_MARGIN else None


def _around(text: str, spans: Sequence[Sequence[Any]], best: int, scores: Sequence[float],
            span_text: Callable[[int], str], question: str = "") -> tuple[str, set[int]]:
    """The best span with what it needs to be understood (a neighbour, its list's lead-in, its list's best item),
    and the spans that says."""

    def same_section(i: int) -> bool:
        return 0 <= i < len(spans) and spans[i][2] == spans[best][2] and row_cells(span_text(i)) is None

    if row_cells(span_text(best)) is not None:
        return span_text(best), {best}
    if in_text.asks(span_text(best)) and \
            (replied := in_text.reply(best, span_text, same_section, SPOKEN_WORDS, question)) is not None:
        return replied
    if in_text.titled(span_text(best), spans[best][2]):
        return in_text.entry(best, span_text, same_section, SPOKEN_WORDS)
    if fielded := record(text, spans, best, same_section, SPOKEN_WORDS):
        return fielded
    if entry := in_text.paragraph_entry(best, text, [int(s[0]) for s in spans], span_text, same_section, SPOKEN_WORDS):
        return entry
    if (lead := _lead_in(best, span_text, lambda i: i >= 0 and row_cells(span_text(i)) is None)) is not None:
        return f"{span_text(lead)} {span_text(best)}", {lead, best}
    first = last = best
    if same_section(best - 1) and (_points_back(span_text(best)) or (_is_title(span_text(best - 1))
                                                                       and not _is_title(span_text(best)))):
        first = best - 1
    if len(span_text(best).split()) < ANSWER_WORDS and not span_text(best).endswith(":"):
        after = best + 1 if same_section(best + 1) and not _is_title(span_text(best + 1)) else None
        before = first - 1 if same_section(first - 1) and first == best else None
        asks = span_text(best).endswith("?")  # "Q: How often ...?", "Is the LED flashing?": what follows answers
        if before is not None and after is not None and _in_item(text, spans[best]) and \
                not _opens_item(text, spans[best]) and _opens_item(text, spans[after]):
            after = None  # the next item is about another thing: the best sentence of "- Zone type: Program > Zones >
            # Zone Type. Choose ALARM, ..." is said with its own item's label
        completes = after is not None and _points_back(span_text(after))  # "If it does not, check ..."
        if after is not None and (before is None or asks or completes or
                                  scores[after] + BACKWARD_MARGIN >= scores[before]):
            last = after
        elif before is not None:
            first = before
    if first < best:  # a neighbour going on another list item is said with that item's label
        first = _item_label(text, spans, first, span_text, same_section)
    last = _continued(first, last, span_text, same_section)
    said = text[int(spans[first][0]):int(spans[last][1])].strip()
    used = set(range(first, last + 1))
    if said.endswith(":"):
        items = [i for i in range(last + 1, min(len(spans), last + 1 + LIST_ITEMS)) if row_cells(span_text(i)) is None]
        if items:
            item = max(items, key=lambda i: scores[i])
            said, used = f"{said} {span_text(item)}", used | {item}
    return said, used


def _item_label(text: str, spans: Sequence[Sequence[Any]], i: int, span_text: Callable[[int], str],
                same_section: Callable[[int], bool]) -> int:
    """The label opening the list item that span `i` goes on ("- Zone type: Program > Zones > Zone Type." for "Choose
    ALARM, VERIFIED ALARM, WATERFLOW ... for each conventional zone."), when it is the span just before, marked as
    an item is ("- ", "(b)"; a numbered "2.2 Battery." is a heading) and as short as a label (LABEL_WORDS); else
    `i`: an item's second sentence read alone does not say which setting it is for."""
    label = i - 1
    if _in_item(text, spans[i]) and not _opens_item(text, spans[i]) and same_section(label) and \
            _opens_item(text, spans[label]) and _MARKED.match(text, text.rfind("\n", 0, int(spans[label][0])) + 1) and \
            len(span_text(label).split()) <= LABEL_WORDS:
        return label
    return i


def _continued(first: int, last: int, span_text: Callable[[int], str], same_section: Callable[[int], bool]) -> int:
    """Where what is said ends when its last span is not the end of what it says: a label whose dotted leader runs
    on to its value on the next line ("Jockey pump stop ..........", "5 psi above jockey start"), and a question the
    text asks ("Q: My unit keeps tripping. What else sets it off?"), answered by what follows up to its next question
    ("A: Aerosol cleaners ... The equipment controller then ..."), within SPOKEN_WORDS."""
    asked = in_text.asks(span_text(first))
    # the text's question is what the technician asked: the words that count are its answer's
    words = 0 if asked else sum(len(span_text(i).split()) for i in range(first, last + 1))
    ended = last
    while same_section(last + 1):
        following = span_text(last + 1)
        # a value, or the answer to the question just said; then the rest of the text's answer
        completes = last == ended and bool(_LEADER_END.search(span_text(last)) or span_text(last).endswith("?"))
        answers = asked and not in_text.QUESTION_START.match(following) and not following.endswith("?") and \
            words + len(following.split()) <= SPOKEN_WORDS
        if not (completes or answers):
            break
        last += 1
        words += len(following.split())
    return last
