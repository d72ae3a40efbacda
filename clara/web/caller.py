"""Who is calling, and whose resources they may act on: the one notion of a caller every route and service shares.

`CurrentUser` is what a verified bearer token carries (clara.auth's middleware puts it on the request). `authorize`
is the scoping rule every service applies once it knows whose resource it is: a technician acts only for
themselves, dispatchers and admins for anyone, so the app's routes and Clara's tools enforce one rule.

Both live at the edge, below every domain: each domain's routes and services use them, and so does the edge's own
middleware (budgets and idempotency are kept per caller). The edge therefore imports no domain; clara.auth (tokens,
passwords, login, the bearer middleware) depends on the edge like every other domain.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.authentication import BaseUser

from clara.web.errors import ApiError

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


def authorize(actor: CurrentUser, owner_id: int | None, *, field: str = "user_id") -> None:
    if actor.is_staff or (owner_id is not None and actor.id == owner_id):
        return
    raise ApiError(403, "forbidden", "you may only access your own resources", field)
