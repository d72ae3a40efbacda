"""A tool call's arguments: validated as livekit-agents validates them, with the tool's model built once
(clara.platform.tool_arguments)."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest
from livekit.agents import Agent, function_tool
from livekit.agents.llm import utils
from livekit.agents.voice import tool_executor

from clara.platform import tool_arguments


class Helper(Agent):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(instructions="test")

    @function_tool()
    async def log_reading(self, equipment: str, psi: int, location: str | None = None, urgent: bool = False) -> str:
        """Log a gauge reading.

        Args:
            equipment: the unit read
            psi: the reading
            location: where it is
            urgent: whether it needs a visit today
        """
        return "ok"


CALLS: list[dict[str, Any]] = [
    {"equipment": "riser 2", "psi": 175},
    {"equipment": "riser 2", "psi": "175", "location": None},  # a string number is coerced; null means the default
    {"equipment": "pump", "psi": 60.0, "location": "roof", "urgent": True},
    {"equipment": "pump", "psi": 60, "urgent": None},
]


@pytest.mark.parametrize("arguments", CALLS)
def test_arguments_come_out_as_the_library_makes_them(arguments: dict[str, Any]) -> None:
    tool = Helper().log_reading
    assert tool_arguments.validated_arguments(tool, arguments) == \
        tool_arguments._library_validated_arguments(tool, arguments)


def test_bad_arguments_are_refused_as_the_library_refuses_them() -> None:
    tool = Helper().log_reading
    for arguments in ({"equipment": "riser 2"}, {"equipment": "riser 2", "psi": "high"}):
        with pytest.raises(pydantic.ValidationError):
            tool_arguments._library_validated_arguments(tool, arguments)
        with pytest.raises(pydantic.ValidationError):
            tool_arguments.validated_arguments(tool, arguments)


def test_a_tool_model_is_built_once_for_every_session(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    build = utils.function_arguments_to_pydantic_model

    def counting(func: Any) -> Any:
        built.append(func.__name__)
        return build(func)

    monkeypatch.setattr(utils, "function_arguments_to_pydantic_model", counting)
    monkeypatch.setattr(tool_arguments, "_built", type(tool_arguments._built)())
    monkeypatch.setattr(utils, "validated_arguments", utils.validated_arguments)
    monkeypatch.setattr(tool_executor, "validated_arguments", tool_executor.validated_arguments)
    tool_arguments.install()
    assert utils.validated_arguments is tool_executor.validated_arguments is tool_arguments.validated_arguments
    for session in range(3):  # each conversation has its own agent, so its own bound tools
        tool = Helper().log_reading
        for arguments in CALLS:
            tool_executor.validated_arguments(tool, arguments)
    assert built == ["log_reading"]
