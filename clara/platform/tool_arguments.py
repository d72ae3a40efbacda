"""A tool call's arguments validated against a model built once per tool, not once per call.

livekit-agents 1.8 validates every tool call's arguments (`livekit.agents.llm.utils.validated_arguments`) by
building a pydantic model from the tool's signature (`create_model`, plus a stdlib dataclass pass) and generating
its JSON schema, on every call: about 8 ms of CPU per tool call here, the largest single cost of a keyless turn.
Both depend only on the tool's function, which never changes, so `install()` swaps in a version that keeps them
per function. Arguments are validated and defaulted exactly as the library does (same model, same schema, same
helpers); only the rebuilding goes.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable

from livekit.agents.llm import utils
from livekit.agents.llm.tool_context import FunctionTool, RawFunctionTool
from livekit.agents.voice import tool_executor
from pydantic import BaseModel

Built = tuple[type[BaseModel], dict[str, Any]]

# By the tool's underlying function, then by whether it is bound (a bound tool's signature drops `self`). Weak: a
# tool made per session (an MCP toolset's) takes its entry with it when it goes.
_built: weakref.WeakKeyDictionary[Callable[..., Any], dict[bool, Built]] = weakref.WeakKeyDictionary()
_library_validated_arguments = utils.validated_arguments


def _model_of(fnc: FunctionTool) -> Built:
    func = fnc._func
    bound = fnc._instance is not None
    per_binding = _built.setdefault(func, {})
    if bound not in per_binding:
        model_type = utils.function_arguments_to_pydantic_model(fnc)
        per_binding[bound] = (model_type, model_type.model_json_schema())
    return per_binding[bound]


def validated_arguments(fnc: FunctionTool | RawFunctionTool, args_dict: dict[str, Any]) -> dict[str, Any]:
    """The library's `validated_arguments`, with the tool's model and schema built once."""
    if not isinstance(fnc, FunctionTool) or getattr(fnc, "_func", None) is None:
        return _library_validated_arguments(fnc, args_dict)
    model_type, schema = _model_of(fnc)
    # The library's own steps: a null stands for the default (strict schemas make defaulted fields nullable).
    args_dict = utils._inject_schema_defaults(args_dict, schema=schema, root=schema)
    return utils._shallow_model_dump(model_type.model_validate(args_dict))


def install() -> None:
    """Use the cached validation wherever livekit-agents validates a tool call (idempotent)."""
    utils.validated_arguments = validated_arguments
    tool_executor.validated_arguments = validated_arguments  # imported by name there (duplicate-call detection)
