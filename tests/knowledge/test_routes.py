from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.platform.background import WorkQueue
from clara.settings import Settings
from clara.ops.demo_data import DEMO_TECHNICIAN_EMAIL
from tests.conftest import bearer, running, user_by_email
from tests.knowledge.pdfs import make_pdf

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

NOTE = b"# Quokka notes\n\n## 3.1.4 Quokka valve flange\nTorque the quokka flange bolts in a star pattern.\n"


def _file(name: str, data: bytes, content_type: str = "application/octet-stream") -> dict:
    return {"file": (name, data, content_type)}


async def test_upload_list_and_delete_round_trip(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], other_technician: CurrentUser
) -> None:
    created = await client.post("/clara-server/knowledge/documents", files=_file("quokka.md", NOTE),
                                data={"title": "Quokka flange notes"}, headers=auth)
    assert created.status_code == 201
    body = created.json()
    assert body["title"] == "Quokka flange notes" and body["chunks"] == 1 and body["source"] == "uploads"
    assert body["created"] is True

    replay = await client.post("/clara-server/knowledge/documents", files=_file("again.md", NOTE), headers=auth)
    assert replay.status_code == 200 and replay.json()["document_id"] == body["document_id"]

    found = await client.get("/clara-server/knowledge/search",
                             params={"query": "quokka flange bolts", "source": "uploads"}, headers=auth)
    assert [r["document_id"] for r in found.json()["results"]] == [body["document_id"]]
    assert found.json()["results"][0]["section"] == "3.1.4 Quokka valve flange"

    named = await client.post("/clara-server/knowledge/documents", headers=auth,
                              files=_file("..\\..\\etc/notes.txt", b"Wallaby pouch check weekly."))
    assert named.status_code == 201

    listed = await client.get("/clara-server/knowledge/documents", params={"source": "uploads"}, headers=auth)
    assert listed.status_code == 200 and listed.json()["total"] == 2
    document, other = listed.json()["documents"]
    assert other["filename"] == "notes.txt" and other["media_type"] == "text/plain"
    assert document["document_id"] == body["document_id"] and document["shipped"] is False
    assert document["media_type"] == "text/markdown" and document["filename"] == "quokka.md"

    path = f"/clara-server/knowledge/documents/{body['document_id']}"
    forbidden = await client.delete(path, headers=bearer(app, other_technician))
    assert forbidden.status_code == 403
    deleted = await client.delete(path, headers=auth)
    assert deleted.status_code == 204
    assert (await client.delete(path, headers=auth)).status_code == 404
    gone = await client.get("/clara-server/knowledge/search",
                            params={"query": "quokka flange bolts", "source": "uploads"}, headers=auth)
    assert gone.json()["results"] == []


async def test_a_pdf_upload_is_searchable(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    pdf = make_pdf(["7.7.7 Quokka hydrant caps", "Grease quokka hydrant cap threads every autumn."])
    response = await client.post("/clara-server/knowledge/documents",
                                 files=_file("caps.pdf", pdf, "application/pdf"), headers=auth)
    assert response.status_code == 201
    found = await client.get("/clara-server/knowledge/search",
                             params={"query": "grease the hydrant caps", "source": "uploads", "k": 1}, headers=auth)
    assert found.json()["results"][0]["section"] == "7.7.7 Quokka hydrant caps"


STANDARD_NOTE = b"---\nstandard: NFPA 25\n---\n## 5.2.4.2 Quokka gauges\nThe quokka gauge is read every full moon.\n"


@pytest.mark.parametrize("files, data, field", [(_file("n.md", NOTE), {"source": "nfpa"}, "source"),
                                                 (_file("n.md", NOTE), {"source": "manuals"}, "source"),
                                                 (_file("q.md", STANDARD_NOTE), {}, "file")])
async def test_only_an_admin_may_publish_a_reference_or_a_standard(
    app: Starlette, client: httpx.AsyncClient, dispatcher: CurrentUser, files: dict, data: dict, field: str
) -> None:
    refused = await client.post("/clara-server/knowledge/documents", files=files, data=data,
                                headers=bearer(app, dispatcher))
    error = refused.json()["error"]
    assert refused.status_code == 403 and error["field"] == field and "only admins" in error["message"]
    admin = await user_by_email(app, "admin@clara.dev")
    accepted = await client.post("/clara-server/knowledge/documents", files=files, data=data,
                                 headers=bearer(app, admin))
    assert accepted.status_code == 201 and accepted.json()["source"] == data.get("source", "uploads")


async def test_an_upload_over_the_limit_is_413(settings: Settings, technician: CurrentUser) -> None:
    async with running(settings, max_upload_bytes=1_000, max_image_bytes=1_000) as app:  # images: at most uploads
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
            big = b"## 1.1 Big\n" + b"word " * 400  # 2 kB: inside the multipart allowance, over the file limit
            response = await client.post("/clara-server/knowledge/documents", files=_file("big.md", big),
                                         headers=bearer(app, technician))
            assert response.status_code == 413 and response.json()["error"]["field"] == "file"
            huge = b"x" * 200_000  # beyond even the multipart framing allowance: refused while streaming
            response = await client.post("/clara-server/knowledge/documents", files=_file("huge.txt", huge),
                                         headers=bearer(app, technician))
            assert response.status_code == 413


async def test_a_big_upload_while_the_background_queue_is_full_is_a_503_to_retry(
    settings: Settings, technician: CurrentUser
) -> None:
    async with running(settings, inline_ingest_bytes=10) as app:
        app.state.stores.background = WorkQueue(max_pending=0)  # as full as it gets
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
            response = await client.post("/clara-server/knowledge/documents", files=_file("n.md", NOTE),
                                         headers=bearer(app, technician))
    assert response.status_code == 503 and response.headers["retry-after"] == "60"
    assert response.json()["error"]["code"] == "busy" and response.json()["error"]["field"] == "file"


async def test_shipped_documents_are_listed_and_only_staff_may_delete_them(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], dispatcher: CurrentUser
) -> None:
    listed = await client.get("/clara-server/knowledge/documents", params={"source": "specs", "limit": 200},
                              headers=auth)
    documents = listed.json()["documents"]
    assert listed.json()["total"] == len(documents) >= 16 and all(d["shipped"] for d in documents)
    path = f"/clara-server/knowledge/documents/{documents[0]['document_id']}"
    assert (await client.delete(path, headers=auth)).status_code == 403
    assert (await client.delete(path, headers=bearer(app, dispatcher))).status_code == 204


async def test_reload_is_for_staff(app: Starlette, client: httpx.AsyncClient, auth: dict[str, str],
                                   dispatcher: CurrentUser) -> None:
    assert (await client.post("/clara-server/knowledge/reload", headers=auth)).status_code == 403
    response = await client.post("/clara-server/knowledge/reload", headers=bearer(app, dispatcher))
    assert response.status_code == 200 and response.json()["added"] == 0 and response.json()["unchanged"] > 20


async def test_one_document_ladder_and_status(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], other_technician: CurrentUser,
    dispatcher: CurrentUser,
) -> None:
    created = await client.post("/clara-server/knowledge/documents", files=_file("quokka.md", NOTE), headers=auth)
    document_id = created.json()["document_id"]
    path = f"/clara-server/knowledge/documents/{document_id}"
    assert (await client.get(path)).status_code == 401
    other = bearer(app, other_technician)
    refused = await client.get(path, headers=other)
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "document_id"
    assert (await client.get("/clara-server/knowledge/documents/999999", headers=auth)).status_code == 404
    bad = await client.get("/clara-server/knowledge/documents/quokka", headers=auth)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "document_id"
    mine = await client.get(path, headers=auth)
    assert mine.status_code == 200
    body = mine.json()
    assert body["document_id"] == document_id and body["status"] == "ready" and body["chunks"] == 1
    assert body["visibility"] == "private" and body["title"] == "Quokka notes" and body["filename"] == "quokka.md"
    assert (await client.get(path, headers=bearer(app, dispatcher))).status_code == 200


async def test_a_private_upload_is_not_listed_to_other_technicians(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], other_technician: CurrentUser,
    dispatcher: CurrentUser,
) -> None:
    private = await client.post("/clara-server/knowledge/documents", files=_file("quokka.md", NOTE), headers=auth)
    shared = await client.post("/clara-server/knowledge/documents", headers=auth, data={"visibility": "company"},
                               files=_file("wallaby.txt", b"Wallaby pouch check weekly."))
    assert private.status_code == shared.status_code == 201

    async def listed(headers: dict[str, str]) -> set[int]:
        response = await client.get("/clara-server/knowledge/documents", params={"source": "uploads"}, headers=headers)
        assert response.status_code == 200
        body = response.json()
        assert body["total"] == len(body["documents"])
        return {d["document_id"] for d in body["documents"]}

    both = {private.json()["document_id"], shared.json()["document_id"]}
    assert await listed(auth) == both
    assert await listed(bearer(app, dispatcher)) == both
    assert await listed(bearer(app, other_technician)) == {shared.json()["document_id"]}


async def test_technicians_without_uploads_share_one_search_and_never_see_a_private_one(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], other_technician: CurrentUser,
    dispatcher: CurrentUser,
) -> None:
    """A question every technician asks is searched once, not once per technician (a shift's first asks were a full
    search each); what one technician uploaded privately still reaches only them and staff."""
    cache = app.state.stores.cache
    params = {"query": "quokka flange bolts torque pattern"}

    async def found(headers: dict[str, str]) -> set[str]:
        response = await client.get("/clara-server/knowledge/search", params=params, headers=headers)
        assert response.status_code == 200
        return {hit["title"] for hit in response.json()["results"]}

    loads = cache.loads
    assert "Quokka notes" not in await found(auth)
    assert "Quokka notes" not in await found(bearer(app, other_technician))
    assert cache.loads == loads + 1, "the second technician's ask is the first one's search"
    uploaded = await client.post("/clara-server/knowledge/documents", files=_file("quokka.md", NOTE), headers=auth)
    assert uploaded.status_code == 201
    assert "Quokka notes" in await found(auth)
    assert "Quokka notes" not in await found(bearer(app, other_technician))
    assert "Quokka notes" in await found(bearer(app, dispatcher))


async def test_a_private_upload_the_word_index_has_not_caught_up_with_stays_its_uploaders(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], other_technician: CurrentUser,
) -> None:
    """Between an upload landing in the stores and this process's word index refreshing (another instance's upload,
    heard a moment later), the passage is found by meaning alone: whose it is must come from its own document, or
    another technician (and the search they share with everyone) sees a private manual."""
    lexical = app.state.stores.lexical
    before = await lexical.current()
    manual = b"# Wallaby pump notes\n\n## 2 Seal\n\nThe wallaby pump seal is replaced every 8,000 hours.\n"
    uploaded = await client.post("/clara-server/knowledge/documents", files=_file("wb.md", manual), headers=auth)
    assert uploaded.status_code == 201
    lexical.matrix, lexical.stale = before, False  # the index as it was before the upload
    params = {"query": "how often is the wallaby pump seal replaced", "source": "uploads"}

    async def sees(headers: dict[str, str]) -> bool:
        response = await client.get("/clara-server/knowledge/search", params=params, headers=headers)
        assert response.status_code == 200
        return any("8,000 hours" in hit["text"] for hit in response.json()["results"])

    assert not await sees(bearer(app, other_technician))
    lexical.stale = True  # the change heard: the index catches up, and the uploader finds their manual
    assert await sees(auth) and not await sees(bearer(app, other_technician))


async def test_each_user_stays_within_the_upload_quota(settings: Settings) -> None:
    async with running(settings, upload_quota_bytes=len(NOTE) + 40) as application:
        headers = bearer(application, await user_by_email(application, DEMO_TECHNICIAN_EMAIL))
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://clara.test") as client:
            first = await client.post("/clara-server/knowledge/documents", files=_file("q.md", NOTE), headers=headers)
            assert first.status_code == 201
            again = await client.post("/clara-server/knowledge/documents", files=_file("q.md", NOTE), headers=headers)
            assert again.status_code == 200, "identical content already stored costs nothing"
            over = await client.post("/clara-server/knowledge/documents", headers=headers,
                                     files=_file("w.txt", b"Wallaby pouch check weekly, and the quokka flange too."))
            assert over.status_code == 413
            assert over.json()["error"]["code"] == "quota_exceeded" and over.json()["error"]["field"] == "file"
            deleted = await client.delete(f"/clara-server/knowledge/documents/{first.json()['document_id']}",
                                          headers=headers)
            assert deleted.status_code == 204
            after = await client.post("/clara-server/knowledge/documents", headers=headers,
                                      files=_file("w.txt", b"Wallaby pouch check weekly, and the quokka flange too."))
            assert after.status_code == 201, "deleting frees the space"


async def test_one_huge_upload_cannot_fill_a_long_result_list(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    flood = "# Quokka flood\n\n" + "".join(
        f"## {n} Quokka valve torque, part {n}\nTorque the quokka valve bolts to {n} ft-lb in a star pattern.\n\n"
        for n in range(1, 13))
    big = await client.post("/clara-server/knowledge/documents", files=_file("flood.md", flood.encode()), headers=auth)
    small = await client.post("/clara-server/knowledge/documents", files=_file("quokka.md", NOTE), headers=auth)
    assert big.status_code == small.status_code == 201 and big.json()["chunks"] >= 10
    for n, part in enumerate(("bonnet", "stem", "gasket", "seat", "yoke")):
        other = await client.post("/clara-server/knowledge/documents", headers=auth, files=_file(
            f"{part}.md", f"# Quokka {part}\n\nCheck the quokka valve {part} bolts for torque yearly.\n".encode()))
        assert other.status_code == 201

    response = await client.get("/clara-server/knowledge/search", headers=auth,
                                params={"query": "quokka valve flange bolts torque", "source": "uploads", "k": 10})
    documents = [hit["document_id"] for hit in response.json()["results"]]
    assert documents.count(big.json()["document_id"]) <= 5 < len(documents)
    assert small.json()["document_id"] in documents[:6]


async def test_a_files_control_characters_reach_neither_its_title_nor_its_passages(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], other_technician: CurrentUser
) -> None:
    """An audit upload's heading "T<BEL>itle" came back as the document's title, and its ANSI escapes in search
    results: text the console, the app and speech show. The file is read without them; its original is kept."""
    noisy = b"# Wombat\x07 riser\x1b[31m manual\n\nThe wombat\x08 riser valve\x0b is tested\x7f quarterly.\n"
    assert (await client.post("/clara-server/knowledge/documents", files=_file("wombat.md", noisy))).status_code == 401
    created = await client.post("/clara-server/knowledge/documents", files=_file("wombat.md", noisy), headers=auth)
    assert created.status_code == 201, created.text
    document_id = created.json()["document_id"]
    assert created.json()["title"] == "Wombat riser[31m manual"
    hidden = await client.get(f"/clara-server/knowledge/documents/{document_id}", headers=bearer(app, other_technician))
    assert hidden.status_code in (403, 404)  # a technician's upload is private to them
    shown = await client.get(f"/clara-server/knowledge/documents/{document_id}", headers=auth)
    assert shown.status_code == 200 and shown.json()["title"] == "Wombat riser[31m manual"
    found = await client.get("/clara-server/knowledge/search", headers=auth,
                             params={"query": "wombat riser valve tested quarterly", "source": "uploads"})
    [hit] = [r for r in found.json()["results"] if r["document_id"] == document_id]
    assert "The wombat riser valve is tested quarterly." in hit["text"]
    assert not any(ch in hit["text"] + hit["title"] for ch in "\x07\x08\x0b\x1b\x7f")
