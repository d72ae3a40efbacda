from __future__ import annotations

from datetime import date
from typing import Any, AsyncIterator, Callable

import pytest
from livekit.agents import AgentSession
from livekit.agents.voice.run_result import RunResult
from starlette.applications import Starlette

from clara.agent.bridge import Bridge
from clara.agent.clara import Clara
from clara.agent.context import SessionContext, load_context
from clara.chat.runtime import AgentRuntime
from clara.chat.turns import ChatSession
from clara.jobs import service as jobs
from clara.web.caller import CurrentUser
from clara.stores import Stores
from tests.fakes.llm import FakeLLM, Step

Context = Callable[..., Any]


async def chat(app: Starlette, user: CurrentUser, position: tuple[float, float] | None = None) -> ChatSession:
    """A fresh text conversation for `user`, standing at `position` when given, as the app's socket opens one."""
    runtime: AgentRuntime = app.state.agent
    return await runtime.chats.open(actor=user, user_id=user.id, fresh=True, position=position)


async def say(session: ChatSession, text: str) -> tuple[str, list[dict[str, Any]]]:
    """One chat turn: what Clara said, and every event of it (tool calls included)."""
    events = [event async for event in session.turn(text)]
    assert events[-1]["type"] == "done", (text, events[-1])
    return events[-1]["text"], events


def called(events: list[dict[str, Any]]) -> list[str]:
    """The tools a turn called, by name."""
    return [e["name"] for e in events if e["type"] == "tool_call"]


@pytest.fixture
def on_demo_day(app: Starlette, demo_day: date) -> None:
    """Skips a test that asks about "today" once the clock has passed midnight since the demo day was seeded."""
    if jobs.today(app.state.stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")


@pytest.fixture
def stores(app: Starlette) -> Stores:
    return app.state.stores


@pytest.fixture
def make_context(stores: Stores, technician: CurrentUser) -> Context:
    """A session context as a text chat (or a job's room) would build it, for the demo technician by default."""

    async def make(*, actor: CurrentUser | None = None, job_id: int | None = None, channel: str = "text",
                   conversation_id: str | None = None) -> SessionContext:
        who = actor or technician
        return await load_context(stores, Bridge.here(), caller=who, user_id=who.id, channel=channel, job_id=job_id,
                                  conversation_id=conversation_id)

    return make


@pytest.fixture
async def ctx(make_context: Context) -> SessionContext:
    context: SessionContext = await make_context()
    return context


class Scripted:
    """An AgentSession around Clara driven by a scripted fake LLM."""

    def __init__(self, ctx: SessionContext) -> None:
        self.ctx = ctx
        self.fake = FakeLLM()
        self.agent = Clara(ctx)
        self.session: AgentSession = AgentSession(llm=self.fake, vad=None, user_away_timeout=None,
                                                  turn_handling={"turn_detection": None})

    async def run(self, text: str, *steps: Step) -> RunResult:
        """One turn, begun like a chat session begins it (day, preferences and tools brought up to date)."""
        self.fake.script.extend(steps)
        await self.agent.begin_turn()
        result: RunResult = await self.session.run(user_input=text)
        assert not self.fake.script, "the turn did not use every scripted step"
        return result


@pytest.fixture
async def scripted(ctx: SessionContext) -> AsyncIterator[Scripted]:
    harness = Scripted(ctx)
    await harness.session.start(harness.agent)
    yield harness
    await harness.session.aclose()
