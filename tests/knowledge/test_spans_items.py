"""What is said from a passage whose lines are list items, and when a sentence chosen for its name yields its
neighbour to a better scored one: the passage and the search's sentence scores are given, the question decides."""

from __future__ import annotations

from clara.knowledge import spans


def _said(question: str, lines: list[list[str]], scores: list[float], named: list[float] | None = None) -> str:
    """What is said from a passage of `lines` (one section), each a list of the sentences written on it, whose
    sentences scored `scores` in order; `named` marks a sentence naming a code the question says."""
    text, places = "", []
    for line in lines:
        text += "\n" if text else ""
        for n, sentence in enumerate(line):
            text += " " if n else ""
            places.append((len(text), len(text) + len(sentence), "4 Menu paths", None))
            text += sentence
    sentences = [s for line in lines for s in line]
    preferred = [s + p for s, p in zip(scores, spans.kind_preferences(question, sentences))]
    return spans.answer(text, places, spans.best(preferred, named or [0] * len(sentences)), preferred, question)


def test_a_neighbour_going_on_another_list_item_is_said_with_that_items_label() -> None:
    """The best sentence is the next item; the one before it, said as its neighbour, is the second sentence of the
    item above, which without its label ("- Loop mode: ...") does not say which setting it is about."""
    said = _said("brindle panel where do I set a loop to class A", [
        ["- Clock: Setup > Panel > Time."],
        ["- Loop mode: Setup > Loops > Wiring.", "Pick CLASS A or CLASS B for each signalling loop."],
        ["- Loop delay: Setup > Loops > Options > Delay.", "Default 10 seconds."],
    ], [2.0, 3.2, 3.7, 4.2, 1.3])
    assert "- Loop mode: Setup > Loops > Wiring. Pick CLASS A" in said, said


def test_a_numbered_heading_is_not_said_as_an_items_label() -> None:
    """ "3.1 Charger." opens a paragraph as its heading, not a list item: the sentences said are the facts."""
    said = _said("what should the float voltage be on the 12 volt battery", [
        ["3.1 Charger. Check the charger lamp is green.", "After an hour a healthy battery draws under 1 A.",
         "Float voltage should be 13.5 to 13.8 V on a 12 V battery."],
    ], [1.4, 2.5, 3.9])
    assert "13.5 to 13.8 V" in said and "3.1 Charger" not in said, said


def test_a_better_scored_second_is_said_over_the_neighbour_of_a_sentence_chosen_for_its_name() -> None:
    """The sentence naming the board ("The KF-9 has ...") is the best for its name, though the third sentence scores
    higher; all three are too long to say, so the neighbour that merely goes on describing the LED yields."""
    said = _said("how do I read the stored faults on a KF-9 board", [
        ["The KF-9 has a single amber status light beside the 5 A fuse.",
         "It blinks the code of the present fault in short and long flashes, waits four seconds, and repeats the "
         "same code for as long as the fault lasts or until power is removed from the board.",
         "The board keeps its last six fault codes; to read them, bridge the DIAG pins for 3 seconds with the "
         "thermostat satisfied.",
         "Bridge them for 8 seconds to erase the codes."],
    ], [2.6, 2.6, 3.05, 2.4], named=[1, 0, 0, 0])
    assert said.startswith("The KF-9 has a single amber status light"), said
    assert "for 3 seconds" in said and "waits four seconds" not in said, said
