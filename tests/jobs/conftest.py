from __future__ import annotations

from datetime import date

import pytest
from starlette.applications import Starlette

from clara.auth.models import CurrentUser
from clara.seed import COMPANY_TZ, DEMO_DAY


@pytest.fixture
async def demo_day(app: Starlette) -> date:
    """The day the template was seeded, so tests do not depend on the clock passing midnight mid-run."""
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT (scheduled_start AT TIME ZONE %s)::date AS day FROM jobs WHERE notes = %s",
            (str(COMPANY_TZ), DEMO_DAY[0].notes),
        )
        row = await cur.fetchone()
    assert row is not None
    return row["day"]


@pytest.fixture
async def demo_jobs(app: Starlette, technician: CurrentUser, demo_day: date) -> dict[str, int]:
    """The demo technician's job ids on the day of seeding, by site name."""
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT s.name, j.id FROM jobs j JOIN sites s ON s.id = j.site_id"
            " WHERE j.technician_id = %s AND (j.scheduled_start AT TIME ZONE %s)::date = %s",
            (technician.id, str(COMPANY_TZ), demo_day),
        )
        return {row["name"]: row["id"] for row in await cur.fetchall()}


@pytest.fixture
async def foreign_job(app: Starlette, other_technician: CurrentUser) -> int:
    """A job of another technician."""
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT min(id) AS id FROM jobs WHERE technician_id = %s", (other_technician.id,))
        row = await cur.fetchone()
    assert row is not None and row["id"] is not None
    return row["id"]
