"""A PDF's tables made whole once its blocks are in reading order: the caption above a table names it, a table
going on over the page keeps its header, and the footnotes set under it are its last rows."""

from __future__ import annotations

from clara.knowledge.blocks import Block, has_figures, is_caption


def continued_tables(blocks: list[Block]) -> list[Block]:
    """A table that goes on at the top of the next page without its header: its first row there is data (it has
    figures where the header above has none), read under the header of the part above. Taken for a header, "E29 |
    Fault 29 | Reset" was never an answer, and the rows under it were read under the wrong column names."""
    out: list[Block] = []
    for block in blocks:
        above = out[-1] if out else None
        if (block.kind == "table" and above is not None and above.kind == "table" and block.page and above.page
                and block.page == above.page + 1 and len(block.rows[0]) == len(above.rows[0]) > 1
                and block.rows[0] != above.rows[0] and has_figures(block.rows[0]) and not has_figures(above.rows[0])):
            block = Block("table", block.text or above.text, block.page, rows=(above.rows[0], *block.rows))
        out.append(block)
    return out


def attach_notes(blocks: list[Block], notes: set[int]) -> list[Block]:
    """The footnotes set right under a table ("1 Factory setting; field adjustable to 70 psig.") are its last rows:
    the passage that holds "RT-9A | 60 | 95" then also says what the mark on 60 meant."""
    out: list[Block] = []
    for block in blocks:
        if id(block) in notes and out and out[-1].kind == "table" and out[-1].page == block.page:
            out[-1] = Block("table", out[-1].text, out[-1].page, rows=(*out[-1].rows, (block.text,)))
            continue
        out.append(block)
    return out


def attach_captions(blocks: list[Block]) -> list[Block]:
    """ "Table 4 Fault codes" just above (or below) a table names it."""
    out: list[Block] = []
    for block in blocks:
        if block.kind == "table" and not block.text and out and out[-1].kind == "paragraph" and \
                is_caption(out[-1].text):
            caption = out.pop()
            block = Block("table", caption.text, block.page, rows=block.rows)
        out.append(block)
    return out

