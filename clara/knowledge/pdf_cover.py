"""A PDF's title block: the cover page, or the lines in the largest type that open its first page. They name the
document; read as headings, they stayed open over everything after them ("HV-30 Fire Pump Controller >
Installation Manual > ..." on every passage, the introduction cited as "Installation Manual"), and the cover's
small print ran on into the first sentence of page 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from clara.knowledge.blocks import Block
from clara.knowledge.outline import parse_heading
from clara.knowledge.pdf_line import Line

COVER_WORDS = 60  # a cover names, it does not explain: more words than this on page 1 and it is a page of text
_COVER_PROSE_WORDS = 30  # body-size words a cover may carry ("Read and keep these instructions." and a form number)
TITLE_WORDS = 20  # the title lines kept as the title; a cover's further large lines (models covered) are its text


@dataclass(frozen=True)
class TitleBlock:
    title_lines: tuple[str, ...]  # what names the document, in reading order
    text: tuple[Block, ...]  # the cover's other lines (models covered, form number, address): a passage of page 1


def is_cover(lines: list[Line], tables: list[tuple[int, float, Block]], pages: int, body: float,
             heading_step: float) -> bool:
    """Whether page 1 is a cover: a document of several pages whose first page holds a few lines, some in type at
    least as large as any heading after it, no table, no numbered section and hardly any body text."""
    first = [ln for ln in lines if ln.page == 1]
    if pages < 2 or not first or any(page == 1 for page, _, _ in tables):
        return False
    large = [ln for ln in first if ln.size >= body + heading_step]
    later = [ln.size for ln in lines if ln.page > 1 and ln.size >= body + heading_step]
    words = sum(len(ln.text.split()) for ln in first)
    prose = sum(len(ln.text.split()) for ln in first if ln.size < body + heading_step)
    return (bool(large) and words <= COVER_WORDS and prose <= _COVER_PROSE_WORDS
            and max(ln.size for ln in large) >= max(later, default=0.0)
            and all(parse_heading(ln.text, None).number is None for ln in large))


def read_cover(lines: list[Line], body: float, heading_step: float) -> TitleBlock:
    """A cover's lines as its title (the large type, in reading order) and a passage (the rest). Lines set alike and
    close together are one line of the cover wrapped ("HV-30 Fire Pump" over "Controller")."""
    runs: list[list[Line]] = []
    for line in lines:
        above = runs[-1][-1] if runs else None
        if (above is not None and abs(above.size - line.size) < 0.5 and above.bold == line.bold
                and line.top - above.bottom < line.size * 0.8):
            runs[-1].append(line)
        else:
            runs.append([line])
    kept, _ = _within_title_words([_said(run) for run in runs if run[0].size >= body + heading_step])
    others = [_said(run) for run in runs if _said(run) not in kept]
    return TitleBlock(tuple(kept), tuple(Block("paragraph", text, 1) for text in others))


def opening_title(blocks: list[Block]) -> tuple[TitleBlock, list[Block]]:
    """The unnumbered headings a document opens with, two or more in turn, each set larger than every heading
    after them ("HALVORSEN" over "HV-30 Fire Pump Controller", then sections in smaller type): its title, taken out
    of the outline, where each stayed open over the next and all of them over the whole document. A heading as
    large as a later one is a first section or a chapter of a book; a lone opening heading may title the first
    section as well as the document: the outline keeps those as it always did."""
    count = 0
    while (count < len(blocks) and blocks[count].kind == "heading" and blocks[count].page == 1
           and blocks[count].level is not None and parse_heading(blocks[count].text, None).number is None):
        count += 1
    later = [b.level for b in blocks[count:] if b.kind == "heading" and b.level is not None]
    while count and later and blocks[count - 1].level is not None and blocks[count - 1].level >= min(later):
        count -= 1  # only the headings in type larger than every later one are the title
    if count < 2 or not later:  # one heading may as well title the first section; the outline keeps it
        return TitleBlock((), ()), blocks
    kept, extra = _within_title_words([b.text for b in blocks[:count]])
    return TitleBlock(tuple(kept), ()), [*(Block("paragraph", text, 1) for text in extra), *blocks[count:]]


def _within_title_words(titles: list[str]) -> tuple[list[str], list[str]]:
    kept: list[str] = []
    words = 0
    for index, title in enumerate(titles):
        words += len(title.split())
        if kept and words > TITLE_WORDS:
            return kept, titles[index:]
        kept.append(title)
    return kept, []


def _said(run: list[Line]) -> str:
    return " ".join(" ".join(ln.text.split()) for ln in run)
