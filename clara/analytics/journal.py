"""The analytics journal: batches PostgreSQL could not take in time, fsync'd to a local file before they are
acknowledged, and handed to PostgreSQL later (at the latest by the next start on this DATA_DIR).

Layout: `DATA_DIR/analytics-journal/<time>-<pid>-<n>.jsonl` segments, one batch per line, each line prefixed with
the CRC-32 of its JSON so a record torn by a crash is recognised and skipped (it was never acknowledged: its fsync
had not returned). The journal appends to one open segment; `seal()` closes it, and sealed segments are only read
and deleted, never written again, so the replay of one never races the append to another. An open segment holds
an exclusive `flock`: an instance starting on the same DATA_DIR leaves a live instance's segment alone.
"""

from __future__ import annotations

import asyncio
import fcntl
import itertools
import json
import os
import threading
import time
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from clara.analytics.events import Batch, Event
from clara.platform.logging import get_logger

log = get_logger(__name__)

DIRECTORY = "analytics-journal"
SET_ASIDE = "set-aside.log"  # batches PostgreSQL refused as data: never replayed, never deleted
_SUFFIX = ".jsonl"
_names = itertools.count()


def journal_dir(data_dir: Path) -> Path:
    return data_dir / DIRECTORY


def encode(batch: Batch) -> bytes:
    payload = json.dumps(
        {"batch": str(batch.id), "events": [_event_json(e) for e in batch.events]},
        separators=(",", ":"), ensure_ascii=False,
    ).encode()
    return b"%08x %s\n" % (zlib.crc32(payload), payload)


def decode(data: bytes) -> tuple[list[Batch], int]:
    """The batches in a segment's bytes, and how many records were torn or damaged (skipped)."""
    batches: list[Batch] = []
    damaged = 0
    for line in data.split(b"\n"):
        if not line:
            continue
        crc, _, payload = line.partition(b" ")
        try:
            if int(crc, 16) != zlib.crc32(payload):
                raise ValueError("checksum mismatch")
            record = json.loads(payload)
            batches.append(Batch(uuid.UUID(record["batch"]), tuple(_event(e) for e in record["events"])))
        except (ValueError, KeyError, TypeError):
            damaged += 1
    return batches, damaged


def _event_json(event: Event) -> dict[str, Any]:
    return {"id": str(event.id), "type": event.type, "occurred_at": event.occurred_at.isoformat(),
            "user_id": event.user_id, "session_id": event.session_id, "properties": event.properties,
            "keyed": event.keyed}


def _event(record: dict[str, Any]) -> Event:
    return Event(uuid.UUID(record["id"]), record["type"], datetime.fromisoformat(record["occurred_at"]),
                 record["user_id"], record["session_id"], record["properties"], bool(record["keyed"]))


@dataclass
class _Segment:
    path: Path
    fd: int
    events: int = 0
    size: int = 0


class Journal:
    """Append batches durably; list, read and delete the sealed segments. One instance per process and DATA_DIR."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._open: _Segment | None = None
        self._sealed: dict[Path, int] = {}  # sealed segment -> events in it (-1: not read yet)
        self._lock = threading.Lock()  # appends and seals run in worker threads

    @property
    def events(self) -> int:
        """Events held here, waiting for PostgreSQL (segments left by an earlier run count once read)."""
        sealed = sum(n for n in self._sealed.values() if n > 0)
        return sealed + (self._open.events if self._open else 0)

    @property
    def empty(self) -> bool:
        return not self._sealed and not (self._open and self._open.events)

    def open(self) -> None:
        """Adopt the segments an earlier run left (sealed: they are replayed), then start a new segment."""
        self.directory.mkdir(parents=True, exist_ok=True)
        for path in sorted(self.directory.glob(f"*{_SUFFIX}")):
            if _unlocked(path):
                self._sealed[path] = -1
        if self._sealed:
            log.info("analytics_journal_found", segments=len(self._sealed))
        self._start_segment()

    async def append(self, batch: Batch) -> None:
        """Write and fsync one batch; when this returns, the batch survives a crash of the process or the machine."""
        data = encode(batch)
        await asyncio.to_thread(self._append, data, len(batch.events))

    def _append(self, data: bytes, events: int) -> None:
        with self._lock:
            segment = self._open
            if segment is None:
                raise OSError("the analytics journal is closed")
            try:
                written = os.write(segment.fd, data)
                if written != len(data):
                    raise OSError(f"short write to the analytics journal ({written} of {len(data)} bytes)")
                os.fsync(segment.fd)
            except OSError:
                os.ftruncate(segment.fd, segment.size)  # no half record for the next one to be glued to
                raise
            segment.events += events
            segment.size += len(data)

    async def seal(self) -> list[Path]:
        """Close the open segment if it holds anything, and return every sealed segment, oldest first."""
        await asyncio.to_thread(self._seal)
        return sorted(self._sealed)

    def _seal(self) -> None:
        with self._lock:
            segment = self._open
            if segment is None or not segment.events:
                return
            self._sealed[segment.path] = segment.events
            os.close(segment.fd)  # also releases the flock
            self._open = None
            self._start_segment()

    def read(self, path: Path) -> list[Batch]:
        batches, damaged = decode(path.read_bytes())
        if damaged:
            log.warning("analytics_journal_damaged_records", segment=path.name, skipped=damaged)
        self._sealed[path] = sum(len(b.events) for b in batches)
        return batches

    def remove(self, path: Path) -> None:
        """Forget a sealed segment whose batches PostgreSQL holds now."""
        path.unlink(missing_ok=True)
        _sync_directory(self.directory)
        self._sealed.pop(path, None)

    def set_aside(self, segment: Path, batch: Batch) -> None:
        """Keep a batch PostgreSQL refuses (after it was acknowledged) in `set-aside.log` for an operator."""
        with (self.directory / SET_ASIDE).open("ab") as out:
            out.write(encode(batch))
            out.flush()
            os.fsync(out.fileno())
        log.error("analytics_journal_set_aside", segment=segment.name, batch=str(batch.id), file=SET_ASIDE)

    def close(self) -> None:
        """Close the open segment (deleted when empty); sealed and non-empty segments stay for the next start."""
        with self._lock:
            segment, self._open = self._open, None
            if segment is None:
                return
            os.close(segment.fd)
            if not segment.events:
                segment.path.unlink(missing_ok=True)
            else:
                self._sealed[segment.path] = segment.events

    def _start_segment(self) -> None:
        path = self.directory / f"{time.time_ns():020d}-{os.getpid()}-{next(_names)}{_SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        _sync_directory(self.directory)  # the new name itself must survive a power cut
        self._open = _Segment(path, fd)


def _unlocked(path: Path) -> bool:
    """Whether no live journal holds `path` open (an instance that crashed holds nothing)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
