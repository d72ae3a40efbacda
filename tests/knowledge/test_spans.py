"""Which sentences of a passage Clara says: the passage and the search's sentence scores are given (as the second
stage measured them), the question decides. What a technician hears must carry the asked fact, not merely the
sentence closest in words."""

from __future__ import annotations

from clara.knowledge import figures_said, spans


def _said(question: str, sentences: list[str], scores: list[float], *, section: str = "5.2") -> str:
    """What is said from a passage made of `sentences` (one section) whose sentences scored `scores`: a table row on
    a line of its own, as chunking writes it."""
    text, places, offset = "", [], 0
    for sentence in sentences:
        if text:
            text += "\n" if " | " in sentence or " | " in text.rsplit("\n", 1)[-1] else " "
            offset += 1
        places.append((offset, offset + len(sentence), section, None))
        text += sentence
        offset += len(sentence)
    preferred = [s + p for s, p in zip(scores, spans.kind_preferences(question, sentences))]
    return spans.answer(text, places, spans.best(preferred, [0] * len(sentences)), preferred, question)


def test_a_can_i_question_is_answered_by_the_rule_not_the_description() -> None:
    said = _said("can I crank the transfer switch over with the handle while it's hot", [
        "The manual handle moves the switch between sources during maintenance, in the direction of the arrow on the "
        "operator, until the switch snaps over and the position indicator changes.",
        "Never operate the switch with the manual handle while either source is energized, since the contacts would "
        "close on a live load and could weld or arc.",
    ], [3.0, 2.7])
    assert said.startswith("Never operate"), said


def test_a_how_do_i_question_is_answered_by_the_instruction() -> None:
    said = _said("corvane keeps throwing a ground, how do I find which circuit its on", [
        "A ground fault means that some field wiring of the panel has a path to earth, usually through water in an "
        "exterior box or a conductor pinched at a conduit entry.",
        "With the panel in normal standby, disconnect the SLCs, the NACs and the relay wiring one at a time, waiting "
        "30 seconds after each, until the trouble clears.",
    ], [2.9, 2.6])
    assert "one at a time" in said, said


def test_a_complaint_is_answered_by_the_cause() -> None:
    said = _said("the smoke damper in the attic takes forever to close", [
        "At room temperature the actuator closes normally, so the problem is usually found only during cold-weather "
        "testing of dampers in attics, unheated shafts or rooftop air handlers.",
        "In ambient temperatures below 40 degrees F the gear train lubricant thickens, and the spring return may take "
        "longer than the 15 seconds allowed.",
    ], [3.3, 2.8])
    assert "lubricant" in said, said


def test_a_figure_in_the_asked_units_is_said_over_another_figure() -> None:
    said = _said("what pressure does the relief valve open at", [
        "Test the safety relief valve once a year, with the compressor running, by pulling its ring for 2 seconds "
        "and letting it snap back to its seat.",
        "The safety relief valve is set at the factory to open at 60 psi and must reseat on its own when released.",
    ], [3.2, 2.8])
    assert "60 psi" in said, said


def test_a_run_in_item_title_is_said_with_its_sentence() -> None:
    said = _said("what are terminals ES1 and ES2 for", [
        "a) Engine start contact.",
        "Connect the generator's two-wire start circuit to terminals ES1 and ES2 and nothing else, with wire of at "
        "least 18 AWG in its own conduit.",
        "b) Remote test input.",
    ], [1.5, 4.4, 1.7])
    assert said.startswith("a) Engine start contact. Connect"), said
    assert "Remote test" not in said


def test_a_sentence_pointing_back_is_said_with_the_one_it_points_to() -> None:
    said = _said("what is the unloader for on the compressor", [
        "The unloader valve on the pressure switch releases the head pressure when the compressor stops, so that the "
        "motor can start again against an empty head.",
        "It releases with a short hiss when the compressor stops, which is how you know it works.",
        "Low voltage is the other common reason a compressor hums without starting.",
    ], [2.5, 3.3, 2.4])
    assert said.startswith("The unloader valve") and "short hiss" in said, said


def test_a_short_sentence_is_said_with_the_one_after_it_that_it_sets_up() -> None:
    said = _said("which circuit has the ground fault on the corvane", [
        "A ground fault (T14) means that some field wiring has a path to earth.",
        "The panel does not show which circuit; find it by elimination.",
        "Open the SLC loop at its midpoint junction box and test each half with a megohmmeter.",
    ], [2.4, 2.8, 2.1])
    # the sentence set up comes right after; the one before (close in score) may follow only as the second said
    assert said.startswith("The panel does not show which circuit; find it by elimination. Open the SLC loop"), said


def test_a_list_item_is_said_with_the_sentence_opening_its_list() -> None:
    said = _said("how quickly does the heat detector have to respond", [
        "Each heat detector used to release the valve shall:",
        "- Be listed for releasing service with the valve's electric release panel;",
        "- Respond within 30 seconds of reaching its rated temperature;",
        "- Be tested once a year by the method in the detector's own instructions.",
    ], [2.0, 2.2, 3.5, 2.4])
    assert said == ("Each heat detector used to release the valve shall: - Respond within 30 seconds of reaching its "
                    "rated temperature;"), said


def test_a_question_asking_for_an_amount_is_answered_by_a_sentence_giving_one() -> None:
    said = _said("how many spare sprinklers does the cabinet need", [
        "The spare sprinkler cabinet holds sprinklers of every type and rating installed in the building, with the "
        "special wrench for each type, and is kept near the riser room door.",
        "A building with fewer than 300 sprinklers keeps no fewer than 6 spares.",
    ], [3.4, 2.7])
    assert "6 spares" in said, said


def test_a_where_question_is_answered_by_the_sentence_giving_the_place() -> None:
    said = _said("where does the sensing line tee into the system", [
        "Connect the controller's transducer to the fire protection system with a sensing line of 1/2 in. nominal "
        "brass or copper tube, sloped back to the system so that it drains.",
        "Take the sensing line from the system between the pump discharge check valve and the discharge isolating "
        "valve, never from the suction side of the pump.",
    ], [3.0, 2.7])
    assert "between the pump discharge check valve" in said, said


def test_a_figure_asked_is_answered_by_the_row_whose_range_holds_it() -> None:
    rows = ["Line lugs of isolating switch, up to 100 hp | 14 AWG to 1/0 AWG | 120 lb-in",
            "Line lugs of isolating switch, 125 to 300 hp | 2 AWG to 250 kcmil | 275 lb-in",
            "Line lugs of isolating switch, above 300 hp | 2 x 4/0 AWG to 2 x 500 kcmil | 375 lb-in"]
    for motor, torque in (("150", "275 lb-in"), ("seventy five", "120 lb-in"), ("400", "375 lb-in")):
        said = _said(f"torque for the line lugs on a {motor} horse BFC-750", rows, [3.1, 3.0, 3.05])
        assert said.endswith(torque), (motor, said)


def test_a_close_second_sentence_of_the_section_is_said_too() -> None:
    # a passage of three sentences where the asked default sits in the runner-up: the scores cannot tell them apart
    said = _said("how often does the controller run its own test out of the box", [
        "The controller can run the pump automatically once every 7, 14 or 30 days at a programmed hour.",
        "The test drains the sensing line through the test solenoid valve so that the start is a real start.",
        "Factory setting: every 7 days, Wednesday 10:00, with a run of 10 minutes.",
    ], [4.9, 2.3, 4.7])
    assert said.startswith("The controller can run") and "run of 10 minutes" in said, said


def test_a_second_sentence_well_behind_the_best_is_not_said() -> None:
    said = _said("how often does the controller run its own test", [
        "The controller can run the pump automatically once every 7, 14 or 30 days at a programmed hour.",
        "The test drains the sensing line through the test solenoid valve so that the start is a real start.",
        "Factory setting: every 7 days, Wednesday 10:00, with a run of 10 minutes.",
    ], [4.9, 2.3, 3.0])
    assert "Factory setting" not in said, said


def test_two_close_table_rows_are_both_said_each_on_its_own_line() -> None:
    rows = ["Cut-in pressure | 115 psi", "Cut-out pressure | 135 psi", "Relief valve setting | 150 psi"]
    said = _said("cut in and cut out pressure on the KX-400", rows, [3.4, 3.3, 1.2])
    assert said.splitlines() == ["Cut-in pressure | 115 psi", "Cut-out pressure | 135 psi"], said


def test_a_question_in_the_text_is_said_with_the_answer_after_it() -> None:
    said = _said("exit sign battery replacement", [
        "A: Test every unit for 30 seconds each month and keep the log at the panel.",
        "Q: How often should the batteries in exit signs be replaced?",
        "A: Replace them every 4 years, or sooner when a unit fails its 90 minute annual test.",
    ], [2.9, 3.4, 2.2])
    assert said.startswith("Q: How often should the batteries in exit signs be replaced? A: Replace them"), said


def test_a_code_said_in_pieces_names_its_table_row() -> None:
    """ "e zero four" is the row keyed E04, "F K 5 1 12" the one keyed FK-5-1-12, "acx ninety" ACX-090: codes are
    said in pieces, digits as words, leading zeros dropped; the row named is said over rows the words fit better."""
    rows = ["E15 | High pressure sensor fault | Output below 0.3 V", "E16 | Low pressure sensor fault | Output low",
            "E04 | High pressure protection | High pressure switch opened at 601 psig",
            "E40 | Fan motor fault | Check the fan"]
    said = _said("whats error e zero four on the vrf", rows, [3.0, 2.9, 2.0, 2.0])
    assert said.startswith("E04 |"), said
    assert figures_said.names_row("min recovery efficiency for F K 5 1 12 machine", "FK-5-1-12 | 98.0 percent | 90")
    assert figures_said.names_row("aldermore acx ninety max breaker", "ACX-090 | 37.8 | 225")
    assert not figures_said.names_row("aldermore acx ninety max breaker", "ACX-030 | 13.6 | 80")
    assert not figures_said.names_row("whats error e zero four", "E40 | Fan motor fault | Check the fan")


def test_a_figure_the_question_states_names_the_row_stating_it() -> None:
    """ "the two hundred twelve degree head" is the row whose rating cell says 212 deg F, whatever its key."""
    said = _said("pellworth bulb colour for the two hundred twelve degree head", [
        "Ordinary | 141 deg F (61 deg C) | orange | 100 deg F (38 deg C)",
        "Intermediate | 182 deg F (83 deg C) | yellow | 150 deg F (66 deg C)",
        "Intermediate | 212 deg F (100 deg C) | green | 150 deg F (66 deg C)",
    ], [3.0, 2.9, 2.7])
    assert said.startswith("Intermediate | 212 deg F"), said


def test_the_pronoun_one_names_no_row() -> None:
    """ "which one is the low water fault" asks about row 5, not row "1": a lone "one" is a key only next to another
    piece of a code or after "code"/"error"/"fault"."""
    rows = ["1 | Flame failure | Check the igniter", "5 | Low water cutoff | Check the float"]
    said = _said("which one is the low water fault", rows, [2.0, 2.2])
    assert said.startswith("5 |"), said
    assert not figures_said.names_row("one more time", rows[0])
    assert figures_said.names_row("what's code one", rows[0])
    assert figures_said.names_row("e one on the display", "E1 | Ignition lockout | Reset")


def test_two_numbers_joined_by_and_stay_two_numbers() -> None:
    """ "codes five and six" are the codes 5 and 6, not 56; "and" joins a run only after hundred or thousand."""
    assert not figures_said.names_row("codes five and six", "56 | Blocked flue | Clear the flue")
    assert figures_said.names_row("codes five and six", "5 | Low water cutoff | Check the float")
    assert figures_said.in_digits("between two and four psi") == "between 2 and 4 psi"
    assert figures_said.in_digits("two hundred and twelve degrees") == "212 degrees"


def test_a_close_second_pointing_back_is_said_with_the_sentence_it_points_to() -> None:
    """ "It releases with a short hiss" said alone never says what releases: the unloader valve, the fact asked."""
    said = _said("pellham compressor just hums and won't start", [
        "The unloader valve on the pressure switch did not release the head pressure.",
        "It releases with a short hiss when the compressor stops.",
        "If there is no hiss, replace the unloader, part PAC-U7.",
        "Low voltage is the other cause: the motor needs at least 104 V to start.",
    ], [3.0, 3.6, 3.9, 3.2])
    assert said.startswith("If there is no hiss"), said
    assert said.splitlines()[-1] == ("The unloader valve on the pressure switch did not release the head pressure. "
                                    "It releases with a short hiss when the compressor stops."), said


def test_a_table_row_cut_inside_a_cell_is_said_whole() -> None:
    """The sentence splitter cuts a cell at ". ": the row's second sentence, scored best, is said with its key and
    the rest of its row, not alone."""
    row = "2 | March 3, 2026 | Firmware 5.1 released. Loop card LC-4 now supported. Battery test shortened."
    text = "Rev | Date | Changes\n" + row
    start = len("Rev | Date | Changes\n")
    cuts = [start, start + row.index("Loop card"), start + row.index("Battery")]
    places = [(cut, end, "Revision history", 1) for cut, end in zip(cuts, [c - 1 for c in cuts[1:]] + [len(text)])]
    said = spans.answer(text, places, 1, [1.0, 3.0, 1.5])
    assert said == row, said


def test_a_label_whose_dotted_leader_runs_to_the_next_line_is_said_with_its_value() -> None:
    said = _said("what is the lead compressor off delay", [
        "Set the timers at the keypad under Service.",
        "TIMERS (factory) Anti-short-cycle ......... 5 minutes Lead off delay .........",
        "90 seconds Lag stage delay ......... 3 minutes",
    ], [3.3, 3.4, 2.1])
    assert "Lead off delay" in said and "90 seconds" in said, said


def test_a_question_the_text_asks_is_said_with_the_answer_after_it() -> None:
    """A FAQ's question, said in two sentences, is followed by its "A:", which holds the fact."""
    said = _said("the gas monitor beeps when nobody is near it, what else triggers it", [
        "Q: The monitor alarms in an empty room.",
        "What else triggers it?",
        "A: Solvent vapour from floor stripping and fresh paint trips it for up to an hour.",
        "Q: Does it need a bump test?",
        "A: Yes, monthly.",
    ], [3.3, 3.1, 2.6, 1.0, 0.5])
    assert "Solvent vapour" in said and "bump test" not in said, said


def test_a_frequency_said_without_a_figure_answers_how_often() -> None:
    said = _said("how often do the duct detectors get their airflow checked", [
        "The airflow indicator on the side of each duct housing shows whether the sampling tube sees enough duct "
        "velocity for the detector to read the air in the duct correctly.",
        "Airflow through each duct housing shall be verified every other year with the manometer kit, with the air "
        "handler running at its normal speed and every filter in place.",
    ], [3.0, 2.6])
    assert said.startswith("Airflow through each duct housing"), said


def test_how_quick_asks_for_a_time_in_words_too() -> None:
    said = _said("how quick does the damper have to shut", [
        "The actuator is rated for 2000 fpm and 4 in. w.c. of static pressure, and its spring returns the blades "
        "against that pressure whatever the mounting position.",
        "Closure shall take no more than fifteen seconds from the loss of power, whatever the mounting position and "
        "the duct pressure, with the blades fully closed.",
    ], [3.0, 2.6])
    assert said.startswith("Closure shall take"), said


def test_a_when_that_sets_a_condition_asks_no_time() -> None:
    """ "what does it show when the battery is low" asks for a code, not a time: the sentence giving a time is no
    better an answer for it."""
    said = _said("what number does the panel show when the battery is low", [
        "Display 3 means the battery is low: the panel has measured less than 21.6 volts across the battery "
        "terminals under load, and the trouble relay has opened.",
        "The battery is load tested every 24 hours by the charger, which drops its own output for a minute while the "
        "panel measures the battery under the standby load.",
    ], [3.0, 2.8])
    assert said.startswith("Display 3 means"), said


def test_a_date_answers_when_something_ends() -> None:
    said = _said("when does the warranty extension run out", [
        "The extension pays labour of 0.5 hours per valve at the contractor's posted rate, plus one trip charge per "
        "site, when the claim form is sent with the old seats.",
        "The extension runs out on March 1, 2027, for all valves, whatever their date code, and claims for work done "
        "after that date are not paid.",
    ], [3.0, 2.8])
    assert "March 1, 2027" in said, said


def test_a_resistance_asked_is_answered_in_ohms() -> None:
    said = _said("at what insulation resistance does the panel flag a leak to earth", [
        "To find it, disconnect one zone at a time at the zone card while watching the earth lamp on the display; "
        "the fault is on the zone whose removal turns it off.",
        "The panel flags a leak to earth when the resistance between any field wire and the cabinet falls below 20 "
        "kilohms for longer than the filter time.",
    ], [3.3, 3.0])
    assert said.startswith("The panel flags a leak to earth"), said


def test_a_sentence_mentioning_the_code_asked_yields_to_one_clearly_holding_the_fact() -> None:
    """The question's code is often its document's own model: every sentence of the manual may mention it, a page
    header too. A mention picks the span only among spans the scores cannot tell apart; a clause named by its own
    number is always said."""
    assert spans.best([2.0, 3.2], [1, 0]) == 1
    assert spans.best([2.0, 2.3], [1, 0]) == 0
    assert spans.best([1.0, 5.0], [9, 0]) == 0


def test_a_sibling_clause_of_the_same_list_is_said_when_it_scores_about_as_well() -> None:
    """A regulation's list items are clauses of their own: "(iii)" and "(iv)" of one "shall:" are as alike as two
    sentences of a section, and the one holding the asked time may be the close second."""
    parts = [("Each gas sensor shall:", "(c)(1)"),
             ("(i) Be calibrated at intervals not exceeding 6 months by a person trained by the maker.", "(c)(1)(i)"),
             ("(ii) Sound its alarm within 20 seconds of exposure at the alarm set point.", "(c)(1)(ii)")]
    text = " ".join(p for p, _ in parts)
    places, offset = [], 0
    for part, section in parts:
        places.append((offset, offset + len(part), section, 3))
        offset += len(part) + 1
    said = spans.answer(text, places, 1, [2.0, 3.0, 2.7])
    assert "6 months" in said and "20 seconds" in said, said


def test_a_close_second_is_said_over_the_weaker_neighbour_of_a_short_best_sentence() -> None:
    said = _said("at what voltage does the switch give up on the utility", [
        "The controller watches all three phases of the normal source and one phase of the standby source, and shows "
        "each voltage on the status screen of the front panel.",
        "The normal source is declared lost when any phase drops under the dropout setting, which the factory sets at "
        "80 percent of nominal, for longer than the ride-through delay.",
        "The standby source is declared ready when its voltage reaches 90 percent of nominal and its frequency 95 "
        "percent.",
        "c) Overvoltage. A source is declared lost above 110 percent of nominal for 3 seconds.",
    ], [3.0, 3.7, 3.2, 3.8])
    assert said.startswith("c) Overvoltage.") and "80 percent" in said and "standby source is declared" not in said


def test_a_list_item_keyed_by_the_figure_the_question_says_is_the_answer() -> None:
    said = _said("keypad shows 2 beeps what does it mean", [
        "The keypad reports its own condition with short beeps when a key is pressed, and the installer can read the "
        "same condition on the panel's event log under the keypad's address.",
        "- 1 beep: door left open.",
        "- 2 beeps: low battery in the keypad; replace the 9 V cell.",
    ], [3.5, 2.0, 2.2])
    assert "low battery" in said and not said.startswith("The keypad reports"), said


def test_the_answer_to_a_question_in_the_text_counts_its_own_words_only() -> None:
    said = _said("what happens at the unit when the sensor smells refrigerant", [
        "Q: What does the sensor do when it detects refrigerant in the cabinet?",
        "A: At 15 percent of the lower flammable limit it opens its mitigation relay.",
        "The unit control then runs the indoor blower at full speed, locks out the compressor and the electric heat, "
        "and keeps the blower running for 5 minutes after the reading falls.",
        "Q: Does it need calibrating?",
    ], [4.5, 1.8, 2.4, 1.0])
    assert "locks out the compressor" in said and "calibrating" not in said, said


def test_the_sentence_completing_a_short_best_one_stays_over_a_close_second() -> None:
    said = _said("how loud does the horn have to be during the yearly sound test", [
        "a) Once a year, sound every horn on battery power for 5 minutes from the panel's drill key.",
        "b) At that time each horn shall measure at least 75 dBA at 10 feet in front of it, read on a meter "
        "set to the A scale.",
        "c) A horn that sounds weaker at the end of the 5 minutes than at the start has a failing circuit; trace the "
        "circuit from the panel and check every splice on the way.",
    ], [3.6, 2.8, 3.3])
    assert "75 dBA" in said, said


def test_a_colour_asked_is_answered_by_the_sentence_naming_one() -> None:
    said = _said("which colour cap goes back on the inspector's test valve", [
        "The cap of the inspector's test valve is put back after every flow test and tightened by hand, so that the "
        "valve can be opened next time without a wrench.",
        "A yellow cap marks a test valve on a dry or preaction system, where opening it trips the valve, and a green "
        "cap a wet system's.",
    ], [3.2, 2.8])
    assert said.startswith("A yellow cap"), said


def test_where_to_set_something_is_answered_by_the_menu_path() -> None:
    said = _said("where do I turn on walk test on the keypad", [
        "Walk test lets one person test every device of the chosen zones without the panel sending the alarms to the "
        "monitoring station or sounding the whole building.",
        "Start it from the keypad at Menu > Test > Walk Test, choose the zones and enter the installer code before "
        "you leave the panel to test.",
    ], [3.2, 2.8])
    assert said.startswith("Start it from the keypad"), said


def test_subcooling_is_asked_as_a_temperature() -> None:
    said = _said("what subcooling should the condenser hold", [
        "Charge the system by subcooling only: the valve keeps superheat constant, so superheat tells nothing about "
        "the charge on these units at any outdoor temperature.",
        "The liquid line should read 11 deg F of subcooling at the service valve with the outdoor fan at full speed "
        "and the indoor airflow set.",
    ], [3.2, 2.8])
    assert said.startswith("The liquid line should read 11 deg F"), said


def test_a_yes_or_no_question_about_a_thing_is_settled_by_what_it_does_not_do() -> None:
    said = _said("does holding the test button on the duct detector send an alarm to the panel", [
        "The test button on the cover lights the detector's red alarm lamp and latches its relay, so that the fan "
        "shutdown wired to the relay can be checked at the same time.",
        "Holding the button does not send an alarm to the panel: only the magnet test, or smoke in the housing, "
        "reports an alarm over the signalling line circuit.",
    ], [3.0, 2.7])
    assert said.startswith("Holding the button does not send"), said


def test_a_sentence_setting_a_condition_on_it_is_said_with_the_sentence_saying_what_it_is() -> None:
    """ "When it trips the board shuts off the compressor" tells what happens, not what trips: the sentence before
    names the sensor and its limit, which a technician asking why the compressor stops needs as much."""
    said = _said("the new rooftop keeps killing the compressor and the blower runs full blast", [
        "The economizer opens to its minimum position whenever the indoor blower runs in occupied mode.",
        "The leak sensor in the return air trips at 20 percent of the lower flammability limit.",
        "When it trips the board shuts off the compressor, starts the indoor blower at full speed and keeps it running "
        "for at least 5 minutes after the reading falls back below the limit.",
    ], [1.0, 2.0, 3.5])
    assert "20 percent" in said and said.index("leak sensor") < said.index("When it trips"), said


def test_a_sentence_going_on_a_list_item_is_said_with_its_own_item_not_the_next() -> None:
    """A list item of two sentences ("- Zone type: Program > Zones > Zone Type. Choose ALARM, ...") whose second
    scored best is said with its first, the item's label and menu path, not with the next item."""
    text = ("- Zone type: Program > Zones > Zone Type. Choose ALARM, WATERFLOW or SUPERVISORY for each zone.\n"
            "- Waterflow retard: Program > Zones > Options > Retard. Default 20 seconds.")
    cuts = ["- Zone type: Program > Zones > Zone Type.", "Choose ALARM, WATERFLOW or SUPERVISORY for each zone.",
            "- Waterflow retard: Program > Zones > Options > Retard.", "Default 20 seconds."]
    places = [(text.index(c), text.index(c) + len(c), "Menu paths", None) for c in cuts]
    places[2] = (places[2][0] + 2, *places[2][1:])  # the sentence splitter leaves an item's bullet out of its span
    said = spans.answer(text, places, 1, [2.0, 3.5, 2.6, 1.0], "where do I set a zone to waterflow")
    assert said.startswith("- Zone type: Program > Zones > Zone Type. Choose"), said
    assert "Retard" not in said, said


def test_can_the_someone_asks_yes_or_no_and_the_sentence_saying_no_is_said() -> None:
    """ "can the guy on fire watch do other jobs": not permission for the asker but a yes or no about someone, settled
    by the sentence saying what they may not do."""
    said = _said("can the guy on fire watch do other jobs at the same time", [
        "Fire watch personnel shall be at least 18 years of age, shall patrol the impaired area at least once every "
        "60 minutes, and shall keep a written log of each patrol with the time.",
        "Fire watch personnel shall have no other duties during the fire watch.",
    ], [3.3, 2.7])
    assert "no other duties" in said, said


def test_a_numbered_sub_step_pointing_back_is_said_after_a_short_best_step() -> None:
    """ "Step 4.2.2.1 If it does not, check ..." is what to do when step 4.2.2 fails: asked what to check when it
    fails, the sub-step completes the step, even when the step before scores better."""
    said = _said("HPV does not switch to subcritical what do I check", [
        "Step 4.2.1 Leave the HPV in automatic and check the pressure follows the optimum curve.",
        "Step 4.2.2 Confirm the HPV goes to its subcritical setpoint when the gas cooler outlet is cold.",
        "Step 4.2.2.1 If it does not, check that the outlet temperature sensor is on the outlet pipe.",
    ], [3.2, 3.7, 1.8])
    assert "outlet temperature sensor" in said, said


def test_a_best_span_too_long_to_say_yields_to_a_close_second() -> None:
    """A table flattened into one long paragraph cannot be said; the sentence scoring as well that tells the fact
    is said instead of 90 words of numbers."""
    rows = " ".join(f"FCX-0{n}M {n} {n * 900} {n}.5 {n * 20}" for n in range(10, 26))
    table = f"Model HP Capacity Charge Line {rows}"
    said = _said("how much refrigerant do I add for a long liquid line on a FCX-012M", [
        table, "Add 0.12 lb of refrigerant per 10 ft of liquid line beyond 25 ft.",
    ], [3.6, 3.6])
    assert said == "Add 0.12 lb of refrigerant per 10 ft of liquid line beyond 25 ft.", said


def test_the_other_part_of_a_two_part_question_is_said_too() -> None:
    """ "how soon must it be registered and the fee": the best sentence tells when; the fee is two sentences on and
    scores far behind (the question says little of it), but a reply without it answers half."""
    said = _said("how soon must a new alarm system be registered with the fire marshal and the fee", [
        "(a) Every alarm user shall register the system with the fire marshal within 30 days of its acceptance test.",
        "A registration made late is still accepted.",
        "The registration fee is $40 per building.",
    ], [6.0, 2.0, 4.2])
    assert "30 days" in said and "$40" in said, said


def test_a_design_density_asked_is_answered_by_the_rule_giving_it() -> None:
    """A density is an amount, in gpm per square foot: the rule giving one over the rule closer in words."""
    said = _said("Pellham data sheet 3-20 deluge density over the fill", [
        "2.2.1.1 Provide a deluge system for each cell of a combustible tower, with open sprinklers over the fill and "
        "under the fan deck, designed for all cells operating at once unless fire partitions separate them.",
        "2.2.1.2 Design the deluge system for 0.30 gpm/ft² (12 mm/min) over the fill area, with the most remote cell "
        "at the design pressure.",
    ], [3.2, 2.6])
    assert "0.30 gpm/ft²" in said, said


def test_a_sentence_of_the_asked_kind_is_said_alone_when_both_would_be_too_long() -> None:
    """The colour asked is in the next sentence; with the long best one it would run past what can be said."""
    said = _said("what colour tag goes on a kitchen hood system left impaired in Brisley", [
        "An inspection tag shall be attached to each kitchen hood system at its releasing control or agent cylinder, "
        "showing the date of the last inspection, the name, address and Brisley registration number of the firm, and "
        "the initials of the inspector.",
        "Tags shall be red where a deficiency that impairs the system was left uncorrected, and yellow where a "
        "noncritical deficiency was found.",
    ], [3.1, 2.5])
    assert said.startswith("Tags shall be red"), said


def test_a_short_sentence_opening_its_paragraph_is_said_with_its_whole_entry() -> None:
    """A fault guide written as plain paragraphs, no heading per entry: the symptom the technician restated scores
    best, and the remedy closing its paragraph is what answers; the next paragraph is another fault."""
    paragraphs = [
        ["Fan runs but the coil ices over.", "Airflow across the evaporator is too low.",
         "Replace the filter, then measure the static pressure; it must stay under 0.8 in. w.c."],
        ["Display shows E5.", "The condensate float switch is open.", "Clear the drain line and dry the float."],
    ]
    text, places = "", []
    for paragraph in paragraphs:
        text += "\n" if text else ""
        for i, sentence in enumerate(paragraph):
            text += " " if i else ""
            places.append((len(text), len(text) + len(sentence), "3", None))
            text += sentence
    scores = [3.1, 1.2, 1.4, 1.0, 0.9, 0.8]
    said = spans.answer(text, places, 0, scores, "the fan runs but the coil keeps icing over")
    assert said.startswith("Fan runs but the coil ices over. Airflow") and "0.8 in. w.c." in said, said
    assert "E5" not in said and "float" not in said, said
