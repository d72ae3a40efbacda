"""A status change taken back: the technician's own last change, for a short while; a dispatcher's at any time."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from clara.jobs import service
from clara.stores import Stores
from clara.web.caller import CurrentUser
from clara.web.errors import ApiError
from tests.conftest import bearer


async def test_a_technician_takes_back_their_own_last_change(
    app: Starlette, technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    stores: Stores = app.state.stores
    job_id = demo_jobs["Ferry Building"]
    await service.update_job(stores, actor=technician, job_id=job_id, status="en_route")
    undone = await service.undo_status(stores, actor=technician)
    assert undone.id == job_id and undone.status == "scheduled"
    with pytest.raises(ApiError) as again:  # an undo is not itself undone
        await service.undo_status(stores, actor=technician)
    assert again.value.status == 409 and again.value.code == "nothing_to_undo" and "dispatcher" in again.value.message
    assert (await service.get_job(stores, actor=technician, job_id=job_id)).job.status == "scheduled"


async def test_only_the_last_step_back_within_the_window(
    app: Starlette, technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    stores: Stores = app.state.stores
    job_id = demo_jobs["Ferry Building"]
    await service.update_job(stores, actor=technician, job_id=job_id, status="en_route")
    await service.update_job(stores, actor=technician, job_id=job_id, status="in_progress")
    with pytest.raises(ApiError) as two_back:  # only to where the last change came from
        await service.update_job(stores, actor=technician, job_id=job_id, status="scheduled")
    assert two_back.value.code == "invalid_transition" and "dispatcher" in two_back.value.message
    async with stores.db.connection() as conn:  # the window passes
        await conn.execute("UPDATE jobs SET status_changed_at = now() - interval '11 minutes' WHERE id = %s",
                           (job_id,))
    with pytest.raises(ApiError) as late:
        await service.update_job(stores, actor=technician, job_id=job_id, status="en_route")
    assert late.value.code == "invalid_transition"
    with pytest.raises(ApiError):
        await service.undo_status(stores, actor=technician)


async def test_another_users_change_is_a_dispatchers_to_take_back(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser,
    dispatcher: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    stores: Stores = app.state.stores
    job_url = f"/jobs/{demo_jobs['WeWork 123 Main St']}"
    moved = await client.patch(job_url, json={"status": "in_progress"}, headers=bearer(app, dispatcher))
    assert moved.status_code == 200
    refused = await client.patch(job_url, json={"status": "scheduled"}, headers=auth)  # not the technician's change
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_transition"
    with pytest.raises(ApiError):
        await service.undo_status(stores, actor=technician)
    await client.patch(job_url, json={"status": "completed"}, headers=auth)
    reopened = await client.patch(job_url, json={"status": "in_progress"}, headers=auth)  # their own, just now
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"
    corrected = await client.patch(job_url, json={"status": "scheduled"}, headers=bearer(app, dispatcher))
    assert corrected.status_code == 200 and corrected.json()["status"] == "scheduled"


async def test_a_cancellation_stays_final_for_the_technician(
    app: Starlette, technician: CurrentUser, dispatcher: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    stores: Stores = app.state.stores
    job_id = demo_jobs["Ferry Building"]
    await service.update_job(stores, actor=technician, job_id=job_id, status="cancelled")
    with pytest.raises(ApiError) as caught:
        await service.update_job(stores, actor=technician, job_id=job_id, status="scheduled")
    assert caught.value.code == "invalid_transition"
    reinstated = await service.update_job(stores, actor=dispatcher, job_id=job_id, status="scheduled")
    assert reinstated.status == "scheduled"
