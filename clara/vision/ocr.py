"""The offline reader: PP-OCRv4 through RapidOCR, whose ONNX models ship inside its PyPI wheel.

`rapidocr-onnxruntime` (Apache-2.0, models from PaddleOCR, Apache-2.0) carries text detection (4.7 MB), recognition
(10.9 MB) and a direction classifier in the wheel and runs them with onnxruntime, so nothing is downloaded at run
time and it works with the network off (tests/vision/test_ocr.py checks that). About 0.8 s of CPU per plate here.

The engine is loaded once per process and reads one photo at a time (it keeps per-call state) on one worker
thread, which also decodes the photos (so only one is ever held decoded), on one core: the API keeps the other,
and onnxruntime's threads spin-wait for work, so on a busy two-core machine two threads cost twice the CPU of one
for little gain in time (measured by bench/nameplates.py: 2.1 s of CPU per plate vs 1.1 s).
"""

from __future__ import annotations

import asyncio
import functools
import math
import statistics
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Sequence, TypeVar

from PIL import Image

from clara.vision.fields import Row, Segment, extract, text_of
from clara.vision.models import Reading

_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clara-ocr")
# Detection upscales a picture whose short side is under this (RapidOCR's default, 736, made a 900 x 600 plate
# photo 1.4 times larger: 0.2 s more per plate, no plate read better). Pictures above it are detected as they are.
DETECT_MIN_SIDE = 480
T = TypeVar("T")


@functools.cache
def engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR  # imported here: onnxruntime sessions are built on first use only

    # One text line per recognition call: a batch is padded to its widest line, and on one thread batching saves
    # nothing, so the padding was pure cost (about a fifth of a plate's time).
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, det_limit_side_len=DETECT_MIN_SIDE,
                    rec_batch_num=1)


def rows_of(boxes: Sequence[Any]) -> list[Row]:
    """OCR boxes grouped into the plate's rows, each left to right, rows top to bottom.

    A photo is rarely level: a plate turned 3 degrees moves the right end of an 800-pixel row 40 pixels, more than
    a line of text. The skew is measured from the boxes' own top edges, and rows are grouped in the levelled frame.
    """
    if not boxes:
        return []
    angles = [math.atan2(b[0][1][1] - b[0][0][1], b[0][1][0] - b[0][0][0]) for b in boxes
              if b[0][1][0] - b[0][0][0] > 2 * abs(b[0][3][1] - b[0][0][1])]
    skew = statistics.median(angles) if angles else 0.0
    cos, sin = math.cos(skew), math.sin(skew)
    placed = []
    for points, text, score in boxes:
        xs = [x * cos + y * sin for x, y in points]
        ys = [-x * sin + y * cos for x, y in points]
        placed.append((sum(ys) / 4, max(ys) - min(ys), Segment(str(text), float(score), min(xs), max(xs))))
    placed.sort(key=lambda item: item[0])
    line_height = statistics.median(height for _, height, _ in placed) or 1.0
    rows: list[list[tuple[float, Segment]]] = []
    centre = -math.inf
    for y, _, segment in placed:
        if rows and abs(y - centre) < 0.6 * line_height:
            rows[-1].append((y, segment))
            centre = sum(item[0] for item in rows[-1]) / len(rows[-1])
        else:
            rows.append([(y, segment)])
            centre = y
    return [sorted((segment for _, segment in row), key=lambda s: s.x0) for row in rows]


def _read(picture: Image.Image) -> Reading:
    boxes, _ = engine()(picture)
    rows = rows_of(boxes or [])
    fields, confidence = extract(rows)
    return Reading(text=text_of(rows), fields=fields, confidence=confidence, reader="offline")


async def run(work: Callable[[], T]) -> T:
    """`work` on the photo worker: one photo is decoded or read at a time, and photos waiting for it wait on the
    event loop, not in the threads the rest of Clara shares (`asyncio.to_thread`)."""
    return await asyncio.get_running_loop().run_in_executor(_worker, work)


async def read(picture: Image.Image) -> Reading:
    """The plate's text and fields, read on this machine (OCR is a second of CPU)."""
    return await run(functools.partial(_read, picture))
