"""Background CPU work that yields to requests: a lower scheduling priority for the threads that do it.

Uploads are embedded on every core and parsed in a worker process on one, while the event loop's thread must win a
core back each time a request arrives: at equal priority it waits for the scheduler to take one from them. Niced,
they give it up as soon as a request is ready, and lose nothing when nothing else runs.
"""

from __future__ import annotations

import os
import sys
import threading

from clara.platform.logging import get_logger

log = get_logger(__name__)

BACKGROUND_NICE = 10  # CFS weight 110 against a request's 1024


def yield_to_requests() -> None:
    """Lower the calling thread's priority by `BACKGROUND_NICE` (on Linux a thread id names that thread alone, and
    threads it starts inherit it); elsewhere, or where it is not allowed, the work runs at the process's priority."""
    if not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + BACKGROUND_NICE))
    except OSError as exc:
        log.debug("background_priority_unavailable", error=str(exc))
