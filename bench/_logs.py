"""Every bench's logging, configured once by the bench helpers (`_clara_bench`, `_knowledge_stores`,
`_analytics_db`) as they are imported: Clara's own format on stderr, warnings and worse only (`BENCH_LOG_LEVEL`
shows more). Left unconfigured, structlog printed every info event of the code under test to stdout in its
development format, between the figures a bench prints there. A bench that measures logging's cost configures its
own level afterwards (turn_calls.py, stack_cost.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clara.platform.logging import configure_logging  # noqa: E402  (after the path set-up: any directory)


def configure_bench_logging() -> None:
    configure_logging(os.environ.get("BENCH_LOG_LEVEL", "warning"))
