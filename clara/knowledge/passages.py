"""The candidate passages' rows, read from PostgreSQL once per lexical snapshot rather than once per search.

Stage two reads a few dozen rows per search (text, spans, packed span vectors): a round trip, and about a
millisecond of CPU decoding them, on every keyless knowledge turn; and the same passages come back question after
question (the shipped questions' 5,400 candidates were 330 passages). A chunk is written once and never updated:
ingest draws fresh ids, and a re-ingest or a deletion removes the old rows and adds new ones, which the lexical index
answers with a new snapshot (`Matrix`) before the next search reads it (writes elsewhere through the knowledge
cache's invalidation). So a row read under one snapshot serves every search of that snapshot, and a new snapshot
starts afresh, as `siblings.Identities` does with the documents' titles. Ids the snapshot does not hold (a write
racing the search) are read every time and never kept.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Awaitable, Callable, Sequence

from clara.stores import Stores
from clara.stores.lexical import Matrix

Row = dict[str, Any]
Reader = Callable[[Stores, Sequence[int]], Awaitable[dict[int, Row]]]

# Rows kept per snapshot, least recently used dropped first: a row with its packed vectors is a few kilobytes, so
# this bounds the cache to tens of megabytes however large the corpus; the shipped corpus's questions use ~330.
LIMIT = 4096


class Passages:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._snapshot: tuple[Stores, Matrix] | None = None
        self._rows: OrderedDict[int, Row] = OrderedDict()

    async def rows(self, stores: Stores, matrix: Matrix, ids: Sequence[int], read: Reader) -> dict[int, Row]:
        """The rows of `ids` that exist, in the order asked; each a copy, so a caller's change stays its own."""
        if self._snapshot is None or self._snapshot[0] is not stores or self._snapshot[1] is not matrix:
            self._snapshot, self._rows = (stores, matrix), OrderedDict()
        kept = self._rows
        missing = [i for i in ids if i not in kept]
        fetched = await read(stores, missing) if missing else {}
        if self._snapshot[0] is stores and self._snapshot[1] is matrix:  # no newer snapshot arrived meanwhile
            for chunk_id, row in fetched.items():
                if matrix.row_of(chunk_id) is not None:
                    kept[chunk_id] = row
            for chunk_id in ids:
                if chunk_id in kept:
                    kept.move_to_end(chunk_id)
            while len(kept) > self.limit:
                kept.popitem(last=False)
        out = {}
        for chunk_id in ids:
            row = fetched.get(chunk_id)
            if row is None:
                row = kept.get(chunk_id)
            if row is not None:
                out[chunk_id] = dict(row)
        return out


PASSAGES = Passages()
