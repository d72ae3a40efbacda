from __future__ import annotations

from datetime import date, datetime, time

import pytest

from clara.jobs import brief, spoken
from clara.jobs.models import CustomerRef, Deficiency, Job, SiteRef
from clara.jobs.travel import TravelTime
from clara.ops.demo_data import COMPANY_TZ


def _job(job_id: int, site: str, point: tuple[float, float], at: time, priority: str = "normal") -> Job:
    return Job(job_id, "scheduled", "inspection", priority, datetime.combine(date(2026, 11, 23), at, COMPANY_TZ),
               90, 1, CustomerRef(job_id, f"Customer {job_id}"), SiteRef(job_id, site, "1 Main St", "SF", *point),
               [], None)


@pytest.mark.parametrize(
    "n, words", [(0, "zero"), (7, "seven"), (13, "thirteen"), (20, "twenty"), (42, "forty-two"), (250, "250")]
)
def test_numbers_in_words(n: int, words: str) -> None:
    assert spoken.number(n) == words


@pytest.mark.parametrize(
    "seconds, words",
    [(5, "one minute"), (90, "two minutes"), (600, "ten minutes"), (3600, "an hour"),
     (3600 + 600, "an hour and ten minutes"), (2 * 3600 + 60, "two hours and one minute")],
)
def test_durations_as_spoken(seconds: int, words: str) -> None:
    assert spoken.duration(seconds) == words


@pytest.mark.parametrize(
    "at, words",
    [(time(7, 30), "seven thirty a.m."), (time(10, 0), "ten a.m."), (time(13, 5), "one oh five p.m."),
     (time(12, 0), "noon"), (time(0, 15), "twelve fifteen a.m."), (time(23, 45), "eleven forty-five p.m.")],
)
def test_clock_times_as_spoken(at: time, words: str) -> None:
    assert spoken.clock(at) == words


def test_readable_spells_out_streets_and_compact_times() -> None:
    assert spoken.readable("Meet at 123 Main St. before 8am, then 2425 Geary Blvd at 1:30 PM") == (
        "Meet at 123 Main Street before eight a.m., then 2425 Geary Boulevard at one thirty p.m.")
    assert spoken.readable("St Mary's on Mission St") == "St Mary's on Mission Street"


def test_route_keeps_appointments_and_drives_nearest_first_among_jobs_booked_together() -> None:
    west, middle, east = (_job(1, "West", (37.78, -122.45), time(9)), _job(2, "Middle", (37.78, -122.30), time(8)),
                          _job(3, "East", (37.78, -122.20), time(7)))
    assert [j.site.name for j in brief.route_order([west, middle, east], (37.78, -122.50))] == ["East", "Middle", "West"]
    together = [_job(4, "Far", (37.78, -122.20), time(8)), _job(5, "Near", (37.78, -122.45), time(8)),
                _job(6, "Later", (37.78, -122.46), time(11))]
    assert [j.site.name for j in brief.route_order(together, (37.78, -122.50))] == ["Near", "Far", "Later"]
    assert [j.site.name for j in brief.route_order(together, (37.78, -122.19))] == ["Far", "Near", "Later"]
    assert [j.site.name for j in brief.route_order(together, None)] == ["Far", "Near", "Later"]


def test_highlights_and_summary_cover_urgency_rules_and_broken_equipment() -> None:
    urgent = _job(1, "Pier 9", (37.80, -122.40), time(7, 30), priority="emergency").with_travel(
        TravelTime(400, 3.2, "estimate"))
    later = _job(2, "Plant 2", (37.73, -122.19), time(14)).with_travel(TravelTime(1900, 21.0, "estimate"))
    broken = Deficiency(9, later.site.id, None, None, "inoperable", "new", "Fire pump will not start", None, None,
                        datetime(2026, 11, 1, tzinfo=COMPANY_TZ), None)
    found = brief.highlights([urgent, later], {2: ["Weekend service only", "Hot work permit required"]}, [broken])
    assert [(h.kind, h.subject, h.job_id) for h in found] == [
        ("high_priority", "Pier 9", 1), ("special_requirement", "Customer 2", 2),
        ("special_requirement", "Customer 2", 2), ("inoperable_deficiency", "Plant 2", 2)]
    assert found[0].message == "Pier 9: emergency-priority inspection at 07:30"
    summary = brief.spoken_summary("Maria", date(2026, 11, 23), [urgent, later], found)
    assert summary == (
        "Maria, here is your day for Monday, November 23. You have two jobs and about thirty-eight minutes of "
        "driving. First, Pier 9: an emergency inspection at seven thirty a.m., about seven minutes away. "
        "Last, Plant 2: an inspection at two p.m., about thirty-two minutes from there. "
        "For Customer 2, remember: weekend service only; and hot work permit required. "
        "Heads up, Plant 2 has an open inoperable deficiency: fire pump will not start.")
