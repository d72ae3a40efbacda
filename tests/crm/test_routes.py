from __future__ import annotations

from datetime import datetime

import httpx
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.conftest import bearer

CUSTOMERS = "/clara-server/crm/customers"


async def test_crm_needs_a_token(client: httpx.AsyncClient) -> None:
    for path in (CUSTOMERS, f"{CUSTOMERS}/1", f"{CUSTOMERS}/by-location/WeWork"):
        response = await client.get(path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "unauthorized"


async def test_list_pages_through_every_customer_by_name(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    first = (await client.get(CUSTOMERS, params={"limit": 5}, headers=auth)).json()
    second = (await client.get(CUSTOMERS, params={"limit": 5, "offset": 5}, headers=auth)).json()
    assert first["total"] == second["total"] == 27
    names = [c["name"] for c in first["customers"] + second["customers"]]
    assert len(names) == 10 and names == sorted(names) and len(set(names)) == 10
    beyond = (await client.get(CUSTOMERS, params={"offset": 500}, headers=auth)).json()
    assert beyond == {"customers": [], "total": 27}


async def test_list_searches_names_sites_and_addresses(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    for q, expected in (("abc mfg", ["ABC Manufacturing"]), ("MAIN ST", ["WeWork"]),
                        ("industrial parkway", ["ABC Manufacturing"]), ("kaiser", ["Kaiser Permanente"]),
                        ("'; DROP TABLE customers; --", []), ("zzzqqq", [])):
        response = await client.get(CUSTOMERS, params={"q": q}, headers=auth)
        assert response.status_code == 200, q
        body = response.json()
        assert [c["name"] for c in body["customers"]] == expected and body["total"] == len(expected), q
    still_there = await client.get(CUSTOMERS, headers=auth)
    assert still_there.json()["total"] == 27


async def test_list_rejects_bad_parameters_by_name(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    for params, field in (({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limit": "ten"}, "limit"),
                          ({"offset": -1}, "offset"), ({"q": "x" * 60_000}, "q"), ({"q": "a\x00b"}, "q"),
                          ({"q": "%"}, "q")):
        response = await client.get(CUSTOMERS, params=params, headers=auth)
        assert response.status_code == 400, field
        assert response.json()["error"]["field"] == field


async def test_customer_carries_sites_contacts_pipeline_rules_and_jobs(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    located = (await client.get(f"{CUSTOMERS}/by-location/WeWork", headers=auth)).json()
    response = await client.get(f"{CUSTOMERS}/{located['id']}", headers=auth)
    assert response.status_code == 200
    wework = response.json()
    assert wework["name"] == "WeWork" and wework["segment"] == "commercial"
    assert wework["lifetime_value"] == 450000
    assert [s["address"] for s in wework["sites"]] == ["123 Main St"]
    assert {o["title"]: (o["value"], o["stage"]) for o in wework["opportunities"]} == {
        "Sprinkler head replacement, floors 3-6": (45000, "proposal"),
        "Fire alarm panel upgrade to addressable": (95000, "negotiation"),
    }
    assert any("before 8am" in rule for rule in wework["special_requirements"])
    assert wework["contacts"][0]["is_primary"] is True
    recent = [datetime.fromisoformat(job["scheduled_start"]) for job in wework["recent_jobs"]]
    upcoming = [datetime.fromisoformat(job["scheduled_start"]) for job in wework["upcoming_jobs"]]
    assert recent + upcoming, "the demo technician works at WeWork on the day of seeding"
    assert recent == sorted(recent, reverse=True) and upcoming == sorted(upcoming)
    assert all(past < future for past in recent for future in upcoming)
    assert {job["site_id"] for job in wework["recent_jobs"] + wework["upcoming_jobs"]} == {wework["sites"][0]["id"]}
    assert "match" not in wework


async def test_customer_by_id_ladder(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    missing = await client.get(f"{CUSTOMERS}/999999", headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "customer_id"
    bad = await client.get(f"{CUSTOMERS}/abc", headers=auth)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "customer_id"


async def test_by_location_tolerates_case_punctuation_abbreviations_and_typos(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    cases = [
        ("WeWork", "WeWork", "WeWork 123 Main St"),
        ("wework", "WeWork", "WeWork 123 Main St"),
        ("123 main street", "WeWork", "WeWork 123 Main St"),
        ("123 Main St.", "WeWork", "WeWork 123 Main St"),
        ("ABC Manufacturing", "ABC Manufacturing", "ABC Manufacturing Plant 1"),
        ("abc mfg", "ABC Manufacturing", "ABC Manufacturing Plant 1"),
        ("456 Industrial Parkway", "ABC Manufacturing", "ABC Manufacturing Plant 1"),
        ("456 industrial pkwy", "ABC Manufacturing", "ABC Manufacturing Plant 1"),
        ("salesfroce tower", "Salesforce Tower Management", "Salesforce Tower"),
        ("Kaiser Geary Blvd", "Kaiser Permanente", "Kaiser San Francisco Medical Center"),
        ("levis stadium", "Levi's Stadium Operations", "Levi's Stadium"),
    ]
    for location, customer, site in cases:
        response = await client.get(f"{CUSTOMERS}/by-location/{location}", headers=auth)
        assert response.status_code == 200, (location, response.json())
        body = response.json()
        assert body["name"] == customer, location
        sites = {s["id"]: s["name"] for s in body["sites"]}
        assert sites[body["match"]["site_id"]] == site, location
        assert 0.5 <= body["match"]["score"] <= 1


async def test_by_location_says_when_nothing_matches_well(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    for location, code in (("456 Main St", "not_found"), ("Hospital of Nowhere", "not_found"),
                           ("' OR 1=1 --", "not_found"), ("oakland", "ambiguous_location")):
        response = await client.get(f"{CUSTOMERS}/by-location/{location}", headers=auth)
        assert response.status_code == 404, location
        error = response.json()["error"]
        assert (error["code"], error["field"]) == (code, "location"), location


async def test_by_location_rejects_unsearchable_input(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    for location in ("x" * 60_000, "%00", "!!!", "/"):
        response = await client.get(f"{CUSTOMERS}/by-location/{location}", headers=auth)
        assert response.status_code == 400, location[:20]
        assert response.json()["error"]["field"] == "location"


async def test_crm_is_company_wide(
    app: Starlette, client: httpx.AsyncClient, other_technician: CurrentUser, dispatcher: CurrentUser
) -> None:
    for user in (other_technician, dispatcher):
        response = await client.get(f"{CUSTOMERS}/by-location/abc mfg", headers=bearer(app, user))
        assert response.status_code == 200 and response.json()["name"] == "ABC Manufacturing"
