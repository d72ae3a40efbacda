"""Every cached route read, written, read again, with the Redis layer on and two instances sharing it: the second
read, on either instance, shows the write. A write that forgets to invalidate a key (the day list, a job's detail,
a site's equipment, preferences, the knowledge index) leaves one of these reads stale."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from clara.jobs import service as jobs
from clara.ops.demo_data import COMPANY_TZ, DEMO_DAY
from clara.settings import Settings
from tests.conftest import DEMO_TECHNICIAN_EMAIL, bearer, running, user_by_email

class Instances:
    """Two Clara apps on one database and one Redis (prefix of this test), and the demo technician's day."""

    def __init__(self, apps: list[Starlette], clients: list[httpx.AsyncClient], user_id: int,
                 auth: dict[str, str], day: date, jobs: dict[str, int]) -> None:
        self.apps, self.clients = apps, clients
        self.user_id, self.auth, self.day, self.jobs = user_id, auth, day, jobs

    async def get(self, path: str, **params: str) -> list[dict]:
        """The same GET on both instances (each answer checked to be a 200)."""
        answers = []
        for client in self.clients:
            response = await client.get(path, params=params, headers=self.auth)
            assert response.status_code == 200, response.text
            answers.append(response.json())
        return answers


@pytest.fixture
async def instances(settings: Settings, redis_server_url: str) -> AsyncIterator[Instances]:
    async with contextlib.AsyncExitStack() as stack:
        apps: list[Starlette] = [await stack.enter_async_context(running(settings, redis_url=redis_server_url))
                                 for _ in range(2)]
        assert all(app.state.stores.redis is not None for app in apps)  # the Redis layer is on
        clients = [await stack.enter_async_context(httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                                     base_url="http://clara.test"))
                   for app in apps]
        technician = await user_by_email(apps[0], DEMO_TECHNICIAN_EMAIL)
        async with apps[0].state.stores.db.connection() as conn:
            cur = await conn.execute(  # the seeded demo day, as tests/conftest.py's demo_day and demo_jobs read it
                "SELECT s.name, j.id FROM jobs j JOIN sites s ON s.id = j.site_id WHERE j.technician_id = %(tech)s"
                " AND (j.scheduled_start AT TIME ZONE %(tz)s)::date = (SELECT (scheduled_start AT TIME ZONE %(tz)s)"
                "::date FROM jobs WHERE notes = %(notes)s)", {"tech": technician.id, "tz": str(COMPANY_TZ),
                                                             "notes": DEMO_DAY[0].notes})
            jobs = {row["name"]: row["id"] for row in await cur.fetchall()}
            cur = await conn.execute("SELECT (scheduled_start AT TIME ZONE %s)::date AS day FROM jobs WHERE id = %s",
                                     (str(COMPANY_TZ), next(iter(jobs.values()))))
            day = (await cur.fetchone())["day"]
        yield Instances(apps, clients, technician.id, bearer(apps[0], technician), day, jobs)
        async for key in apps[0].state.stores.redis.scan_iter(match=f"{settings.redis_key_prefix}*"):
            await apps[0].state.stores.redis.delete(key)


async def test_the_day_list_and_the_brief_show_a_status_change(instances: Instances) -> None:
    job_id = instances.jobs["WeWork 123 Main St"]

    def status(answer: dict) -> str:
        return next(job["status"] for job in answer["jobs"] if job["id"] == job_id)

    day = instances.day.isoformat()
    assert [status(a) for a in await instances.get("/jobs", date=day)] == ["scheduled", "scheduled"]
    assert [status(a) for a in await instances.get("/daily-brief", date=day)] == ["scheduled", "scheduled"]
    first, second = instances.clients
    changed = await first.patch(f"/jobs/{job_id}", json={"status": "en_route"}, headers=instances.auth)
    assert changed.status_code == 200
    assert [status(a) for a in await instances.get("/jobs", date=day)] == ["en_route", "en_route"]
    assert [status(a) for a in await instances.get("/daily-brief", date=day)] == ["en_route", "en_route"]
    assert [a["status"] for a in await instances.get(f"/jobs/{job_id}")] == ["en_route", "en_route"]
    noted = await second.patch(f"/jobs/{job_id}", json={"notes": "Gate code 4411"}, headers=instances.auth)
    assert noted.status_code == 200
    assert [a["notes"] for a in await instances.get(f"/jobs/{job_id}")] == ["Gate code 4411"] * 2


async def test_a_jobs_detail_shows_a_deficiency_logged_then_fixed(instances: Instances) -> None:
    job_id = instances.jobs["Ferry Building"]
    before = await instances.get(f"/jobs/{job_id}")
    first, second = instances.clients
    logged = await first.post(f"/jobs/{job_id}/deficiencies", headers=instances.auth,
                              json={"severity": "deficient", "description": "Riser gauge cracked"})
    assert logged.status_code == 201
    deficiency_id = logged.json()["id"]
    assert all(deficiency_id not in {d["id"] for d in answer["deficiencies"]} for answer in before)
    after = await instances.get(f"/jobs/{job_id}")
    assert all(deficiency_id in {d["id"] for d in answer["deficiencies"]} for answer in after)
    fixed = await second.post(f"/clara-server/deficiencies/{deficiency_id}/fixed", headers=instances.auth)
    assert fixed.status_code == 200
    gone = await instances.get(f"/jobs/{job_id}")
    assert all(deficiency_id not in {d["id"] for d in answer["deficiencies"]} for answer in gone)


async def test_a_jobs_detail_and_the_agents_site_units_show_equipment_added_to_the_site(
    instances: Instances,
) -> None:
    job_id = instances.jobs["ABC Manufacturing Plant 1"]
    before = await instances.get(f"/jobs/{job_id}")
    site_id = before[0]["site"]["id"]

    async def units() -> list[set[int]]:  # what the agent reads when a technician names "that unit"
        return [{e.id for e in await jobs.site_equipment(app.state.stores, site_id=site_id)} for app in instances.apps]

    units_before = await units()
    added = await instances.clients[1].post(
        f"/jobs/{job_id}/equipment", headers=instances.auth,
        json={"manufacturer": "Carrier", "model": "50TCQA06", "type": "Rooftop unit", "serial": "4424G20001"})
    assert added.status_code == 201
    assert all(added.json()["id"] not in {e["id"] for e in answer["equipment"]} for answer in before)
    assert all(added.json()["id"] not in ids for ids in units_before)
    after = await instances.get(f"/jobs/{job_id}")
    assert all(added.json()["id"] in {e["id"] for e in answer["equipment"]} for answer in after)
    assert all(added.json()["id"] in ids for ids in await units())


async def test_preferences_read_back_after_a_change(instances: Instances) -> None:
    first, _ = instances.clients
    path = f"/clara-server/users/{instances.user_id}/preferences"
    assert [a["units"] for a in await instances.get(path)] == ["imperial", "imperial"]
    changed = await first.put(path, json={"units": "metric"}, headers=instances.auth)
    assert changed.status_code == 200
    assert [a["units"] for a in await instances.get(path)] == ["metric", "metric"]


async def test_search_finds_a_document_uploaded_after_the_same_search(instances: Instances) -> None:
    query = "zircon-blue valve tag colour"
    before = await instances.get("/clara-server/knowledge/search", query=query)
    assert all("Valve tags" not in [hit["title"] for hit in answer["results"]] for answer in before)
    text = b"# Valve tags\n\nZircon-blue valve tags mark the dry pipe valves in every riser room.\n"
    uploaded = await instances.clients[0].post(
        "/clara-server/knowledge/documents", headers=instances.auth, data={"title": "Valve tags"},
        files={"file": ("valve-tags.md", text, "text/markdown")})
    assert uploaded.status_code == 201, uploaded.text
    after = await instances.get("/clara-server/knowledge/search", query=query)
    assert all(answer["results"][0]["title"] == "Valve tags" for answer in after)



async def test_the_agents_next_job_follows_a_status_change_on_either_instance(instances: Instances) -> None:
    """"My next job" is cached per technician and day, like the day list: a job cancelled on one instance is no
    longer anyone's next job on either."""
    technician = await user_by_email(instances.apps[0], DEMO_TECHNICIAN_EMAIL)

    async def next_ids() -> list[int | None]:
        found = [await jobs.next_job(app.state.stores, actor=technician) for app in instances.apps]
        return [job.id if job else None for job in found]

    first = await next_ids()
    assert first[0] is not None and first[0] == first[1]
    cancelled = await instances.clients[0].patch(f"/jobs/{first[0]}", json={"status": "cancelled"},
                                                 headers=instances.auth)
    assert cancelled.status_code == 200
    after = await next_ids()
    assert first[0] not in after and after[0] == after[1]
