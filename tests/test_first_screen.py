"""What a newcomer sees on a fresh machine: `python backend_server.py` with nothing configured prints a handful of
readable lines (no embedded PostgreSQL transcripts, no line per shipped document) and ends with where to go."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.clara_process import ClaraProcess, server_env

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

FIRST_SCREEN_LINES = 10  # today 9: storage, migrations, analytics, demo data, corpus, agent (2), started, ready


def _until_ready(clara: ClaraProcess) -> list[dict]:
    """The lines logged up to and including `clara_ready` (written as the port is bound)."""
    for _ in range(100):
        lines = [json.loads(line) for line in clara.logs().splitlines()]  # every line, a library's too, is JSON
        events = [line["event"] for line in lines]
        if "clara_ready" in events:
            return lines[: events.index("clara_ready") + 1]
        time.sleep(0.1)
    raise AssertionError(clara.logs()[-3000:])


def test_a_first_start_is_a_handful_of_lines_ending_with_the_addresses(tmp_path: Path) -> None:
    env = server_env(DATA_DIR=str(tmp_path / "data"), CLARA_ENV="development")  # no DATABASE_URL: embedded
    clara = ClaraProcess(env, tmp_path / "clara.log").start(timeout=240)
    try:
        screen = _until_ready(clara)
        assert len(screen) <= FIRST_SCREEN_LINES, [line["event"] for line in screen]
        assert {"embedded_postgres_started", "knowledge_synced"} <= {line["event"] for line in screen}
        assert all(line["level"] in ("info", "warning") for line in screen)
        ready = screen[-1]
        assert ready["docs"] == f"{clara.url}/docs" and ready["console"] == f"{clara.url}/console"
        code, _ = clara.terminate()
        assert code == 0, clara.logs()[-2000:]
    finally:
        clara.stop()
