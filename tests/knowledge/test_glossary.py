from __future__ import annotations

from clara.knowledge.glossary import held_terms, trade_terms


def test_lay_phrases_gain_the_trades_terms() -> None:
    assert {"phase", "reversal"} <= set(trade_terms("the pump's power is hooked up backwards"))
    assert {"nuisance", "alarm"} <= set(trade_terms("the smoke in the hallway keeps going off"))
    assert {"condensate", "drain"} <= set(trade_terms("inside unit is leaking water down the wall"))
    assert {"re-entry"} <= set(trade_terms("when is it safe to walk back into the room"))


def test_a_question_already_in_the_trades_words_gains_nothing() -> None:
    assert trade_terms("cut-out pressure on the HV-30") == []
    assert trade_terms("hydrostatic test interval for carbon dioxide extinguishers") == []


def test_each_term_is_added_once() -> None:
    terms = trade_terms("the generator kicks on and the breaker keeps tripping, it kicks on again")
    assert len(terms) == len(set(terms))


def test_a_technicians_words_for_controls_devices_and_deadlines_gain_the_trades() -> None:
    """Words a manual or a rule would not use: "the BAS", "light off", "fix", "in a day", "does it cover"."""
    assert {"building", "controls", "ignition"} <= set(trade_terms("what signal from the BAS makes the boiler light off"))
    assert {"repair"} <= set(trade_terms("how long do we get to fix a leaking agent container"))
    assert {"24", "hours"} <= set(trade_terms("how much pressure loss in a day is too much"))
    assert {"applies", "affected"} <= set(trade_terms("which boilers does the lockout bulletin cover"))
    assert {"accelerator"} <= set(trade_terms("the quick opening gizmo on the dry system keeps tripping"))
    assert {"ball", "drip"} <= set(trade_terms("water keeps coming out of the plunger on the dry valve"))
    assert {"fuel", "dispenser"} <= set(trade_terms("how far from the gas pumps does the extinguisher go"))
    assert {"ground", "fault"} <= set(trade_terms("the yellow light marked ground stays on"))


def test_the_sprinkler_trades_own_shorthand_gains_its_written_words() -> None:
    """Fitters say "head" for a sprinkler or a nozzle; a manual writes "sprinkler". A lamp head is no sprinkler."""
    assert {"sprinkler"} <= set(trade_terms("can I reuse a head that fell off the ladder"))
    assert "sprinkler" not in trade_terms("the lamp head on the exit sign is out")
    assert {"water", "hammer"} <= set(trade_terms("the pipes bang every time the pump starts"))
    assert {"soft", "starter"} <= set(trade_terms("is there an option that eases the motor in"))


def test_an_inflected_lay_verb_still_matches() -> None:
    """"kicking on" is the same lay phrase as "kicks on": each inflection of a verb the glossary knows matches."""
    assert "start" in trade_terms("the compressor keeps kicking on")
    assert "stop" in trade_terms("the fan keeps shutting off")


def test_intervals_counts_and_severity_said_plainly_gain_the_words_a_rule_writes() -> None:
    assert "annual" in trade_terms("what gets checked on the yearly visit")
    assert "semiannual" in trade_terms("do I have to look at it every six months")
    assert "2" in trade_terms("the status light blinks twice")
    assert {"rapid", "flashing"} <= set(trade_terms("the board light is blinking really fast"))
    assert {"noncritical", "deficiencies"} <= set(trade_terms("what do I write up if I only found small stuff"))
    assert {"conventional"} <= set(trade_terms("can the module take regular smoke detectors"))
    assert {"insulation", "resistance"} <= set(trade_terms("ok to megger the wiring"))
    assert {"synchronization"} <= set(trade_terms("the strobes are out of sync"))
    assert {"manual", "reset"} <= set(trade_terms("the heater won't come back by itself"))


def test_safety_data_and_control_functions_said_plainly_gain_their_section_words() -> None:
    """A data sheet files "got it on my skin" under skin contact first aid; a sequence of operations files "what does
    the panel do when" under its sequence, and "the doors drop" under door holder release."""
    assert {"skin", "contact", "first", "aid"} <= set(trade_terms("I got some refrigerant on my hands"))
    assert {"inhalation"} <= set(trade_terms("what if somebody breathed in the fumes"))
    assert {"sequence", "operation"} <= set(trade_terms("what happens when the duct detector trips"))
    assert {"door", "holder", "release"} <= set(trade_terms("do the mag doors drop on a supervisory"))
    assert {"ignition", "failure"} <= set(trade_terms("the pilot keeps going out on the unit heater"))
    assert {"gauge", "awg"} <= {t.lower() for t in trade_terms("what size wire for a 200 foot run")}


def test_everyday_words_for_drains_oil_smell_buttons_and_winter_gain_the_trades() -> None:
    """A dry system's "little drains" are its low point (auxiliary) drains; a data sheet may spell "odour"; "regular
    motor oil" is what a manual forbids as automotive oil; a button is "pressed"; "winter" is freezing weather."""
    assert {"auxiliary", "drain"} <= set(trade_terms("how often do the little drains on the dry system get opened"))
    assert {"odor", "odour"} <= set(trade_terms("can you smell a leak of this refrigerant"))
    assert {"automotive", "oil"} <= set(trade_terms("can I use regular motor oil in the compressor"))
    assert {"press"} <= set(trade_terms("what does holding the reset button do"))
    assert {"freezing", "weather"} <= set(trade_terms("what do we check in winter"))
    assert "automotive" not in trade_terms("how much oil does it take")


def test_what_a_light_a_display_or_a_flue_shows_said_plainly_gains_the_trades_words() -> None:
    """A board light "completely dead" is the LED table's "Off" row; "the exhaust is getting too hot" is the flue gas
    temperature limit; "the little tub ... the chips" is a condensate neutralizer's media."""
    assert {"off", "power"} <= set(trade_terms("status light on the furnace board is completely dead"))
    assert {"flue", "temperature"} <= set(trade_terms("boiler shuts itself off because the exhaust is getting too hot"))
    assert {"neutralizer", "media"} <= set(trade_terms("the little tub the drain water runs through, swap the chips"))
    assert {"protective", "cap"} <= set(trade_terms("the plastic thing on the glass bulb, when do I take it off"))
    assert {"time", "delay"} <= set(trade_terms("the fans didn't kick on right away, is there a wait built in"))
    assert {"polarity", "reversed"} <= set(trade_terms("the wall boiler says hot and neutral are swapped"))


def test_a_fire_department_hookup_is_its_connection_not_the_authority() -> None:
    """"Fire department" alone is the authority having jurisdiction; its hookup is the FDC on the building."""
    terms = trade_terms("what's wrong with the fire department hookup at the library")
    assert {"connection", "FDC"} <= set(terms)
    assert "authority" not in terms
    assert "authority" in trade_terms("do I have to call the fire department")


def test_gas_bottles_are_no_refrigerant_and_firing_it_up_is_starting() -> None:
    assert "refrigerant" not in trade_terms("the gas bottles read lower when it's cold, is that a leak")
    assert "refrigerant" in trade_terms("the customer wants gas added, it has a slow leak")
    assert "start" in trade_terms("do I prime the trap before I fire up the new boiler")


def test_the_trades_everyday_shorthand_across_systems_gains_its_written_words() -> None:
    """Written from trade knowledge, not from evaluation questions: what techs say on fire alarm, sprinkler, kitchen,
    generator, HVAC and refrigeration calls."""
    assert {"short", "circuit"} <= set(trade_terms("one loop shorted and the panel quit"))
    assert "escutcheon" in trade_terms("the trim ring fell off the pendent")
    assert {"fusible", "link"} <= set(trade_terms("how often do the links get changed"))
    assert {"exercise"} <= set(trade_terms("how often do we run the generator"))
    assert {"condensate", "blockage"} <= set(trade_terms("the drain is clogged on the air handler"))
    assert {"suction"} <= set(trade_terms("what should the low side read"))
    assert {"sensor", "fault"} <= set(trade_terms("the outside sensor is broken, does it still heat"))
    assert "remote" not in trade_terms("where does the remote annunciator mount")


def test_a_trade_term_no_chunk_holds_is_not_searched_for_but_the_questions_own_words_are() -> None:
    """A glossary term absent from every passage would only count as the question's rarest word and shrink every
    passage's share of what was asked; a word the technician said stays, held or not."""
    lexemes = ["pump", "hook", "backward", "phase", "revers", "rotat"]
    assert held_terms(lexemes, ["pump", "hook", "backward"], {"pump", "phase", "revers"}) == [
        "pump", "hook", "backward", "phase", "revers"]


def test_a_system_down_a_heater_hung_and_a_single_blink_gain_their_written_words() -> None:
    """Said in the field, written otherwise: a system down is an impairment, hanging a heater is its mounting
    height, blinking once is the "1" row of a flash table; hanging up the phone is none of them."""
    assert "impairment" in trade_terms("sprinklers down for 6 hours, what do I have to do")
    assert "impairment" in trade_terms("the alarm system was offline overnight")
    assert {"mounting", "height"} <= set(trade_terms("how high can I hang the heater"))
    assert "mounting" not in trade_terms("can I hang the heater in a garage")
    assert "1" in trade_terms("led blinking once on the board")


def test_symptoms_said_plainly_gain_the_words_a_troubleshooting_table_files_them_under() -> None:
    """A fault table writes "Display blank", "fails open on loss of power", "fail to start"; a technician says what
    they see, with the unit's name between the screen and the word for it."""
    assert {"display", "blank"} <= set(trade_terms("the little screen up on the rooftop economizer module went black"))
    assert "blank" not in trade_terms("which wire is the black one on the display harness")
    assert {"fails", "position"} <= set(trade_terms("what does the outside air damper do if we lose power"))
    assert {"fail", "start"} <= set(trade_terms("the generator never started during the outage"))
    assert {"rise"} <= set(trade_terms("suction temperature keeps creeping up"))


def test_weather_pumps_and_demand_said_plainly_gain_the_trades_words() -> None:
    assert {"low", "ambient"} <= set(trade_terms("it's chilly outside, will the charge read right"))
    assert {"pressure", "maintenance"} <= set(trade_terms("what should the jockey be set to"))
    assert {"fire", "pump"} <= set(trade_terms("the main pump cut in before the little one"))
    assert {"no", "flow", "static"} <= set(trade_terms("the relief weeps even when no water is being used"))
