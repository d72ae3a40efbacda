"""Access tokens: HS256 JWTs whose subject is the user id and whose claims carry the role.

The algorithm is pinned on decode so a token cannot choose its own (`alg: none`, key confusion). Each token has
its own id (`jti`), which logout revokes, and the user's token version (`ver`) at issue, which deactivation bumps:
see `clara.auth.identity`.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt
from pydantic import SecretStr

from clara.web.caller import ROLES, CurrentUser

ALGORITHM = "HS256"
ISSUER = "clara"


class InvalidToken(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Token:
    """What a verified token says."""

    user: CurrentUser
    jti: str
    version: int
    expires_at: float  # epoch seconds


def issue_token(user: CurrentUser, *, secret: SecretStr, ttl_seconds: int, version: int = 0,
                now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    claims = {"sub": str(user.id), "role": user.role, "email": user.email, "iss": ISSUER, "iat": issued,
              "exp": issued + ttl_seconds, "jti": str(uuid.uuid4()), "ver": version}
    return jwt.encode(claims, secret.get_secret_value(), algorithm=ALGORITHM)


def read_token(token: str, *, secret: SecretStr, now: float | None = None) -> Token:
    """What a valid token says; InvalidToken when its signature, issuer, expiry (at `now`, default the time) or
    claims do not hold."""
    try:
        claims = jwt.decode(token, secret.get_secret_value(), algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["sub", "exp", "iat", "role", "jti", "ver"], "verify_exp": False})
        if float(claims["exp"]) <= (time.time() if now is None else now):  # as PyJWT's own check: exp <= now
            raise jwt.ExpiredSignatureError("Signature has expired")
        user_id = int(claims["sub"])
        jti = str(uuid.UUID(str(claims["jti"])))
        version = claims["ver"]
        expires_at = float(claims["exp"])
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidToken("the token is invalid or expired") from exc
    if claims["role"] not in ROLES:
        raise InvalidToken("the token carries an unknown role")
    if not isinstance(version, int) or isinstance(version, bool) or not 0 < user_id < 2**62:
        raise InvalidToken("the token is invalid or expired")
    return Token(CurrentUser(id=user_id, role=claims["role"], email=str(claims.get("email", ""))), jti, version,
                 expires_at)
