"""User scoping, in one place for routes and agent tools alike.

A technician acts only for themselves; dispatchers and admins act for anyone. Services call `authorize` once they
know whose resource it is (a job's technician, a preferences row), so the rule holds whoever calls them.
"""

from __future__ import annotations

from clara.auth.models import CurrentUser
from clara.web.errors import ApiError


def authorize(actor: CurrentUser, owner_id: int | None, *, field: str = "user_id") -> None:
    if actor.is_staff or (owner_id is not None and actor.id == owner_id):
        return
    raise ApiError(403, "forbidden", "you may only access your own resources", field)
