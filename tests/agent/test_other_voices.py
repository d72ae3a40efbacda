"""How a keyless conversation reads voices the earlier sets lacked (issue 14): second-language English, radio talk,
heavy speech-recognition errors, the day by the clock, follow-ups by ellipsis. Each test one general mechanism:

- a severity assigned with a verb ("mark it high", "put it minor", "make needs repair") makes the report a write-up
  and, after a read-back, corrects the severity; "high" alone is still a reading;
- the description said again ("reword that: ...", "change it to three caps missing not two") replaces it;
- "the one in the riser room (has the relief valve)" moves the draft to the unit of its kind there, nothing else;
- radio sign-offs and acknowledgements ("copy. out.", "10-4 good night") call no tool;
- a measure said with "from now on" ("the weights in kilos from now on") sets the units;
- letters heard as words inside a model said in pieces ("fifty tea see queue a oh six") and trade words split or
  run together ("over due for in spec shun", "free on", "firepump") are read as meant;
- one attribute said alone ("time?", "number?") is of the job or the place discussed; a job named by its time or
  its part of the day ("the three o'clock", "the place this afternoon") is the place a question means;
- a question corrected ("no sorry, I meant the one after lunch") and a spec asked again of another model ("same
  thing on a Watts 957-4") repeat the last question.
"""

from __future__ import annotations

import pytest

from clara.agent.another_place import about_the_same_thing, at_another_place, of_another_model
from clara.agent.heard import heard
from clara.agent.said import Route, signs_off, small_talk
from clara.agent.tools import DRAFT_TOOLS, TOOLS
from clara.agent.two_asks import routes

NOW = {t.info.name for t in TOOLS}
DRAFTING = NOW | {t.info.name for t in DRAFT_TOOLS}
PLACES = ["WeWork", "WeWork 123 Main St", "Ferry Building", "Ferry Building Marketplace", "ABC Manufacturing",
          "ABC Manufacturing Plant 1"]


def read(text: str, draft_kind: str | None = None) -> list[Route]:
    return routes(heard(text), DRAFTING if draft_kind else NOW, PLACES, draft_kind=draft_kind)


@pytest.mark.parametrize(("text", "unit", "severity"), [
    ("the extinguisher in corridor, pin is missing and the seal broken. put it minor", "extinguisher", "minor"),
    ("the fire pump packing is pouring water way more than a drip, mark it high", "fire pump", "high"),
    ("backflow in the vault is spitting at the relief, set it to low", "backflow", "low"),
])
def test_a_severity_assigned_makes_a_write_up(text: str, unit: str, severity: str) -> None:
    [chosen] = read(text)
    assert chosen.tool == "log_deficiency", chosen
    assert chosen.arguments["severity"] == severity and unit in chosen.arguments["equipment"]
    assert severity not in chosen.arguments["description"].split()


def test_a_reading_said_high_is_no_write_up() -> None:
    assert all(r.tool != "log_deficiency" for r in read("the compressor head pressure is high"))


@pytest.mark.parametrize(("text", "change"), [
    ("no, is more serious, make needs repair", {"severity": "needs repair"}),
    ("put it minor", {"severity": "minor"}),
    ("change it to three caps missing not two", {"description": "three caps missing"}),
    ("reword that: steady stream from the outboard packing gland",
     {"description": "steady stream from the outboard packing gland"}),
    ("make it say pin missing and seal broken", {"description": "pin missing and seal broken"}),
    ("hang on wrong one, the one in the riser room has the relief valve", {"location": "riser room"}),
    ("the one out in the street vault", {"location": "street vault"}),
])
def test_a_read_back_corrected(text: str, change: dict[str, str]) -> None:
    assert read(text, "deficiency") == [Route("edit_draft", change)]


@pytest.mark.parametrize("text", ["copy. out.", "10-4 good night", "thanks, over", "roger that, talk later",
                                  "ok clara im signing off for the day"])
def test_radio_sign_offs_call_no_tool(text: str) -> None:
    assert read(text) == [] and small_talk(text) is not None
    assert signs_off(text) or small_talk(text) in ("You're welcome.", "Okay.")


@pytest.mark.parametrize(("text", "units"), [("give me the weights in kilos from now on", "metric"),
                                             ("switch to kilos", "metric"), ("ok switch me back to pounds", "imperial")])
def test_units_said_by_a_measure(text: str, units: str) -> None:
    assert read(text) == [Route("set_preferences", {"units": units})]


def test_a_figure_in_other_units_is_no_setting() -> None:
    assert all(r.tool != "set_preferences" for r in read("how heavy is it in kilos"))


@pytest.mark.parametrize(("said", "meant"), [
    ("whats the m c a on the carry or fifty tea see queue a oh six", "TCQA"),
    ("whats over due for in spec shun in this building", "overdue for inspection"),
    ("how many pound of free on in it", "freon"),
    ("when was the firepump there last looked at", "fire pump"),
])
def test_speech_recognition_words_read_as_meant(said: str, meant: str) -> None:
    assert meant in heard(said)


@pytest.mark.parametrize("said", ["do you see a two", "i see two three units", "is it free on monday",
                                  "the game is over due to rain",
                                  "the pump is over there"])
def test_everyday_words_stay_words(said: str) -> None:
    assert heard(said) == said


def test_a_model_said_in_letter_sounds_is_looked_up() -> None:
    [chosen] = read("whats the m c a on the carry or fifty tea see queue a oh six")
    assert chosen.tool == "equipment_spec" and chosen.arguments["model"] == "50TCQA06"
    assert read("whats over due for in spec shun in this building") == \
        [Route("inspections_due", {"site": "here", "overdue_only": True})]  # "over due" heard whole: only the late


@pytest.mark.parametrize(("text", "route"), [
    ("time?", Route("job_details", {"job": "that job"})),
    ("number?", Route("customer_at_location", {"location": "there"})),
    ("ok. and address of second one", Route("customer_at_location", {"location": "second one"})),
    ("the three oclock, who do i ask for when i get there", Route("customer_at_location",
                                                                  {"location": "three o'clock"})),
    ("ok got here, who do i talk to on site", Route("customer_at_location", {"location": "here"})),
    ("what time do they want me there", Route("job_details", {"job": "there"})),
    ("wait what time was the skyline one again", Route("job_details", {"job": "skyline"})),  # resolution decides
    ("what am i doing after lunch", Route("job_details", {"job": "after lunch"})),
])
def test_the_day_by_the_clock_and_in_fragments(text: str, route: Route) -> None:
    assert read(text) == [route]


@pytest.mark.parametrize(("text", "site"), [("no sorry i meant the other one, the one after lunch", "after lunch"),
                                            ("and at the place this afternoon", "the place this afternoon")])
def test_a_place_question_asked_again_of_another_place(text: str, site: str) -> None:
    last = Route("inspections_due", {"site": "Ferry Building"})
    assert at_another_place(text, read(text), last, PLACES) == [Route("inspections_due", {"site": site})]


def test_a_spec_question_asked_again_of_another_model() -> None:
    last = Route("equipment_spec", {"model": "3000SS-4", "question": "whats the pressure drop through it"})
    text = "same thing on a watts nine fifty seven dash four"
    [again] = of_another_model(text, read(text), last)
    assert again.arguments["question"] == last.arguments["question"] and "957" in again.arguments["model"]
    own = "and the mca on the fifty t c q a twelve"  # a question of its own is asked as said
    assert of_another_model(own, read(own), last) == read(own)


def test_a_documents_follow_up_naming_no_unit_is_about_the_last_ones() -> None:

    last = Route("knowledge_search", {"query": "the jockey pump keeps kicking on every couple minutes, what now"})
    asked = [Route("knowledge_search", {"query": "so how far apart should the start and stop be"})]
    [again] = about_the_same_thing("so how far apart should the start and stop be", asked, last)
    assert again.arguments["query"] == "jockey pump: so how far apart should the start and stop be"
    own = [Route("knowledge_search", {"query": "and the fusible links on the hood system"})]
    assert about_the_same_thing("and the fusible links on the hood system", own, last) == own  # its own unit


@pytest.mark.parametrize(("text", "counts"), [("How many points per loop on that?", True),
                                              ("how many compressors does it have", True),
                                              ("how many heads do i need in that room", False)])
def test_a_count_asked_of_the_unit_discussed(text: str, counts: bool) -> None:
    assert (read(text) == [Route("equipment_spec", {"question": text.rstrip("?")})]) is counts
