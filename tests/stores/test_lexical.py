"""The lexical index's snapshot grows with each upload instead of being rebuilt: it must rank exactly as a rebuild."""

from __future__ import annotations

import random

import numpy as np

from clara.stores.lexical import ChunkTerms, Matrix

WORDS = [f"w{i}" for i in range(120)]


def _chunks(start: int, count: int, rng: random.Random) -> list[ChunkTerms]:
    """Chunks of a few documents (five chunks each, so an extension can end mid-document), with varied title
    lexemes per chunk: a document's title lexemes are its last chunk's, and its lexemes are its first chunk's
    title plus every chunk's terms."""
    return [ChunkTerms(i, i // 5, rng.choice(["nfpa", "uploads"]), rng.choice([None, 7]),
                       {rng.choice(WORDS): float(rng.randint(1, 4)) for _ in range(rng.randint(3, 12))},
                       frozenset(rng.sample(WORDS[:10], 2)))
            for i in range(start, start + count)]


def _same(a: Matrix, b: Matrix) -> None:
    assert list(a.vocabulary.items()) == list(b.vocabulary.items())
    for left, right in ((a.weights, b.weights), (a.frequencies, b.frequencies)):
        assert np.array_equal(left.indptr, right.indptr) and np.array_equal(left.indices, right.indices)
        assert np.array_equal(left.data, right.data)
    assert np.array_equal(a.idf, b.idf) and np.array_equal(a.ids, b.ids) and np.array_equal(a.owners, b.owners)
    assert a.rows == b.rows and a.documents == b.documents
    assert a.documents_by_term == b.documents_by_term and a.titles_by_term == b.titles_by_term
    assert a.of_source.keys() == b.of_source.keys()
    assert all(np.array_equal(a.of_source[s], b.of_source[s]) for s in a.of_source)


def test_an_extended_snapshot_is_the_snapshot_a_rebuild_makes() -> None:
    rng = random.Random(3)
    everything = _chunks(0, 48, rng)
    grown = Matrix.build(everything[:11])
    for start in (11, 23, 24, 40):  # extensions that end mid-document, and one of a single chunk
        grown = grown.extended(everything[start : {11: 23, 23: 24, 24: 40, 40: 48}[start]])
    rebuilt = Matrix.build(everything)
    _same(grown, rebuilt)
    query = rng.sample(WORDS, 6)
    assert np.array_equal(grown.scores(query), rebuilt.scores(query))


def test_extending_leaves_the_snapshot_searches_are_reading_unchanged() -> None:
    rng = random.Random(5)
    first = _chunks(0, 20, rng)
    before = Matrix.build(first)
    scores = before.scores(WORDS[:30])
    before.extended(_chunks(20, 10, rng))
    _same(before, Matrix.build(first))
    assert np.array_equal(before.scores(WORDS[:30]), scores)
