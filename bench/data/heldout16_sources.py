"""The sources bench/data/check_heldout16.py checks heldout16's expectations against: heldout15's (read from a Clara
seeded today over HTTP and from the shipped specifications and knowledge; nothing under clara/ is read, nothing is
written), and two of heldout16's own.

A turn's `source` names heldout15_sources' kinds (`jobs:today`, `site:`, `customer:`, `contact:`, `overdue:`,
`deficiencies:`, `unit:`, `count:`, `spec:`, `knowledge:` ...), several joined by `+`, and also:

- `tomorrow:first/<site>`: the technician's first job tomorrow, as `GET /jobs?date=` serves it, and only if it is at
  that site (else nothing, so every expectation on it fails: the seed moves with the day, and a later day's tomorrow
  may be another site, which the checker must say rather than pass);
- `logged`: what the conversation has saved so far, rendered by the checker from its `records` (each record's unit,
  where that unit is, its severity and description words): a right summary of "what did I log" carries these.
"""

from __future__ import annotations

import datetime as dt
import json

from heldout15_sources import DISPATCHER, MARIA, TECHNICIANS, Api, Demo, job_text

__all__ = ["DISPATCHER", "MARIA", "TECHNICIANS", "Demo16"]


class Demo16(Demo):
    """heldout15's view of the demo data, with each technician's jobs tomorrow."""

    def __init__(self, base: str) -> None:
        super().__init__(base)
        tomorrow = self.date + dt.timedelta(days=1)
        self.tomorrow = {email: Api(base, email).get(f"/jobs?date={tomorrow.isoformat()}")["jobs"]
                         for email in TECHNICIANS}

    def render(self, email: str, source: str) -> str:
        kind, _, arg = source.partition(":")
        if kind == "tomorrow":
            which, _, site = arg.partition("/")
            if which != "first":
                raise SystemExit(f"unknown source {source}")
            jobs = sorted(self.tomorrow[email], key=lambda job: job["scheduled_start"])
            return job_text(jobs[0]) if jobs and jobs[0]["site"]["name"] == site else ""
        return super().render(email, source)

    def logged(self, records: list[dict]) -> str:
        """The records saved so far, as a summary of them would name them."""
        parts = []
        for record in records:
            site = next((name for name in self.details if record["site"].lower() in name.lower()), None)
            unit = next((u for u in self.units(site) if u["model"] == record["model"]), {}) if site else {}
            words = [w for group in record.get("description", []) for w in (group if isinstance(group, list)
                                                                              else [group])]
            parts.append(json.dumps({"site": site, "model": record["model"], "type": unit.get("type"),
                                     "location": unit.get("location"), "severity": record["severity"],
                                     "words": words}))
        return " || ".join(parts)
