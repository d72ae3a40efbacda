"""The analytics journal on its own: what a crash leaves is read back, and a live journal's segment is left alone."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from clara.analytics.events import Batch, new_event
from clara.analytics.journal import Journal, decode, encode


def batch(n: int) -> Batch:
    when = datetime.now(timezone.utc) - timedelta(minutes=3)
    events = tuple(new_event(type="tool_called", user_id=7, session_id="s-1", timestamp=when, event_id=f"e-{n}-{i}",
                             properties={"name": "get_job", "duration": 0.25, "ok": True, "note": "dégivrage"})
                   for i in range(3))
    return Batch(uuid.uuid4(), events)


def test_a_batch_reads_back_as_it_was_written() -> None:
    written = batch(1)
    [read], damaged = decode(encode(written))
    assert read == written and damaged == 0


def test_a_torn_or_damaged_record_is_skipped_and_the_others_kept() -> None:
    first, second, third = batch(1), batch(2), batch(3)
    damaged_middle = encode(second).replace(b"get_job", b"get_jab")  # the checksum no longer matches
    torn_tail = encode(third)[:40]  # the process died inside the write
    batches, damaged = decode(encode(first) + damaged_middle + torn_tail)
    assert batches == [first] and damaged == 2


async def test_segments_an_earlier_run_left_are_adopted_but_not_a_live_journals(tmp_path: Path) -> None:
    earlier = Journal(tmp_path)
    earlier.open()
    await earlier.append(batch(1))
    await earlier.append(batch(2))
    assert earlier.events == 6
    # `earlier` still runs (its segment is locked): a second journal on the same directory leaves it alone.
    other = Journal(tmp_path)
    other.open()
    assert await other.seal() == []
    other.close()

    earlier.close()  # as after a crash or a shutdown with PostgreSQL down: the segment stays
    later = Journal(tmp_path)
    later.open()
    [segment] = await later.seal()
    assert [len(b.events) for b in later.read(segment)] == [3, 3] and later.events == 6
    later.remove(segment)
    assert later.empty and later.events == 0
    later.close()
    assert list(tmp_path.glob("*.jsonl")) == []
