"""A long manufacturer-style manual as a PDF, for the ingest benches: numbered headings, clauses, paragraphs and a
ruled table every few pages, all text distinct (no shared content stream), `pages` Letter pages."""

from __future__ import annotations

import io
import random

WORDS = ("pump controller valve pressure alarm panel sprinkler riser gauge switch relay circuit battery charger "
         "supervisory trouble signal flow test drain inspect replace verify maintain annual quarterly monthly "
         "setting threshold voltage current wiring terminal enclosure seal gasket spring actuator solenoid").split()


def manual_pdf(pages: int, *, seed: int = 7) -> bytes:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    rl_config.invariant = True  # the same bytes every run
    rng = random.Random(seed)
    styles = getSampleStyleSheet()
    story: list[object] = []

    def sentence() -> str:
        words = rng.sample(WORDS, rng.randint(8, 16))
        return " ".join(words).capitalize() + f" at {rng.randint(5, 400)} psi."

    for page in range(1, pages + 1):
        story.append(Paragraph(f"{page}. Section {page} of the KX-{400 + page % 7} controller", styles["Heading1"]))
        for clause in range(1, 4):
            story.append(Paragraph(f"{page}.{clause} Procedure {clause}", styles["Heading2"]))
            story.append(Paragraph(" ".join(sentence() for _ in range(4)), styles["BodyText"]))
            story.append(Paragraph(f"({chr(96 + clause)}) " + sentence(), styles["BodyText"]))
        if page % 4 == 0:
            rows = [["Code", "Meaning", "Action"]] + [[f"E{page}{n}", sentence()[:40], sentence()[:30]]
                                                     for n in range(5)]
            table = Table(rows)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            story.append(table)
        story.append(PageBreak())
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter, title="KX-400 Installation Manual").build(story)
    return out.getvalue()
