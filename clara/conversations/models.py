"""What a conversation with Clara is made of: its turns, what it is about, and a write waiting for a yes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from typing import Any

TURN_WINDOW = 20  # turns kept at hand (what an LLM sees); older ones stay in the database
CHANNELS = ("text", "voice")


@dataclass(frozen=True)
class Entities:
    """What "it", "there" and "that unit" refer to right now."""

    customer: str | None = None
    customer_id: int | None = None
    site: str | None = None
    site_id: int | None = None
    equipment_model: str | None = None
    manufacturer: str | None = None
    equipment_id: int | None = None  # the unit at a site, when the model was met there ("that unit", "it")
    standard: str | None = None
    job_id: int | None = None
    deficiency_id: int | None = None  # the last one logged or named, for "mark it fixed"
    spec_question: str | None = None  # the last spec question that asked a figure, for "and at four sixty"
    unit_kind: str | None = None  # the kind of unit last talked about ("backflow preventer"): "the one in the vault"
    knowledge_question: str | None = None  # the last question put to the documents, for "and the electric ones?"
    units_discussed: tuple[int, ...] = ()  # units talked about before the current one, latest first (ids)

    def with_(self, **changes: Any) -> "Entities":
        """These entities with `changes` applied; None values leave the current value alone."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and v != ()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Entities":
        known = {f.name for f in fields(cls)}
        return cls(**{k: tuple(v) if k == "units_discussed" else v for k, v in data.items() if k in known})

    def describe(self) -> str:
        """One line for an LLM's context; empty when nothing is tracked yet."""
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


@dataclass(frozen=True)
class ToolCallRecord:
    name: str
    arguments: dict[str, Any]
    ok: bool


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
    draft: dict[str, Any] | None = None  # a write read back and waiting for a yes (clara.jobs.drafts), as JSON
    nameplate: dict[str, Any] | None = None  # the unit last read from a photo (clara.vision's Identification), as JSON

    def remember(self, turn: Turn) -> None:
        self.recent = [*self.recent, turn][-TURN_WINDOW:]
        self.turns += 1
