"""Rows, span vectors and sentence reads kept between searches: the same answers as reading them afresh, and never a
row of a snapshot or a wording that is gone."""

from __future__ import annotations

import re
from typing import Any, Sequence

import numpy as np
import pytest
from starlette.applications import Starlette

from clara.knowledge import search, service, span_memo, spans
from clara.knowledge.passages import Passages
from clara.knowledge.vectors import pack, unpack
from clara.stores import Stores
from clara.web.caller import CurrentUser


class Snapshot:
    """What `Passages` asks of a lexical snapshot: which chunk ids it holds."""

    def __init__(self, ids: set[int]) -> None:
        self.ids = ids

    def row_of(self, chunk_id: int) -> int | None:
        return chunk_id if chunk_id in self.ids else None


class Database:
    def __init__(self, texts: dict[int, str]) -> None:
        self.texts = texts
        self.asked: list[list[int]] = []

    async def read(self, stores: Any, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        self.asked.append(list(ids))
        return {i: {"id": i, "text": self.texts[i]} for i in ids if i in self.texts}


async def test_a_row_is_read_once_per_snapshot_and_again_under_a_new_one() -> None:
    passages, stores, db = Passages(), object(), Database({1: "old one", 2: "two"})
    first = Snapshot({1, 2})
    assert [r["text"] for r in (await passages.rows(stores, first, [2, 1], db.read)).values()] == ["two", "old one"]
    assert [r["text"] for r in (await passages.rows(stores, first, [1, 2], db.read)).values()] == ["old one", "two"]
    assert db.asked == [[2, 1]]  # the second search read nothing

    db.texts[1] = "new one"  # a restored copy reusing the id: only a new snapshot may say so
    assert (await passages.rows(stores, Snapshot({1, 2}), [1], db.read))[1]["text"] == "new one"
    other = object()  # another store (another database) with the same ids
    assert (await passages.rows(other, first, [1], db.read))[1]["text"] == "new one"
    assert db.asked[1:] == [[1], [1]]


async def test_an_id_the_snapshot_does_not_hold_is_read_every_time_and_a_missing_row_is_left_out() -> None:
    passages, stores, db = Passages(), object(), Database({1: "one", 3: "racing write"})
    snapshot = Snapshot({1, 2})
    assert set(await passages.rows(stores, snapshot, [1, 2, 3], db.read)) == {1, 3}  # 2 was deleted meanwhile
    assert set(await passages.rows(stores, snapshot, [1, 3], db.read)) == {1, 3}
    assert db.asked == [[1, 2, 3], [3]]


async def test_rows_are_copies_and_the_least_recently_used_go_first() -> None:
    passages, stores, db = Passages(limit=2), object(), Database({1: "one", 2: "two", 3: "three"})
    snapshot = Snapshot({1, 2, 3})
    (await passages.rows(stores, snapshot, [1], db.read))[1]["text"] = "changed by a caller"
    assert (await passages.rows(stores, snapshot, [1, 2], db.read))[1]["text"] == "one"
    await passages.rows(stores, snapshot, [3], db.read)  # 1 was used before 2: 1 goes
    await passages.rows(stores, snapshot, [1, 2], db.read)
    assert db.asked == [[1], [2], [3], [1]]


def test_kept_span_vectors_are_the_packed_ones_and_read_only() -> None:
    vectors = np.random.default_rng(3).normal(size=(3, 8)).astype(np.float32)
    data = pack(vectors)
    kept = unpack(data, 8)
    assert np.array_equal(kept, unpack.__wrapped__(data, 8)) and unpack(bytes(data), 8) is kept
    with pytest.raises(ValueError):
        kept[0, 0] = 1.0  # shared by every search: nobody may change it


def test_a_sentence_read_is_remembered_by_its_wording() -> None:
    rule = re.compile(r"\bshall\b")
    assert span_memo.found(rule, "Valves shall be inspected weekly.")
    assert not span_memo.found(rule, "Valves are inspected weekly.")  # a re-ingested wording is read afresh
    assert span_memo.stripped(re.compile(r"^\(a\)\s+"), "(a) Valves shall be inspected.") == "Valves shall be inspected."
    for n in range(span_memo.LIMIT + 1):
        span_memo.found(rule, str(n))
    assert span_memo.found.cache_info().currsize == span_memo.LIMIT  # bounded


def test_kind_preferences_read_through_the_memo_as_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    question = "how often shall the alarm valve be inspected, in psi"
    texts = ["(a) Alarm valves shall be inspected quarterly.", "The valve is red.", "Set it to 175 psi.",
             "- 3 flashes: low pressure"]
    remembered = spans.kind_preferences(question, texts)
    assert spans.kind_preferences(question, texts) == remembered
    monkeypatch.setattr(spans, "found", lambda p, t: p.search(t) is not None)
    monkeypatch.setattr(spans, "stripped", lambda p, t: p.sub("", t, count=1))
    assert spans.kind_preferences(question, texts) == remembered


NOTE = b"# Field notes\n\n## 9.9.9 Quokka valve flange protocol\nTorque the quokka valve flange bolts in a star pattern.\n"
CHANGED = NOTE.replace(b"in a star pattern", b"in a cross pattern to 40 ft-lb")


async def test_a_document_ingested_again_is_searched_in_its_new_words(app: Starlette, technician: CurrentUser) -> None:
    stores: Stores = app.state.stores
    first = await service.upload_document(stores, actor=technician, data=NOTE, filename="notes.md",
                                          content_type="text/markdown")
    [hit] = (await search.hybrid(stores, "quokka valve flange torque", k=1, source="uploads", viewer=None)).hits
    assert "star pattern" in hit.text
    await service.delete_document(stores, actor=technician, document_id=first.document.id)
    await service.upload_document(stores, actor=technician, data=CHANGED, filename="notes.md",
                                  content_type="text/markdown")
    [hit] = (await search.hybrid(stores, "quokka valve flange torque", k=1, source="uploads", viewer=None)).hits
    assert "cross pattern" in hit.text and "star pattern" not in hit.text
