from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.auth.models import CurrentUser


@pytest.fixture
async def foreign_job(app: Starlette, other_technician: CurrentUser) -> int:
    """A job of another technician."""
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT min(id) AS id FROM jobs WHERE technician_id = %s", (other_technician.id,))
        row = await cur.fetchone()
    assert row is not None and row["id"] is not None
    return row["id"]
