"""Model numbers read off a nameplate through speech recognition, whose letters came back as everyday words ("see"
for C, "why" for Y, "tea" for T, "queue" for Q): inside a run that spells a model they are the letters; elsewhere
they stay words, so talk with numbers in it names no model."""

from __future__ import annotations

import pytest

from clara.knowledge.spoken_models import model_mentions


@pytest.mark.parametrize(("said", "model"), [
    ("carrier fifty tea see queue a oh six, how heavy", "50TCQA06"),
    ("trane why ess see oh ninety, what breaker", "YSC090"),
    ("lennox el gee aitch one twenty are the coils copper", "LGH120"),
])
def test_everyday_words_inside_a_spelled_model_are_its_letters(said: str, model: str) -> None:
    assert model_mentions(said) == [model]


@pytest.mark.parametrize("said", [
    "do you see one twenty on the gauge",
    "why are there two compressors",
    "be there by one thirty",
    "i see one two three heads painted",
])
def test_talk_with_numbers_names_no_model(said: str) -> None:
    assert model_mentions(said) == []
