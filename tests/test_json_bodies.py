"""What a JSON body must be before any route reads it (clara.web.json_input), found by a black-box audit: a body
declared as form data, text or XML, or in another charset, is a 415 naming `Content-Type` (it was read as JSON and
acted on); a property given twice is a 400 naming it (the last copy silently won, so a client and Clara could
disagree on what was saved); `true` as a latitude is "must be a number", not "must be an integer"."""

from __future__ import annotations

import json

import httpx
import pytest
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.conftest import bearer

NOTE = {"severity": "deficient", "description": "Riser gauge cracked"}


async def _my_job(client: httpx.AsyncClient, auth: dict[str, str]) -> int:
    jobs = (await client.get("/jobs", headers=auth)).json()["jobs"]
    return jobs[0]["id"]


async def _deficiencies(client: httpx.AsyncClient, auth: dict[str, str], job_id: int) -> list[str]:
    job = (await client.get(f"/jobs/{job_id}", headers=auth)).json()
    return [d["description"] for d in job.get("deficiencies", [])]


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
    "application/json; charset=latin-1", "application/json; charset=utf-16",
])
async def test_a_body_declared_as_anything_but_utf8_json_is_a_415_and_nothing_is_saved(
    client: httpx.AsyncClient, auth: dict[str, str], other_technician: CurrentUser, app: Starlette,
    content_type: str,
) -> None:
    job_id = await _my_job(client, auth)
    path, body = f"/jobs/{job_id}/deficiencies", json.dumps(NOTE).encode()
    assert (await client.post(path, content=body, headers={"content-type": content_type})).status_code == 401
    theirs = await client.post("/jobs/999999/deficiencies", content=body,
                               headers={**bearer(app, other_technician), "content-type": content_type})
    assert theirs.status_code in (404, 415)  # either refusal; never a write
    before = await _deficiencies(client, auth, job_id)
    refused = await client.post(path, content=body, headers={**auth, "content-type": content_type})
    assert refused.status_code == 415, refused.text
    assert refused.json()["error"]["code"] == "unsupported_media_type"
    assert refused.json()["error"]["field"] == "Content-Type"
    assert await _deficiencies(client, auth, job_id) == before


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=UTF-8",
                                          "application/merge-patch+json", None])
async def test_json_utf8_or_no_declared_type_is_read(client: httpx.AsyncClient, auth: dict[str, str],
                                                     content_type: str | None) -> None:
    job_id = await _my_job(client, auth)
    headers = {**auth, **({"content-type": content_type} if content_type else {})}
    saved = await client.post(f"/jobs/{job_id}/deficiencies", content=json.dumps(NOTE).encode(), headers=headers)
    assert saved.status_code == 201, saved.text
    assert saved.json()["description"] == NOTE["description"]


async def test_a_property_given_twice_is_a_400_naming_it_and_nothing_is_saved(
    client: httpx.AsyncClient, auth: dict[str, str],
) -> None:
    job_id = await _my_job(client, auth)
    path = f"/jobs/{job_id}/deficiencies"
    twice = '{"severity": "deficient", "description": "Riser gauge cracked", "description": "All fine"}'
    json_type = {"content-type": "application/json"}
    assert (await client.post(path, content=twice, headers=json_type)).status_code == 401
    assert (await client.post("/jobs/999999/deficiencies", content=twice, headers={**auth, **json_type})
            ).status_code in (400, 404)
    before = await _deficiencies(client, auth, job_id)
    refused = await client.post(path, content=twice, headers={**auth, **json_type})
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == {"code": "validation_error", "field": "description",
                                       "message": "description is given more than once; send each property once"}
    assert await _deficiencies(client, auth, job_id) == before
    nested = '{"events": [{"type": "a"}, {"type": "b", "properties": {"n": 1, "n": 2}}]}'
    batch = await client.post("/clara-server/analytics/events", content=nested, headers={**auth, **json_type})
    assert (batch.status_code, batch.json()["error"]["field"]) == (400, "events[1].properties.n")
    once = await client.post(path, content=json.dumps(NOTE), headers={**auth, **json_type})
    assert once.status_code == 201 and once.json()["description"] == NOTE["description"]


async def test_true_as_a_latitude_is_not_a_number(client: httpx.AsyncClient, auth: dict[str, str],
                                                  technician: CurrentUser) -> None:
    refused = await client.post(f"/voice/chat/{technician.id}", headers=auth,
                                json={"message": "next job", "latitude": True, "longitude": -122.4})
    assert refused.status_code == 400
    assert refused.json()["error"] == {"code": "validation_error", "field": "latitude",
                                       "message": "latitude must be a number"}
