"""A scripted `llm.LLM` for agent tests: each `chat()` plays the next step of a script.

No fake LLM ships with livekit-agents; this one speaks the real streaming interface (ChatChunk / ChoiceDelta /
FunctionToolCall), so AgentSession runs its real tool execution and reply flow around it. A step is a tool call,
a text, or `echo_tool_output()`, which answers with what the last tool returned (its `say` line), so a test can
check that a tool's output reached the reply.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Union

from livekit.agents import llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions, NotGivenOr


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Text:
    text: str


Step = Union[ToolCall, Text, Callable[[llm.ChatContext], Union[ToolCall, Text]]]


def call(name: str, **arguments: Any) -> ToolCall:
    return ToolCall(name, arguments)


def say(text: str) -> Text:
    return Text(text)


def last_tool_output(ctx: llm.ChatContext) -> llm.FunctionCallOutput:
    outputs = [item for item in ctx.items if item.type == "function_call_output"]
    assert outputs, "the script expected a tool output in the context"
    return outputs[-1]


def echo_tool_output() -> Callable[[llm.ChatContext], Text]:
    def step(ctx: llm.ChatContext) -> Text:
        output = last_tool_output(ctx)
        if output.is_error:
            return Text(output.output)
        return Text(json.loads(output.output)["say"])

    return step


class FakeLLM(llm.LLM):
    def __init__(self, *script: Step) -> None:
        super().__init__()
        self.script = list(script)
        self.requests: list[llm.ChatContext] = []  # what each call saw, for assertions

    @property
    def model(self) -> str:
        return "fake"

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> llm.LLMStream:
        self.requests.append(chat_ctx.copy())
        assert self.script, "the fake LLM was asked for more steps than its script has"
        step = self.script.pop(0)
        resolved = step(chat_ctx) if callable(step) else step
        return _Stream(self, resolved, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)


class _Stream(llm.LLMStream):
    def __init__(self, fake: FakeLLM, step: ToolCall | Text, **kwargs: Any) -> None:
        super().__init__(fake, **kwargs)
        self._step = step

    async def _run(self) -> None:
        if isinstance(self._step, ToolCall):
            delta = llm.ChoiceDelta(role="assistant", tool_calls=[llm.FunctionToolCall(
                name=self._step.name, arguments=json.dumps(self._step.arguments), call_id=f"call_{uuid.uuid4().hex[:8]}",
            )])
        else:
            delta = llm.ChoiceDelta(role="assistant", content=self._step.text)
        self._event_ch.send_nowait(llm.ChatChunk(id="fake", delta=delta))
