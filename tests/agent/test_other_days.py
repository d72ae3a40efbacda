"""A day named in words ("first thing tomorrow", "on Monday"), keyless over the WebSocket: that day's jobs, and
"there" afterwards is its first job's site."""

from __future__ import annotations

from datetime import date

from clara.web.caller import CurrentUser
from clara.jobs.days import day_meant
from tests.chat.conftest import Server, ask, server  # noqa: F401  (the served app, per test)


async def test_first_thing_tomorrow_and_the_contact_there(server: Server,  # noqa: F811
                                                          technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        tomorrow = await ask(ws, "what have i got first thing tomorrow")
        contact = await ask(ws, "and whos the contact there")
    assert "San Mateo County Hall of Justice" in tomorrow[-1]["text"], tomorrow[-1]["text"]
    assert "WeWork" not in tomorrow[-1]["text"], tomorrow[-1]["text"]
    assert "Jordan Brown" in contact[-1]["text"], contact[-1]["text"]


def test_weekdays_are_their_next_occurrence() -> None:
    saturday = date(2026, 12, 5)
    assert day_meant("anything on monday", saturday) == date(2026, 12, 7)
    assert day_meant("saturday", saturday) == saturday
    assert day_meant("next saturday", saturday) == date(2026, 12, 12)
    assert day_meant("the day after tomorrow", saturday) == date(2026, 12, 7)
    assert day_meant("the pump room", saturday) is None


async def test_where_first_thing_tomorrow_is_that_one_job(server: Server,  # noqa: F811
                                                          technician: CurrentUser) -> None:
    """"first thing tomorrow where am i" read the whole of tomorrow; it asks for the first job alone."""
    async with server.connect(technician) as ws:
        first = await ask(ws, "first thing tomorrow where am i")
    text = first[-1]["text"]
    assert "San Mateo County Hall of Justice" in text and "Skyline" not in text, text
