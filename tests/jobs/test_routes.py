"""The job routes' writes: status changes, notes, write-ups and marking them fixed, each on its own app. Reads and
refusals are in tests/jobs/test_routes_read.py."""

from __future__ import annotations

import re

import httpx
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.conftest import bearer


async def test_job_status_moves_forward_and_notes_change(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], dispatcher: CurrentUser,
    demo_jobs: dict[str, int],
) -> None:
    job_url = f"/jobs/{demo_jobs['WeWork 123 Main St']}"
    for status in ("en_route", "en_route", "in_progress", "completed"):
        response = await client.patch(job_url, json={"status": status}, headers=auth)
        assert response.status_code == 200 and response.json()["status"] == status
    backwards = await client.patch(job_url, json={"status": "scheduled"}, headers=auth)  # not the last step back
    assert backwards.status_code == 409 and backwards.json()["error"]["code"] == "invalid_transition"
    noted = await client.patch(job_url, json={"notes": "Riser 2 gauge replaced"}, headers=bearer(app, dispatcher))
    assert noted.status_code == 200 and noted.json()["notes"] == "Riser 2 gauge replaced"
    cleared = await client.patch(job_url, json={"notes": None}, headers=auth)
    assert cleared.json()["notes"] is None
    assert (await client.get(job_url, headers=auth)).json()["status"] == "completed"


async def test_job_update_ladder(
    client: httpx.AsyncClient, auth: dict[str, str], foreign_job: int, demo_jobs: dict[str, int]
) -> None:
    mine = f"/jobs/{demo_jobs['Ferry Building']}"
    forbidden = await client.patch(f"/jobs/{foreign_job}", json={"notes": "mine now"}, headers=auth)
    assert forbidden.status_code == 403
    assert (await client.patch("/jobs/999999", json={"status": "en_route"}, headers=auth)).status_code == 404
    for body, field in (({}, "status"), ({"status": "finished"}, "status"), ({"notes": 7}, "notes"),
                        ({"notes": "x" * 6000}, "notes"), ({"notes": "a\x00b"}, "notes")):
        response = await client.patch(mine, json=body, headers=auth)
        assert response.status_code == 400 and response.json()["error"]["field"] == field, body
    not_json = await client.patch(mine, content=b"[1, 2]", headers={**auth, "content-type": "application/json"})
    assert not_json.status_code == 400 and not_json.json()["error"]["field"] == "body"


async def test_logged_deficiency_shows_on_the_job(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    job_id = demo_jobs["WeWork 123 Main St"]
    equipment = (await client.get(f"/jobs/{job_id}", headers=auth)).json()["equipment"][0]
    response = await client.post(
        f"/jobs/{job_id}/deficiencies",
        json={"severity": "deficient", "description": "  Escutcheon missing, 4th floor east  ",
              "equipment_id": equipment["id"], "location": "4th floor"},
        headers=auth,
    )
    assert response.status_code == 201
    logged = response.json()
    assert logged["description"] == "Escutcheon missing, 4th floor east" and logged["job_id"] == job_id
    assert logged["reported_by"] == technician.id and logged["status"] == "new" and logged["fixed_at"] is None
    after = (await client.get(f"/jobs/{job_id}", headers=auth)).json()
    assert logged["id"] in {d["id"] for d in after["deficiencies"]}


async def test_deficiency_report_ladder(
    client: httpx.AsyncClient, auth: dict[str, str], foreign_job: int, demo_jobs: dict[str, int]
) -> None:
    ok = {"severity": "suggested", "description": "Label the riser valves"}
    assert (await client.post(f"/jobs/{foreign_job}/deficiencies", json=ok, headers=auth)).status_code == 403
    assert (await client.post("/jobs/999999/deficiencies", json=ok, headers=auth)).status_code == 404
    url = f"/jobs/{demo_jobs['Ferry Building']}/deficiencies"
    wework = (await client.get(f"/jobs/{demo_jobs['WeWork 123 Main St']}", headers=auth)).json()
    elsewhere = wework["equipment"][0]["id"]
    for body, field in (({"description": "x"}, "severity"), ({**ok, "severity": "awful"}, "severity"),
                        ({"severity": "suggested", "description": "   "}, "description"),
                        ({"severity": "suggested", "description": "\u200b\ufeff \u200d"}, "description"),
                        ({**ok, "description": "x" * 2001}, "description"),
                        ({**ok, "equipment_id": elsewhere}, "equipment_id"), ({**ok, "location": 3}, "location"),
                        ({**ok, "description": "Label\x00 valves"}, "description"),
                        ({**ok, "description": "Label\x08\x08 the valves"}, "description"),
                        ({**ok, "location": "Riser\x1f room"}, "location")):
        response = await client.post(url, json=body, headers=auth)
        assert response.status_code == 400 and response.json()["error"]["field"] == field, body
    sent = (await client.post(url, json={**ok, "description": "Label\x0b valves"}, headers=auth)).json()["error"]
    assert sent["message"] == "description must not contain control characters (tab and line breaks are fine)"
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]["DeficiencyReport"]
    assert re.fullmatch(schema["properties"]["description"]["pattern"], "Label\x0b valves") is None  # documented
    two_lines = await client.post(url, json={**ok, "description": "Label the valves\r\n\tand the riser"}, headers=auth)
    assert two_lines.status_code == 201 and two_lines.json()["description"] == "Label the valves\r\n\tand the riser"


async def test_marking_a_deficiency_fixed(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], other_technician: CurrentUser,
    dispatcher: CurrentUser, demo_jobs: dict[str, int],
) -> None:
    job_id = demo_jobs["ABC Manufacturing Plant 1"]
    pump = next(d for d in (await client.get(f"/jobs/{job_id}", headers=auth)).json()["deficiencies"]
                if d["description"].startswith("Fire pump controller"))
    url = f"/clara-server/deficiencies/{pump['id']}/fixed"
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT EXISTS (SELECT 1 FROM jobs WHERE site_id = %s AND technician_id = %s) AS x",
                                 (pump["site_id"], other_technician.id))
        other_works_there = (await cur.fetchone())["x"]  # type: ignore[index]
    if not other_works_there:
        stranger = await client.post(url, headers=bearer(app, other_technician))
        assert stranger.status_code == 403
    fixed = await client.post(url, headers=auth)
    assert fixed.status_code == 200
    body = fixed.json()
    assert body["status"] == "fixed" and body["fixed_at"] is not None
    again = await client.post(url, headers=bearer(app, dispatcher))
    assert again.status_code == 200 and again.json()["fixed_at"] == body["fixed_at"]
    still_open = (await client.get(f"/jobs/{job_id}", headers=auth)).json()["deficiencies"]
    assert pump["id"] not in {d["id"] for d in still_open}
    assert (await client.post("/clara-server/deficiencies/999999/fixed", headers=auth)).status_code == 404
    assert (await client.post("/clara-server/deficiencies/-1/fixed", headers=auth)).status_code == 400
