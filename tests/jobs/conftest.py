from __future__ import annotations

from datetime import date

import pytest
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.jobs import service as jobs
from clara.stores import Stores


@pytest.fixture
def stores(app: Starlette, demo_day: date) -> Stores:
    """The app's stores, for tests that read the demo day by today's clock: skipped once midnight has passed since
    the template was seeded (the day's jobs are then yesterday's)."""
    stores: Stores = app.state.stores
    if jobs.today(stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")
    return stores


@pytest.fixture
async def foreign_job(app: Starlette, other_technician: CurrentUser) -> int:
    """A job of another technician."""
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT min(id) AS id FROM jobs WHERE technician_id = %s", (other_technician.id,))
        row = await cur.fetchone()
    assert row is not None and row["id"] is not None
    return row["id"]
