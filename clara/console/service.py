"""What the console shows that no single API call gives: every technician's day at once, for the office.

The console's jobs pane is each technician's daily brief (remaining jobs in driving order, each with the travel from
the stop before), so the office sees the same route and travel times the technician hears. Scoping is the daily
brief's own: a technician gets only their day, staff anyone's.
"""

from __future__ import annotations

import asyncio
from datetime import date

from clara.web.caller import CurrentUser
from clara.jobs import service as jobs
from clara.jobs.models import DailyBrief
from clara.stores import Stores
from clara.users import service as users


async def days(stores: Stores, *, actor: CurrentUser, user_id: int | None = None,
               on: date | None = None) -> list[DailyBrief]:
    """The caller's day; for staff without `user_id`, the day of every active technician (by name)."""
    if user_id is not None or not actor.is_staff:
        return [await jobs.daily_brief(stores, actor=actor, user_id=user_id, on=on)]
    ids = [technician.id for technician in await users.technicians(stores)]
    return list(await asyncio.gather(*(jobs.daily_brief(stores, actor=actor, user_id=i, on=on) for i in ids)))
