"""The knowledge routes' answers to reads and to refused requests (no token, bad input, bad uploads): nothing here
is stored, so the module's tests share one app (tests/conftest.py `module_app`) instead of starting one each.
Writes, uploads and staff actions are in tests/knowledge/test_routes.py, each on its own app."""

from __future__ import annotations

import httpx
import pytest

from tests.knowledge.pdfs import make_pdf
from tests.knowledge.test_routes import NOTE, _file
from tests.shared_app import auth, client  # noqa: F401  (one app for the module's tests)

pytestmark = [pytest.mark.long, pytest.mark.asyncio(loop_scope="module")]  # long: scheduled first (tests/conftest.py)


ROUTES = [
    ("GET", "/clara-server/knowledge/search?query=pump"),
    ("GET", "/clara-server/knowledge/stats"),
    ("GET", "/clara-server/knowledge/documents"),
    ("POST", "/clara-server/knowledge/documents"),
    ("GET", "/clara-server/knowledge/documents/1"),
    ("DELETE", "/clara-server/knowledge/documents/1"),
    ("POST", "/clara-server/knowledge/reload"),
    ("GET", "/clara-server/equipment/50TCQA06"),
]


@pytest.mark.parametrize("method, path", ROUTES)
async def test_every_knowledge_route_needs_a_token(client: httpx.AsyncClient, method: str, path: str) -> None:
    response = await client.request(method, path)
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


async def test_search_answers_the_weekly_fire_pump_question_with_a_citeable_section(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await client.get("/clara-server/knowledge/search",
                                params={"query": "how often test fire pump weekly"}, headers=auth)
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 5
    top = results[0]
    assert set(top) >= {"id", "title", "source", "section", "text", "score", "document_id", "standard", "edition",
                        "answer", "page", "confidence"}
    assert top["source"] == "nfpa" and top["section"].startswith("NFPA 25 8.3.1") and top["standard"] == "NFPA 25"
    assert top["answer"] and top["answer"] in top["text"] and 0 < top["confidence"] <= 1 and top["page"] is None
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


async def test_search_filters_by_source_and_honours_k(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.get("/clara-server/knowledge/search",
                                params={"query": "compressor amps", "k": 20, "source": "specs"}, headers=auth)
    results = response.json()["results"]
    assert response.status_code == 200 and len(results) == 20 and {r["source"] for r in results} == {"specs"}


@pytest.mark.parametrize(
    "params, field",
    [({}, "query"), ({"query": ""}, "query"), ({"query": "pump", "k": 21}, "k"), ({"query": "pump", "k": "two"}, "k"),
     ({"query": "pump", "k": 0}, "k"), ({"query": "pump", "source": "internet"}, "source"),
     ({"query": "x" * 501}, "query"), ({"query": "pump\x00"}, "query")],
)
async def test_bad_search_input_is_a_400_naming_the_field(
    client: httpx.AsyncClient, auth: dict[str, str], params: dict, field: str
) -> None:
    response = await client.get("/clara-server/knowledge/search", params=params, headers=auth)
    assert response.status_code == 400 and response.json()["error"]["field"] == field


async def test_stats(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.get("/clara-server/knowledge/stats", headers=auth)
    body = response.json()
    assert response.status_code == 200
    assert body["sources"]["nfpa"]["chunks"] > 100 and body["sources"]["uploads"] == {"documents": 0, "chunks": 0,
                                                                                      "vectors": 0}
    assert body["embedding_model"] == "all-MiniLM-L6-v2-int8-fused" and body["vectors"] == body["chunks"]


@pytest.mark.parametrize("spelling", ["50TCQA06", "50-TCQA-06", "50tcqa 06", "50TCQA6", "Carrier 50TCQA06",
                                      "50 TCQ A06", "five zero T C Q A zero six"])
async def test_equipment_spec_by_any_spelling(client: httpx.AsyncClient, auth: dict[str, str], spelling: str) -> None:
    response = await client.get(f"/clara-server/equipment/{spelling}", headers=auth)
    body = response.json()
    assert response.status_code == 200
    assert body["model"] == "50TCQA06" and body["manufacturer"] == "Carrier" and body["series"] == "50TCQA"
    assert body["electrical"]["mca"] == 26.7 and body["electrical"]["mocp"] == 40


async def test_every_spec_is_answered_as_its_documented_type(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    """The answer is encoded straight from the spec file's JSON (the hottest cached route), so nothing but this test
    and the fuzzer holds it to `EquipmentSpec` as /openapi.json documents it: HVAC, sprinkler, alarm, extinguisher."""
    import jsonschema

    document = (await client.get("/openapi.json")).json()
    schema = {**document["components"]["schemas"]["EquipmentSpec"], "components": document["components"]}
    for model in ("50TCQA06", "DPV-1-4", "NFS2-640", "B260"):
        body = (await client.get(f"/clara-server/equipment/{model}", headers=auth)).json()
        jsonschema.validate(body, schema)
        assert body["model"] == model and set(schema["required"]) <= set(body)


async def test_a_model_without_a_letter_or_digit_is_refused_for_that(client: httpx.AsyncClient,
                                                                     auth: dict[str, str]) -> None:
    """The path's pattern asks for a letter or digit: the 400 says so, not that a NUL was sent (none was)."""
    for said in ("%20", "--", "%E2%80%94"):
        response = await client.get(f"/clara-server/equipment/{said}", headers=auth)
        error = response.json()["error"]
        assert response.status_code == 400 and error["field"] == "model", said
        assert error["message"] == "model must contain a letter or digit", said


async def test_unknown_equipment_is_a_404_listing_close_matches(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.get("/clara-server/equipment/50TCQA99", headers=auth)
    error = response.json()["error"]
    assert response.status_code == 404 and error["code"] == "not_found" and error["field"] == "model"
    assert error["close_matches"][:1] == ["50TCQA09"] and "50TCQA09" in error["message"]
    both = await client.get("/clara-server/equipment/NFS2", headers=auth)
    error = both.json()["error"]
    assert both.status_code == 404 and error["code"] == "ambiguous_model" and error["field"] == "model"
    assert error["close_matches"] == ["NFS2-3030", "NFS2-640"] and "which one?" in error["message"]
    nothing = await client.get("/clara-server/equipment/---", headers=auth)
    assert nothing.status_code == 400 and nothing.json()["error"]["field"] == "model"


@pytest.mark.parametrize(
    "files, data, status, field",
    [(_file("photo.jpg", b"\xff\xd8\xff", "image/jpeg"), {}, 415, "file"),
     (_file("scan.pdf", make_pdf([]), "application/pdf"), {}, 422, "file"),
     (_file("broken.pdf", b"%PDF-1.7 not really", "application/pdf"), {}, 422, "file"),
     (_file("empty.txt", b""), {}, 422, "file"),
     (None, {"title": "no file"}, 400, "file"),
     (_file("n.md", NOTE), {"source": "specs"}, 400, "source"),
     (_file("n.md", NOTE), {"source": "nfpa"}, 403, "source"),
     (_file("n.md", NOTE), {"title": "t" * 301}, 400, "title"),
     (_file("n.md", NOTE), {"title": "nul\x00"}, 400, "title")],
)
async def test_bad_uploads_get_the_right_error(
    client: httpx.AsyncClient, auth: dict[str, str], files: dict | None, data: dict, status: int, field: str
) -> None:
    response = await client.post("/clara-server/knowledge/documents", files=files, data=data, headers=auth)
    assert response.status_code == status
    assert response.json()["error"]["field"] == field


async def test_a_json_body_is_not_an_upload(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.post("/clara-server/knowledge/documents", json={"file": "x"}, headers=auth)
    assert response.status_code == 400 and response.json()["error"]["field"] == "file"


@pytest.mark.parametrize("path, status", [("/clara-server/knowledge/documents/999999", 404),
                                          ("/clara-server/knowledge/documents/abc", 400),
                                          ("/clara-server/knowledge/documents/0", 400)])
async def test_deleting_an_unknown_or_malformed_id(
    client: httpx.AsyncClient, auth: dict[str, str], path: str, status: int
) -> None:
    response = await client.delete(path, headers=auth)
    assert response.status_code == status and response.json()["error"]["field"] == "document_id"


@pytest.mark.parametrize("params, field", [({"limit": 0}, "limit"), ({"limit": 201}, "limit"),
                                           ({"offset": -1}, "offset"), ({"source": "x"}, "source")])
async def test_bad_document_list_parameters(client: httpx.AsyncClient, auth: dict[str, str], params: dict,
                                            field: str) -> None:
    response = await client.get("/clara-server/knowledge/documents", params=params, headers=auth)
    assert response.status_code == 400 and response.json()["error"]["field"] == field


async def test_health_reports_the_vector_index(client: httpx.AsyncClient) -> None:
    chroma = (await client.get("/health")).json()["checks"]["chroma"]
    assert chroma["state"] == "ok" and "embedded" in chroma["detail"]


async def test_the_openapi_document_lists_the_knowledge_routes(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert set(paths["/clara-server/knowledge/documents"]) == {"get", "post"}
    assert "delete" in paths["/clara-server/knowledge/documents/{document_id}"]
    for path in ("/clara-server/knowledge/search", "/clara-server/knowledge/stats", "/clara-server/knowledge/reload",
                 "/clara-server/equipment/{model}"):
        assert path in paths
    search = paths["/clara-server/knowledge/search"]["get"]
    assert {p["name"] for p in search["parameters"]} == {"query", "k", "source"}

