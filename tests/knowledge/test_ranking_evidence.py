"""Which passage the second stage prefers when several share the question's words: the one mentioning what the
question names; and a figure with its unit read as an amount, not as the section the exact match would raise."""

from __future__ import annotations

from clara.knowledge.identifiers import query_identifiers

def test_a_figure_with_its_unit_is_an_amount_not_a_section_number() -> None:
    """ "at 4.5 percent" asks for a concentration; the exact-section match would have put section 4.5 first."""
    assert "4.5" not in query_identifiers("agent per cubic foot at 60 F for 4.5 percent")
    assert "2.5" not in query_identifiers("can a circuit carry 2.5 amps")
    assert "4.5" in query_identifiers("what does 4.5 say about batteries")
