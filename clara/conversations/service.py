"""Conversations with Clara, kept in PostgreSQL: which one to continue, their turns, and what they are about.

Everything a conversation needs to continue lives here and is saved after every turn: the recent turns, the tracked
entities ("it", "there"), a write still waiting for the technician's yes and the unit last read from a nameplate.
So a reconnect, a restart or another instance continues the same conversation. Only the owner (or staff) may open
or continue one.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from psycopg.types.json import Jsonb

from clara.web.caller import CurrentUser, authorize
from clara.conversations.models import CHANNELS, TURN_WINDOW, Conversation, Entities, ToolCallRecord, Turn
from clara.web.errors import ApiError, not_found
from clara.stores import Stores

RESUME_WINDOW = timedelta(hours=12)  # a conversation idle for longer than a shift is not resumed implicitly
_COLUMNS = "id, user_id, job_id, channel, entities, turns, updated_at, draft, nameplate"


async def open_conversation(
    stores: Stores, *, actor: CurrentUser, user_id: int, channel: str, job_id: int | None = None,
    conversation_id: str | None = None, entities: Entities | None = None, fresh: bool = False,
) -> Conversation:
    """The conversation to continue: the one named, else (unless `fresh`) the user's latest about the same job if
    recent, else a new one starting with `entities`."""
    authorize(actor, user_id)
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    async with stores.db.connection() as conn:
        if conversation_id is not None:
            row = await _fetch(conn, "WHERE id = %s", (_uuid(conversation_id),))
            if row is None:
                raise not_found("conversation", "session_id")
            authorize(actor, row["user_id"], field="session_id")
            if row["user_id"] != user_id:
                raise ApiError(403, "forbidden", "that conversation belongs to another user", "session_id")
        elif fresh:
            row = None
        else:
            row = await _fetch(
                conn,
                "WHERE user_id = %s AND job_id IS NOT DISTINCT FROM %s AND updated_at > now() - %s"
                " ORDER BY updated_at DESC LIMIT 1",
                (user_id, job_id, RESUME_WINDOW),
            )
        if row is None:
            cur = await conn.execute(
                "INSERT INTO conversations (id, user_id, job_id, channel, entities) VALUES (%s, %s, %s, %s, %s)"
                f" RETURNING {_COLUMNS}",
                (uuid.uuid4(), user_id, job_id, channel, Jsonb((entities or Entities()).as_json())),
            )
            row = await cur.fetchone()
            assert row is not None
            return _conversation(row, [])
        cur = await conn.execute(
            "SELECT turn_id, user_text, reply, tool_calls, llm FROM conversation_turns WHERE conversation_id = %s"
            " ORDER BY seq DESC LIMIT %s",
            (row["id"], TURN_WINDOW),
        )
        recent = [
            Turn(str(t["turn_id"]), t["user_text"], t["reply"], [ToolCallRecord(**c) for c in t["tool_calls"]],
                 t["llm"])
            for t in reversed(await cur.fetchall())
        ]
    return _conversation(row, recent)


async def save_turn(stores: Stores, conversation: Conversation, turn: Turn) -> None:
    """Append `turn` with the conversation's current entities, pending draft and nameplate; the in-memory window
    follows.

    One statement, committed with the other turns being saved at the same moment (`stores.writes`, a group commit:
    one WAL flush for all of them); it returns once that commit is done, so the turn's `done` means it is stored.
    """
    (rows,) = await stores.writes.write([(
        "WITH saved AS (UPDATE conversations SET turns = turns + 1, entities = %s, draft = %s, nameplate = %s,"
        " updated_at = now() WHERE id = %s RETURNING id, turns, updated_at)"
        " INSERT INTO conversation_turns (conversation_id, seq, turn_id, user_text, reply, tool_calls, llm,"
        " interrupted) SELECT id, turns, %s, %s, %s, %s, %s, %s FROM saved"
        " RETURNING (SELECT updated_at FROM saved)",
        (Jsonb(conversation.entities.as_json()), None if conversation.draft is None else Jsonb(conversation.draft),
         None if conversation.nameplate is None else Jsonb(conversation.nameplate), _uuid(conversation.id),
         _uuid(turn.turn_id), turn.user_text, turn.reply, Jsonb([asdict(c) for c in turn.tool_calls]), turn.llm,
         turn.interrupted),
    )])
    if not rows:
        raise not_found("conversation", "session_id")
    conversation.remember(turn)
    conversation.updated_at = rows[0]["updated_at"]


async def recent_conversations(stores: Stores, *, actor: CurrentUser, user_id: int,
                               limit: int = 5) -> list[Conversation]:
    """The user's latest conversations, newest first, without their turns."""
    authorize(actor, user_id)
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {_COLUMNS} FROM conversations WHERE user_id = %s ORDER BY updated_at DESC LIMIT %s",
            (user_id, limit),
        )
        return [_conversation(row, []) for row in await cur.fetchall()]


async def _fetch(conn: Any, where: str, params: tuple[Any, ...]) -> dict[str, Any] | None:
    cur = await conn.execute(f"SELECT {_COLUMNS} FROM conversations " + where, params)
    row: dict[str, Any] | None = await cur.fetchone()
    return row


def _conversation(row: dict[str, Any], recent: list[Turn]) -> Conversation:
    return Conversation(
        id=str(row["id"]), user_id=row["user_id"], job_id=row["job_id"], channel=row["channel"],
        entities=Entities.from_json(row["entities"]), recent=recent, turns=row["turns"], updated_at=row["updated_at"],
        draft=row["draft"], nameplate=row["nameplate"],
    )


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApiError(400, "validation_error", "session_id must be a UUID", "session_id") from None
