"""How a keyless conversation reads writes, each test one general mechanism (the sentences only, no app):

- a question about a fault ("what should I check", "is that normal", "thoughts") is answered from the manuals: it
  never drafts, and while a write-up waits it is never read as a correction of it;
- a second write-up said while the first waits ("..., put that down as well", "log another one, ...") is its own
  draft with its own description, not the first's with another unit;
- a unit corrected inside the sentence ("the extinguisher, no, the backflow ...") is the one named last;
- "the other one" and "wrong unit" after a read-back ask for the other unit of that kind; a status read-back takes
  the job said instead ("no, wrong job, wework");
- a status set on a job named by its site ("mark ABC as in progress") is a status change of that job;
- the units preference said in few words ("metric please", "go back to imperial") is set, and "switch me back"
  undoes the last change; a figure asked "in metric" is not a preference.
"""

from __future__ import annotations

import pytest

from clara.agent.deficiency_said import deficiency
from clara.agent.draft_said import draft_answer
from clara.agent.heard import heard
from clara.agent.repeat_said import LastWrite
from clara.agent.routing import Route, route
from clara.agent.tools import DRAFT_TOOLS, TOOLS
from clara.agent.two_asks import routes
from clara.jobs.drafts import severity_of

TOOLS_NOW = {t.info.name for t in TOOLS}
WHILE_DRAFTING = TOOLS_NOW | {t.info.name for t in DRAFT_TOOLS}
PLACES = ["WeWork", "WeWork 123 Main St", "Ferry Building", "ABC Manufacturing", "ABC Manufacturing Plant 1"]


@pytest.mark.parametrize("text", [
    "the fire pump keeps tripping what should i check",
    "jockey pump keeps kicking on every few minutes, what do I do?",
    "pump keeps tripping the breaker, thoughts",
    "the packing is dripping a lot is that normal",
    "rtu on the roof keeps short cycling any ideas",
])
def test_a_question_about_a_fault_is_answered_never_drafted(text: str) -> None:
    for tools, draft_kind in ((TOOLS_NOW, None), (WHILE_DRAFTING, "deficiency")):
        chosen = route(text, tools, PLACES, draft_kind=draft_kind)
        assert chosen is not None and chosen.tool == "knowledge_search", (text, draft_kind, chosen)


@pytest.mark.parametrize(("text", "unit", "described"), [
    ("the backflow in the riser room is weeping too, put that down as well", "backflow", "weeping"),
    ("log another one, the backflow in the street vault is leaking at the test cock", "backflow", "test cock"),
    ("and the extinguisher in the corridor is missing its pin, log that too", "extinguisher", "pin"),
])
def test_a_second_write_up_while_one_waits_is_its_own_draft(text: str, unit: str, described: str) -> None:
    chosen = route(text, WHILE_DRAFTING, PLACES, draft_kind="deficiency")
    assert chosen is not None and chosen.tool == "log_deficiency", chosen
    assert chosen.arguments["equipment"] == unit and described in chosen.arguments["description"]
    assert not chosen.arguments["description"].endswith(("too", "as well"))


@pytest.mark.parametrize(("text", "unit", "location"), [
    ("The extinguisher, no, the backflow in the riser room is spitting at the relief. Write it up.", "backflow",
     "riser room"),
    ("log a deficiency the panel no the pump is leaking at the packing", "pump", None),
    ("The unit on the roof here has a cracked belt, log it", "unit", "roof"),
    ("the backflow out in the vault has a leaking test cock put it down", "backflow", "vault"),
    # the request said first with a comma: "it" was read as part of the unit ("it, the dry valve")
    ("log it, the dry valve is tripping on its own, needs repair", "dry valve", None),
    ("flag this, the fire pump in the pump room is running hot", "fire pump", "pump room"),
])
def test_the_unit_and_place_said_are_the_ones_meant(text: str, unit: str, location: str | None) -> None:
    said = deficiency(text)
    assert (said.get("equipment"), said.get("location")) == (unit, location), said


@pytest.mark.parametrize("text", ["wait don't do that, I'm not finished", "hold off, not complete yet",
                                  "hang on do not mark it"])
def test_a_status_held_back_cancels_the_draft_it_never_confirms_it(text: str) -> None:
    assert draft_answer(text, "job_status", PLACES) == Route("edit_draft", {"cancel": True})


def test_no_between_words_that_name_no_unit_changes_nothing() -> None:
    said = deficiency("log a deficiency: the panel has no power, the battery is dead")
    assert said["description"] == "panel has no power, the battery is dead"


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("nope wrong unit, the other one", "deficiency", Route("edit_draft", {"equipment": "the other"})),
    ("wrong unit", "deficiency", Route("edit_draft", {"equipment": "the other one"})),
    ("that's the wrong backflow", "deficiency", Route("edit_draft", {"equipment": "the other one"})),
    ("no, the other extinguisher", "deficiency", Route("edit_draft", {"equipment": "the other extinguisher"})),
    ("no not the extinguisher, its the hood system", "deficiency", Route("edit_draft", {"equipment": "hood system"})),
    ("no wrong job i meant wework", "job_status", Route("edit_draft", {"job": "WeWork"})),
    ("no not the ferry building, wework", "job_status", Route("edit_draft", {"job": "WeWork"})),
    ("no, mark ABC in progress instead", "job_status",
     Route("edit_draft", {"status": "in_progress", "job": "ABC Manufacturing"})),
    # the status denied is not the status meant
    ("nah it isn't finished, I'm still working on it", "job_status", Route("edit_draft", {"status": "in_progress"})),
    ("no, not done, just heading over", "job_status", Route("edit_draft", {"status": "en_route"})),
])
def test_a_correction_names_another_unit_or_job(text: str, kind: str, expected: Route) -> None:
    assert draft_answer(text, kind, PLACES) == expected


@pytest.mark.parametrize(("text", "job", "status"), [
    ("mark ABC as in progress", "ABC Manufacturing", "in_progress"),
    ("set the ferry building job to en route", "Ferry Building", "en_route"),
    ("put wework down as done", "WeWork", "completed"),
    # the verb said on the job itself, no "mark" or "set"
    ("wrap up the ABC job for me", "ABC Manufacturing", "completed"),
    ("parked outside wework, please begin the job", "WeWork", "in_progress"),
])
def test_a_status_set_on_a_named_sites_job(text: str, job: str, status: str) -> None:
    assert route(text, TOOLS_NOW, PLACES) == Route("update_job_status", {"status": status, "job": job})


@pytest.mark.parametrize(("text", "expected"), [
    ("metric please", Route("set_preferences", {"units": "metric"})),
    ("go back to imperial", Route("set_preferences", {"units": "imperial"})),
    ("actually metric again", Route("set_preferences", {"units": "metric"})),
    ("hmm no switch me back", Route("set_preferences", {"revert": True})),
    # a system named by one of its measures
    ("ok go back to feet please", Route("set_preferences", {"units": "imperial"})),
    ("put me on celsius from now on", Route("set_preferences", {"units": "metric"})),
])
def test_the_units_said_in_few_words(text: str, expected: Route) -> None:
    assert route(text, TOOLS_NOW, PLACES) == expected


@pytest.mark.parametrize("text", ["what's the weight of the 48TCDA12 in metric", "brief me", "mark deficiency 12 done",
                                  "what does it weigh in kilos", "how many pounds of charge does it hold"])
def test_words_that_only_mention_a_setting_or_status_change_nothing(text: str) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is None or chosen.tool not in ("set_preferences", "update_job_status"), chosen


@pytest.mark.parametrize(("text", "tool"), [
    ("yeah that's what's wrong, save it", "confirm_draft"),
    ("no, it's the extinguisher which is in the kitchen", "edit_draft"),
])
def test_a_yes_or_no_with_a_question_word_in_it_still_answers_the_read_back(text: str, tool: str) -> None:
    chosen = draft_answer(text, "deficiency", PLACES)
    assert chosen is not None and chosen.tool == tool, chosen


@pytest.mark.parametrize("text", ["change it back", "switch it back", "put it back", "flip it back", "turn it back"])
def test_putting_equipment_back_is_not_a_preference(text: str) -> None:
    """At a panel or a transfer switch "switch it back" is about the equipment: no setting changes."""
    for tools, draft_kind in ((TOOLS_NOW, None), (WHILE_DRAFTING, "deficiency")):
        chosen = route(text, tools, PLACES, draft_kind=draft_kind)
        assert chosen is None or chosen.tool != "set_preferences", (text, chosen)


def test_switch_me_back_while_a_write_up_waits_is_not_a_preference() -> None:
    chosen = route("switch me back", WHILE_DRAFTING, PLACES, draft_kind="deficiency")
    assert chosen is None or chosen.tool != "set_preferences", chosen
    assert route("change my units back", TOOLS_NOW, PLACES) == Route("set_preferences", {"revert": True})


@pytest.mark.parametrize("text", ["the backflow in the riser room is leaking, not the one in the lobby",
                                  "the backflow in the riser room, not the one in the lobby, is leaking"])
def test_not_the_one_in_a_place_denies_that_place(text: str) -> None:
    said = deficiency(text)
    assert said["location"] == "riser room" and "lobby" not in said["description"], said


@pytest.mark.parametrize("text", ["should I mark wework as complete?", "did I set wework to done?",
                                  "should I mark it complete", "when can I close out the ferry building job",
                                  "anything I should check before I start the job"])
def test_a_question_about_a_status_never_drafts_one(text: str) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is None or chosen.tool != "update_job_status", chosen
    assert route("can you mark wework as complete?", TOOLS_NOW, PLACES) == \
        Route("update_job_status", {"status": "completed", "job": "WeWork"})


@pytest.mark.parametrize("text", ["in metric?", "and in metric?", "and in imperial"])
def test_a_figure_asked_in_other_units_sets_no_preference(text: str) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is None or chosen.tool != "set_preferences", chosen


@pytest.mark.parametrize("text", ["add another stop to my day", "note one more thing, what time does wework close"])
def test_one_more_of_something_else_is_no_write_up(text: str) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is None or chosen.tool != "log_deficiency", chosen


def test_which_unit_i_have_to_test_is_not_a_spec() -> None:
    chosen = route("which pump do I have to test first", TOOLS_NOW, PLACES)
    assert chosen is None or chosen.tool != "equipment_spec", chosen
    chosen = route("what panel does ABC have", TOOLS_NOW, PLACES)
    assert chosen is not None and chosen.tool == "equipment_spec", chosen


def test_switch_me_back_when_no_read_back_waits() -> None:
    """The offline model names a draft kind even when none waits; only the confirm tools say one does."""
    assert route("hmm no switch me back", TOOLS_NOW, PLACES, draft_kind="deficiency") == \
        Route("set_preferences", {"revert": True})


def test_yes_and_another_unit_too_is_its_own_write_up() -> None:
    chosen = route("yes, and the backflow in the riser room is weeping too", WHILE_DRAFTING, PLACES,
                   draft_kind="deficiency")
    assert chosen is not None and chosen.tool == "log_deficiency", chosen
    assert chosen.arguments["equipment"] == "backflow" and chosen.arguments["location"] == "riser room", chosen


def test_an_amount_said_twice_is_two_amounts() -> None:
    assert heard("two hundred two hundred") == "200 200"
    assert heard("one thousand two hundred and five") == "1205"


@pytest.mark.parametrize("text", ["where does the sprinkler main end", "where do I start with the inspection"])
def test_where_something_starts_or_ends_is_not_my_day(text: str) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is None or chosen.tool != "job_details", chosen


@pytest.mark.parametrize(("text", "unit", "severity"), [
    ("I need to write up the Ansul system over the kitchen hood: two nozzle caps are missing. Minor.",
     "Ansul system over the kitchen hood", "Minor"),
    ("Also log the kitchen extinguisher: the placard is missing. Minor.", "kitchen extinguisher", "Minor"),
    ("gotta write up the jockey pump its short cycling every couple minutes needs repair", "jockey pump",
     "needs repair"),
    ("yo write this up the rooftop unit's economizer is stuck shut low priority", "rooftop unit's economizer",
     "low priority"),
])
def test_a_request_to_write_opened_in_other_words_drafts(text: str, unit: str, severity: str) -> None:
    """ "I need to", "also", "gotta", "yo", "write this up": how a request opens does not hide it."""
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is not None and chosen.tool == "log_deficiency", chosen
    assert (chosen.arguments["equipment"], chosen.arguments.get("severity")) == (unit, severity), chosen


def test_its_said_for_it_is_starts_what_is_wrong() -> None:
    """Speech writes "it's" as "its": "the valve in the riser room its weeping ... its out of service" says of the
    valve that it weeps, and how bad it is; "its gauge" is still the unit's gauge."""
    said = deficiency(heard("log the alarm check valve in the riser room its weeping at the clapper its out of "
                            "service"))
    assert said == {"description": "alarm check valve is weeping at the clapper", "severity": "out of service",
                    "location": "riser room", "equipment": "alarm check valve"}
    said = deficiency("log a deficiency on the B260 in the kitchen its gauge is in the red")
    assert (said["equipment"], said["description"]) == ("B260", "B260 its gauge is in the red"), said
    said = deficiency("log the panel battery its low")  # a reading, kept in what is wrong
    assert said["description"].endswith("low"), said


def test_a_place_run_into_a_part_ends_before_the_part() -> None:
    said = deficiency("put down the 3000SS-4 in the street vault relief valve is spitting")
    assert (said["location"], said["equipment"]) == ("street vault", "3000SS-4 relief valve"), said


@pytest.mark.parametrize(("text", "severity"), [
    ("no wait its still working it just needs repair", "needs repair"),
    ("nah its just cosmetic", "cosmetic"),
    ("no just monitor it", "monitor it"),
])
def test_a_severity_ending_a_correction_is_the_severity(text: str, severity: str) -> None:
    assert draft_answer(text, "deficiency", PLACES) == Route("edit_draft", {"severity": severity})


@pytest.mark.parametrize("text", ["Thanks. Put me back on imperial, please.", "put me on metric", "brief me"])
def test_a_units_change_said_with_thanks_or_put_me(text: str) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    if text == "brief me":
        assert chosen is None or chosen.tool != "set_preferences", chosen
    else:
        assert chosen is not None and chosen.tool == "set_preferences", chosen
        assert chosen.arguments["units"] in text.lower()


LAST = LastWrite("Gauge in the red", "deficient", "fire extinguisher")


@pytest.mark.parametrize(("text", "arguments"), [
    ("same thing for the kitchen one", {"equipment": "fire extinguisher", "location": "kitchen"}),
    ("the corridor one too", {"equipment": "fire extinguisher", "location": "corridor"}),
    ("ditto on the B500", {"equipment": "the B500"}),
    ("the kitchen one has the same problem", {"equipment": "fire extinguisher", "location": "kitchen"}),
    ("same issue with the other one", {"equipment": "the other one"}),
    ("same for the kitchen one but make it minor", {"equipment": "fire extinguisher", "location": "kitchen",
                                                    "severity": "minor"}),
])
def test_the_last_write_up_said_again_for_another_unit(text: str, arguments: dict[str, str]) -> None:
    """ "same thing for the kitchen one": the last write-up's description and severity, the unit said (of the last
    one's kind when only its place is said), as a draft of its own, whether or not a read-back waits."""
    wanted = Route("log_deficiency", {"description": "Gauge in the red", "severity": "deficient", **arguments})
    assert route(text, TOOLS_NOW, PLACES, last_write=LAST) == wanted
    assert route(text, WHILE_DRAFTING, PLACES, draft_kind="deficiency", last_write=LAST) == wanted


@pytest.mark.parametrize("text", ["same thing for the kitchen one", "the corridor one too"])
def test_nothing_to_repeat_without_a_write_up(text: str) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is None or chosen.tool != "log_deficiency", chosen


def test_one_more_after_a_write_up_is_its_own_write_up() -> None:
    for tools, kind in ((TOOLS_NOW, None), (WHILE_DRAFTING, "deficiency")):
        chosen = route("one more, the roof top unit has a cracked belt", tools, PLACES, draft_kind=kind,
                       last_write=LAST)
        assert chosen == Route("log_deficiency", {"description": "roof top unit has a cracked belt",
                                                  "equipment": "roof top unit"}), chosen
        chosen = route("the corridor one is missing its pin too", tools, PLACES, draft_kind=kind, last_write=LAST)
        assert chosen is not None and chosen.tool == "log_deficiency", chosen
        assert (chosen.arguments["equipment"], chosen.arguments["location"]) == ("fire extinguisher", "corridor")


@pytest.mark.parametrize(("text", "asked", "status"), [
    ("done at wework whats next", Route("next_job", {}), Route("update_job_status", {"status": "completed",
                                                                                      "job": "WeWork"})),
    ("just pulled up at the ferry building whos the contact here",
     Route("customer_at_location", {"location": "Ferry Building"}),
     Route("update_job_status", {"status": "in_progress", "job": "Ferry Building"})),
])
def test_a_question_after_a_status_said_in_passing_is_answered_alone(text: str, asked: Route, status: Route) -> None:
    """A status said in the same breath as a question: the question is answered, and nothing is read back to save;
    said on its own, the same status is read back for a yes."""
    assert routes(text, TOOLS_NOW, PLACES) == [asked]
    assert routes(text.rsplit(" wh", 1)[0], TOOLS_NOW, PLACES) == [status]
    assert routes("heading over to the ferry building now", TOOLS_NOW, PLACES) == \
        [Route("update_job_status", {"status": "en_route", "job": "Ferry Building"})]


@pytest.mark.parametrize(("text", "unit", "described", "severity"), [
    # the unit in a clause of its own, then what is wrong without a verb
    ("write up the rooftop unit, condenser fan motor seized, it's toast", "rooftop unit", "seized", "inoperable"),
    ("log the backflow in the vault: relief valve dumping", "backflow", "relief valve dumping", None),
    ("red tag the backflow in the vault, check valve 2 failed", "backflow", "check valve 2 failed", "inoperable"),
    ("write up the panel, ground fault on loop 2, medium", "panel", "ground fault", "deficient"),
])
def test_a_write_up_said_in_shop_clauses_is_drafted(text: str, unit: str, described: str,
                                                    severity: str | None) -> None:
    """A leading "write up" / "log" / "red tag" with the unit and then the fault in clauses of their own ("write up
    the rooftop unit, condenser fan motor seized") went to the manuals: no verb said what was wrong."""
    (chosen,) = routes(text, TOOLS_NOW, PLACES)
    assert chosen.tool == "log_deficiency", chosen
    assert chosen.arguments["equipment"] == unit and described in chosen.arguments["description"], chosen
    # the grade as said ("it's toast", "medium"), which the drafts read as the contract's severity
    assert severity_of(chosen.arguments.get("severity")) == severity, chosen


@pytest.mark.parametrize("text", ["note the serial number, it's 12345", "document the test results, everything passed"])
def test_a_note_of_no_fault_drafts_nothing(text: str) -> None:
    assert all(r.tool != "log_deficiency" for r in routes(text, TOOLS_NOW, PLACES)), text


@pytest.mark.parametrize(("text", "added"), [
    ("add to that write-up, the cover plate is loose as well", "the cover plate is loose"),
    ("ok add this to it: no inspection tag", "no inspection tag"),
    ("tack onto that one that the pin is missing too", "the pin is missing"),
])
def test_a_fault_added_to_the_write_up_waiting_is_kept_with_it(text: str, added: str) -> None:
    """A further fault put on the read-back is added to it, never a question for the documents nor a new draft."""
    assert draft_answer(text, "deficiency") == Route("edit_draft", {"added": added})
