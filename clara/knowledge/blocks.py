"""A document as a sequence of blocks: headings, paragraphs and tables, in reading order, each with its page.

Every format is read into this one shape first (Markdown with markdown-it, plain text line by line in
`clara.knowledge.text_blocks`, PDF by layout in `clara.knowledge.pdf`), so the outline (sections, clauses) and the chunking downstream know nothing of formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Literal, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from clara.knowledge.html_blocks import inline_html, read_html

BlockKind = Literal["heading", "paragraph", "table"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str  # a heading's or paragraph's text; a table's caption (may be empty)
    page: int | None = None  # 1-based PDF page; None for Markdown and text
    level: int | None = None  # a heading's level when the format says it (Markdown's #, a PDF font size rank)
    rows: tuple[tuple[str, ...], ...] = ()  # a table's rows, its header first


def heading(text: str, *, level: int | None = None, page: int | None = None) -> Block:
    return Block("heading", _squash(text), page, level)


def paragraph(text: str, *, page: int | None = None) -> Block:
    return Block("paragraph", _squash(text), page)


def table(rows: Iterable[Iterable[str | None]], *, caption: str = "", page: int | None = None) -> Block | None:
    """A table of non-empty rows, cells squashed to one line; None when nothing is left of it."""
    cleaned = [tuple(_squash(cell or "") for cell in row) for row in rows]
    headed = bool(cleaned) and any(cleaned[0])  # an empty first row: a table without a header (keyed rows)
    cleaned = [row for row in cleaned if any(row)]
    if not cleaned:
        return None
    if not headed or _counted_keys(cleaned):
        cleaned.insert(0, ("",) * len(cleaned[0]))
    return Block("table", _squash(caption), page, rows=tuple(_filled_down(_joined_header(cleaned))))


def _counted_keys(rows: list[tuple[str, ...]]) -> bool:
    """Whether the first cells of the first rows count on ("A", "B", "C"; "1", "2", "3"): the callouts of a figure's
    legend or the steps of a table, keyed from the first row on. A header names its key column ("Callout", "Step");
    taken for one, callout A's row became the column names every other row was read under ("B: Exhaust collar
    Baffle filters"), and no passage held A as a row."""
    keys = [row[0] for row in rows[:3] if row]
    if len(keys) < 3 or not all(len(key) <= 3 for key in keys):
        return False
    if all(key.isdigit() for key in keys):
        return [int(key) for key in keys] == list(range(int(keys[0]), int(keys[0]) + 3))
    return all(len(key) == 1 and key.isalpha() for key in keys) and \
        [ord(key) for key in keys] == list(range(ord(keys[0]), ord(keys[0]) + 3))


_NUMBER = re.compile(r"^[-+]?[\d.,]+%?$")
_HEADER_CELL_WORDS = 4


def _joined_header(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """A header over two rows or more, one header: "Suction pressure" spanning "Min" and "Max" reads "Suction pressure
    Min", "Suction pressure Max"; units printed under the names ("(Btu/h)" under "Capacity") read "Capacity (Btu/h)";
    a group over names over units ("Hot water, 200 °F entering water" over "Heating capacity" over "MBH") reads all
    three. Left as rows of their own, the lines under the first were taken for rows of data, their cells shifted under
    the wrong names, and the group's words ("heating capacity") were read with no row. A line is a further header line
    when its first cell is blank under the header's (the key column's name spans them all) and its cells are short
    labels, not figures, over a row that has its key."""
    depth = 1
    while depth < len(rows) and _header_line(rows[depth], rows[0]):
        depth += 1
    if depth == 1 or depth == len(rows) or not rows[0][0] or not rows[depth][0]:
        return rows
    names = list(rows[0])
    for sub in rows[1:depth]:
        for index in range(1, len(names)):
            if not names[index] and sub[index]:
                names[index] = names[index - 1]  # a name over two columns is printed once, in the first
        names = [f"{name} {label}".strip() for name, label in zip(names, sub)]
    return [tuple(names), *rows[depth:]]


def _header_line(row: tuple[str, ...], top: tuple[str, ...]) -> bool:
    labels = [cell for cell in row if cell]
    return (len(row) == len(top) and not row[0] and len(labels) >= 2
            and not any(_NUMBER.match(cell) or len(cell.split()) > _HEADER_CELL_WORDS for cell in labels))


def _filled_down(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """A row whose first cell is blank goes on the row above: a merged cell ("E01" over two causes) or the second
    line of an entry. Filled, "Flame rod dirty: clean it" still says which code it is about when said alone."""
    out = rows[:1]
    for row in rows[1:]:
        above = out[-1]
        if row and not row[0] and above[0] and len(out) > 1:
            row = (above[0], *row[1:])
        out.append(row)
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ---- Markdown ----------------------------------------------------------------------------------------------------

_MARKDOWN = MarkdownIt("commonmark").enable("table")
_BOLD_HEADING_MAX_WORDS = 12
_BOLD_QUESTION_MAX_WORDS = 40  # a question with its own preamble ("The test runs, but ... . Is that a fault?")


def _inline_text(token: Token) -> str:
    """An inline token's text without its markup (emphasis, code spans and links keep their words)."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "html_inline":
            parts.append(inline_html(child.content))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def _html_blocks(source: str) -> list[Block]:
    out: list[Block] = []
    for kind, level, content in read_html(source):
        if isinstance(content, list):
            if (block := table(content)) is not None:
                out.append(block)
        else:
            out.append(heading(content, level=level) if kind == "heading" else paragraph(content))
    return out


def _inline_children(token: Token) -> list[Token]:
    """A paragraph's inline tokens without the blank text between them: what its bold opening is read from."""
    return [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]


def _bold_only(token: Token) -> bool:
    """A paragraph that is nothing but bold text ("**3.2 Pressure settings**") is a heading written without #. So is
    a FAQ's bold question, however long ("**Q4. How long does the XR-2 purge timer keep the fan running after a
    stop?**"): it titles the answer under it. Read as a paragraph, a long question and its answer ran on into the
    question before, cited under that one."""
    children = _inline_children(token)
    inside = children[1:-1]  # a long question wraps: its lines are text between soft breaks
    if (len(children) < 3 or children[0].type != "strong_open" or children[-1].type != "strong_close"
            or any(c.type not in ("text", "softbreak") for c in inside)):
        return False
    text = " ".join(c.content for c in inside if c.type == "text").rstrip()
    if len(inside) > 1 and not text.endswith("?"):
        return False  # a bold paragraph over several lines is emphasis, not a title
    if text.endswith("?"):
        return len(text.split()) <= _BOLD_QUESTION_MAX_WORDS
    return len(text.split()) <= _BOLD_HEADING_MAX_WORDS and not text.endswith((".", ",", ";"))


# A run-in title's level: deeper than any heading a format ranks (Markdown's six levels, a bold-only line's unranked
# level, an outline's letters), so it titles only the paragraphs under it and the next run-in title closes it.
RUN_IN_LEVEL = 200
_RUN_IN_END = (".", "?", "!")


def _run_in_title(token: Token) -> str | None:
    """The bold title a paragraph opens with, ending its sentence ("**Pull station does not release.** The cable is
    likely bound...", "**No heat**. Check the fuse.", "**Why does it trip?** ..."). Troubleshooting guides, FAQs and
    bulletins set their entries so; read as one paragraph, a section's entries ran together into one passage that a
    question saying one title matched only weakly. A bold lead-in ending in a colon is a label or a field
    ("**Note:**", "**Bulletin number:** TB-0419"), a notice is never a title ("**Warning.** ..."), and bold words
    inside a sentence ("**Do not** open ...") end no sentence."""
    children = _inline_children(token)
    close = next((i for i, c in enumerate(children) if c.type == "strong_close"), None)
    if (not children or children[0].type != "strong_open" or close is None or close + 1 == len(children)
            or any(c.type not in ("text", "softbreak") for c in children[1:close])):
        return None
    title = _squash(" ".join(c.content for c in children[1:close] if c.type == "text"))
    after = children[close + 1].content if children[close + 1].type == "text" else ""
    if not title.endswith(_RUN_IN_END) and after[:1] in _RUN_IN_END:
        title += after[:1]  # "**No heat**. Check the fuse."
    limit = _BOLD_QUESTION_MAX_WORDS if title.endswith("?") else _BOLD_HEADING_MAX_WORDS
    if (not title.endswith(_RUN_IN_END) or not 2 <= len(title.split()) <= limit or ADMONITION.match(title)
            or not (title[:1].isupper() or title[:1].isdigit())):
        return None
    return title.rstrip(".!").strip()


def markdown_blocks(source: str) -> list[Block]:
    """Headings (ATX, setext and bold-only lines), paragraphs, list items (with their numbers) and pipe tables."""
    tokens = _MARKDOWN.parse(source)
    blocks: list[Block] = []
    list_markers: list[str | None] = []  # per open list: its item marker style, None for bullets
    item_prefix = ""
    titled: dict[int, str] = {}  # a paragraph's index: the run-in title it opens with
    row: list[str] = []
    rows: list[tuple[str, ...]] = []
    for i, token in enumerate(tokens):
        kind = token.type
        if kind == "heading_open":
            blocks.append(heading(_inline_text(tokens[i + 1]), level=int(token.tag[1])))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            list_markers.append(token.markup if kind == "ordered_list_open" else None)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_markers.pop()
        elif kind == "list_item_open":
            item_prefix = f"{token.info}{token.markup} " if list_markers and list_markers[-1] else "- "
        elif kind == "inline" and tokens[i - 1].type == "paragraph_open":
            text = _inline_text(token)
            if _bold_only(token) and not item_prefix:
                blocks.append(heading(text))
            elif not item_prefix and (title := _run_in_title(token)) is not None:
                titled[len(blocks)] = title
                blocks.append(paragraph(text))
            elif text.strip():
                blocks.append(paragraph(item_prefix + text))
            item_prefix = ""
        elif kind in ("fence", "code_block") and token.content.strip():
            blocks.append(paragraph(token.content))
        elif kind == "html_block":
            blocks += _html_blocks(token.content)
        elif kind == "tr_open":
            row = []
        elif kind == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            row.append(_inline_text(token))
        elif kind == "tr_close":
            rows.append(tuple(row))
        elif kind == "table_close":
            caption = blocks.pop().text if blocks and _is_caption(blocks[-1]) else ""
            if (block := table(rows, caption=caption)) is not None:
                blocks.append(block)
            rows = []
    return _entries(blocks, titled)


def _entries(blocks: list[Block], titled: dict[int, str]) -> list[Block]:
    """Paragraphs opening with run-in titles, as entries: each titled paragraph under a heading of its own title when
    its section holds two or more (a troubleshooting list, a FAQ). One bold lead-in alone is emphasis, or a menu path
    said before the step ("**Program > Test > Walk Test**. Choose ..."), not an entry. The paragraph keeps its title
    as printed, so a question saying the title meets it in a sentence of the passage, not only in its heading."""
    entries: set[int] = set()
    group: list[int] = []
    for index, block in enumerate([*blocks, None]):
        if block is None or block.kind == "heading":
            entries.update(group if len(group) > 1 else ())
            group = []
        elif block.kind == "paragraph" and index in titled:
            group.append(index)
    out: list[Block] = []
    for index, block in enumerate(blocks):
        if index in entries:
            out.append(heading(titled[index], level=RUN_IN_LEVEL))
        out.append(block)
    return out


_CAPTION = re.compile(r"^(?:table|tab\.)\s*[A-Z]?-?\d+[\w.-]*\b", re.IGNORECASE)
# after "Table 2-1" a caption goes on with its name or a separator; a sentence goes on with a word in lower case. A
# federal rule names a table by the paragraph it serves: "Table 1 to paragraph (c)", "Table 2 to § 82.156".
_CAPTION_GOES_ON = re.compile(r"\s*(?:$|[.:\u2014\u2013-]|\(|[A-Z0-9]|to (?:paragraph|§|section|subpart|appendix)\b)")


def _is_caption(block: Block) -> bool:
    return block.kind in ("paragraph", "heading") and is_caption(block.text)


def is_caption(text: str) -> bool:
    """ "Table 4 Fault codes", "Table L-1": the line that names the table under it; not "Table 2-1 lists the
    ratings.", a sentence about it, which stays a paragraph of its own."""
    return _labelled(_CAPTION, text)


_FIGURE_CAPTION = re.compile(r"^(?:figure|fig\.|illustration|diagram|photo|drawing|exhibit)\s*[A-Z]?-?\d+[\w.-]*\b",
                             re.IGNORECASE)


def is_figure_caption(text: str) -> bool:
    """ "Figure 3 Wiring of the transducer", "Fig. 2-1 Trim": the line under a picture, which names it. It is a
    passage of its own (it says what the picture shows), never a heading over the text after it."""
    return _labelled(_FIGURE_CAPTION, text)


def _labelled(label_pattern: re.Pattern[str], text: str) -> bool:
    label = label_pattern.match(text)
    return bool(label) and len(text) < 120 and bool(_CAPTION_GOES_ON.match(text, label.end()))


# ---- plain text --------------------------------------------------------------------------------------------------

_NUMBERED = re.compile(r"^((?:[A-Z]\.)?\d+(?:\.\d+)*)\.?\s+(\S.*)$")
PLAIN_HEADING_MAX = 100


_REGULATION_HEADING = re.compile(r"^(?:§+\s*|(?:section|sec\.)\s+)\d+(?:[.-]\d+)*[A-Za-z]?\.?\s+[A-Z]", re.IGNORECASE)


def looks_like_numbered_heading(line: str) -> bool:
    """"5.2.4 Gauges on dry systems" and "§ 1910.157 Portable fire extinguishers." are headings; "5 psi above
    trip." or a numbered list step is not.

    Without a dot in the number ("4 Inspection") the title must be in title case, which list steps rarely are.
    """
    if _REGULATION_HEADING.match(line) and len(line) <= PLAIN_HEADING_MAX + 20:
        return True
    match = _NUMBERED.match(line)
    if not match or len(line) > PLAIN_HEADING_MAX or line.endswith((".", ",", ";", ":")):
        return False
    number, words = match.group(1), match.group(2).split()
    if not words[0][:1].isupper() or len(words) > 12:
        return False
    if "." in number:
        return True
    significant = [w for w in words if len(w) > 3]
    return all(w[:1].isupper() for w in significant)


_BROKEN_WORD = re.compile(r"([A-Za-z]+)-$")
_WORD_START = re.compile(r"[a-z]+")


def words_of(texts: Iterable[str]) -> set[str]:
    """A document's words in lower case, hyphenated ones as written ("self-contained"): what `join_lines` asks."""
    return {word for text in texts for word in re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower())}


def join_lines(lines: Iterable[str], words: set[str]) -> str:
    """A paragraph's lines as one text, a word hyphenated across a line break made whole again ("within five min-"
    + "utes" -> "minutes", which search could not match in two pieces), unless the document writes it with its
    hyphen elsewhere and never without ("self-" + "contained" stays "self-contained")."""
    # Built as a list of pieces, each line searched on its own for a broken word: a paragraph of thousands of lines
    # (a run-on PDF, page after page) made the copy and search of the growing text quadratic, minutes of the one
    # parse worker every upload waits for.
    pieces: list[str] = []
    for line in lines:
        broken = _BROKEN_WORD.search(pieces[-1]) if pieces else None
        start = _WORD_START.match(line)
        if broken and start:
            head, tail = broken.group(1).lower(), start.group(0)
            keep = f"{head}-{tail}" in words and head + tail not in words
            pieces[-1] = pieces[-1][:-1] + ("-" if keep else "")
        elif pieces:
            pieces.append(" ")
        pieces.append(line)
    return "".join(pieces)


def has_figures(row: Sequence[str]) -> bool:
    """Whether a row holds figures, as rows of data do ("E29", "60 psig") and a header of names does not."""
    return any(ch.isdigit() for cell in row for ch in cell)


# a notice, never a heading, however it is set
ADMONITION = re.compile(r"^(?:warning|caution|danger|note|notice|important)\b", re.IGNORECASE)
