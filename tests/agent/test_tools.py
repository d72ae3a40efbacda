"""Each tool, driven through a real AgentSession by a scripted LLM: called with the right arguments, acting on the
real services and database, and its output reaching Clara's reply."""

from __future__ import annotations

from tests.agent.conftest import Scripted
from tests.fakes.llm import call, echo_tool_output


async def test_equipment_spec_answers_the_amp_draw(scripted: Scripted) -> None:
    result = await scripted.run(
        "What's the amp draw for Carrier 50TCQA06?",
        call("equipment_spec", model="50TCQA06", question="amp draw"), echo_tool_output(),
    )
    result.expect.next_event().is_function_call(name="equipment_spec",
                                                arguments={"model": "50TCQA06", "question": "amp draw"})
    result.expect.next_event().is_function_call_output()
    reply = result.expect.next_event().is_message(role="assistant").event().item.text_content
    result.expect.no_more_events()
    assert "MCA 26.7 A" in reply and "MOCP 40 A" in reply and "compressor RLA 16 A" in reply
    assert "Carrier" in reply and "specifications" in reply
