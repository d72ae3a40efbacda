"""The job routes' reads and refusals (lists, one job, daily briefs, room tokens, travel times): nothing here is
stored, so the module's tests share one app (tests/conftest.py `module_app`) and its demo people instead of
starting one each. Status changes and write-ups are in tests/jobs/test_routes.py, each on its own app."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import httpx
import jwt
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.ops.demo_data import COMPANY_TZ, DEMO_TECHNICIAN_EMAIL
from clara.settings import LIVEKIT_DEV_KEY, LIVEKIT_DEV_SECRET
from tests.conftest import bearer, demo_day_of, demo_jobs_of, user_by_email
from tests.shared_app import app, auth, client  # noqa: F401  (one app for the module's tests)

pytestmark = pytest.mark.asyncio(loop_scope="module")

DEMO_ROUTE = ["WeWork 123 Main St", "Ferry Building", "ABC Manufacturing Plant 1"]
DOWNTOWN = {"latitude": 37.79, "longitude": -122.39}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def technician(module_app: Starlette) -> CurrentUser:
    return await user_by_email(module_app, DEMO_TECHNICIAN_EMAIL)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def other_technician(module_app: Starlette) -> CurrentUser:
    return await user_by_email(module_app, "james.chen@clara.dev")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def dispatcher(module_app: Starlette) -> CurrentUser:
    return await user_by_email(module_app, "dana.okafor@clara.dev")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def demo_day(module_app: Starlette) -> date:
    return await demo_day_of(module_app)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def demo_jobs(module_app: Starlette, technician: CurrentUser, demo_day: date) -> dict[str, int]:
    return await demo_jobs_of(module_app, technician, demo_day)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def foreign_job(module_app: Starlette, other_technician: CurrentUser) -> int:
    """A job of another technician (tests/jobs/conftest.py's, on the shared app)."""
    async with module_app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT min(id) AS id FROM jobs WHERE technician_id = %s", (other_technician.id,))
        row = await cur.fetchone()
    assert row is not None and row["id"] is not None
    return row["id"]


async def test_jobs_routes_need_a_token(client: httpx.AsyncClient) -> None:
    for method, path in (("GET", "/jobs"), ("GET", "/jobs/1"), ("PATCH", "/jobs/1"), ("POST", "/jobs/1/deficiencies"),
                         ("GET", "/daily-brief"), ("POST", "/clara-server/jobs/get-token"),
                         ("POST", "/clara-server/travel-time"), ("POST", "/clara-server/deficiencies/1/fixed")):
        response = await client.request(method, path, json={})
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "unauthorized"


async def test_jobs_sorted_by_travel_time_from_where_the_technician_is(
    client: httpx.AsyncClient, auth: dict[str, str], demo_day: date
) -> None:
    response = await client.get("/jobs", params={**DOWNTOWN, "date": demo_day.isoformat()}, headers=auth)
    assert response.status_code == 200
    jobs = response.json()["jobs"]
    assert [job["site"]["name"] for job in jobs] == DEMO_ROUTE
    assert [job["travel_seconds"] for job in jobs] == sorted(job["travel_seconds"] for job in jobs)
    assert all(job["travel_source"] == "estimate" and job["distance_km"] > 0 for job in jobs)
    assert jobs[0]["distance_km"] < 1 < 15 < jobs[-1]["distance_km"]  # around the corner vs across the Bay
    wework = jobs[0]
    assert wework["customer"]["name"] == "WeWork" and wework["priority"] == "high"
    assert wework["site"]["address"] == "123 Main St" and wework["systems"] == ["sprinkler", "fire alarm"]
    start = datetime.fromisoformat(wework["scheduled_start"])
    assert start.utcoffset() == start.astimezone(COMPANY_TZ).utcoffset()  # local time, with its offset
    assert (start.date(), start.hour, start.minute) == (demo_day, 7, 30)


async def test_without_a_point_jobs_come_in_schedule_order_without_travel(
    client: httpx.AsyncClient, auth: dict[str, str], demo_day: date
) -> None:
    jobs = (await client.get("/jobs", params={"date": demo_day.isoformat()}, headers=auth)).json()["jobs"]
    assert [job["site"]["name"] for job in jobs] == DEMO_ROUTE
    assert all(job["travel_seconds"] is None and job["distance_km"] is None and job["travel_source"] is None
               for job in jobs)


async def test_jobs_default_to_today_in_the_company_time_zone(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    today = datetime.now(COMPANY_TZ).date()
    default = await client.get("/jobs", headers=auth)
    explicit = await client.get("/jobs", params={"date": today.isoformat()}, headers=auth)
    assert default.status_code == 200 and default.json() == explicit.json()
    tomorrow = (await client.get("/jobs", params={"date": (today + timedelta(days=1)).isoformat()}, headers=auth))
    assert {j["id"] for j in tomorrow.json()["jobs"]}.isdisjoint(j["id"] for j in default.json()["jobs"])


async def test_jobs_reject_bad_parameters_by_name(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    for params, field in (({"latitude": 91, "longitude": 0}, "latitude"), ({"latitude": 37.7}, "longitude"),
                          ({"latitude": "north", "longitude": 0}, "latitude"),
                          ({"latitude": 0, "longitude": -181}, "longitude"), ({"date": "tomorrow"}, "date"),
                          ({"status": "done"}, "status"), ({"user_id": "me"}, "user_id")):
        response = await client.get("/jobs", params=params, headers=auth)
        assert response.status_code == 400, params
        assert response.json()["error"]["field"] == field, params
    twice = await client.get("/jobs", params=[("status", "en_route"), ("status", "")], headers=auth)
    assert twice.status_code == 400 and twice.json()["error"]["field"] == "status"  # not "the last one wins"


async def test_jobs_filter_by_status(
    client: httpx.AsyncClient, auth: dict[str, str], demo_day: date, demo_jobs: dict[str, int]
) -> None:
    await client.patch(f"/jobs/{demo_jobs['WeWork 123 Main St']}", json={"status": "en_route"}, headers=auth)
    params = {"date": demo_day.isoformat()}
    en_route = (await client.get("/jobs", params={**params, "status": "en_route"}, headers=auth)).json()["jobs"]
    scheduled = (await client.get("/jobs", params={**params, "status": "scheduled"}, headers=auth)).json()["jobs"]
    assert [job["site"]["name"] for job in en_route] == ["WeWork 123 Main St"]
    assert [job["site"]["name"] for job in scheduled] == DEMO_ROUTE[1:]


async def test_technicians_see_only_their_own_jobs_and_dispatchers_see_anyones(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser,
    other_technician: CurrentUser, dispatcher: CurrentUser, demo_day: date,
) -> None:
    params = {"date": demo_day.isoformat()}
    forbidden = await client.get("/jobs", params={**params, "user_id": other_technician.id}, headers=auth)
    assert forbidden.status_code == 403 and forbidden.json()["error"]["field"] == "user_id"
    staff = bearer(app, dispatcher)
    as_dispatcher = await client.get("/jobs", params={**params, "user_id": technician.id}, headers=staff)
    as_herself = await client.get("/jobs", params=params, headers=auth)
    assert as_dispatcher.status_code == 200 and as_dispatcher.json() == as_herself.json()
    unknown = await client.get("/jobs", params={"user_id": 999999}, headers=staff)
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "user_id"


async def test_one_job_with_equipment_and_open_deficiencies(
    client: httpx.AsyncClient, auth: dict[str, str], demo_jobs: dict[str, int]
) -> None:
    response = await client.get(f"/jobs/{demo_jobs['ABC Manufacturing Plant 1']}", params=DOWNTOWN, headers=auth)
    assert response.status_code == 200
    job = response.json()
    assert job["customer"]["name"] == "ABC Manufacturing" and job["travel_source"] == "estimate"
    assert any(rule.startswith("Weekend service only") for rule in job["special_requirements"])
    assert job["equipment"] and all(item["next_inspection_due"] for item in job["equipment"])
    dues = [item["next_inspection_due"] for item in job["equipment"]]
    assert dues == sorted(dues)
    today = datetime.now(COMPANY_TZ).date().isoformat()
    assert all(item["overdue"] == (item["next_inspection_due"] < today) for item in job["equipment"])
    problems = {d["description"]: d for d in job["deficiencies"]}
    pump = problems["Fire pump controller fails to auto-start on pressure drop"]
    assert pump["severity"] == "inoperable" and pump["status"] == "new" and pump["location"] == "Pump room"
    assert job["deficiencies"][0]["severity"] == "inoperable"  # worst first


async def test_one_job_ladder(
    client: httpx.AsyncClient, auth: dict[str, str], foreign_job: int
) -> None:
    forbidden = await client.get(f"/jobs/{foreign_job}", headers=auth)
    assert forbidden.status_code == 403 and forbidden.json()["error"]["field"] == "job_id"
    missing = await client.get("/jobs/999999", headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "job_id"
    bad = await client.get("/jobs/first", headers=auth)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "job_id"


async def test_daily_brief_routes_from_home_and_flags_what_matters(
    client: httpx.AsyncClient, auth: dict[str, str], demo_day: date
) -> None:
    response = await client.get("/daily-brief", params={"date": demo_day.isoformat()}, headers=auth)
    assert response.status_code == 200
    brief = response.json()
    assert brief["date"] == demo_day.isoformat() and brief["technician"]["name"] == "Maria Lopez"
    assert [job["site"]["name"] for job in brief["jobs"]] == DEMO_ROUTE
    assert brief["total_travel_seconds"] == sum(job["travel_seconds"] for job in brief["jobs"]) > 0
    assert brief["total_distance_km"] == pytest.approx(sum(job["distance_km"] for job in brief["jobs"]), abs=0.02)
    kinds = {(h["kind"], h["subject"]) for h in brief["highlights"]}
    assert ("high_priority", "WeWork 123 Main St") in kinds
    assert ("inoperable_deficiency", "ABC Manufacturing Plant 1") in kinds
    rules = [h["detail"] for h in brief["highlights"] if h["kind"] == "special_requirement"]
    assert any(rule.startswith("Weekend service only") for rule in rules)
    summary = brief["spoken_summary"]
    assert summary.startswith("Maria, here is your day for") and "three jobs" in summary
    assert "seven thirty a.m." in summary and "123 Main Street" in summary and "weekend service only" in summary
    assert "fire pump controller fails to auto-start" in summary
    assert not any(mark in summary for mark in ("*", "#", "`", "_", "[", "\n", " St ", "8am"))


async def test_daily_brief_starts_from_the_given_point(
    client: httpx.AsyncClient, auth: dict[str, str], demo_day: date
) -> None:
    oakland = {"latitude": 37.7361, "longitude": -122.1974, "date": demo_day.isoformat()}
    brief = (await client.get("/daily-brief", params=oakland, headers=auth)).json()
    # Standing at the afternoon's plant changes the first leg, not the customers' appointments.
    assert [job["site"]["name"] for job in brief["jobs"]] == list(DEMO_ROUTE)
    assert brief["jobs"][0]["distance_km"] > 10  # across the Bay to the 7:30 WeWork visit


async def test_daily_brief_of_a_free_day_says_so(
    client: httpx.AsyncClient, auth: dict[str, str], demo_day: date
) -> None:
    free = (demo_day - timedelta(days=400)).isoformat()
    brief = (await client.get("/daily-brief", params={"date": free}, headers=auth)).json()
    assert brief["jobs"] == [] and brief["highlights"] == [] and brief["total_travel_seconds"] == 0
    assert "no jobs left" in brief["spoken_summary"]


async def test_daily_brief_ladder(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser,
    other_technician: CurrentUser, dispatcher: CurrentUser,
) -> None:
    forbidden = await client.get("/daily-brief", params={"user_id": other_technician.id}, headers=auth)
    assert forbidden.status_code == 403
    bad = await client.get("/daily-brief", params={"latitude": -100, "longitude": 0}, headers=auth)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "latitude"
    staff = bearer(app, dispatcher)
    theirs = await client.get("/daily-brief", params={"user_id": technician.id}, headers=staff)
    assert theirs.status_code == 200 and theirs.json()["technician"]["id"] == technician.id
    unknown = await client.get("/daily-brief", params={"user_id": 999999}, headers=staff)
    assert unknown.status_code == 404


async def test_livekit_token_joins_the_job_room_and_dispatches_clara(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    job_id = demo_jobs["WeWork 123 Main St"]
    response = await client.post("/clara-server/jobs/get-token", json={"userId": technician.id, "jobId": job_id},
                                 headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert body["room"] == f"job-{job_id}" and body["url"] == "ws://localhost:7880"
    claims = jwt.decode(body["token"], LIVEKIT_DEV_SECRET, algorithms=["HS256"], issuer=LIVEKIT_DEV_KEY)
    assert claims["sub"] == str(technician.id) and claims["name"] == "Maria Lopez"
    assert claims["video"]["roomJoin"] is True and claims["video"]["room"] == f"job-{job_id}"
    agent = claims["roomConfig"]["agents"][0]
    assert agent["agentName"] == "clara"
    assert json.loads(agent["metadata"]) == {"user_id": technician.id, "job_id": job_id}


async def test_livekit_token_ladder(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser,
    other_technician: CurrentUser, dispatcher: CurrentUser, demo_jobs: dict[str, int], foreign_job: int,
) -> None:
    mine = demo_jobs["Ferry Building"]
    url = "/clara-server/jobs/get-token"
    as_other = await client.post(url, json={"userId": other_technician.id, "jobId": mine}, headers=auth)
    assert as_other.status_code == 403 and as_other.json()["error"]["field"] == "userId"
    their_job = await client.post(url, json={"userId": technician.id, "jobId": foreign_job}, headers=auth)
    assert their_job.status_code == 403 and their_job.json()["error"]["field"] == "jobId"
    missing = await client.post(url, json={"userId": technician.id, "jobId": 999999}, headers=auth)
    assert missing.status_code == 404
    for body, field in (({"userId": technician.id}, "jobId"), ({"userId": "me", "jobId": mine}, "userId")):
        bad = await client.post(url, json=body, headers=auth)
        assert bad.status_code == 400 and bad.json()["error"]["field"] == field
    staff = await client.post(url, json={"userId": technician.id, "jobId": mine}, headers=bearer(app, dispatcher))
    assert staff.status_code == 200


async def test_travel_time_between_addresses_and_points(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    url = "/clara-server/travel-time"
    across = await client.post(url, json={"origin": "123 Main St", "destination": "abc mfg"}, headers=auth)
    assert across.status_code == 200
    trip = across.json()
    assert trip["source"] == "estimate" and 20 < trip["distance"] < 30 and 1200 < trip["duration"] < 3000
    points = await client.post(
        url, json={"origin": {"latitude": 37.79155, "longitude": -122.39418},
                   "destination": {"latitude": 37.7361, "longitude": -122.1974}}, headers=auth)
    assert points.json() == trip
    here = await client.post(url, json={"origin": "WeWork", "destination": DOWNTOWN}, headers=auth)
    assert here.json()["duration"] < 120


async def test_travel_time_names_the_place_it_cannot_use(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    cases = [({"origin": "Nowhere Plaza", "destination": "WeWork"}, 422, "origin"),
             ({"origin": "WeWork", "destination": "Kaiser"}, 422, "destination"),
             ({"origin": {"latitude": 100, "longitude": 0}, "destination": "WeWork"}, 400, "origin.latitude"),
             ({"origin": {"lat": 1}, "destination": "WeWork"}, 400, "origin"),
             ({"origin": "WeWork", "destination": 42}, 400, "destination"),
             ({"origin": "WeWork"}, 400, "destination"),
             ({"origin": "x" * 300, "destination": "WeWork"}, 400, "origin")]
    for body, status, field in cases:
        response = await client.post("/clara-server/travel-time", json=body, headers=auth)
        assert response.status_code == status, body
        assert response.json()["error"]["field"] == field, body

