"""Plain text as blocks: a manual typed or exported as text, read line by line.

Numbered heading lines, lines in capitals, underlined titles and "[bracketed]" section lines start sections; blank
lines and list markers end paragraphs; lines in columns and comma-separated lines under a header are a table; a text
with form feeds has pages, whose running lines are left out.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from itertools import islice
from typing import Iterable, Sequence

from clara.knowledge.blocks import (ADMONITION, PLAIN_HEADING_MAX, Block, has_figures, heading, join_lines,
                                    looks_like_numbered_heading, paragraph, words_of)
from clara.knowledge.contents import is_contents_entry
from clara.knowledge.text_pages import PagedLines, paged_lines


_SETEXT_RULE = re.compile(r"^\s*(=+|-+)\s*$")
_ITEM_START = re.compile(r"^\s*(?:[-*\u2022]|\(?[A-Za-z0-9]{1,3}[.)])\s+\S")

def text_blocks(source: str, paged: PagedLines | None = None) -> list[Block]:
    """Plain text: numbered heading lines, lines in capitals and underlined titles start sections; blank lines and
    list markers ("a)", "(1)", "-") end paragraphs; lines in columns set with tabs or spaces are a table. Text with
    form feeds has pages: running lines are left out, and a sentence cut by a page break goes on. `paged` is the
    source's pages when the caller has read them already (for the running header's name)."""
    blocks: list[Block] = []
    lines: list[str] = []
    words = words_of([source])
    paged = paged or paged_lines(source)
    raw_lines, pages = paged.lines, paged.pages
    opened_on: int | None = None  # the page the paragraph being read began on

    def close() -> None:
        if lines:
            blocks.append(paragraph(join_lines(lines, words), page=opened_on))
            lines.clear()

    table_ends = 0
    carrying = False  # a paragraph cut by a page break, waiting for its next line
    margin = _margin(raw_lines) if _shouted(source) else None

    def capitals_heading(at: int) -> bool:
        return _capitals_heading(raw_lines[at].strip()) and not _fills_margin(raw_lines, at, margin)

    for index, raw in enumerate(raw_lines):
        line, page = raw.strip(), pages[index]
        if index in paged.page_starts:
            if not lines and blocks and blocks[-1].kind == "paragraph":  # closed by the blank line before the break
                opened_on = blocks[-1].page
                lines.append(blocks.pop().text)
            carrying = bool(lines) and not lines[-1].endswith((".", ":", "!", "?"))
            if not carrying:
                close()
        if carrying and line:
            carrying = False
            if line[:1].islower():
                lines.append(line)
                continue
        underline = index + 1 < len(raw_lines) and _SETEXT_RULE.match(raw_lines[index + 1]) is not None
        if index < table_ends or is_contents_entry(line) or (carrying and not line):
            continue
        if not lines:
            opened_on = page
        if rows := _text_table(raw_lines, index) or _csv_rows(raw_lines, index):
            close()
            blocks.append(Block("table", "", page, rows=tuple(rows)))
            table_ends = index + len(rows)
        elif ruled := _ruled_table(raw_lines, index):
            close()
            blocks.append(Block("table", "", page, rows=tuple(ruled.rows)))
            table_ends = index + ruled.lines
        elif pairs := _leader_rows(raw_lines, index):
            # a line right above that is no sentence names the list: "IGNITION CONTROL LED - count the flashes"
            caption = lines.pop() if len(lines) == 1 and not lines[0].endswith((".", "!", "?")) else ""
            close()
            blocks.append(Block("table", caption, page, rows=(("", ""), *pairs)))  # no header: each key names its row
            table_ends = index + len(pairs)
        elif not line or _SETEXT_RULE.match(line):
            close()
        elif _BRACKETED.match(line) and len(line) <= PLAIN_HEADING_MAX:
            close()
            blocks.append(heading(line[1:-1], page=page))
        elif (capitals_heading(index) and index and capitals_heading(index - 1)
              and not looks_like_numbered_heading(line) and not _OUTLINE_ITEM.match(line)):
            blocks[-1] = heading(f"{blocks[-1].text} {line}", page=blocks[-1].page)  # a title over several lines
        elif ((looks_like_numbered_heading(line) and not _wraps_on(raw_lines, index)
               and not _fills_margin(raw_lines, index, margin)) or capitals_heading(index)
              or _outline_heading(line, islice(raw_lines, index + 1, None))  # a view: a copy per line was quadratic
              or (underline and len(line) <= PLAIN_HEADING_MAX) or _DATED.match(line)):
            close()
            blocks.append(heading(line, page=page))
        elif _ITEM_START.match(raw) or _starts_clause(line):
            close()
            opened_on = page
            lines.append(line)
        else:
            lines.append(line)
    close()
    return blocks


# A title never ends in an article, a preposition or a conjunction: a numbered line that does ("Sec. 12-30. Permit
# fees are: a base fee of $90, plus $15 per ton and") is cut mid-sentence, whatever its next line starts with ("$10
# per ...", "City, as published ..."). Lower case only: "Appendix A" and "Type B" end in a name.
_OPEN_ENDING = re.compile(r"\s(?:a|an|the|and|or|nor|of|to|for|with|by|in|on|at|from|per|than|as|is|are|be|that|not)$")


def _wraps_on(lines: Sequence[str], index: int) -> bool:
    """Whether line `index` is the first line of a paragraph hard-wrapped onto the next: "2.1  Crankcase heaters must
    be energized for at least 24" over "hours before a compressor is started". A heading is never followed on the
    very next line by the rest of its sentence; read as one, the paragraph's first line became its section title and
    no passage held the sentence it started. A list under it ("a) Shut off gas") starts in lower case too, and is
    no continuation."""
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    if not following or _ITEM_START.match(following) or _starts_clause(following):
        return False
    return following[:1].islower() or _OPEN_ENDING.search(lines[index].rstrip()) is not None


# Between two cells: a tab, or two or more spaces after a word (not after a sentence's end: typewriters put two
# spaces there, and "1.  Connect the hoses" is a list step).
_CELL_GAP = re.compile(r"[ ]*\t[ \t]*|(?<=[^\s.!?:;,]) {2,}")
_LIST_MARKER = re.compile(r"^\(?[A-Za-z0-9]{1,3}[.)]$")


def _cells(line: str) -> list[str]:
    if _PIPED.match(line):
        return []  # a ruled table's row (`_ruled_table`): split at its spaces, "| Range" and "|" were cells
    cells = [cell for cell in _CELL_GAP.split(line.strip()) if cell]
    return [] if len(cells) < 2 or _LIST_MARKER.match(cells[0]) else cells


def _text_table(lines: list[str], start: int) -> list[tuple[str, ...]]:
    """The rows of a table set in columns from `start` ("Appliance type<TAB>Threshold<TAB>Repair within"): a header
    of names (no figures) over at least two lines of as many cells. Read as prose, its header and rows ran together
    into one sentence. Pairs without a header ("Voltage    115 V") are a list, not a table: their first pair
    would be taken for column names."""
    first = _cells(lines[start])
    if not first or has_figures(first):
        return []
    rows: list[tuple[str, ...]] = []
    for line in islice(lines, start, None):
        cells = _cells(line)
        if len(cells) != len(first):
            break
        rows.append(tuple(cells))
    return rows if len(rows) >= _TEXT_TABLE_ROWS else []


_TEXT_TABLE_ROWS = 3  # a header and two rows: two lines alike are as often a wrapped pair as a table
# "[EVENT HISTORY - newest last]", "[SETTINGS]": an export's or a settings file's section, named in brackets on a line
# of its own
_BRACKETED = re.compile(r"^\[[^\[\]]*[A-Za-z][^\[\]]*\]$")
# an export's header line: three names or more, comma-separated without spaces ("date,time,event,code")
_CSV_HEADER = re.compile(r"^[^,\s][^,]*(?:,[^,\s][^,]*){2,}$")


def _csv_rows(lines: list[str], start: int) -> list[tuple[str, ...]]:
    """The rows of comma-separated values under their header line from `start` ("date,time,event,code,detail" over
    "2025-02-18,06:00:13,FAIL TO START,A310,no motor current"), as an event log or a point list is exported. Read as
    prose, thirty events ran into one paragraph cut anywhere, no event kept its date, and a question about one was
    answered from the export's opening lines. A comma followed by a space is the text's own ("coil K1 replaced, tech
    R. Ybarra"), and cells beyond the header's go on the last one. Prose separates its commas with spaces, so its
    lists are never read as a header."""
    header = lines[start].strip()
    if not _CSV_HEADER.match(header) or has_figures(names := _csv_cells(header)):
        return []
    rows = [tuple(names)]
    for line in islice(lines, start + 1, None):
        cells = _csv_cells(line.strip())
        if len(cells) < len(names):
            break
        rows.append((*cells[: len(names) - 1], ", ".join(cells[len(names) - 1 :])))
    return rows if len(rows) >= _TEXT_TABLE_ROWS else []


def _csv_cells(line: str) -> list[str]:
    if "," not in line:
        return []
    cells: list[str] = []
    for cell in next(csv.reader([line])):
        if cells and cell[:1].isspace():
            cells[-1] = f"{cells[-1]},{cell}"  # not a separator: the text's own comma
        else:
            cells.append(cell.strip())
    return cells
# "+--------+-------+", "|--------|:------|", "+========+": a rule between a ruled table's rows
_RULE = re.compile(r"^\s*[+|]?(?:[-=:]{3,}[+|])*[-=:]{3,}[+|]?\s*$")
_PIPED = re.compile(r"^\s*\|.*\|\s*$")  # "| Defrost interval | 30 to 120 minutes; 60 for coastal sites |"
_RULED_ROWS = 3  # body groups between rules from which each group is a row: a total ruled off is one group of two


@dataclass(frozen=True)
class _Ruled:
    rows: list[tuple[str, ...]]  # the header first
    lines: int  # the source lines the table takes, its rules included


def _ruled_table(lines: list[str], start: int) -> _Ruled | None:
    """A table ruled with ASCII characters from `start`: rows bordered by "|", rules of "-", "=" and "+" above, between
    or below them, as a console, a database export or a text manual draws one. Read as prose, its rules and bars ran
    into one paragraph whose sentences were cut at a cell's "; " ("30 to 120 minutes; 60 for coastal sites" lost
    its second half) and no row kept its key. A cell wrapped onto the next line stays in its row: where rules
    part the body's rows (three or more ruled groups), every line between two rules; else a line with no key."""
    groups: list[list[list[str]]] = [[]]  # the bordered lines between two rules, each line's cells
    end = start
    for line in islice(lines, start, None):
        if _RULE.match(line):
            groups.append([])
        elif _PIPED.match(line):
            groups[-1].append([cell.strip() for cell in line.strip()[1:-1].split("|")])
        else:
            break
        end += 1
    groups = [group for group in groups if group]
    widths = {len(cells) for group in groups for cells in group}
    if len(widths) != 1 or widths == {1} or sum(map(len, groups)) < 2:
        return None
    if len(groups) == 1:  # no rule under the header: its first line names the columns
        groups = [groups[0][:1], groups[0][1:]]
    header, *body = groups
    if len(body) >= _RULED_ROWS:
        return _Ruled([_joined(header), *(_joined(group) for group in body)], end - start)
    rows = [_joined(header)]
    for cells in (cells for group in body for cells in group):
        if cells[0] or len(rows) == 1:
            rows.append(tuple(cells))
        else:
            rows[-1] = _joined([list(rows[-1]), cells])
    return _Ruled(rows, end - start)


def _joined(lines: list[list[str]]) -> tuple[str, ...]:
    """One row of a cell's lines, each column's text joined in order."""
    return tuple(" ".join(part for part in column if part) for column in zip(*lines))


# "CCH ......... Crankcase heater, 40 W": a key, a dotted leader (a lone dot where the key is long: "ALARM ACK . ..."),
# its value
_LEADER = re.compile(r"^(?P<key>\S.*?)(?:\s*\.{3,}|\s+\.{1,2})\s+(?P<value>\S.*)$")
_LONG_LEADER = re.compile(r"\.{3,}")


def _leader_rows(lines: list[str], start: int) -> list[tuple[str, str]]:
    """The (key, value) rows of a legend, a settings card or a flash-code list set with dotted leaders from `start`,
    two lines or more: a table whose every row is keyed ("CCH", "3 flashes", "Start pressure"), without a header.
    Read as prose, a legend's lines ran together into one paragraph: "CCH" named no sentence of its own, and a
    question about it was answered from wherever else the word appeared."""
    rows: list[tuple[str, str]] = []
    dotted = False
    for line in islice(lines, start, None):
        match = _LEADER.match(line.strip())
        if match is None:
            break
        rows.append((match["key"], match["value"]))
        dotted = dotted or _LONG_LEADER.search(line) is not None
    return rows if len(rows) >= 2 and dotted else []

_CAPITALS_MAX_WORDS = 12
_SHOUTED_LOWER_SHARE = 0.02  # a stray "in." or "psig" among a typewriter's capitals


def _shouted(source: str) -> bool:
    """Whether the text is set all in capitals, as a typewritten or teletype manual is: there capitals mark no
    heading, and every wrapped line of a paragraph looks like one."""
    letters = [c for c in source if c.isalpha()]
    return bool(letters) and sum(c.islower() for c in letters) <= _SHOUTED_LOWER_SHARE * len(letters)


def _margin(lines: Sequence[str]) -> int:
    """Where the text's lines wrap: the length of its longest line of words."""
    return max((len(line.rstrip()) for line in lines if " " in line.strip()), default=0)


def _fills_margin(lines: Sequence[str], index: int, margin: int | None) -> bool:
    """Whether line `index` of a text all in capitals (`margin` set) is a paragraph's line wrapped at the margin:
    it runs most of the way to the margin and the text goes on on the next line. "PARA. 4-2.  PRIMARY CONTROL
    SAFETY TIMING IS 90 SECONDS.  IF THE" over "BURNER LOCKS OUT, ..." looks like a heading in capitals, and read as
    one, each wrapped line became a section title cut mid-sentence that no passage held; a heading is short."""
    if margin is None or index + 1 >= len(lines):
        return False
    line, following = lines[index].rstrip(), lines[index + 1]
    indent = len(line) - len(line.lstrip())  # a title centred on the page is no line of a paragraph
    return (indent <= _PARAGRAPH_INDENT and len(line) >= _WRAPPED_SHARE * margin and bool(following.strip())
            and not _SETEXT_RULE.match(following) and not _ITEM_START.match(following))


_WRAPPED_SHARE = 0.6
_PARAGRAPH_INDENT = 5


def _capitals_heading(line: str) -> bool:
    """ "INSPECTION", "BLADDER REPLACEMENT": plain-text manuals set their headings in capitals on a line of their
    own. Not "WARNING: DISCONNECT POWER" (a notice), a shouted sentence ending in a stop, or the header row of a
    table set with spaces ("MODEL    VOLTAGE    AMPS"); a typewriter's two spaces after a stop are no column gap
    ("PART 2.  START-UP")."""
    letters = [c for c in line if c.isalpha()]
    return (len(letters) >= 3 and all(c.isupper() for c in letters) and len(line.split()) <= _CAPITALS_MAX_WORDS
            and not line.endswith((".", ",", ";", ":", "!")) and not ADMONITION.match(line) and not _cells(line))


# "II. INSPECTION", "A. Weekly": the upper levels of an outline (I., A., 1., a.), a roman numeral or a capital letter
_OUTLINE_ITEM = re.compile(r"^(?:[IVXL]{1,6}|[A-Z])\.\s+\S")
_SUBORDINATE_ITEM = re.compile(r"^(?:\d{1,2}|[a-z])[.)]\s+\S")
_OUTLINE_TITLE_WORDS = 8


def _outline_heading(line: str, following: Iterable[str]) -> bool:
    """ "A. Weekly" over "1. Verify the water supply gauge...": a lettered line with items numbered under it titles
    them. "A. Close the valve" over "B. Open the drain" is a step among its siblings."""
    if not _OUTLINE_ITEM.match(line) or line.endswith((".", ",", ";", ":")) or \
            len(line.split()) > _OUTLINE_TITLE_WORDS + 1:
        return False
    after = next((text.strip() for text in following if text.strip()), "")
    return _SUBORDINATE_ITEM.match(after) is not None


# "2025-10-16  10:30  HN", "12/04/2025 07:50 GV": a log book's entry opened by its date (a time, who wrote it) on a line
# of its own. Read as prose, a log's entries ran together two or three to a passage under no section, and an answer
# could not say which visit it was from.
_DATED = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})(?:\s+\d{1,2}:\d{2})?(?:\s+[A-Z]{2,4})?$")


_CLAUSE_START = re.compile(r"^\((?:[a-z]{1,2}|\d{1,3}|[ivxl]{1,6}|[A-Z]{1,2}|[IVXL]{1,6})\)\s")


def _starts_clause(line: str) -> bool:
    return bool(_CLAUSE_START.match(line))
