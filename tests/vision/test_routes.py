"""POST /clara-server/equipment/identify with nameplates drawn in the test, and POST /jobs/{job_id}/equipment."""

from __future__ import annotations

import os

import httpx
import pytest
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.conftest import bearer
from tests.vision.conftest import identify, png_header
from tests.vision.plates import Plate, render

CARRIER = Plate(header="CARRIER CORPORATION  SYRACUSE NY", manufacturer="Carrier", model="50TCQA06A2A5A0A0A0",
                serial="1824C12345", manufactured="2024-05", layout="inline")
PLATES = [
    (CARRIER, 3.0, "50TCQA06"),
    (Plate(header="TRANE  TYLER TEXAS", manufacturer="Trane", model="YSC060A3RHA", serial="17103N6MF4",
           manufactured="2017-03", layout="table", voltage="460", mca="11.2", mocp="15"), -2.5, "YSC060"),
    (Plate(header="LENNOX INDUSTRIES INC.  RICHARDSON TX", manufacturer="Lennox", model="LGH048H4BS2G",
           serial="5818L12345", manufactured="2018-11", layout="stacked"), 2.0, "LGH048"),
    (Plate(header="YORK  JOHNSON CONTROLS UNITARY PRODUCTS", manufacturer="York", model="ZF060N10N2AAA1",
           serial="W1G7123456", manufactured="2017-07", layout="compact", phase="1", voltage="230"), -3.5, None),
    (Plate(header="RUUD AIR CONDITIONING DIVISION", manufacturer="Ruud", model="RP1436AJ1NA", serial="W291013412",
           manufactured="2010-07", layout="compact"), 1.5, None),
]


@pytest.mark.parametrize("plate, angle, catalogue", PLATES, ids=[p.manufacturer for p, _, _ in PLATES])
async def test_a_nameplate_photo_gives_model_serial_age_and_spec(
    client: httpx.AsyncClient, auth: dict[str, str], plate: Plate, angle: float, catalogue: str | None
) -> None:
    response = await identify(client, auth, render(plate, angle=angle, blur=0.9))
    assert response.status_code == 200, response.text
    body = response.json()
    fields = body["fields"]
    assert (fields["manufacturer"], fields["model"], fields["serial"]) == (plate.manufacturer, plate.model, plate.serial)
    assert body["manufactured"] == plate.manufactured
    assert (fields["voltage"], fields["phase"]) == (plate.voltage, plate.phase)
    assert fields["refrigerant"] == "R-410A" and body["reader"] == "offline"
    assert set(body["confidence"]) == set(fields) and all(0 < c <= 1 for c in body["confidence"].values())
    assert plate.serial in body["text"].replace(" ", "")
    if catalogue is None:
        assert body["spec"] is None
    else:
        assert body["spec"]["model"] == catalogue and body["spec"]["manufacturer"] == plate.manufacturer
        assert body["matches"] == []
    assert body["on_site"] is None


async def test_the_identifications_spec_is_documented_as_the_equipment_routes_answer(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    """One spec, one schema: a generated client gets the same type from both routes, not an untyped object here."""
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    spec = schemas["Identification"]["properties"]["spec"]
    assert {"$ref": "#/components/schemas/EquipmentSpec"} in spec["anyOf"]
    answered = (await client.get("/clara-server/equipment/50TCQA06", headers=auth)).json()
    assert set(schemas["EquipmentSpec"]["required"]) <= set(answered)


async def test_a_model_missing_from_the_catalogue_lists_close_ones(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    plate = Plate(header="CARRIER", manufacturer="Carrier", model="48TCDA15", serial="0719A55555",
                  manufactured="2019-02", layout="table")
    body = (await identify(client, auth, render(plate, fmt="PNG"), mime="image/png")).json()
    assert body["fields"]["model"] == "48TCDA15" and body["spec"] is None
    assert "48TCDA14" in body["matches"]
    assert body["manufactured"] == "2019-02"


async def test_identify_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await identify(client, {}, render(CARRIER))
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


async def test_identify_for_a_job_is_scoped_like_the_job(
    client: httpx.AsyncClient, auth: dict[str, str], foreign_job: int, demo_jobs: dict[str, int]
) -> None:
    photo = render(CARRIER)
    forbidden = await identify(client, auth, photo, job_id=foreign_job)
    assert forbidden.status_code == 403 and forbidden.json()["error"]["field"] == "job_id"
    missing = await identify(client, auth, photo, job_id=987654321)
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "job_id"
    bad = await identify(client, auth, photo, job_id="first")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "job_id"

    job_id = demo_jobs["Ferry Building"]
    first = await identify(client, auth, photo, job_id=job_id)
    assert first.status_code == 200 and first.json()["on_site"] is None
    unit = {"manufacturer": "Carrier", "model": "50TCQA06A2A5A0A0A0", "serial": "1824C12345",
            "type": "Packaged rooftop heat pump", "location": "roof, north side"}
    added = await client.post(f"/jobs/{job_id}/equipment", json=unit, headers=auth)
    again = await identify(client, auth, photo, job_id=job_id)
    assert again.json()["on_site"]["id"] == added.json()["id"]
    # the unit whole, as the job's detail lists it: the app shows one record, whichever route it came from
    listed = (await client.get(f"/jobs/{job_id}", headers=auth)).json()["equipment"]
    assert again.json()["on_site"] == next(e for e in listed if e["id"] == added.json()["id"])


async def test_the_unit_on_site_is_documented_as_the_jobs_equipment(client: httpx.AsyncClient) -> None:
    """`on_site` is a unit as a job's detail lists it, declared once: a generated client gets that type here, with
    its fields, not an untyped object."""
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    on_site = schemas["Identification"]["properties"]["on_site"]
    (unit,) = [kind for kind in on_site["anyOf"] if "$ref" in kind]
    assert {"type": "null"} in on_site["anyOf"]
    name = unit["$ref"].rsplit("/", 1)[-1]
    assert {"id", "serial", "location", "next_inspection_due", "overdue"} <= set(schemas[name]["required"])


@pytest.mark.parametrize(
    "image, status, says",
    [
        (b"this is not a picture", 415, "JPEG or PNG"),
        (render(CARRIER)[:4000], 422, "truncated"),  # a JPEG cut short
        (png_header(0, 0), 415, "JPEG or PNG"),
        (png_header(20_000, 20_000), 422, "pixels"),  # 400 megapixels: refused from the header, never decoded
        (png_header(12_000, 5_000), 422, "pixels"),  # 60 megapixels: under Pillow's own guard, over ours
        (png_header(5_000, 5_000), 422, "pixels"),  # 25 megapixels: a JPEG may, a PNG (decoded whole) may not
        (b"", 400, "empty"),
    ],
    ids=["not-an-image", "truncated-jpeg", "0x0", "20000x20000", "60-megapixels", "25-megapixel-png", "empty"],
)
async def test_bad_images_are_refused_naming_the_field(
    client: httpx.AsyncClient, auth: dict[str, str], image: bytes, status: int, says: str
) -> None:
    response = await identify(client, auth, image)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["field"] == "image" and says in error["message"]


async def test_an_image_over_the_limit_is_a_413_naming_the_field(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    limit = app.state.settings.max_image_bytes
    response = await identify(client, auth, os.urandom(limit + 1))
    assert response.status_code == 413 and response.json()["error"]["field"] == "image"


async def test_a_request_without_an_image_part_names_the_field(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    for response in (await identify(client, auth, None),
                     await client.post("/clara-server/equipment/identify", json={"image": "x"}, headers=auth)):
        assert response.status_code == 400 and response.json()["error"]["field"] == "image"


# -- the site's equipment register ------------------------------------------------------------------------------

UNIT = {"manufacturer": "Trane", "model": "YSC060A3RHA", "serial": "17103N6MF4", "type": "Packaged rooftop unit",
        "location": "rooftop, east"}


async def test_adding_equipment_follows_the_job_ladder(
    client: httpx.AsyncClient, auth: dict[str, str], foreign_job: int, demo_jobs: dict[str, int]
) -> None:
    job_id = demo_jobs["WeWork 123 Main St"]
    assert (await client.post(f"/jobs/{job_id}/equipment", json=UNIT)).status_code == 401
    forbidden = await client.post(f"/jobs/{foreign_job}/equipment", json=UNIT, headers=auth)
    assert forbidden.status_code == 403 and forbidden.json()["error"]["field"] == "job_id"
    missing = await client.post("/jobs/987654321/equipment", json=UNIT, headers=auth)
    assert missing.status_code == 404
    for body, field in (({**UNIT, "model": ""}, "model"), ({k: v for k, v in UNIT.items() if k != "type"}, "type"),
                        ({**UNIT, "serial": "9" * 101}, "serial"), ({**UNIT, "location": 7}, "location")):
        response = await client.post(f"/jobs/{job_id}/equipment", json=body, headers=auth)
        assert response.status_code == 400 and response.json()["error"]["field"] == field, body


async def test_an_added_unit_is_on_the_job_and_added_once(
    client: httpx.AsyncClient, auth: dict[str, str], demo_jobs: dict[str, int], app: Starlette,
    dispatcher: CurrentUser,
) -> None:
    job_id = demo_jobs["WeWork 123 Main St"]
    before = (await client.get(f"/jobs/{job_id}", headers=auth)).json()["equipment"]  # cached from here on
    created = await client.post(f"/jobs/{job_id}/equipment", json=UNIT, headers=auth)
    assert created.status_code == 201
    unit = created.json()
    assert {k: unit[k] for k in UNIT} == UNIT and unit["id"] > 0 and unit["overdue"] is False
    after = (await client.get(f"/jobs/{job_id}", headers=auth)).json()["equipment"]
    assert [e["id"] for e in after if e not in before] == [unit["id"]]

    repeat = await client.post(f"/jobs/{job_id}/equipment", json={**UNIT, "serial": "17103-n6mf4"},
                               headers=bearer(app, dispatcher))
    assert repeat.status_code == 200 and repeat.json()["id"] == unit["id"]
    assert len((await client.get(f"/jobs/{job_id}", headers=auth)).json()["equipment"]) == len(after)
