"""What livekit-agents rebuilt on every reply, built once (clara.platform.livekit_reuse): the same results."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from typing import Any

import pytest
from livekit import rtc
from livekit.agents.llm import ToolContext, tool_context
from livekit.agents.voice import agent_activity

from clara.agent.tools import DRAFT_TOOLS, TOOLS
from clara.platform import livekit_reuse


def segment_class(default: Any = None) -> type:
    """A class statement inside a function, as livekit's reply function has: it runs on every call."""

    @livekit_reuse.dataclass_once
    class Segment:
        text: str
        tts: Any = default

    return Segment


def test_a_class_defined_again_is_the_class_made_the_first_time() -> None:
    first, again = segment_class(), segment_class()
    assert first is again
    assert dataclasses.is_dataclass(first) and first("a") == first("a", None) != first("b")


def test_a_class_defined_again_with_another_default_is_made_anew() -> None:
    assert segment_class(1) is not segment_class(2)
    assert segment_class(2)("a").tts == 2


def test_a_class_with_a_field_or_a_method_is_made_anew_and_not_kept() -> None:
    kept = len(livekit_reuse._classes)
    first, again = segment_class(dataclasses.field(default_factory=list)), \
        segment_class(dataclasses.field(default_factory=list))
    assert first is not again and first("a").tts == [] and first("a").tts is not first("a").tts
    assert len(livekit_reuse._classes) == kept  # a new field() at every definition would have grown it for ever


def test_tool_contexts_hold_the_same_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tool_context, "find_function_tools", livekit_reuse._library_find_function_tools)
    before = ToolContext([*TOOLS, *DRAFT_TOOLS]).function_tools
    monkeypatch.setattr(tool_context, "find_function_tools", livekit_reuse.find_function_tools)
    after = ToolContext([*TOOLS, *DRAFT_TOOLS]).function_tools
    assert after == before and len(after) == len(TOOLS) + len(DRAFT_TOOLS)


def test_a_tool_context_subclass_still_has_its_method_tools_found() -> None:
    from livekit.agents import function_tool

    class WithTools(ToolContext):
        @function_tool()
        async def ping(self) -> str:
            """Answer pong."""
            return "pong"

    assert list(WithTools([]).function_tools) == ["ping"]
    assert livekit_reuse.find_function_tools(WithTools([])) != []


def test_install_puts_them_where_the_library_looks_them_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(agent_activity, "dataclass", agent_activity.dataclass)
    monkeypatch.setattr(tool_context, "find_function_tools", tool_context.find_function_tools)
    livekit_reuse.install()
    assert agent_activity.dataclass is livekit_reuse.dataclass_once
    assert tool_context.find_function_tools is livekit_reuse.find_function_tools


def test_a_class_annotated_with_type_objects_is_made_anew() -> None:
    """Without `from __future__ import annotations` an annotation is an object, possibly a class made at each call."""

    def definition() -> type:
        namespace = {"__annotations__": {"text": str}, "__qualname__": "reply.<locals>.Segment", "__module__": __name__}
        return livekit_reuse.dataclass_once(type("Segment", (), namespace))  # type: ignore[no-any-return]

    kept = len(livekit_reuse._classes)
    assert definition() is not definition() and len(livekit_reuse._classes) == kept


class Listener:
    def __init__(self, heard: list[tuple[str, tuple[Any, ...]]]) -> None:
        self.heard = heard

    def method(self, first: Any) -> None:
        self.heard.append(("method", (first,)))

    def __call__(self, first: Any, second: Any = None) -> None:
        self.heard.append(("object", (first, second)))


def listeners(heard: list[tuple[str, tuple[Any, ...]]]) -> list[Any]:
    """Every shape of listener a session's events reach: as many arguments as each takes, or all of them."""

    def none() -> None:
        heard.append(("none", ()))

    def one(first: Any) -> None:
        heard.append(("one", (first,)))

    def keyword_only(first: Any, *, extra: Any = None) -> None:
        heard.append(("keyword_only", (first,)))

    def every(*args: Any) -> None:
        heard.append(("every", args))

    @functools.wraps(every)
    def wrapped(first: Any) -> None:  # inspect.signature reads the wrapped function's: it gets every argument
        heard.append(("wrapped", (first,)))

    def fails(first: Any) -> None:
        raise RuntimeError("a broken listener is logged, the next still runs")

    return [none, one, keyword_only, every, Listener(heard).method, Listener(heard),
            functools.partial(lambda label, first: heard.append((label, (first,))), "partial"), fails, wrapped,
            lambda first, second, third, fourth: heard.append(("too_many", (first, second, third, fourth)))]


def heard_by_each(emit: Any, *args: Any) -> list[tuple[str, tuple[Any, ...]]]:
    heard: list[tuple[str, tuple[Any, ...]]] = []
    emitter: rtc.EventEmitter[str] = rtc.EventEmitter()
    for listener in listeners(heard):
        emitter.on("event", listener)
    try:
        emit(emitter, "event", *args)
    except TypeError:  # the last listener takes more than is given: the library lets that propagate
        heard.append(("raised", ()))
    return heard


def test_listeners_get_the_arguments_the_library_gives_them() -> None:
    for args in ((), ("a",), ("a", "b")):
        assert heard_by_each(livekit_reuse.emit, *args) == heard_by_each(livekit_reuse._library_emit, *args)
    assert heard_by_each(livekit_reuse.emit, "a", "b")[:3] == [("none", ()), ("one", ("a",)), ("keyword_only", ("a",))]
    assert ("wrapped", ("a",)) not in heard_by_each(livekit_reuse.emit, "a", "b")  # it got both, and failed


def test_install_makes_every_emitter_use_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rtc.EventEmitter, "emit", livekit_reuse._library_emit)
    livekit_reuse.install()
    assert rtc.EventEmitter.emit is livekit_reuse.emit


def start_span(self: Any, name: str, context: Any = None, kind: Any = None, attributes: Any = None,
               record_exception: bool = True) -> None:
    """The shape of the tracer's signatures: plain named parameters, most with defaults."""


@pytest.mark.parametrize(("args", "kwargs"), [
    (("tracer", "llm_node"), {}),
    (("tracer",), {"name": "llm_node", "attributes": {"a": 1}}),
    (("tracer", "llm_node", None), {"record_exception": False, "attributes": None}),
    (("tracer", "llm_node", "ctx", "kind", {"a": 1}, False), {}),
    (("tracer", "llm_node"), {"record_exception": False}),  # a gap before it: a keyword, not a positional
])
def test_spans_are_bound_as_the_library_binds_them(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    signature = inspect.signature(start_span)
    expected, bound = signature.bind(*args, **kwargs), livekit_reuse.KeywordBinder(signature).bind(*args, **kwargs)
    assert (bound.arguments, bound.args, bound.kwargs) == (expected.arguments, expected.args, expected.kwargs)
    assert list(bound.arguments) == list(expected.arguments)


@pytest.mark.parametrize(("args", "kwargs"), [
    (("tracer",), {}),  # name missing
    (("tracer", "llm_node"), {"name": "again"}),
    (("tracer", "llm_node"), {"colour": "red"}),
    (("tracer", "llm_node", 1, 2, 3, 4, 5), {}),
])
def test_a_call_bind_refuses_is_refused_alike(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    signature = inspect.signature(start_span)
    with pytest.raises(TypeError) as expected:
        signature.bind(*args, **kwargs)
    with pytest.raises(TypeError) as refused:
        livekit_reuse.KeywordBinder(signature).bind(*args, **kwargs)
    assert str(refused.value) == str(expected.value)


def test_install_binds_every_span_signature_of_the_tracer() -> None:
    from livekit.agents.telemetry import traces

    livekit_reuse.install()
    livekit_reuse.install()  # idempotent: never a binder around a binder
    for name in livekit_reuse._SPAN_SIGNATURES:
        binder = getattr(traces, name)
        assert isinstance(binder, livekit_reuse.KeywordBinder) and isinstance(binder.signature, inspect.Signature)
