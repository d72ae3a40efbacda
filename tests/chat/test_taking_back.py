"""Taking back and passing on, over one WebSocket, keyless (issue 14):

- "undo that" right after a status change was saved takes it back through the jobs service; said again, or after
  anything but a status save ("scratch that" after a deficiency), it touches no job;
- "flag this for the owner", "let the customer know" are answered plainly (Clara cannot send messages) and never
  with the customer's card.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from clara.jobs import service as jobs
from clara.stores import Stores
from clara.web.caller import CurrentUser
from tests.chat.conftest import Server, ask

WEWORK = (37.79155, -122.39418)


def tools(events: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in events if e["type"] == "tool_call"]


async def status(stores: Stores, technician: CurrentUser, job_id: int) -> str:
    return (await jobs.get_job(stores, actor=technician, job_id=job_id)).job.status


async def test_undo_right_after_a_status_change_takes_it_back(server: Server, technician: CurrentUser,
                                                              demo_day: date, demo_jobs: dict[str, int]) -> None:
    stores: Stores = server.app.state.stores
    if jobs.today(stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")
    ferry = demo_jobs["Ferry Building"]
    async with server.connect(technician) as ws:
        assert tools(await ask(ws, "on my way to the ferry building")) == ["update_job_status"]
        assert tools(await ask(ws, "yes")) == ["confirm_draft"]
        assert await status(stores, technician, ferry) == "en_route"
        undone = await ask(ws, "oops, undo that")
        assert tools(undone) == ["undo_status_change"] and "back to scheduled" in undone[-1]["text"]
        assert await status(stores, technician, ferry) == "scheduled"
        again = await ask(ws, "undo that")  # an undo is not itself undone, nor read as one
        assert "undo_status_change" not in tools(again)
        assert await status(stores, technician, ferry) == "scheduled"


async def test_scratch_that_after_a_saved_deficiency_touches_no_job(
    server: Server, technician: CurrentUser, demo_day: date, demo_jobs: dict[str, int]
) -> None:
    stores: Stores = server.app.state.stores
    if jobs.today(stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")
    wework = demo_jobs["WeWork 123 Main St"]
    await jobs.update_job(stores, actor=technician, job_id=wework, status="in_progress")  # a change to take back
    async with server.connect(technician) as ws:
        await ws.send('{"type": "location", "latitude": %s, "longitude": %s}' % WEWORK)
        assert tools(await ask(ws, "log a deficiency: the extinguisher in the corridor is missing its pin, minor")) \
            == ["log_deficiency"]
        assert tools(await ask(ws, "yes")) == ["confirm_draft"]
        scratched = await ask(ws, "scratch that")
        assert "undo_status_change" not in tools(scratched)
    assert await status(stores, technician, wework) == "in_progress"


@pytest.mark.parametrize("text", ["flag this for the owner", "let the customer know",
                                  "can you let the building manager know the pump is leaking"])
async def test_passing_something_on_opens_no_customer_card(server: Server, technician: CurrentUser,
                                                           text: str) -> None:
    async with server.connect(technician) as ws:
        events = await ask(ws, text)
    assert tools(events) == [] and "can't send" in events[-1]["text"]
    assert "Primary contact" not in events[-1]["text"]
