"""The users domain's shapes that other domains carry: a technician named in a colleague's question, on a daily
brief, in the console's crew list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Technician:
    """An active technician, as a colleague or the dispatcher names them."""

    id: int
    name: str

    @property
    def first(self) -> str:
        return self.name.split()[0]
