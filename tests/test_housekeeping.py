"""Expiring edge state goes away by itself: idempotency keys after a day, login attempts after an hour, revoked
tokens once they would have expired. Fresh rows stay."""

from __future__ import annotations

import uuid

from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.settings import Settings
from tests.conftest import running

_ROWS = """
SELECT (SELECT array_agg(key ORDER BY key) FROM idempotency_keys) AS keys,
       (SELECT array_agg(email ORDER BY email) FROM login_attempts) AS emails,
       (SELECT count(*) FROM revoked_tokens) AS revoked
"""


async def test_an_instance_starting_purges_what_expired_and_keeps_the_rest(
    app: Starlette, settings: Settings, technician: CurrentUser
) -> None:
    async with app.state.stores.db.connection() as conn:
        for key, age in (("old", "25 hours"), ("fresh", "23 hours")):
            await conn.execute("INSERT INTO idempotency_keys (user_id, key, claim_id, status, created_at)"
                               " VALUES (%s, %s, %s, 201, now() - %s::interval)", (technician.id, key, uuid.uuid4(), age))
        for email, age, lock in (("stale@x.dev", "61 minutes", None), ("recent@x.dev", "59 minutes", None),
                                 ("locked@x.dev", "2 hours", "5 minutes")):
            await conn.execute("INSERT INTO login_attempts (email, failures, last_attempt, locked_until)"
                               " VALUES (%s, 5, now() - %s::interval, now() + %s::interval)", (email, age, lock))
        for expires in ("-1 minute", "1 hour"):
            await conn.execute("INSERT INTO revoked_tokens (jti, user_id, expires_at)"
                               " VALUES (%s, %s, now() + %s::interval)", (uuid.uuid4(), technician.id, expires))
    async with running(settings):
        pass  # its housekeeping ran once at start-up
    async with app.state.stores.db.connection() as conn:
        rows = await (await conn.execute(_ROWS)).fetchone()
    assert rows == {"keys": ["fresh"], "emails": ["locked@x.dev", "recent@x.dev"], "revoked": 1}
