"""A saved or forwarded e-mail uploaded as text: its header lines name the document, they answer nothing.

A distributor forwards a manufacturer's bulletin; a technician saves the message and uploads it, often without a
title. Read as plain text, the message's header lines ("From:", "To:", "Date:", "Subject:") and those of every message
quoted under it became the opening passage, holding every name and model of the subject line and no fact: it came
first for questions about the bulletin's body, whose own passages said the model once or not at all. And with no
title the file's name ("fw carrow sb 24 117 ... email") stood for the document. The subject line is what the sender
called the message: it is the title, and the header lines are left out of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# RFC 5322's fields as mail clients print them in a saved or quoted message (Outlook says "Sent:" for "Date:")
_HEADER = re.compile(r"^\s*(?P<field>From|To|Cc|Bcc|Date|Sent|Subject|Reply-To|Importance|Attachments?)"
                     r"\s*:\s*(?P<value>.*)$", re.IGNORECASE)
_NAMING = {"from", "subject"}  # a block of fields is a message's header only if it says who sent it or what about
# what clients put above a quoted message: "-----Original Message-----", "---------- Forwarded message ---------",
# Apple Mail's "Begin forwarded message:"
_SEPARATOR = re.compile(r"^\s*(?:-{2,}\s*(?:original|forwarded)\s+message\s*-{2,}|begin forwarded message:)\s*$",
                        re.IGNORECASE)
_MARKS = re.compile(r"^(?:\s*(?:re|fw|fwd)\s*:\s*)+", re.IGNORECASE)  # "FW: RE: ..." says it was passed on
_HEADER_LINES = 2  # one "To:" line is a memo's or a form's field; a message's header has several


@dataclass(frozen=True)
class Mail:
    body: str  # the text with its header lines and quote separators blanked, but the first subject (line numbers kept)
    subjects: tuple[str, ...]  # each message's subject without reply and forward marks, outermost first


def _header_block(lines: list[str], start: int) -> tuple[int, str | None] | None:
    """Where the header block opening at `start` ends, and its subject; None when no header block opens there.
    A long subject folded onto the next line (indented) stays part of its field."""
    end, fields, subject = start, set(), None
    while end < len(lines):
        match = _HEADER.match(lines[end])
        if match:
            fields.add(match["field"].lower())
            if match["field"].lower() == "subject":
                subject = match["value"].strip()
        elif not (fields and lines[end][:1] in (" ", "\t") and lines[end].strip()):
            break
        end += 1
    if end - start < _HEADER_LINES or not fields & _NAMING:
        return None
    return end, subject


def read_mail(text: str) -> Mail | None:
    """The message a text is, when it opens with a header block (blank lines aside); None for any other text."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if _header_block(lines, first) is None:
        return None
    subjects: list[str] = []
    index = 0
    while index < len(lines):
        if _SEPARATOR.match(lines[index]):
            lines[index] = ""
            index += 1
            continue
        block = _header_block(lines, index)
        if block is None:
            index += 1
            continue
        end, subject = block
        plain = _MARKS.sub("", subject or "").strip()
        lines[index:end] = [""] * (end - index)
        if plain:
            if not subjects:  # what the message is about, said once as its opening line (the rest is addresses)
                lines[index] = plain
            subjects.append(plain)
        index = end
    return Mail("\n".join(lines), tuple(subjects))
