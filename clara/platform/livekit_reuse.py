"""What livekit-agents 1.8 rebuilds on every reply from code that never changes, built once instead.

A keyless text turn is two LLM replies (pick the tool, then say its result), and each reply of livekit's pipeline
(`livekit.agents.voice.agent_activity`) used to:
- define a small dataclass inside the reply function (`_SpeechSegment`; `_MsgOutput` on the realtime path), which
  generates and compiles its methods each time: about 0.5 ms of CPU per reply, 1 ms per turn (of about 14);
- build a `ToolContext`, which scans the container itself with `inspect.getmembers` for tools declared as its
  methods (for subclasses): a plain `ToolContext` never has any, about 0.13 ms per reply;
- validate the tool call's arguments against a pydantic model rebuilt from the tool's signature
  (`clara.platform.tool_arguments`).

`install()` applies all three where the library looks the names up. Nothing else changes: the same classes (made
once), the same tools found, the same validation.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from livekit.agents.llm import tool_context
from livekit.agents.voice import agent_activity

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


def install() -> None:
    """Idempotent; before any session replies."""
    agent_activity.dataclass = dataclass_once  # type: ignore[attr-defined]
    tool_context.find_function_tools = find_function_tools
    tool_arguments.install()

