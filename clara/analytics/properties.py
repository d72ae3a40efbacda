"""The properties each event type Clara emits carries, declared once as pydantic models.

The same models check a client's event of a known type (`clara.analytics.events`) and are the table README's
"Analytics events" section mirrors (tests/analytics/test_readme.py holds the two together). Clients may send other
types with any properties; a known type's properties must have these types, and may carry more. Checking is strict
(`true` is not 1, "3" is not 3): the summary's SQL reads these values without guarding each cast.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictBool, StrictInt, StrictStr

Number = Annotated[float, Strict()]  # an integer or a float, never a boolean or a numeric string
Seconds = Annotated[float, Strict(), Field(ge=0)]


class EventProperties(BaseModel):
    """Base of every known type's properties: other properties are kept as sent."""

    model_config = ConfigDict(extra="allow", frozen=True)


class SessionStartedProperties(EventProperties):
    channel: StrictStr | None = None


class SessionEndedProperties(EventProperties):
    channel: StrictStr | None = None
    turns: StrictInt | None = None
    duration: Number | None = None


class UserMessageProperties(EventProperties):
    channel: StrictStr | None = None
    chars: StrictInt | None = None


class AssistantReplyProperties(EventProperties):
    chars: StrictInt | None = None
    duration: Number | None = None
    llm: StrictStr | None = None
    tool_calls: StrictInt | None = None


class ToolCalledProperties(EventProperties):
    name: StrictStr
    duration: Seconds
    ok: StrictBool


class ToolFailedProperties(EventProperties):
    name: StrictStr
    error: StrictStr | None = None


class KnowledgeSearchProperties(EventProperties):
    hits: StrictInt
    top_score: Number | None = None
    source: StrictStr | None = None


class KnowledgeMissProperties(EventProperties):
    source: StrictStr | None = None


class CacheProperties(EventProperties):
    """Cache look-ups: Clara tallies them, one event standing for `count` of them (1 when absent)."""

    layer: StrictStr
    namespace: StrictStr | None = None
    count: Annotated[StrictInt, Field(ge=1)] | None = None


class LlmFallbackUsedProperties(EventProperties):
    reason: StrictStr
    primary: StrictStr | None = None
    fallback: StrictStr | None = None


class DeficiencyLoggedProperties(EventProperties):
    deficiency_id: StrictInt | None = None
    severity: StrictStr
    job_id: StrictInt | None = None
    site_id: StrictInt | None = None


class JobStatusChangedProperties(EventProperties):
    model_config = ConfigDict(populate_by_name=True)

    job_id: StrictInt
    from_: StrictStr | None = Field(None, alias="from")
    to: StrictStr


class PreferenceChangedProperties(EventProperties):
    fields: list[StrictStr]


# The events Clara emits by itself, and what each carries.
KNOWN_TYPES: dict[str, type[EventProperties]] = {
    "session_started": SessionStartedProperties,
    "session_ended": SessionEndedProperties,
    "user_message": UserMessageProperties,
    "assistant_reply": AssistantReplyProperties,
    "tool_called": ToolCalledProperties,
    "tool_failed": ToolFailedProperties,
    "knowledge_search": KnowledgeSearchProperties,
    "knowledge_miss": KnowledgeMissProperties,
    "cache_hit": CacheProperties,
    "cache_miss": CacheProperties,
    "llm_fallback_used": LlmFallbackUsedProperties,
    "deficiency_logged": DeficiencyLoggedProperties,
    "job_status_changed": JobStatusChangedProperties,
    "preference_changed": PreferenceChangedProperties,
}
# Types one event of which may stand for several occurrences (`count`, 1 when absent): Clara tallies these.
COUNTED_TYPES = tuple(name for name, model in KNOWN_TYPES.items() if "count" in model.model_fields)


def documented_names(model: type[EventProperties]) -> list[tuple[str, bool]]:
    """(property name as sent, required) for each declared property: what README lists."""
    return [(field.alias or name, field.is_required()) for name, field in model.model_fields.items()]
