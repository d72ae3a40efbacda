from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from structlog.testing import capture_logs
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.web.errors import ApiError
from clara.knowledge import corpus, records, service
from clara.platform.resilience import CircuitBreaker
from clara.settings import Settings
from clara.stores import Stores
from clara.stores.chroma import ChromaStore, ChromaUnavailable, persistent_connector
from clara.stores.embeddings import local_embedder
from tests.conftest import running, user_by_email
from tests.knowledge.conftest import WIDGET_SPECS

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

NOTE = b"""# Field notes

## 9.9.9 Quokka valve flange protocol
Torque the quokka valve flange bolts in a star pattern to 40 ft-lb, then recheck after one hour of flow.
"""


@pytest.fixture
def stores(app: Starlette) -> Stores:
    return app.state.stores


async def test_the_weekly_fire_pump_question_finds_the_nfpa_25_fire_pump_item(stores: Stores) -> None:
    hits = await service.search(stores, query="how often test fire pump weekly", k=5)
    top = hits[0]
    assert top.standard == "NFPA 25" and top.source == "nfpa" and top.edition
    assert top.section is not None and top.section.startswith("NFPA 25 8.3.1") and "fire pump" in top.text.lower()
    assert "weekly" in top.text.lower()


@pytest.mark.parametrize(
    "query, section",
    [("NFPA 25 5.2.4.2", "NFPA 25 5.2.4.2"), ("5.2.4.2", "NFPA 25 5.2.4.2"), ("nfpa 25 section 8.3.1.2", "NFPA 25 8.3.1.2"),
     ("NFPA 72 10.6.7.2.1", "NFPA 72 10.6.7.2.1"), ("50TCQA06", "50TCQA06"), ("mca of a 50-tcqa-06", "50TCQA06"),
     ("breaker size for 48TCDA04", "48TCDA04")],
)
async def test_an_exact_identifier_always_ranks_its_own_chunk_first(stores: Stores, query: str, section: str) -> None:
    hits = await service.search(stores, query=query, k=3)
    assert hits[0].section == section


@pytest.mark.parametrize(
    "query, section",
    [("how often do I check the gauges on a dry system", "NFPA 25 5.2.4.2"),
     ("how often do we churn the diesel pump and for how long", "NFPA 25 8.3.1.1"),
     ("how often do I test the glycol in the antifreeze loop", "NFPA 25 5.3.4")],
)
async def test_paraphrases_find_the_section_without_sharing_its_words(stores: Stores, query: str, section: str) -> None:
    hits = await service.search(stores, query=query, k=3)
    assert section in [hit.section for hit in hits]


async def test_a_spec_chunk_states_the_electrical_data(stores: Stores) -> None:
    [hit] = await service.search(stores, query="50TCQA06", k=1, source="specs")
    assert hit.title.startswith("Carrier 50TCQA06") and "MCA" in hit.text and "MOCP" in hit.text


@pytest.mark.parametrize("source", ["nfpa", "specs", "manuals"])
async def test_the_source_filter_returns_only_that_source(stores: Stores, source: str) -> None:
    hits = await service.search(stores, query="fire pump will not start", k=10, source=source)
    assert hits and {hit.source for hit in hits} == {source}


async def test_uploads_filter_is_empty_until_something_is_uploaded(stores: Stores) -> None:
    assert await service.search(stores, query="fire pump", k=5, source="uploads") == []


@pytest.mark.parametrize(
    "kwargs, field",
    [({"query": "   "}, "query"), ({"query": "x" * 501}, "query"), ({"query": "pump", "k": 0}, "k"),
     ({"query": "pump", "k": 21}, "k"), ({"query": "pump", "source": "web"}, "source")],
)
async def test_bad_search_input_names_the_field(stores: Stores, kwargs: dict, field: str) -> None:
    with pytest.raises(ApiError) as raised:
        await service.search(stores, **kwargs)
    assert raised.value.status == 400 and raised.value.field == field


@pytest.mark.parametrize("spelling", ["50TCQA06", "50-TCQA-06", "50tcqa 06", " 50tcqa06 "])
async def test_equipment_specs_match_whatever_the_spelling(stores: Stores, spelling: str) -> None:
    spec = await service.equipment_spec(stores, model=spelling)
    assert spec.model == "50TCQA06" and spec.manufacturer == "Carrier"
    assert spec.details["electrical"]["mocp"] == 40


async def test_an_unknown_model_lists_close_matches(stores: Stores) -> None:
    with pytest.raises(service.UnknownModel) as raised:
        await service.equipment_spec(stores, model="50TCQA99")
    assert raised.value.status == 404 and raised.value.field == "model"
    assert raised.value.close_matches and all(m.startswith("50TCQA") for m in raised.value.close_matches)
    assert raised.value.close_matches[0] in raised.value.message


async def test_stats_count_documents_chunks_and_vectors_per_source(stores: Stores) -> None:
    stats = await service.stats(stores)
    assert stats.sources["nfpa"].documents >= 7 and stats.sources["specs"].chunks == stats.equipment_models >= 80
    assert stats.vectors == stats.chunks == sum(s.chunks for s in stats.sources.values())
    assert stats.embedding_model == "all-MiniLM-L6-v2-int8-fused" and stats.embedding_dimension == 384
    assert stats.index_backend == "embedded" and stats.chroma_bytes and stats.postgres_bytes


async def _original(stores: Stores, data: bytes) -> bytes | None:
    """The uploaded bytes as kept in PostgreSQL (clara.knowledge.originals)."""
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT data FROM knowledge_originals WHERE content_hash = %s",
                                 (hashlib.sha256(data).hexdigest(),))
        row = await cur.fetchone()
    return None if row is None else bytes(row["data"])


async def _chunk_ids(stores: Stores, document_id: int) -> set[int]:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT id FROM knowledge_chunks WHERE document_id = %s", (document_id,))
        return {row["id"] for row in await cur.fetchall()}


async def test_upload_search_and_delete_round_trip_through_both_stores(
    stores: Stores, technician: CurrentUser, other_technician: CurrentUser
) -> None:
    upload = await service.upload_document(stores, actor=technician, data=NOTE, filename="zebra.md",
                                           content_type="text/markdown")
    document = upload.document
    assert upload.created and document.source == "uploads" and document.title == "Field notes"
    assert document.uploaded_by == technician.id and document.chunks == 1
    ids = await _chunk_ids(stores, document.id)
    assert await stores.chroma.ids("uploads") == ids

    [hit] = await service.search(stores, query="quokka valve flange torque", k=1, source="uploads", actor=technician)
    assert hit.document_id == document.id and hit.section == "9.9.9 Quokka valve flange protocol" and "star pattern" in hit.text
    assert await _original(stores, NOTE) == NOTE

    again = await service.upload_document(stores, actor=other_technician, data=NOTE, filename="copy.md",
                                          content_type=None)
    assert not again.created and again.document.id == document.id  # identical bytes: stored once

    with pytest.raises(ApiError) as raised:
        await service.delete_document(stores, actor=other_technician, document_id=document.id)
    assert raised.value.status == 403

    await service.delete_document(stores, actor=technician, document_id=document.id)
    assert await _chunk_ids(stores, document.id) == set()
    assert await stores.chroma.ids("uploads") == set()
    assert await service.search(stores, query="quokka valve flange torque", k=3, source="uploads", actor=technician) == []
    assert await _original(stores, NOTE) is None
    with pytest.raises(ApiError) as missing:
        await service.delete_document(stores, actor=technician, document_id=document.id)
    assert missing.value.status == 404


async def test_staff_may_delete_any_upload_and_only_an_admin_adds_to_reference_sources(
    app: Starlette, stores: Stores, technician: CurrentUser, dispatcher: CurrentUser
) -> None:
    for uploader in (technician, dispatcher):
        with pytest.raises(ApiError) as raised:
            await service.upload_document(stores, actor=uploader, data=NOTE, filename="n.md", content_type=None,
                                          source="nfpa")
        assert raised.value.status == 403 and raised.value.field == "source"
    mine = await service.upload_document(stores, actor=technician, data=NOTE, filename="n.md", content_type=None)
    await service.delete_document(stores, actor=dispatcher, document_id=mine.document.id)
    admin = await user_by_email(app, "admin@clara.dev")
    theirs = await service.upload_document(stores, actor=admin, data=NOTE, filename="n.md", content_type=None,
                                           source="manuals", title="Zebra valves")
    assert theirs.created and theirs.document.source == "manuals" and theirs.document.title == "Zebra valves"
    [hit] = await service.search(stores, query="quokka valve flange", k=1, source="manuals")
    assert hit.document_id == theirs.document.id


async def assert_no_trace_then_a_retry_succeeds(
    stores: Stores, technician: CurrentUser, monkeypatch: pytest.MonkeyPatch, chroma_before: dict[str, int]
) -> None:
    """A failed upload is in no store (no document row, no vector in its source's collection or the combined
    one), and once the fault is gone the same file goes in."""
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT count(*) AS n FROM knowledge_documents WHERE source = 'uploads'")
        assert (await cur.fetchone())["n"] == 0
    assert await stores.chroma.counts() == chroma_before
    monkeypatch.undo()
    retried = await service.upload_document(stores, actor=technician, data=NOTE, filename="n.md", content_type=None)
    assert retried.created


async def test_an_upload_that_fails_halfway_leaves_nothing_behind(
    stores: Stores, technician: CurrentUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_add = stores.chroma.add
    before = await stores.chroma.counts()

    async def add_then_fail(*args: object, **kwargs: object) -> None:
        await real_add(*args, **kwargs)  # the vectors really land in Chroma...
        raise RuntimeError("disk full")  # ...and then the write fails before Postgres commits

    monkeypatch.setattr(stores.chroma, "add", add_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        await service.upload_document(stores, actor=technician, data=NOTE, filename="n.md", content_type=None)
    await assert_no_trace_then_a_retry_succeeds(stores, technician, monkeypatch, before)


async def test_an_upload_postgres_refuses_while_its_vectors_are_written_leaves_nothing_behind(
    stores: Stores, technician: CurrentUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chroma's write runs while Postgres works through the inserts; a failing statement undoes both, even when
    the vectors land after Postgres has given up (a Chroma server answering slowly)."""
    real_insert, real_add = records.insert_document, stores.chroma.add
    before = await stores.chroma.counts()

    async def insert_then_fail(conn: Any, *args: Any, **kwargs: Any) -> Any:
        cursor = await real_insert(conn, *args, **kwargs)
        await conn.execute("SELECT 1 / 0")  # the server refuses it while the vectors are being added
        return cursor

    in_flight = asyncio.Event()

    async def slow_add(*args: Any, **kwargs: Any) -> None:
        in_flight.set()
        await asyncio.sleep(0.3)
        await real_add(*args, **kwargs)
        in_flight.clear()

    monkeypatch.setattr(records, "insert_document", insert_then_fail)
    monkeypatch.setattr(stores.chroma, "add", slow_add)
    with pytest.raises(psycopg.errors.DivisionByZero):
        await service.upload_document(stores, actor=technician, data=NOTE, filename="n.md", content_type=None)
    assert not in_flight.is_set()  # no write outlives the upload, to land after it was undone
    await assert_no_trace_then_a_retry_succeeds(stores, technician, monkeypatch, before)


async def test_the_lexical_index_follows_uploads_and_deletes(stores: Stores, technician: CurrentUser) -> None:
    async def quokka() -> int:
        matrix = await stores.lexical.current()
        return int((matrix.scores(["quokka"]) > 0).sum())

    assert await quokka() == 0
    upload = await service.upload_document(stores, actor=technician, data=NOTE, filename="n.md", content_type=None)
    assert await quokka() == 1
    await service.delete_document(stores, actor=technician, document_id=upload.document.id)
    assert await quokka() == 0


async def test_reconcile_rebuilds_vectors_chroma_lost(stores: Stores) -> None:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT id FROM knowledge_chunks WHERE source = 'manuals' ORDER BY id LIMIT 3")
        lost = [row["id"] for row in await cur.fetchall()]
    await stores.chroma.delete("manuals", lost)
    assert await corpus.reconcile(stores) == 3
    assert set(lost) <= await stores.chroma.ids("manuals") and set(lost) <= await stores.chroma.ids("all")
    assert await corpus.reconcile(stores) == 0


async def test_adding_changing_and_removing_corpus_files_follows_on_reload(
    settings: Settings, small_corpus: Path, dispatcher_id: int
) -> None:
    async with running(settings, corpus_dir=small_corpus) as app:
        stores: Stores = app.state.stores
        staff = CurrentUser(id=dispatcher_id, role="dispatcher")
        documents, _ = await service.list_documents(stores, actor=staff)
        assert {d.title for d in documents} == {"Acme jockey pump notes", "Widgetco WX Widget pump"}
        assert (await service.equipment_spec(stores, model="wx 100")).details["hp"] == 10
        [hit] = await service.search(stores, query="zebra seal weeping after a shutdown", k=1, source="manuals")
        assert hit.section == "Acme JP-7: Zebra seal weeps after restart" and hit.standard == "Acme pumps"

        specs = dict(WIDGET_SPECS, models=[*WIDGET_SPECS["models"], {"model": "WX-200", "hp": 20}])
        (small_corpus / "specifications" / "widgetco.json").write_text(json.dumps(specs))
        report = await service.reload_corpus(stores, actor=staff)
        assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
        assert (await service.equipment_spec(stores, model="WX200")).details["hp"] == 20

        (small_corpus / "specifications" / "widgetco.json").unlink()
        report = await service.reload_corpus(stores, actor=staff)
        assert report.removed == 1
        with pytest.raises(service.UnknownModel):
            await service.equipment_spec(stores, model="WX100")
        assert await stores.chroma.counts() == {"nfpa": 0, "specs": 0, "manuals": 1, "uploads": 0, "all": 1}


async def test_corpus_files_written_together_land_together_or_not_at_all(
    settings: Settings, small_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(settings, corpus_dir=small_corpus) as app:
        stores: Stores = app.state.stores
        before = await stores.chroma.counts()
        (small_corpus / "knowledge" / "quokka.md").write_bytes(NOTE)
        (small_corpus / "specifications" / "gizmo.json").write_text(
            json.dumps(dict(WIDGET_SPECS, series="GZ", manufacturer="Gizmoco", models=[{"model": "GZ-1", "hp": 3}])))
        real_add = stores.chroma.add

        async def add_then_fail_on_specs(ids: list[int], vectors: object, *, sources: list[str],
                                         document_ids: list[int]) -> None:
            await real_add(ids, vectors, sources=sources, document_ids=document_ids)  # the vectors land...
            if "specs" in sources:  # ...and the gizmo file's write is lost before Postgres commits
                raise ChromaUnavailable("chroma: connection reset")

        monkeypatch.setattr(stores.chroma, "add", add_then_fail_on_specs)
        report = await corpus.sync_corpus(stores)
        assert not report.chroma_available and report.added == 0
        async with stores.db.connection() as conn:
            cur = await conn.execute("SELECT count(*) AS n FROM knowledge_documents WHERE origin IS NOT NULL")
            assert (await cur.fetchone())["n"] == 2  # the two files synced at start-up: not even the quokka note
        assert await stores.chroma.counts() == before

        monkeypatch.undo()
        report = await corpus.sync_corpus(stores)
        assert (report.added, report.unchanged, report.chroma_available) == (2, 2, True)
        [hit] = await service.search(stores, query="quokka valve flange torque", k=1)
        assert hit.section == "9.9.9 Quokka valve flange protocol"
        assert (await service.equipment_spec(stores, model="gz1")).details["hp"] == 3


async def test_a_model_two_spec_files_define_keeps_the_first_files_data(
    settings: Settings, small_corpus: Path
) -> None:
    """The lookup stays the first file's and the second file still lands (its other models, its chunks); the
    clash is logged so whoever added the file can fix it."""
    clash = dict(WIDGET_SPECS, series="WX-B", models=[{"model": "wx 100", "hp": 99}, {"model": "WX-300", "hp": 30}])
    (small_corpus / "specifications" / "zz-widgetco.json").write_text(json.dumps(clash))
    with capture_logs() as logs:
        async with running(settings, corpus_dir=small_corpus) as app:
            stores: Stores = app.state.stores
            assert (await service.equipment_spec(stores, model="WX-100")).details["hp"] == 10
            assert (await service.equipment_spec(stores, model="WX-300")).details["hp"] == 30
            documents, _ = await service.list_documents(stores, actor=CurrentUser(id=dispatcher_id, role="dispatcher"))
            assert len(documents) == 3
    assert [e["model"] for e in logs if e["event"] == "equipment_model_duplicate"] == ["wx 100"]


@pytest.fixture
async def dispatcher_id(dispatcher: CurrentUser) -> int:
    return dispatcher.id


async def test_a_restart_with_an_unchanged_corpus_embeds_nothing(stores: Stores) -> None:
    report = await corpus.sync_corpus(stores)
    assert report.unchanged == len(corpus.corpus_files(stores.settings.corpus_dir))
    assert (report.added, report.updated, report.removed, report.reindexed) == (0, 0, 0, 0)


async def test_a_new_embedding_model_leaves_no_collections_of_the_old_one_behind(stores: Stores) -> None:
    assert stores.chroma.persist_dir is not None
    former_model = dataclasses.replace(local_embedder(), model="all-MiniLM-L6-v2-int8-dynamic")
    connect = persistent_connector(stores.chroma.persist_dir)
    former = ChromaStore(connect, former_model, breaker=CircuitBreaker("old"))
    await former.add([1, 2], local_embedder().embed_documents(["churn test", "flow test"]), sources=["nfpa", "specs"],
                     document_ids=[1, 1])
    unrelated = connect().create_collection("someone-elses")
    counts = await stores.chroma.counts()

    await corpus.sync_corpus(stores)  # the start-up after the upgrade
    names = {c.name for c in connect().list_collections()}
    assert not any("int8-dynamic" in name for name in names)
    assert unrelated.name in names
    assert await stores.chroma.counts() == counts
    [hit] = await service.search(stores, query="NFPA 25 5.2.4.2", k=1)
    assert hit.section == "NFPA 25 5.2.4.2"


async def test_an_off_topic_question_finds_nothing_rather_than_noise(stores: Stores) -> None:
    assert await service.search(stores, query="pizza dough recipe", k=5) == []
