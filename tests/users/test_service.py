from __future__ import annotations

import asyncio

import pytest
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.web.errors import ApiError
from clara.users import service


async def test_concurrent_partial_updates_both_land(app: Starlette, technician: CurrentUser) -> None:
    stores = app.state.stores
    await asyncio.gather(
        service.update_preferences(stores, actor=technician, user_id=technician.id, units="metric"),
        service.update_preferences(stores, actor=technician, user_id=technician.id, verbosity="detailed"),
    )
    current = await service.get_preferences(stores, actor=technician, user_id=technician.id)
    assert (current.units, current.verbosity) == ("metric", "detailed")


async def test_users_without_a_preferences_row_get_the_defaults(app: Starlette, technician: CurrentUser) -> None:
    stores = app.state.stores
    async with stores.db.connection() as conn:
        await conn.execute("DELETE FROM user_preferences WHERE user_id = %s", (technician.id,))
    assert await service.get_preferences(stores, actor=technician, user_id=technician.id) == service.Preferences()
    changed = await service.update_preferences(stores, actor=technician, user_id=technician.id, voice_speed=0.75)
    assert changed == service.Preferences(voice_speed=0.75)


async def test_services_validate_what_tools_pass(app: Starlette, technician: CurrentUser) -> None:
    for kwargs, field in (({"skill_level": "wizard"}, "skill_level"), ({"voice_speed": float("nan")}, "voice_speed"),
                          ({"voice_speed": 0.1}, "voice_speed")):
        with pytest.raises(ApiError) as caught:
            await service.update_preferences(app.state.stores, actor=technician, user_id=technician.id, **kwargs)
        assert caught.value.field == field


async def test_get_user_carries_the_home_where_a_day_starts(app: Starlette, technician: CurrentUser) -> None:
    user = await service.get_user(app.state.stores, actor=technician, user_id=technician.id)
    assert user.name == "Maria Lopez" and user.role == "technician" and user.home == (37.7793, -122.4193)


async def test_switching_back_restores_what_the_last_change_replaced(app: Starlette, technician: CurrentUser,
                                                                     other_technician: CurrentUser) -> None:
    """"Switch me back" outlives the conversation that changed it (stored), and only the changed fields return."""
    stores = app.state.stores
    with pytest.raises(ApiError) as caught:  # nothing changed yet: ask for the setting instead of guessing
        await service.revert_preferences(stores, actor=technician, user_id=technician.id)
    assert caught.value.status == 400 and caught.value.field == "revert"
    await service.update_preferences(stores, actor=technician, user_id=technician.id, verbosity="brief")
    await service.update_preferences(stores, actor=technician, user_id=technician.id, units="metric")
    await service.update_preferences(stores, actor=technician, user_id=technician.id, units="metric")  # no change
    back = await service.revert_preferences(stores, actor=technician, user_id=technician.id)
    assert (back.units, back.verbosity) == ("imperial", "brief")  # the last change undone, the one before kept
    again = await service.revert_preferences(stores, actor=technician, user_id=technician.id)
    assert again.units == "metric"  # undoing the undo
    with pytest.raises(ApiError) as refused:
        await service.revert_preferences(stores, actor=other_technician, user_id=technician.id)
    assert refused.value.status == 403
