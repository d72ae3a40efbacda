"""What Clara says while a tool is slow, and when the service behind it cannot be reached: one place for the
wording and the threshold.

A spoken answer that stalls for more than about 700 ms sounds like a dropped call, so a tool still running after
`FILLER_DELAY` makes Clara say a short line chosen by the kind of work ("Checking the manual…"); a fast tool says
nothing extra. When a tool fails because a store is down, Clara names what she could not reach and what to do
instead, rather than going quiet or reading an error out.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["manual", "jobs", "map", "save", "photo", "other"]

FILLER_DELAY = 0.7  # seconds of silence while a tool runs before Clara says she is on it

_KINDS: dict[str, Kind] = {
    "equipment_spec": "manual", "knowledge_search": "manual",
    "my_jobs_today": "jobs", "next_job": "jobs", "daily_brief": "jobs", "job_details": "jobs", "job_history": "jobs",
    "crew_day": "jobs",
    "inspections_due": "jobs", "customer_at_location": "jobs", "site_requirements": "jobs",
    "travel_time": "map",
    "log_deficiency": "save", "update_job_status": "save", "mark_deficiency_fixed": "save",
    "confirm_draft": "save", "edit_draft": "save", "set_preferences": "save", "undo_status_change": "save",
    "read_nameplate": "photo",  # a camera frame read offline takes about a second: the filler often plays
}

_FILLERS: dict[Kind, str] = {
    "manual": "Checking the manual…",
    "jobs": "Pulling up the job list…",
    "map": "Checking the map…",
    "save": "Saving that…",
    "photo": "Reading the plate…",
    "other": "One moment…",
}

# What could not be reached, and what to do meanwhile.
_UNAVAILABLE: dict[Kind, str] = {
    "manual": "I can't reach the manuals right now; check the unit's nameplate or try again in a minute.",
    "jobs": "I can't reach the job list right now; try again in a minute.",
    "map": "I can't reach the map right now; try again in a minute.",
    "save": "I can't save right now, so nothing was saved; try again in a minute.",
    "photo": "I can't look that unit up right now; read me the model number from the plate and try again in a "
             "minute.",
    "other": "I can't reach that right now; try again in a minute.",
}


def kind(tool: str) -> Kind:
    return _KINDS.get(tool, "other")


def filler(tool: str) -> str:
    """The line Clara says while `tool` is still running."""
    return _FILLERS[kind(tool)]


def filler_instructions(tool: str) -> str:
    """The one-off instruction that makes a realtime model (which speaks for itself: no TTS) say the filler."""
    return (f'A lookup is still running. Say only this, briefly, and nothing else: "{filler(tool)}" '
            "Do not guess the answer.")


def unavailable(tool: str) -> str:
    """The apology with a fallback when the service behind `tool` is down."""
    return _UNAVAILABLE[kind(tool)]
