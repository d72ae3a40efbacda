"""What livekit-agents 1.8 rebuilds on every reply from code that never changes, built once instead.

A keyless text turn is two LLM replies (pick the tool, then say its result), and each reply of livekit's pipeline
(`livekit.agents.voice.agent_activity`) used to:
- define a small dataclass inside the reply function (`_SpeechSegment`; `_MsgOutput` on the realtime path), which
  generates and compiles its methods each time: about 0.5 ms of CPU per reply, 1 ms per turn (of about 14);
- build a `ToolContext`, which scans the container itself with `inspect.getmembers` for tools declared as its
  methods (for subclasses): a plain `ToolContext` never has any, about 0.13 ms per reply;
- validate the tool call's arguments against a pydantic model rebuilt from the tool's signature
  (`clara.platform.tool_arguments`).

And every event a session emits (about eleven a turn) ran `inspect.signature` on each listener, to pass it only as
many arguments as it takes: about 700 Python calls a turn, 4% of a keyless turn's. `emit` reads the same count from
the listener's code object, once per code object.

Its tracer (`livekit.agents.telemetry.traces`) binds the arguments of each span it opens (about twelve a turn) with
`inspect.Signature.bind`, a general binder of ~60 Python calls: `KeywordBinder` binds them to those signatures'
plain named parameters directly, to the same `BoundArguments`.

`install()` applies all five where the library looks the names up. Nothing else changes: the same classes (made
once), the same tools found, the same validation, the same arguments passed to the same listeners and spans.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from typing import Any, Callable

from livekit import rtc
from livekit.agents.llm import tool_context
from livekit.agents.telemetry import traces
from livekit.agents.voice import agent_activity
from livekit.rtc.log import logger as rtc_logger

from clara.platform import tool_arguments

_classes: dict[tuple[Any, ...], type] = {}
_CONSTANTS = frozenset({type(None), bool, int, float, str, bytes})
_library_find_function_tools = tool_context.find_function_tools


def dataclass_once(cls: type | None = None, /, **options: Any) -> Any:
    """`dataclasses.dataclass`, returning the class made the first time for a class defined again with the same
    name, fields and constant defaults (a class statement inside a function runs on every call). A class whose body
    holds anything else (a `field()`, a method: new objects at every definition) is made anew, as before."""

    def make(cls: type) -> type:
        body = tuple((name, value) for name, value in vars(cls).items() if not name.startswith("__"))
        fields = tuple(cls.__dict__.get("__annotations__", {}).items())
        # Annotations as text (the module's `from __future__ import annotations`): a type object could be a class
        # made anew at each call too, and every definition would then add a class that is never reused.
        if not all(type(value) in _CONSTANTS for _, value in body) or not all(isinstance(t, str) for _, t in fields):
            return dataclasses.dataclass(cls, **options)
        key = (cls.__module__, cls.__qualname__, fields, body, tuple(sorted(options.items())))
        made = _classes.get(key)
        if made is None:
            made = _classes[key] = dataclasses.dataclass(cls, **options)
        return made

    return make if cls is None else make(cls)


def find_function_tools(cls_or_obj: Any) -> list[Any]:
    """The library's scan, skipped for a plain `ToolContext` (its members are its own methods and containers)."""
    if type(cls_or_obj) is tool_context.ToolContext:
        return []
    return _library_find_function_tools(cls_or_obj)  # type: ignore[no-any-return]


_library_emit = rtc.EventEmitter.emit
_arities: dict[types.CodeType, int | None] = {}  # positional parameters of a function's code (None: *args)


def _arity(callback: Callable[..., Any]) -> int | None:
    """How many of an event's arguments `callback` takes (None: every one, it has *args), as `inspect.signature`
    counts them.

    Plain functions and methods are read from their code object; anything `inspect.signature` could answer
    differently (a `__wrapped__` or `__signature__`, a partial, a callable object, a method without a `self`) is
    asked as the library does."""
    function, bound = (callback.__func__, 1) if type(callback) is types.MethodType else (callback, 0)
    if type(function) is types.FunctionType and not hasattr(function, "__wrapped__") \
            and not hasattr(function, "__signature__"):
        code = function.__code__
        if code not in _arities:
            _arities[code] = None if code.co_flags & inspect.CO_VARARGS else code.co_argcount
        arity = _arities[code]
        if arity is None or arity >= bound:
            return arity if arity is None else arity - bound
    parameters = inspect.signature(callback).parameters.values()
    if any(p.kind == p.VAR_POSITIONAL for p in parameters):
        return None
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters)


def emit(self: rtc.EventEmitter[Any], event: Any, *args: Any) -> None:
    """`rtc.EventEmitter.emit` (livekit 1.8): each listener, in the order registered, called with as many of `args`
    as it takes; a TypeError propagates, any other exception is logged."""
    if event in self._events:
        for callback in list(self._events[event]):
            try:
                arity = _arity(callback)
                callback(*(args if arity is None else args[:arity]))
            except TypeError:
                raise
            except Exception:
                rtc_logger.exception(f"failed to emit event {event}")


class KeywordBinder:
    """`signature.bind` for a signature of plain named parameters (no *args, **kwargs, positional- or keyword-only):
    the same `BoundArguments` (arguments in the signature's order, no defaults applied); a call `bind` would refuse
    (too many, unknown, repeated or missing arguments) is handed to it, to raise its own TypeError."""

    def __init__(self, signature: inspect.Signature) -> None:
        parameters = signature.parameters.values()
        if any(p.kind is not p.POSITIONAL_OR_KEYWORD for p in parameters):
            raise ValueError(f"not a signature of plain named parameters: {signature}")
        self.signature = signature
        self._names = tuple(signature.parameters)
        self._required = tuple(p.name for p in parameters if p.default is p.empty)

    def bind(self, *args: Any, **kwargs: Any) -> inspect.BoundArguments:
        given = dict(zip(self._names, args))
        if len(args) > len(self._names) or any(name in given or name not in self.signature.parameters
                                               for name in kwargs) or \
                any(name not in given and name not in kwargs for name in self._required):
            return self.signature.bind(*args, **kwargs)
        given.update(kwargs)
        return inspect.BoundArguments(self.signature, {name: given[name] for name in self._names if name in given})


_SPAN_SIGNATURES = ("_USE_SPAN_SIGNATURE", "_START_SPAN_SIGNATURE", "_START_AS_CURRENT_SPAN_SIGNATURE")


def install() -> None:
    """Idempotent; before any session replies."""
    agent_activity.dataclass = dataclass_once  # type: ignore[attr-defined]
    tool_context.find_function_tools = find_function_tools
    rtc.EventEmitter.emit = emit  # type: ignore[method-assign]
    for name in _SPAN_SIGNATURES:
        signature = getattr(traces, name)
        if not isinstance(signature, KeywordBinder):
            setattr(traces, name, KeywordBinder(signature))
    tool_arguments.install()

