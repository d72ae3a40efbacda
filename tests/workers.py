"""What the pytest-xdist workers of one run share, so that costly session fixtures are built once per run.

The template database and its Chroma directory took one process about 25 s to build on the loaded test machine
(migrations and demo data 7 s, the shipped corpus embedded 18 s): built once per worker, three workers would spend
the start of every run building three equal copies on two cores. With `TEST_DATABASE_URL`, every worker reaches the same server, so the first worker
to need the template builds it under a file lock in the run's shared temp directory and the others wait for it
and use it; the controller drops it once every worker is done (`drop_shared_template`). An embedded PostgreSQL is
one per worker (each worker's own session starts it), so each worker then builds its own template, as a run
without xdist does.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

TEMPLATE_PREFIX = "clara_tpl_"


def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """The directory every worker of this xdist run shares (the parent of each worker's base temp), when the
    workers also share one PostgreSQL server; None otherwise (no xdist, or an embedded server per worker)."""
    if "PYTEST_XDIST_WORKER" not in os.environ or not os.environ.get("TEST_DATABASE_URL"):
        return None
    return tmp_path_factory.getbasetemp().parent


def shared_template_name(run_id: str) -> str:
    """The template database's name for the xdist run `run_id` (the `--testrunuid` every worker is given)."""
    return f"{TEMPLATE_PREFIX}{run_id[:16]}"


def worker_run_id() -> str:
    """This worker's run id, set by xdist in every worker of a run."""
    return os.environ["PYTEST_XDIST_TESTRUNUID"]


@contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Held by one process of the machine at a time (an advisory lock on `lock`, released if the holder dies)."""
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
