"""Conversations in PostgreSQL: resume rules, ownership, the 20-turn window, tracked entities and a pending draft."""

from __future__ import annotations

import uuid

import pytest
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.conversations import service as conversations
from clara.conversations.models import TURN_WINDOW, Entities, ToolCallRecord, Turn
from clara.web.errors import ApiError
from clara.stores import Stores


@pytest.fixture
def stores(app: Starlette) -> Stores:
    return app.state.stores


def a_turn(n: int) -> Turn:
    return Turn(str(uuid.uuid4()), f"question {n}", f"answer {n}", [ToolCallRecord("next_job", {}, True)], "offline")


async def test_a_new_conversation_then_the_same_one_is_resumed(stores: Stores, technician: CurrentUser) -> None:
    first = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text")
    assert first.turns == 0 and first.recent == []
    first.entities = first.entities.with_(equipment_model="50TCQA06", manufacturer="Carrier")
    await conversations.save_turn(stores, first, a_turn(1))
    again = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text")
    assert again.id == first.id and again.turns == 1
    assert again.entities == Entities(equipment_model="50TCQA06", manufacturer="Carrier")
    assert again.recent[0].user_text == "question 1" and again.recent[0].tool_calls == [
        ToolCallRecord("next_job", {}, True)]
    by_id = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="voice",
                                           conversation_id=first.id)
    assert by_id.id == first.id


async def test_another_job_or_an_old_conversation_starts_afresh(stores: Stores, technician: CurrentUser) -> None:
    general = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text")
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT min(id) AS id FROM jobs WHERE technician_id = %s", (technician.id,))
        job_id = (await cur.fetchone())["id"]  # type: ignore[index]
    about_job = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text",
                                               job_id=job_id, entities=Entities(job_id=job_id))
    assert about_job.id != general.id and about_job.entities.job_id == job_id
    async with stores.db.connection() as conn:
        await conn.execute("UPDATE conversations SET updated_at = now() - interval '13 hours'")
    fresh = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text")
    assert fresh.id not in (general.id, about_job.id)


async def test_only_the_owner_may_continue_a_conversation(stores: Stores, technician: CurrentUser,
                                                          other_technician: CurrentUser,
                                                          dispatcher: CurrentUser) -> None:
    mine = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text")
    with pytest.raises(ApiError) as refused:
        await conversations.open_conversation(stores, actor=other_technician, user_id=other_technician.id, channel="text",
                                       conversation_id=mine.id)
    assert refused.value.status == 403 and refused.value.field == "session_id"
    with pytest.raises(ApiError) as refused:
        await conversations.open_conversation(stores, actor=other_technician, user_id=technician.id, channel="text")
    assert refused.value.status == 403
    staff = await conversations.open_conversation(stores, actor=dispatcher, user_id=technician.id, channel="text",
                                           conversation_id=mine.id)
    assert staff.id == mine.id
    with pytest.raises(ApiError) as missing:
        await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text",
                                       conversation_id=str(uuid.uuid4()))
    assert missing.value.status == 404


async def test_the_window_keeps_the_last_twenty_turns(stores: Stores, technician: CurrentUser) -> None:
    conversation = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text")
    for n in range(1, 26):
        await conversations.save_turn(stores, conversation, a_turn(n))
    assert conversation.turns == 25 and [t.user_text for t in conversation.recent][0] == "question 6"
    resumed = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text")
    assert resumed.turns == 25 and len(resumed.recent) == TURN_WINDOW
    assert [t.user_text for t in resumed.recent] == [f"question {n}" for n in range(6, 26)]


async def test_a_pending_draft_is_kept_with_the_conversation_until_cleared(stores: Stores,
                                                                          technician: CurrentUser) -> None:
    conversation = await conversations.open_conversation(stores, actor=technician, user_id=technician.id,
                                                         channel="voice")
    conversation.draft = {"kind": "job_status", "id": "d1", "job_id": 1, "site": "WeWork", "status": "en_route",
                          "previous": "scheduled"}
    await conversations.save_turn(stores, conversation, a_turn(1))
    resumed = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text",
                                                    conversation_id=conversation.id)
    assert resumed.draft == conversation.draft
    resumed.draft = None
    await conversations.save_turn(stores, resumed, a_turn(2))
    again = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text")
    assert again.id == conversation.id and again.draft is None


async def test_fresh_starts_a_new_conversation_even_when_one_is_recent(stores: Stores,
                                                                      technician: CurrentUser) -> None:
    recent = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text")
    await conversations.save_turn(stores, recent, a_turn(1))
    fresh = await conversations.open_conversation(stores, actor=technician, user_id=technician.id, channel="text",
                                                  fresh=True)
    assert fresh.id != recent.id and fresh.turns == 0
    latest = await conversations.recent_conversations(stores, actor=technician, user_id=technician.id)
    assert {c.id for c in latest} == {recent.id, fresh.id}


def test_entities_describe_what_the_conversation_is_about() -> None:
    entities = Entities().with_(customer="WeWork", site="WeWork 123 Main St", site_id=1)
    entities = entities.with_(equipment_model="50TCQA06", manufacturer="Carrier", standard=None)
    assert entities.describe() == ("customer WeWork; site WeWork 123 Main St (site_id 1); "
                                   "equipment model Carrier 50TCQA06")
    assert Entities.from_json({**entities.as_json(), "unknown": 1}) == entities
