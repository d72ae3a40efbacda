"""Logging in and out: check an email and password, issue a token, revoke one.

Guessing is bounded per account as well as per IP (`clara.web.ratelimit`): every attempt on an email address,
whether or not an account has it, is counted before the password is checked. `FREE_ATTEMPTS` failures within
an hour are free; the attempt that reaches the count locks the address for `LOCK_SECONDS`, and each later
failure doubles the lock, up to `MAX_LOCK_SECONDS`. A locked address is refused without checking the password,
so parallel guesses gain nothing; a successful login clears the count. Locks PostgreSQL reports are remembered in
memory (`clara.auth.locks`), so a flood of refused attempts costs no store round trip each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from clara.web.caller import CurrentUser
from clara.auth.passwords import PasswordCheckBusy, check_password
from clara.auth.tokens import Token, issue_token
from clara.web.errors import ApiError
from clara.stores import Stores

FREE_ATTEMPTS = 5  # failed logins per address in an hour before the back-off starts
LOCK_SECONDS = 30  # the first lock; doubled by each later failure
MAX_LOCK_SECONDS = 15 * 60
FORGET_AFTER = "1 hour"  # failures older than this no longer count

# This attempt's number: 1 again once the last attempt is FORGET_AFTER old. Computed from the row as the upsert
# locks it, so concurrent attempts each count.
_NUMBER = f"CASE WHEN a.last_attempt < now() - interval '{FORGET_AFTER}' THEN 1 ELSE a.failures + 1 END"
# Count the attempt, unless the address is locked (then no row comes back). Reaching FREE_ATTEMPTS locks at once,
# before the password is checked, so parallel guesses are refused too; a success deletes the row, lock and all.
_ATTEMPT = f"""
INSERT INTO login_attempts AS a (email, failures, last_attempt) VALUES (%s, 1, now())
ON CONFLICT (email) DO UPDATE SET
    failures = {_NUMBER},
    last_attempt = now(),
    locked_until = CASE WHEN {_NUMBER} >= {FREE_ATTEMPTS} THEN now() + make_interval(
        secs => least({LOCK_SECONDS} * power(2, a.failures + 1 - {FREE_ATTEMPTS}), {MAX_LOCK_SECONDS})) END
WHERE a.locked_until IS NULL OR a.locked_until <= now()
RETURNING failures, locked_until IS NOT NULL AS locks
"""
_LOCKED_FOR = "SELECT extract(epoch FROM locked_until - now())::float AS seconds FROM login_attempts WHERE email = %s"
_USER = "SELECT id, role, email, password_hash, active, token_version FROM users WHERE lower(email) = %s"


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int  # seconds
    token_type: Literal["bearer"] = "bearer"


async def login(stores: Stores, *, email: str, password: str) -> IssuedToken:
    """A token for valid credentials of an active account.

    401 `invalid_credentials` for a wrong email or password alike, 403 `account_disabled` for the right password
    of a deactivated account, 429 `login_locked` with Retry-After while the address is locked out, 503
    `login_busy` when more password checks wait than the pool takes (`clara.auth.passwords`).
    """
    address = email.strip().lower()
    known_wait = stores.login_locks.wait(address)
    if known_wait is not None:
        raise _locked(known_wait)
    async with stores.db.connection() as conn:
        cur = await conn.execute(_ATTEMPT, (address,))
        attempt = await cur.fetchone()
        if attempt is None:
            cur = await conn.execute(_LOCKED_FOR, (address,))
            locked = await cur.fetchone()
            wait = locked["seconds"] if locked else None  # None: a success cleared it a moment ago
            if wait is not None and wait > 0:
                stores.login_locks.remember(address, wait)
            raise _locked(wait or 1)
        cur = await conn.execute(_USER, (address,))
        row = await cur.fetchone()
    try:
        verified = await check_password(password, row["password_hash"] if row else None)
    except PasswordCheckBusy:
        raise ApiError(503, "login_busy", "too many logins are being checked; retry in a moment",
                       headers={"Retry-After": "1"}) from None
    if not verified or row is None:
        # `password` for a wrong email too: the app highlights the field to retype, and the answer never tells
        # which addresses have an account
        raise ApiError(401, "invalid_credentials", "email or password is incorrect", "password")
    async with stores.db.connection() as conn:
        await conn.execute("DELETE FROM login_attempts WHERE email = %s", (address,))
    if attempt["locks"]:  # this attempt set the lock its success just lifted: no process may keep refusing
        stores.login_locks.forget(address)
        await stores.cache.invalidate("login_locks", address)
    if not row["active"]:
        raise ApiError(403, "account_disabled", "this account has been deactivated; ask your dispatcher", "email")
    user = CurrentUser(id=row["id"], role=row["role"], email=row["email"])
    ttl = stores.settings.jwt_ttl_seconds
    token = issue_token(user, secret=stores.settings.jwt_secret, ttl_seconds=ttl, version=row["token_version"])
    return IssuedToken(token, ttl)


def _locked(wait_seconds: float) -> ApiError:
    wait = max(1, math.ceil(wait_seconds))
    return ApiError(429, "login_locked", f"too many failed logins for this account; retry in {wait} s", "email",
                    headers={"Retry-After": str(wait)})


async def logout(stores: Stores, *, token: Token) -> None:
    """Revoke `token` on every instance at once; it stays on the deny-list until it would have expired anyway."""
    async with stores.db.connection() as conn:
        await conn.execute(
            "INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES (%s, %s, to_timestamp(%s))"
            " ON CONFLICT (jti) DO NOTHING",
            (token.jti, token.user.id, token.expires_at),
        )
    await stores.identities.changed(token.user.id)


async def purge(stores: Stores) -> int:
    """Forget login attempts nobody has made for an hour and revocations of tokens that expired; the rows gone."""
    async with stores.db.connection() as conn:
        attempts = await conn.execute(
            f"DELETE FROM login_attempts WHERE last_attempt < now() - interval '{FORGET_AFTER}'"
            " AND (locked_until IS NULL OR locked_until < now())")
        revoked = await conn.execute("DELETE FROM revoked_tokens WHERE expires_at < now()")
    return attempts.rowcount + revoked.rowcount
