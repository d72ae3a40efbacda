"""A chunk's own vectors, packed for PostgreSQL: the passage's, then one per span, as int8 with one scale each.

The second ranking stage needs the vectors of a few dozen candidates and their sentences; reading them with the
candidates' rows costs nothing extra, where asking Chroma would cost another call. Int8 with a per-vector scale
keeps 50,000 chunks of five spans under 100 MB and cosine similarities within about 0.005 of float32.
"""

from __future__ import annotations

import functools

import numpy as np

_SCALE = np.dtype("<f4")


def pack(vectors: np.ndarray) -> bytes:
    """(n, d) float vectors -> n scales (float32) followed by n x d int8 values."""
    vectors = np.asarray(vectors, dtype=np.float32)
    scales = np.abs(vectors).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    quantised = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
    return scales.astype(_SCALE).tobytes() + quantised.tobytes()


@functools.lru_cache(maxsize=1024)  # ~10 KB each as float32: about 10 MB at most
def unpack(data: bytes, dimension: int) -> np.ndarray:
    """The (n, d) float32 vectors `pack` stored; rows are L2-normalised again. Kept by content (read-only): the same
    passages are candidates question after question, and their rows come from `passages` as the same bytes."""
    n = len(data) // (4 + dimension)
    scales = np.frombuffer(data, dtype=_SCALE, count=n)
    values = np.frombuffer(data, dtype=np.int8, offset=4 * n).reshape(n, dimension).astype(np.float32)
    vectors = values * scales[:, None]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    out = vectors / np.clip(norms, 1e-12, None)
    out.setflags(write=False)
    return out
