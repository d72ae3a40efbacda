"""Turns saved at the same moment share one commit (clara.stores.group_commit), and that never costs a turn.

Every turn a caller was told is saved reads back, in its conversation's order; a turn PostgreSQL refuses fails
its own caller only, and nobody hears "saved" of a turn that was not committed. Failures are planted in the
test's own database: a deferred trigger refuses a marked turn at COMMIT (after every statement of the batch
succeeded), or ends the connection there.
"""

from __future__ import annotations

import asyncio
import uuid

import psycopg
import pytest
from starlette.applications import Starlette

from clara.conversations import service as conversations
from clara.conversations.models import Conversation, ToolCallRecord, Turn
from clara.stores import Stores
from clara.web.caller import CurrentUser

REFUSED = "refused at commit"
CUT = "connection cut at commit"


@pytest.fixture
def stores(app: Starlette) -> Stores:
    return app.state.stores


def a_turn(text: str) -> Turn:
    return Turn(str(uuid.uuid4()), text, f"answer to {text}", [ToolCallRecord("next_job", {}, True)], "offline")


async def fresh_conversations(stores: Stores, users: list[CurrentUser], count: int) -> list[Conversation]:
    return [await conversations.open_conversation(stores, actor=user, user_id=user.id, channel="text", fresh=True)
            for n in range(count) for user in [users[n % len(users)]]]


async def stored_turns(stores: Stores, conversation: Conversation) -> list[str]:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT user_text FROM conversation_turns WHERE conversation_id = %s ORDER BY seq",
                                 (uuid.UUID(conversation.id),))
        return [row["user_text"] for row in await cur.fetchall()]


@pytest.fixture
async def refusing(stores: Stores) -> None:
    """Turns marked REFUSED fail at COMMIT; a turn marked CUT ends its connection there (a database lost
    mid-commit). Deferred, so every statement of their batch has succeeded when it happens."""
    async with stores.db.connection() as conn:
        await conn.execute(
            "CREATE FUNCTION refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" IF NEW.user_text = '{REFUSED}' THEN RAISE EXCEPTION 'refused'; END IF;"
            f" IF NEW.user_text = '{CUT}' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;"
            " RETURN NULL; END $$")
        await conn.execute("CREATE CONSTRAINT TRIGGER refuse_marked AFTER INSERT ON conversation_turns"
                           " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_marked()")


async def test_turns_of_many_conversations_at_once_all_read_back_in_order(
    stores: Stores, technician: CurrentUser, other_technician: CurrentUser,
) -> None:
    talks = await fresh_conversations(stores, [technician, other_technician], 12)

    async def talk(conversation: Conversation, n: int) -> None:
        for turn in range(1, 5):
            await conversations.save_turn(stores, conversation, a_turn(f"conversation {n} question {turn}"))

    await asyncio.gather(*(talk(conversation, n) for n, conversation in enumerate(talks)))

    for n, conversation in enumerate(talks):
        expected = [f"conversation {n} question {turn}" for turn in range(1, 5)]
        assert await stored_turns(stores, conversation) == expected
        resumed = await conversations.open_conversation(stores, actor=technician if n % 2 == 0 else other_technician,
                                                        user_id=conversation.user_id, channel="text",
                                                        conversation_id=conversation.id)
        assert resumed.turns == 4 and [t.user_text for t in resumed.recent] == expected
    async with stores.db.connection() as conn:  # what the batching is for: far fewer commits than turns
        cur = await conn.execute("SELECT count(*) AS turns, count(DISTINCT xmin::text) AS commits"
                                 " FROM conversation_turns WHERE conversation_id = ANY(%s)",
                                 ([uuid.UUID(c.id) for c in talks],))
        counted = await cur.fetchone()
    assert counted is not None and counted["turns"] == 48 and counted["commits"] <= 12


async def test_a_turn_refused_in_a_shared_commit_fails_only_its_own_caller(
    stores: Stores, technician: CurrentUser, refusing: None,
) -> None:
    talks = await fresh_conversations(stores, [technician], 6)
    texts = ["fine 0", "fine 1", REFUSED, "fine 3", "fine 4", "fine 5"]

    results = await asyncio.gather(*(conversations.save_turn(stores, conversation, a_turn(text))
                                     for conversation, text in zip(talks, texts)), return_exceptions=True)

    assert isinstance(results[2], psycopg.Error)
    assert [r for n, r in enumerate(results) if n != 2] == [None] * 5
    assert [await stored_turns(stores, c) for c in talks] == [["fine 0"], ["fine 1"], [], ["fine 3"], ["fine 4"],
                                                               ["fine 5"]]
    assert talks[2].turns == 0 and talks[2].recent == []  # the caller's conversation did not take the turn either


async def test_a_turn_that_breaks_its_conversation_leaves_the_others_saved(
    stores: Stores, technician: CurrentUser,
) -> None:
    first, second = await fresh_conversations(stores, [technician], 2)
    repeated = a_turn("asked once")
    await conversations.save_turn(stores, first, repeated)

    results = await asyncio.gather(conversations.save_turn(stores, second, a_turn("asked in time")),
                                   conversations.save_turn(stores, first, repeated),  # the same turn id again
                                   return_exceptions=True)

    assert results[0] is None and isinstance(results[1], psycopg.errors.UniqueViolation)
    assert await stored_turns(stores, second) == ["asked in time"]
    assert await stored_turns(stores, first) == ["asked once"]


async def test_a_connection_lost_mid_commit_acknowledges_nobody_in_that_commit(
    stores: Stores, technician: CurrentUser, refusing: None,
) -> None:
    talks = await fresh_conversations(stores, [technician], 3)

    results = await asyncio.gather(*(conversations.save_turn(stores, conversation, a_turn(text))
                                     for conversation, text in zip(talks, ["fine", CUT, "fine too"])),
                                   return_exceptions=True)

    assert all(isinstance(r, psycopg.OperationalError) for r in results), results
    assert [await stored_turns(stores, c) for c in talks] == [[], [], []]
    await conversations.save_turn(stores, talks[0], a_turn("asked again"))  # the pool recovers; a retry is stored
    assert await stored_turns(stores, talks[0]) == ["asked again"]
