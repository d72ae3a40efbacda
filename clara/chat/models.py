"""What the chat routes and the WebSocket answer, declared once: the JSON reply, the frames both ways, status, stats.

The routes answer these dataclasses through `clara.web.http.respond`; the socket and SSE frames are the TypedDicts
below (events are plain dicts on the hot path), and `/openapi.json` documents all of them from these declarations.
What the app sends on the socket is `ClientFrame`, the union of the models `clara.chat.frames` validates with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from pydantic import ConfigDict, Field, RootModel
from typing_extensions import NotRequired, TypedDict  # pydantic reads their fields on Python < 3.12

from clara.conversations.models import ToolCallRecord
from clara.crm.models import Timestamp
from clara.jobs.models import Job

Channel = Literal["text", "voice"]
LLMName = Literal["gemini", "offline"]
Uuid = Annotated[str, Field(json_schema_extra={"format": "uuid"})]


# --- Server frames: one turn's events, on the socket and as SSE ------------------------------------------------

class ToolCallFrame(TypedDict):
    type: Literal["tool_call"]
    name: str
    arguments: dict[str, Any]


class Citation(TypedDict):
    """A passage a knowledge search's answer was read from (`id` is the passage's)."""

    id: int
    document_id: int
    title: str
    section: str | None
    page: int | None
    citation: Annotated[str, Field(description="As Clara says it: 'NFPA 25, section 5.2.4.2'")]
    answer: str | None
    confidence: float
    text: Annotated[str, Field(description="The passage, up to 800 characters")]


class ToolResultFrame(TypedDict):
    type: Literal["tool_result"]
    name: str
    ok: bool
    duration_ms: NotRequired[Annotated[float, Field(description="How long the tool ran, measured by the server")]]
    citations: NotRequired[Annotated[list[Citation], Field(description=(
        "knowledge_search only: the passages the answer was read from, best first"))]]


class DraftFrame(TypedDict):
    """What Clara will save once the technician confirms (she also says it). Confirm with a `confirm` frame or by
    saying yes; a correction ("no, severity high") sends a new draft."""

    type: Literal["draft"]
    draft_id: Uuid
    kind: Literal["deficiency", "job_status"]
    fields: Annotated[dict[str, Any], Field(description=(
        "deficiency: job_id, site_id, site, equipment {id, type, manufacturer, model, location} or null, severity "
        "(inoperable|deficient|suggested), description, location; job_status: job_id, site, status, "
        "previous_status"))]
    text: Annotated[str, Field(description="The read-back Clara says")]


class SavedFrame(TypedDict):
    type: Literal["saved"]
    kind: Literal["deficiency", "job_status"]
    id: Annotated[int, Field(description="The deficiency's id, or the job's")]


class DeltaFrame(TypedDict):
    type: Literal["delta"]
    text: str


class DoneFrame(TypedDict):
    type: Literal["done"]
    text: str
    turn_id: str


class NameplateFrame(TypedDict):
    """What an `image` frame's photo shows (the identify route's answer, beside `type`), sent before Clara says
    it."""

    __pydantic_config__ = ConfigDict(  # type: ignore[misc]
        json_schema_extra={"allOf": [{"$ref": "#/components/schemas/Identification"}]})

    type: Literal["nameplate"]


class SessionFrame(TypedDict):
    """The answer to `new_session`."""

    type: Literal["session"]
    session_id: Uuid
    job_id: int | None


class PongFrame(TypedDict):
    type: Literal["pong"]


class JobUpdatedFrame(TypedDict):
    """One of the user's jobs changed (by a dispatcher, or on another device)."""

    type: Literal["job_updated"]
    job: Job
    updated_by: int


class ErrorFrame(TypedDict):
    """The socket stays open; `field` names a bad frame's field, `retry_after` (seconds) comes with code
    rate_limited."""

    type: Literal["error"]
    code: str
    message: str
    field: NotRequired[str]
    retry_after: NotRequired[int]


class ServerFrame(RootModel[Annotated[Union[
    ToolCallFrame, ToolResultFrame, DraftFrame, SavedFrame, DeltaFrame, DoneFrame, NameplateFrame, SessionFrame,
    PongFrame, JobUpdatedFrame, ErrorFrame,
], Field(discriminator="type")]]):
    """What Clara sends on WS /voice/ws/{user_id} (the same events stream as SSE)."""


# --- Route answers ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChatReply:
    """`POST /voice/chat/{user_id}`'s JSON answer: the whole turn at once."""

    reply: str
    session_id: Uuid
    turn_id: Uuid
    tool_calls: list[ToolCallRecord]
    draft: Annotated[DraftFrame | None, Field(
        description="Present when this turn read back a write waiting for a yes",
        exclude_if=lambda draft: draft is None)] = None
    saved: Annotated[SavedFrame | None, Field(
        description="Present when this turn stored a confirmed write", exclude_if=lambda saved: saved is None)] = None


@dataclass(frozen=True)
class OpenSession:
    session_id: str
    channel: Channel
    job_id: int | None
    turns: int


@dataclass(frozen=True)
class VoiceRoom:
    room: str
    job_id: int | None
    session_id: str


@dataclass(frozen=True)
class RecentConversation:
    session_id: str
    channel: Channel
    job_id: int | None
    turns: int
    updated_at: Timestamp | None


@dataclass(frozen=True)
class VoiceStatus:
    """A user's open sessions on this instance, their voice room, and their latest conversations."""

    user_id: int
    sessions: list[OpenSession]
    voice_room: VoiceRoom | None
    conversations: list[RecentConversation]


@dataclass(frozen=True)
class SessionCounts:
    text: int
    voice: int


@dataclass(frozen=True)
class LLMStatus:
    in_use: LLMName
    primary: LLMName
    state: str
    detail: str
    fallbacks: int


@dataclass(frozen=True)
class WorkerStatus:
    state: str
    detail: str


@dataclass(frozen=True)
class VoiceStats:
    """This instance's sessions, turns, tool calls and the LLM in use."""

    sessions: SessionCounts
    turns: Annotated[int, Field(description="Turns held by the open sessions")]
    tool_calls: Annotated[int, Field(description="Tool calls made in the open text sessions")]
    llm: LLMStatus
    agent_worker: WorkerStatus
