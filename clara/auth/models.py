"""Who is calling: the user carried by a verified token."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.authentication import BaseUser

ROLES = ("technician", "dispatcher", "admin")


@dataclass(frozen=True)
class CurrentUser(BaseUser):
    id: int
    role: str
    email: str = ""

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.email

    @property
    def identity(self) -> str:
        return str(self.id)

    @property
    def is_staff(self) -> bool:
        """Dispatchers and admins act on any technician's behalf; technicians only on their own."""
        return self.role in ("dispatcher", "admin")
