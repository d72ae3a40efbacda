from __future__ import annotations

import httpx
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.conftest import bearer


def url(user: CurrentUser | int) -> str:
    return f"/clara-server/users/{user if isinstance(user, int) else user.id}/preferences"


async def test_preferences_need_a_token(client: httpx.AsyncClient, technician: CurrentUser) -> None:
    assert (await client.get(url(technician))).status_code == 401
    assert (await client.put(url(technician), json={"units": "metric"})).status_code == 401


async def test_partial_update_keeps_the_rest_and_persists(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser
) -> None:
    defaults = await client.get(url(technician), headers=auth)
    assert defaults.status_code == 200
    assert defaults.json() == {"skill_level": "intermediate", "units": "imperial", "verbosity": "normal",
                               "voice_speed": 1.0}
    changed = await client.put(url(technician), json={"units": "metric", "voice_speed": 1.1}, headers=auth)
    assert changed.status_code == 200
    expected = {"skill_level": "intermediate", "units": "metric", "verbosity": "normal", "voice_speed": 1.1}
    assert changed.json() == expected
    again = await client.put(url(technician), json={"skill_level": "expert"}, headers=auth)
    assert again.json() == {**expected, "skill_level": "expert"}
    assert (await client.get(url(technician), headers=auth)).json() == again.json()


async def test_preferences_validate_each_field_by_name(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser
) -> None:
    for body, field in (({"skill_level": "guru"}, "skill_level"), ({"units": "furlongs"}, "units"),
                        ({"verbosity": 3}, "verbosity"), ({"voice_speed": 5}, "voice_speed"),
                        ({"voice_speed": "fast"}, "voice_speed"), ({"voice_speed": True}, "voice_speed"),
                        ({"theme": "dark"}, "theme"), ({}, "body"), ({"units": "metric", "x" * 100_000: 1}, "x" * 64),
                        ({"skill_level": None, "units": None}, "body")):
        response = await client.put(url(technician), json=body, headers=auth)
        assert response.status_code == 400, body.keys()
        assert response.json()["error"]["field"] == field
    for raw in (b"[]", b"{", "units=metric".encode()):
        response = await client.put(url(technician), content=raw, headers={**auth, "content-type": "application/json"})
        assert response.status_code == 400 and response.json()["error"]["field"] == "body"
    unchanged = await client.get(url(technician), headers=auth)
    assert unchanged.json()["units"] == "imperial"


async def test_another_technicians_preferences_are_off_limits(
    client: httpx.AsyncClient, auth: dict[str, str], other_technician: CurrentUser
) -> None:
    assert (await client.get(url(other_technician), headers=auth)).status_code == 403
    response = await client.put(url(other_technician), json={"units": "metric"}, headers=auth)
    assert response.status_code == 403 and response.json()["error"]["field"] == "user_id"
    assert (await client.get(url(999999), headers=auth)).status_code == 403  # no probing for ids


async def test_staff_manage_anyones_preferences(
    app: Starlette, client: httpx.AsyncClient, technician: CurrentUser, dispatcher: CurrentUser
) -> None:
    staff = bearer(app, dispatcher)
    changed = await client.put(url(technician), json={"verbosity": "brief"}, headers=staff)
    assert changed.status_code == 200 and changed.json()["verbosity"] == "brief"
    assert (await client.get(url(999999), headers=staff)).status_code == 404
    assert (await client.put(url(999999), json={"units": "metric"}, headers=staff)).status_code == 404
    assert (await client.get("/clara-server/users/me/preferences", headers=staff)).status_code == 400
