"""A bench's stdout carries its figures only: each bench helper configures logging on import, so an info event of
the code under test is not printed between them, and a warning still reaches stderr as one structured line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

BENCH = Path(__file__).resolve().parents[1] / "bench"
LOG_TWO_EVENTS = ("from clara.platform.logging import get_logger; log = get_logger('bench'); "
                  "log.info('noise', figure=1); log.warning('kept', figure=2)")


@pytest.mark.parametrize("helper", ["_clara_bench", "_knowledge_stores", "_analytics_db"])
def test_a_bench_helper_keeps_log_events_off_stdout(helper: str) -> None:
    ran = subprocess.run([sys.executable, "-c", f"import {helper}; {LOG_TWO_EVENTS}"], cwd=BENCH,
                         capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == ""
    assert json.loads(ran.stderr.strip().splitlines()[-1])["event"] == "kept"
