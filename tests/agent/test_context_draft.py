"""The write waiting for a yes, as the session sees it: parsed once from the conversation's JSON, and always the one
the conversation holds now (set by a tool, cleared by a save, or replaced when the conversation is reloaded)."""

from __future__ import annotations

from typing import Any, cast

from clara.agent.context import SessionContext
from clara.conversations.models import Conversation
from clara.jobs import drafts
from clara.jobs.drafts import StatusDraft


def _session() -> SessionContext:
    conversation = Conversation(id="c1", user_id=1, job_id=None, channel="text")
    none = cast(Any, None)
    return SessionContext(stores=none, bridge=none, actor=none, user=none, preferences=none,
                          conversation=conversation, job=None, voice=False)


def test_the_pending_draft_is_parsed_once_and_follows_the_conversation(monkeypatch: Any) -> None:
    ctx = _session()
    assert ctx.draft is None
    parsed: list[dict[str, Any]] = []
    real = drafts.from_json
    monkeypatch.setattr(drafts, "from_json", lambda data: parsed.append(data) or real(data))
    ctx.conversation.draft = drafts.as_json(StatusDraft("d1", 7, "Ferry Building", "en_route", "scheduled"))
    first = ctx.draft
    assert first is not None and first.id == "d1" and ctx.draft is first and len(parsed) == 1
    ctx.draft = StatusDraft("d2", 7, "Ferry Building", "in_progress", "scheduled")  # a correction
    assert ctx.draft is not None and ctx.draft.id == "d2" and ctx.conversation.draft["id"] == "d2"
    ctx.conversation.draft = drafts.as_json(StatusDraft("d3", 8, "WeWork", "completed", "in_progress"))  # reloaded
    assert ctx.draft is not None and ctx.draft.id == "d3" and len(parsed) == 2
    ctx.draft = None  # saved
    assert ctx.draft is None and ctx.conversation.draft is None
