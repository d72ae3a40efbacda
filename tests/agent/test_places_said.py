"""Known places found in a message (clara.agent.places_said): the longest name said, wherever in the message it
is, and numbered names taken out before model numbers are read, longest first."""

from __future__ import annotations

import pytest

from clara.agent.places_said import known_in, without_places

PLACES = ["WeWork", "WeWork 123 Main St", "123 Main St", "ABC Manufacturing", "ABC Manufacturing Plant 1",
          "Plant 1", "Salesforce Tower", "Port of Richmond Terminal 3", "Terminal 3 North"]


@pytest.mark.parametrize(("text", "place"), [
    ("who's at wework today", "WeWork"),
    ("the wework 123 main st job", "WeWork 123 Main St"),  # the longest name said, not the first one found
    ("plant 1 first, then abc manufacturing plant 1", "ABC Manufacturing Plant 1"),  # a shorter name said earlier
    ("port of richmond terminal 3 north gate", "Port of Richmond Terminal 3"),  # two names overlap: the longer
    ("salesforce towers", "Salesforce Tower"),  # not a whole name: the first word alone still names it
    ("the weworking group", None),  # inside a word is no name
    ("nothing known here", None),
])
def test_the_longest_known_name_said_anywhere(text: str, place: str | None) -> None:
    assert known_in(text, PLACES) == place


def test_no_known_names_no_place() -> None:
    assert known_in("the 50TCQA06 at wework", []) is None


@pytest.mark.parametrize(("text", "left"), [
    ("max fuse on the 48TCDA12 at ABC Manufacturing Plant 1", "max fuse on the 48TCDA12 at  "),
    ("mca of the unit at plant 1?", "mca of the unit at  ?"),
    ("what's the 50TCQA06 amp draw", "what's the 50TCQA06 amp draw"),  # no numbered place: as said
    ("plant 10 unit", "plant 10 unit"),  # a longer number is not the place
])
def test_numbered_places_are_taken_out(text: str, left: str) -> None:
    assert without_places(text, PLACES) == left


def test_a_longer_name_goes_first_and_what_it_took_is_not_found_again() -> None:
    """ "Z 9 Q" is said first, but "Q 1 A 2" is longer: taking it out first leaves "Z 9 " behind, which is no
    name any more."""
    assert without_places("at z 9 q 1 a 2 now", ["Z 9 Q", "Q 1 A 2"]) == "at z 9   now"
