"""Logging in: check an email and password against the users table and issue a token."""

from __future__ import annotations

from dataclasses import dataclass

from clara.auth.models import CurrentUser
from clara.auth.passwords import verify_password
from clara.auth.tokens import issue_token
from clara.stores import Stores


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    token_type: str = "bearer"


async def login(stores: Stores, *, email: str, password: str) -> IssuedToken | None:
    """A token for valid credentials, None otherwise (the caller cannot tell a wrong email from a wrong password)."""
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT id, role, email, password_hash FROM users WHERE lower(email) = lower(%s)", (email,)
        )
        row = await cur.fetchone()
    if not verify_password(password, row["password_hash"] if row else None) or row is None:
        return None
    user = CurrentUser(id=row["id"], role=row["role"], email=row["email"])
    ttl = stores.settings.jwt_ttl_seconds
    return IssuedToken(issue_token(user, secret=stores.settings.jwt_secret, ttl_seconds=ttl), ttl)
