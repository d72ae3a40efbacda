"""GET /clara-server/equipment/{model} with the model as a speech recogniser wrote it: letter names, grouped
digits, homophones, a name without the part after its dash, a letter dropped; two units equally near: a 404 asking
which, naming them."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(("said", "model"), [
    ("bee two sixty", "B260"), ("forty one hundred e s", "4100ES"), ("AEF1500", "AEF1500-115"),
    ("48TCD12", "48TCDA12"), ("five oh tcqa oh ate", "50TCQA08"),
])
async def test_the_equipment_route_reads_a_model_as_spoken(client: httpx.AsyncClient, auth: dict[str, str],
                                                           said: str, model: str) -> None:
    response = await client.get(f"/clara-server/equipment/{said}", headers=auth)
    assert response.status_code == 200 and response.json()["model"] == model, response.text


async def test_the_equipment_route_asks_which_naming_the_units(client: httpx.AsyncClient,
                                                               auth: dict[str, str]) -> None:
    response = await client.get("/clara-server/equipment/three thousand s s", headers=auth)
    body = response.json()
    assert response.status_code == 404 and body["error"]["code"] == "ambiguous_model", body
    assert set(body["error"]["close_matches"]) == {"3000SS-4", "3000SS-6"}, body


async def test_a_series_named_without_its_size_is_a_404_naming_every_size(client: httpx.AsyncClient,
                                                                           auth: dict[str, str]) -> None:
    response = await client.get("/clara-server/equipment/48 TC", headers=auth)
    body = response.json()
    assert response.status_code == 404 and body["error"]["code"] == "model_series", body
    assert body["error"]["close_matches"] == ["48TCDA04", "48TCDA05", "48TCDA06", "48TCDA07", "48TCDA08", "48TCDA09",
                                              "48TCDA12", "48TCDA14"], body
    assert "48TCDA04 to 48TCDA14" in body["error"]["message"], body
