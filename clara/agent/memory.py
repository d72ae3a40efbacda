"""Conversation memory: the last turns and what the conversation is about, kept in PostgreSQL.

Two things let "what's its amp draw?" work after talking about the 50TCQA06: the window of recent turns the LLM
sees, and tracked entities (customer, site, equipment model, standard, ...) that tools fall back on when an
argument is left out. Both are saved after every turn, so a reconnect, a restart or another instance continues the
same conversation.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any

from livekit.agents import llm
from psycopg.types.json import Jsonb

from clara.auth.models import CurrentUser
from clara.auth.scope import authorize
from clara.errors import ApiError, not_found
from clara.stores import Stores
from clara.stores.postgres import transaction

TURN_WINDOW = 20  # turns the LLM sees; older ones stay in the database but out of the prompt
RESUME_WINDOW = timedelta(hours=12)  # a conversation idle for longer than a shift is not resumed implicitly
CHANNELS = ("text", "voice")

_STANDARD = re.compile(r"\bNFPA[\s-]*(\d{1,4}[A-Z]?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Entities:
    """What "it", "there" and "that unit" refer to right now."""

    customer: str | None = None
    customer_id: int | None = None
    site: str | None = None
    site_id: int | None = None
    equipment_model: str | None = None
    manufacturer: str | None = None
    standard: str | None = None
    job_id: int | None = None
    deficiency_id: int | None = None  # the last one logged or named, for "mark it fixed"

    def with_(self, **changes: Any) -> "Entities":
        """These entities with `changes` applied; None values leave the current value alone."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Entities":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def describe(self) -> str:
        """One line for the LLM's context; empty when nothing is tracked yet."""
        parts = []
        if self.customer:
            parts.append(f"customer {self.customer}")
        if self.site:
            parts.append(f"site {self.site}" + (f" (site_id {self.site_id})" if self.site_id else ""))
        if self.equipment_model:
            parts.append(f"equipment model {' '.join(p for p in (self.manufacturer, self.equipment_model) if p)}")
        if self.standard:
            parts.append(f"standard {self.standard}")
        if self.job_id:
            parts.append(f"job {self.job_id}")
        if self.deficiency_id:
            parts.append(f"deficiency {self.deficiency_id}")
        return "; ".join(parts)


def mentioned_standard(text: str) -> str | None:
    """The last NFPA standard named in `text`, normalised ("nfpa-25" -> "NFPA 25")."""
    found = _STANDARD.findall(text)
    return f"NFPA {found[-1].upper()}" if found else None


@dataclass(frozen=True)
class ToolCallRecord:
    name: str
    arguments: dict[str, Any]
    ok: bool


def tool_arguments(raw: str) -> dict[str, Any]:
    """A tool call's JSON arguments as a dict; an LLM's malformed arguments are recorded as none, not an error."""
    try:
        parsed = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


@dataclass(frozen=True)
class Turn:
    turn_id: str
    user_text: str
    reply: str
    tool_calls: list[ToolCallRecord]
    llm: str  # which model answered: "gemini" or "offline"
    interrupted: bool = False  # the technician talked over the reply: `reply` is what was said before that


@dataclass
class Conversation:
    id: str
    user_id: int
    job_id: int | None
    channel: str
    entities: Entities = field(default_factory=Entities)
    recent: list[Turn] = field(default_factory=list)  # oldest first, at most TURN_WINDOW
    turns: int = 0  # all turns ever, including those out of the window
    updated_at: datetime | None = None

    def chat_context(self) -> llm.ChatContext:
        """The recent turns as the messages an LLM continues from."""
        ctx = llm.ChatContext.empty()
        for turn in self.recent:
            ctx.add_message(role="user", content=turn.user_text)
            ctx.add_message(role="assistant", content=turn.reply)
        return ctx

    def remember(self, turn: Turn) -> None:
        self.recent = [*self.recent, turn][-TURN_WINDOW:]
        self.turns += 1


def trim(ctx: llm.ChatContext, *, turns: int = TURN_WINDOW) -> bool:
    """Drop everything before the last `turns` user messages (instructions stay); True when anything went."""
    user_positions = [i for i, item in enumerate(ctx.items) if item.type == "message" and item.role == "user"]
    if len(user_positions) <= turns:
        return False
    keep_from = user_positions[-turns]
    ctx.truncate(max_items=len(ctx.items) - keep_from)
    return True


async def open_conversation(
    stores: Stores, *, actor: CurrentUser, user_id: int, channel: str, job_id: int | None = None,
    conversation_id: str | None = None, entities: Entities | None = None,
) -> Conversation:
    """The conversation to continue: the one named, else the user's latest about the same job (if recent), else a
    new one, starting with `entities`. Only the owner (or staff) may continue a conversation."""
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
                " RETURNING id, user_id, job_id, channel, entities, turns, updated_at",
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
            Turn(str(t["turn_id"]), t["user_text"], t["reply"], [ToolCallRecord(**c) for c in t["tool_calls"]], t["llm"])
            for t in reversed(await cur.fetchall())
        ]
    return _conversation(row, recent)


async def save_turn(stores: Stores, conversation: Conversation, turn: Turn) -> None:
    """Append `turn` and the current entities; the in-memory window follows."""
    async with transaction(stores.db) as conn:
        cur = await conn.execute(
            "UPDATE conversations SET turns = turns + 1, entities = %s, updated_at = now() WHERE id = %s"
            " RETURNING turns, updated_at",
            (Jsonb(conversation.entities.as_json()), _uuid(conversation.id)),
        )
        row = await cur.fetchone()
        if row is None:
            raise not_found("conversation", "session_id")
        await conn.execute(
            "INSERT INTO conversation_turns (conversation_id, seq, turn_id, user_text, reply, tool_calls, llm,"
            " interrupted) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (_uuid(conversation.id), row["turns"], _uuid(turn.turn_id), turn.user_text, turn.reply,
             Jsonb([asdict(c) for c in turn.tool_calls]), turn.llm, turn.interrupted),
        )
    conversation.remember(turn)
    conversation.updated_at = row["updated_at"]


async def recent_conversations(stores: Stores, *, actor: CurrentUser, user_id: int, limit: int = 5) -> list[Conversation]:
    """The user's latest conversations, newest first, without their turns."""
    authorize(actor, user_id)
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT id, user_id, job_id, channel, entities, turns, updated_at FROM conversations WHERE user_id = %s"
            " ORDER BY updated_at DESC LIMIT %s",
            (user_id, limit),
        )
        return [_conversation(row, []) for row in await cur.fetchall()]


async def _fetch(conn: Any, where: str, params: tuple[Any, ...]) -> dict[str, Any] | None:
    cur = await conn.execute(
        "SELECT id, user_id, job_id, channel, entities, turns, updated_at FROM conversations " + where, params
    )
    row: dict[str, Any] | None = await cur.fetchone()
    return row


def _conversation(row: dict[str, Any], recent: list[Turn]) -> Conversation:
    return Conversation(
        id=str(row["id"]), user_id=row["user_id"], job_id=row["job_id"], channel=row["channel"],
        entities=Entities.from_json(row["entities"]), recent=recent, turns=row["turns"], updated_at=row["updated_at"],
    )


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApiError(400, "validation_error", "session_id must be a UUID", "session_id") from None
