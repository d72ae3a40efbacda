"""The console's page and assets: served without a token, under a CSP that allows only its own files, small."""

from __future__ import annotations

import gzip
import re
from datetime import date
from pathlib import Path

import httpx
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.console.routes import STATIC
from tests.conftest import bearer

FIRST_LOAD_BUDGET = 300 * 1024  # gzipped JavaScript and CSS of the first load


async def test_the_console_page_is_served_with_a_csp_allowing_only_its_own_files(client: httpx.AsyncClient) -> None:
    response = await client.get("/console")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "connect-src 'self'" in csp
    assert not re.search(r"<script>(?!</script>)|<script[^>]*>[^<]", response.text), "no inline script"
    assert not re.search(r"(src|href)=\"(https?:)?//", response.text), "nothing from another origin"
    for asset in re.findall(r"(?:src|href)=\"(/console/static/[^\"]+)\"", response.text):
        loaded = await client.get(asset)
        assert loaded.status_code == 200, asset
    api = await client.get("/health")
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


async def test_assets_go_gzipped_to_a_browser_that_asks(client: httpx.AsyncClient) -> None:
    chart = STATIC / "vendor" / "uplot" / "uPlot.iife.min.js"
    response = await client.get("/console/static/vendor/uplot/uPlot.iife.min.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) < chart.stat().st_size / 2 and response.content == chart.read_bytes()
    plain = await client.get("/console/static/vendor/uplot/uPlot.iife.min.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == chart.read_bytes()


async def test_assets_outside_the_static_folder_are_not_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/console/static/../routes.py")).status_code == 404
    assert (await client.get("/console/static/nothing.js")).status_code == 404


def test_the_first_load_stays_under_its_budget_and_the_chart_library_carries_its_licence() -> None:
    page = (STATIC / "index.html").read_text()
    assets = re.findall(r"(?:src|href)=\"/console/static/([^\"]+)\"", page)
    total = sum(len(gzip.compress((STATIC / asset).read_bytes(), 9)) for asset in assets)
    assert 0 < total < FIRST_LOAD_BUDGET
    licence = Path(STATIC / "vendor" / "uplot" / "LICENSE").read_text()
    assert "MIT License" in licence


async def test_the_jobs_pane_endpoint_climbs_the_route_ladder(
    client: httpx.AsyncClient, app: Starlette, technician: CurrentUser, other_technician: CurrentUser,
    dispatcher: CurrentUser, demo_day: date, demo_jobs: dict[str, int],
) -> None:
    day = demo_day.isoformat()
    assert (await client.get(f"/console/api/jobs?date={day}")).status_code == 401

    refused = await client.get(f"/console/api/jobs?date={day}&user_id={other_technician.id}",
                               headers=bearer(app, technician))
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "user_id"
    unknown = await client.get(f"/console/api/jobs?date={day}&user_id=999999", headers=bearer(app, dispatcher))
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "user_id"
    for bad, field in (("date=tomorrow", "date"), ("user_id=0", "user_id"), ("user_id=x", "user_id")):
        response = await client.get(f"/console/api/jobs?{bad}", headers=bearer(app, dispatcher))
        assert response.status_code == 400 and response.json()["error"]["field"] == field, bad

    # A technician: their own day, every open job in driving order with the leg from the stop before.
    own = await client.get(f"/console/api/jobs?date={day}", headers=bearer(app, technician))
    assert own.status_code == 200
    [mine] = own.json()["days"]
    assert mine["technician"]["id"] == technician.id
    assert {job["id"] for job in mine["jobs"]} <= set(demo_jobs.values()) and mine["jobs"]
    assert all(job["travel_seconds"] > 0 and job["travel_source"] for job in mine["jobs"])
    assert mine["total_travel_seconds"] == sum(job["travel_seconds"] for job in mine["jobs"])

    # A dispatcher: every active technician's day, the technician's own among them unchanged.
    everyone = (await client.get(f"/console/api/jobs?date={day}", headers=bearer(app, dispatcher))).json()["days"]
    ids = [d["technician"]["id"] for d in everyone]
    assert technician.id in ids and other_technician.id in ids and dispatcher.id not in ids
    assert next(d for d in everyone if d["technician"]["id"] == technician.id)["jobs"] == mine["jobs"]
    one = (await client.get(f"/console/api/jobs?date={day}&user_id={other_technician.id}",
                            headers=bearer(app, dispatcher))).json()["days"]
    assert [d["technician"]["id"] for d in one] == [other_technician.id]
