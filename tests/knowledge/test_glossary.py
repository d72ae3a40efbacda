from __future__ import annotations

from clara.knowledge.glossary import trade_terms


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
