from __future__ import annotations

import pytest

from clara.web.errors import ApiError
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


def _two_column_code() -> bytes:
    """A fire code page set in two columns under a full-width title, as adopted codes are printed."""
    import io

    from reportlab import rl_config
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, PageTemplate, Paragraph

    rl_config.invariant = 1
    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=9.5, leading=11.5)
    bold = ParagraphStyle("head", fontName="Times-Bold", fontSize=9.5, leading=11.5, spaceBefore=6)
    title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=14, leading=18)
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=letter)
    width, height = letter
    gutter, margin = 18, 54
    column = (width - 2 * margin - gutter) / 2
    frames = [Frame(margin, height - margin - 40, width - 2 * margin, 40, id="title"),
              Frame(margin, margin, column, height - 2 * margin - 44, id="left"),
              Frame(margin + column + gutter, margin, column, height - 2 * margin - 44, id="right")]
    doc.addPageTemplates([PageTemplate(frames=frames)])
    filler = ("Fire protection systems shall be maintained in an operative condition at all times and shall be "
              "replaced or repaired where defective, in accordance with the approved design. ")
    story = [Paragraph("Ostvale Fire Code, Chapter 9: Fire Protection Systems", title), FrameBreak(),
             Paragraph("901.6 Inspection, testing and maintenance.", bold), Paragraph(filler * 5, body),
             Paragraph("903.4 Sprinkler system supervision.", bold),
             Paragraph("Valves controlling the water supply shall be electrically supervised by a listed fire alarm "
                       "control unit. " + filler * 3, body), FrameBreak(),
             Paragraph("907.5 Manual fire alarm boxes.", bold),
             Paragraph("The height of the manual fire alarm boxes shall be a minimum of 44 inches and a maximum of "
                       "50 inches measured vertically from the floor to the activating handle. " + filler * 3, body),
             Paragraph("912.3 Fire department connections.", bold),
             Paragraph("Fire department connections shall be located within 75 feet of a fire hydrant. " + filler * 2,
                       body)]
    doc.build(story)
    return out.getvalue()


def test_a_two_column_pdf_is_read_column_by_column() -> None:
    """pdfplumber reads a line across the page: without columns, each left-column line would be spliced to the
    right-column line beside it, and no sentence of either would survive whole."""
    doc = parse_document(_two_column_code(), media_type=PDF, filename="ostvale-fire-code-ch9.pdf", source="uploads")
    texts = {c.section: " ".join(c.text.split()) for c in doc.chunks}
    boxes = next(text for section, text in texts.items() if section and section.startswith("907.5"))
    assert "a minimum of 44 inches and a maximum of 50 inches measured vertically from the floor" in boxes
    supervision = next(text for section, text in texts.items() if section and section.startswith("903.4"))
    assert "Valves controlling the water supply shall be electrically supervised by a listed fire alarm" in supervision
    assert "manual fire alarm boxes" not in supervision.lower()
