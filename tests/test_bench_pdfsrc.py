"""The shared PDF builder of the knowledge sets (bench/data/knowledge_eval/set_pdfsrc.py) builds what its markup
allows: a table of contents without a back-of-book index crashed it (reportlab's multiBuild was given
`canvasmaker=None`, and called it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SETS = Path(__file__).resolve().parents[1] / "bench" / "data" / "knowledge_eval"
SOURCE = """@title Booster Pump Guide
TOC
H1 Installation
P Set the pump on a level pad.
H1 Start-up
P Prime the pump before the first start.
"""


def test_a_table_of_contents_without_an_index_builds(tmp_path: Path) -> None:
    (tmp_path / "guide.pdfsrc").write_text(SOURCE, encoding="utf-8")
    build = ("import sys; from pathlib import Path; from set_pdfsrc import build_pdf; "
             "title, data = build_pdf(Path(sys.argv[1])); print(title, data[:5].decode())")
    ran = subprocess.run([sys.executable, "-c", build, str(tmp_path / "guide.pdfsrc")], cwd=SETS,
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "Booster Pump Guide %PDF-"
