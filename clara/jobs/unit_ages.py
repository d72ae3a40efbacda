"""A site's units compared by age, from the equipment register's install dates: "which of the two backflows is
older", "the newest piece of equipment on site".

Ties are kept together (two units put in the same day are both "the oldest"; naming one would be a guess), and a
unit with no install date on file is never the answer: its age is unknown, not young.
"""

from __future__ import annotations

from clara.jobs.models import Equipment


def by_age(units: list[Equipment], *, oldest: bool = True) -> list[Equipment]:
    """The oldest (or newest) of `units` by install date, all of them when several tie; none when none is dated."""
    dated = [unit for unit in units if unit.install_date is not None]
    if not dated:
        return []
    edge = min(u.install_date for u in dated if u.install_date) if oldest else \
        max(u.install_date for u in dated if u.install_date)
    return [unit for unit in dated if unit.install_date == edge]
