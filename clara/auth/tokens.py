"""Access tokens: HS256 JWTs whose subject is the user id and whose claims carry the role.

The algorithm is pinned on decode so a token cannot choose its own (`alg: none`, key confusion).
"""

from __future__ import annotations

import time

import jwt

from clara.auth.models import ROLES, CurrentUser

ALGORITHM = "HS256"
ISSUER = "clara"


class InvalidToken(Exception):
    pass


def issue_token(user: CurrentUser, *, secret: str, ttl_seconds: int, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    claims = {"sub": str(user.id), "role": user.role, "email": user.email, "iss": ISSUER, "iat": issued,
              "exp": issued + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, *, secret: str) -> tuple[CurrentUser, float]:
    """The user a valid token names, and when (epoch seconds) the token expires."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["sub", "exp", "iat", "role"]})
        user_id = int(claims["sub"])
        expires_at = float(claims["exp"])
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidToken("the token is invalid or expired") from exc
    if claims["role"] not in ROLES:
        raise InvalidToken("the token carries an unknown role")
    return CurrentUser(id=user_id, role=claims["role"], email=str(claims.get("email", ""))), expires_at
