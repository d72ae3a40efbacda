from __future__ import annotations

import pytest

from clara.errors import ApiError
from clara.knowledge.parsing import MARKDOWN, PDF, TEXT, media_type_of, parse_document
from tests.knowledge.pdfs import make_pdf


@pytest.mark.parametrize(
    "filename, declared, expected",
    [("notes.md", "application/octet-stream", MARKDOWN), ("a.PDF", None, PDF), ("log.txt", None, TEXT),
     (None, "text/plain; charset=utf-8", TEXT), ("scan", "application/pdf", PDF)],
)
def test_media_type_from_extension_or_declared_type(filename: str | None, declared: str | None, expected: str) -> None:
    assert media_type_of(filename, declared) == expected


@pytest.mark.parametrize("filename, declared", [("photo.jpg", "image/jpeg"), ("sheet.xlsx", None), (None, None)])
def test_unsupported_types_are_415(filename: str | None, declared: str | None) -> None:
    with pytest.raises(ApiError) as raised:
        media_type_of(filename, declared)
    assert raised.value.status == 415 and raised.value.field == "file"


def test_a_pdf_keeps_its_numbered_sections() -> None:
    data = make_pdf(["5.2.4 Gauges on dry systems", "Check the air gauge monthly.",
                     "5.2.5 Alarm devices", "Inspect waterflow alarm devices quarterly."])
    doc = parse_document(data, media_type=PDF, filename="itm-notes.pdf", source="uploads")
    assert doc.title == "itm notes"
    assert [(c.section, c.title, c.page) for c in doc.chunks] == [("5.2.4 Gauges on dry systems", "itm notes", 1),
                                                                  ("5.2.5 Alarm devices", "itm notes", 1)]


@pytest.mark.parametrize(
    "data, media_type, message",
    [(make_pdf([]), PDF, "no text layer"), (b"%PDF-1.4\n garbage", PDF, "could not be read"),
     (b"plain words", PDF, "not a PDF"), (b"  \n ", TEXT, "empty"), (b"\xff\xfe\x00bad", TEXT, "UTF-8"),
     (b"---\ntitle: x\n---\n", MARKDOWN, "no text")],
)
def test_unreadable_files_are_422(data: bytes, media_type: str, message: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_document(data, media_type=media_type, filename="f", source="uploads")
    assert raised.value.status == 422 and message in raised.value.message


def test_markdown_title_comes_from_the_caller_then_front_matter_then_the_first_heading() -> None:
    body = b"# Jockey pump notes\n\n## Short cycling\nCheck for leaks.\n"
    assert parse_document(body, media_type=MARKDOWN, filename="j.md", source="uploads").title == "Jockey pump notes"
    assert parse_document(body, media_type=MARKDOWN, filename="j.md", source="uploads", title="Mine").title == "Mine"
    front = b"---\ntitle: From front matter\nstandard: NFPA 20\n---\n" + body
    doc = parse_document(front, media_type=MARKDOWN, filename="j.md", source="uploads")
    assert doc.title == "From front matter" and doc.standard == "NFPA 20"
