"""Speech-recognition text, keyless over the WebSocket: letters said one by one, numbers in words and a number's
homophones are read as the technician meant them, once, before any rule (`clara.agent.heard`)."""

from __future__ import annotations

from clara.web.caller import CurrentUser
from tests.chat.conftest import Server, ask, server  # noqa: F401  (the served app, per test)


async def test_a_model_said_with_oh_and_for_is_the_model(server: Server, technician: CurrentUser) -> None:  # noqa: F811
    async with server.connect(technician) as ws:
        events = await ask(ws, "ok now whats the breaker on a five oh t c q a oh for")
    reply = events[-1]["text"]
    assert "50TCQA04" in reply and "30 A" in reply, reply


async def test_a_model_with_thousand_and_a_spoken_dash(server: Server, technician: CurrentUser) -> None:  # noqa: F811
    async with server.connect(technician) as ws:
        events = await ask(ws, "whats the churn pressure on a peerless a e f one thousand dash one two five")
    reply = events[-1]["text"]
    assert "AEF1000-125" in reply and "145" in reply, reply


async def test_letters_between_spoken_digits(server: Server,  # noqa: F811
                                            technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        lowered = await ask(ws, "mca on the five oh tcqa oh six")
    assert "26.7" in lowered[-1]["text"], lowered[-1]["text"]

