"""Voice for a job: a LiveKit token for the job's room whose room configuration dispatches the Clara agent into it.

Kept apart from the jobs rules because it speaks LiveKit's credential format, not the database's.
"""

from __future__ import annotations

import json
from datetime import timedelta

from livekit import api as livekit

from clara.web.caller import CurrentUser, authorize
from clara.jobs.models import LiveKitToken
from clara.stores import Stores
from clara.web.errors import ApiError, not_found

LIVEKIT_TOKEN_TTL = timedelta(hours=6)  # a long shift's worth: the app asks again for the next job anyway


async def livekit_token(stores: Stores, *, actor: CurrentUser, user_id: int, job_id: int) -> LiveKitToken:
    """A LiveKit token for the job's room whose room configuration dispatches the Clara agent into it.

    Field names follow the app's request body (`userId`, `jobId`).
    """
    authorize(actor, user_id, field="userId")
    settings = stores.settings
    if settings.production and not settings.livekit_configured:
        raise ApiError(503, "voice_unavailable", "voice is not configured on this server",
                       headers={"Retry-After": "60"})
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT j.technician_id, u.name FROM jobs j LEFT JOIN users u ON u.id = j.technician_id WHERE j.id = %s",
            (job_id,),
        )
        row = await cur.fetchone()
    if row is None:
        raise not_found("job", "jobId")
    if row["technician_id"] != user_id:
        raise ApiError(403, "forbidden", "that job is not assigned to this user", "jobId")
    url, key, secret = settings.livekit
    room = f"job-{job_id}"
    dispatch = livekit.RoomAgentDispatch(agent_name="clara",
                                         metadata=json.dumps({"user_id": user_id, "job_id": job_id}))
    token = (
        livekit.AccessToken(key.get_secret_value(), secret.get_secret_value())
        .with_identity(str(user_id))
        .with_name(row["name"])
        .with_ttl(LIVEKIT_TOKEN_TTL)
        .with_grants(livekit.VideoGrants(room_join=True, room=room))
        .with_room_config(livekit.RoomConfiguration(agents=[dispatch]))
        .to_jwt()
    )
    return LiveKitToken(token=token, room=room, url=url)
