"""Uploads are parsed in a worker process (clara.knowledge.parse_worker), so a long PDF shares neither the server's
GIL nor its heap; a parse that kills its worker is the file's fault (422) and the next upload gets a fresh one, as
does the upload after a big document (its peak memory goes with the old worker)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Any

import pytest

from clara.knowledge import parse_worker
from clara.knowledge.parsing import PDF
from clara.web.errors import ApiError
from tests.knowledge.pdfs import make_pdf

MANUAL = make_pdf(["3.2 Pressure settings", "Cut-in is 115 psi and cut-out is 135 psi on the KX-400."])


def report_pid(*_: Any, **__: Any) -> Any:
    """Stands in for the parser in the worker: says which process it ran in."""
    raise ApiError(422, "unreadable_document", str(os.getpid()), "file")


def die(*_: Any, **__: Any) -> Any:
    """Stands in for a parse that takes the worker down (out of memory, a crash in the PDF library)."""
    os._exit(1)


async def parse(data: bytes) -> Any:
    return await parse_worker.parse(data, media_type=PDF, filename="kx400.pdf", source="uploads", title=None,
                                    may_name_standard=False)


async def test_an_upload_is_parsed_in_another_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_worker, "parse_document", report_pid)
    with pytest.raises(ApiError) as raised:
        await parse(MANUAL)
    assert raised.value.status == 422 and raised.value.message.isdigit()
    assert int(raised.value.message) != os.getpid()


async def test_a_parse_that_kills_its_worker_is_a_422_and_the_next_parse_gets_a_fresh_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parse_worker, "parse_document", die)
    with pytest.raises(ApiError) as raised:
        await parse(MANUAL)
    assert (raised.value.status, raised.value.code) == (422, "unreadable_document")
    monkeypatch.undo()
    parsed = await parse(MANUAL)
    assert any("135 psi" in chunk.text for chunk in parsed.chunks)


async def worker_pid(monkeypatch: pytest.MonkeyPatch) -> int:
    with monkeypatch.context() as patched:
        patched.setattr(parse_worker, "parse_document", report_pid)
        with pytest.raises(ApiError) as raised:
            await parse(MANUAL)
    return int(raised.value.message)


async def test_small_documents_share_a_warm_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    first = await worker_pid(monkeypatch)
    await parse(MANUAL)
    assert await worker_pid(monkeypatch) == first


async def test_the_parse_after_a_big_document_gets_a_fresh_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_worker, "RECYCLE_AFTER_CHUNKS", 1)  # the manual's chunk makes it "big"
    first = await worker_pid(monkeypatch)
    await parse(MANUAL)
    assert await worker_pid(monkeypatch) != first


def report_priority(*_: Any, **__: Any) -> Any:
    """Stands in for the parser in the worker: says at which priority it ran."""
    raise ApiError(422, "unreadable_document", str(os.getpriority(os.PRIO_PROCESS, 0)), "file")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is Linux's")
async def test_a_parse_runs_at_a_lower_priority_than_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 200-page PDF keeps a core busy for tens of seconds: the server's requests come first."""
    monkeypatch.setattr(parse_worker, "parse_document", report_priority)
    with pytest.raises(ApiError) as raised:
        await parse(MANUAL)
    assert int(raised.value.message) > os.getpriority(os.PRIO_PROCESS, 0)


def nap(data: bytes, **_: Any) -> Any:
    """Stands in for a parse that takes as long as the file says ("1.0 first"), then names the file."""
    seconds, name = data.decode().split()
    time.sleep(float(seconds))
    raise ApiError(422, "unreadable_document", name, "file")


async def test_one_uploader_with_many_documents_does_not_hold_up_everyone_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker parses one document at a time: an audit's uploader sent several long PDFs at once and everyone
    else's upload waited behind all of them. Each uploader now has one document in the queue at a time."""
    monkeypatch.setattr(parse_worker, "parse_document", nap)
    finished: list[str] = []

    async def upload(owner: int, name: str, seconds: float) -> None:
        with pytest.raises(ApiError) as raised:
            await parse_worker.parse(f"{seconds} {name}".encode(), media_type=PDF, filename=f"{name}.pdf",
                                     source="uploads", title=None, may_name_standard=False, owner=owner)
        finished.append(raised.value.message)

    uploads = []
    for owner, name, seconds in ((1, "first", 1.0), (1, "second", 0.0), (1, "third", 0.0), (2, "others", 0.0)):
        uploads.append(asyncio.create_task(upload(owner, name, seconds)))
        await asyncio.sleep(0)  # each upload reaches the queue (or its uploader's turn) in this order
    await asyncio.gather(*uploads)
    assert finished == ["first", "others", "second", "third"]
