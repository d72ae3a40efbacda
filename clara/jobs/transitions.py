"""Where a job's status may go: forward along its flow, cancelled while open, and back only as a correction.

Backwards is a correction, not a step of the work: the technician who made the last status change may take it back
to the status it came from within `UNDO_WINDOW` ("undo that" after an en route tapped by mistake), except out of a
cancellation; dispatchers and admins may set any status at any time (`clara.jobs.service.update_job` applies it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

FLOW = ("scheduled", "en_route", "in_progress", "completed")  # forward only; any open job may be cancelled
OPEN = ("scheduled", "en_route", "in_progress")
UNDO_WINDOW = timedelta(minutes=10)
_MINUTES = int(UNDO_WINDOW.total_seconds() // 60)


def may_move(current: str, new: str) -> bool:
    """Whether a job's status may go from `current` to `new` as work goes on: forward along the flow, or cancelled
    while open."""
    if current == new:
        return True  # a retried request changes nothing and is not an error
    if current not in OPEN:
        return False
    return new == "cancelled" or FLOW.index(new) > FLOW.index(current)


def takes_back(actor_id: int, current: dict[str, Any], status: str) -> bool:
    """Whether `actor_id` is taking back their own last status change: to the status the job came from, within the
    window (`current["recent"]`), and not out of a cancellation. `current` is the job's row."""
    return current["status"] != "cancelled" and current["previous_status"] == status and \
        current["status_changed_by"] == actor_id and bool(current["recent"])


def refusal(current: str, new: str) -> str:
    """Why a status change is refused, and for a step back who can make it."""
    said = f"a {current} job cannot become {new}"
    if new in FLOW and current != "cancelled":
        return f"{said}; only the technician who changed it can take it back, within {_MINUTES} minutes, " \
               "and a dispatcher any time"
    return f"{said}; a dispatcher can change it"


def nothing_to_undo() -> str:
    return f"there is no status change of yours from the last {_MINUTES} minutes to take back; " \
           "your dispatcher can change a job's status"
