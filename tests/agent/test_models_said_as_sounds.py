"""A model said letter by letter in words that sound like the letters, before its digits and a said dash: "see are
three dash nineteen" is the CR3-19 jockey pump. Only "fifty tea see queue a oh six" (opened by a digit) was read so;
opened by the sounds, it stayed words and the spec lookup had no model."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.agent.heard import heard
from clara.knowledge.spoken_models import model_mentions
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say


@pytest.mark.parametrize(("said", "model"), [
    ("how many amps does the see are three dash nineteen pull at four sixty", "CR3-19"),
    ("sea are three dash nineteen, whats it rated for", "CR3-19"),
])
def test_letters_said_as_sounds_before_the_digits_are_the_models_letters(said: str, model: str) -> None:
    assert model_mentions(heard(said)) == [model], heard(said)


@pytest.mark.parametrize("said", ["you are twenty five minutes out", "see you at two thirty", "why are two of them down"])
def test_everyday_words_before_numbers_stay_words(said: str) -> None:
    assert heard(said) == said


async def test_a_spec_asked_of_a_model_said_as_sounds(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, events = await say(session, "whats the rated pressure on a see are three dash nineteen")
    assert called(events) == ["equipment_spec"], events
    assert "CR3-19" in reply and "115" in reply, reply
