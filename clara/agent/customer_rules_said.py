"""A customer's rules said when the name asked about fits several of its sites ("Kaiser makes you get a permit above
the ceilings, is that right"): the special requirements are the customer's, the same at each of its sites, so no
site needs picking to answer.
"""

from __future__ import annotations


def at_every_site(customer: str, rules: list[str]) -> str:
    """"Kaiser Permanente's rules, at each of its sites: ...", or that none are on file."""
    if not rules:
        return f"Nothing special is on file for {customer}."
    return f"{customer}'s rules, at each of its sites: {'; '.join(r.rstrip('.') for r in rules)}."
