"""Users as the rest of Clara needs them: who someone is, where their day starts, and how Clara should talk to them.

Every function takes the acting user and applies `clara.web.caller.authorize` before reading anything, so a
technician learns nothing about another user, not even whether the id exists.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Annotated, Any, Literal, get_args

from psycopg.types.json import Jsonb
from pydantic import Field, Strict

from clara.analytics import service as analytics
from clara.web.caller import CurrentUser, authorize
from clara.platform.cache_values import revive
from clara.web.errors import ApiError, not_found, validation_error
from clara.stores import Stores
from clara.stores.postgres import transaction
from clara.users.models import Technician

SkillLevel = Literal["beginner", "intermediate", "expert"]
Units = Literal["imperial", "metric"]
Verbosity = Literal["brief", "normal", "detailed"]
SKILL_LEVELS: tuple[str, ...] = get_args(SkillLevel)
UNITS: tuple[str, ...] = get_args(Units)
VERBOSITIES: tuple[str, ...] = get_args(Verbosity)
VOICE_SPEED = (0.5, 2.0)
VoiceSpeed = Annotated[float, Strict(), Field(ge=VOICE_SPEED[0], le=VOICE_SPEED[1],
                                              description="Speech rate multiplier")]  # strict: `true` is no speed


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    email: str
    role: str
    home: tuple[float, float] | None  # where a technician's day starts when the app sends no position


@dataclass(frozen=True, slots=True)
class Preferences:
    """Defaults mirror user_preferences' column defaults (migration 0001), for users who never set any."""

    skill_level: SkillLevel = "intermediate"
    units: Units = "imperial"
    verbosity: Verbosity = "normal"
    voice_speed: VoiceSpeed = 1.0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


PREFERENCE_FIELDS = tuple(f.name for f in fields(Preferences))


@dataclass(frozen=True, slots=True)
class Account:
    """A user as staff manage them."""

    id: int
    name: str
    email: str
    role: Literal["technician", "dispatcher", "admin"]
    active: bool

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


async def technicians(stores: Stores) -> list[Technician]:
    """Every active technician, by name: whom "where's James at" can mean, and whose days the console shows staff.
    Names are no secret among the company's users; each technician's day is scoped where it is read."""
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT id, name FROM users WHERE role = %s AND active ORDER BY name, id",
                                 ("technician",))
        return [Technician(row["id"], row["name"]) for row in await cur.fetchall()]


async def get_user(stores: Stores, *, actor: CurrentUser, user_id: int) -> User:
    authorize(actor, user_id)
    return revive(User, await stores.cache.get_or_load("users", f"user:{user_id}", lambda: _user(stores, user_id)))


async def _user(stores: Stores, user_id: int) -> User:
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT id, name, email, role, home_latitude, home_longitude FROM users WHERE id = %s", (user_id,)
        )
        row = await cur.fetchone()
    if row is None:
        raise not_found("user", "user_id")
    home = None if row["home_latitude"] is None else (row["home_latitude"], row["home_longitude"])
    return User(row["id"], row["name"], row["email"], row["role"], home)


def require_account_manager(actor: CurrentUser) -> None:
    """Only staff manage accounts (a 403 before anything else about the request is looked at)."""
    if not actor.is_staff:
        raise ApiError(403, "forbidden", "only dispatchers and admins manage accounts", "user_id")


async def set_active(stores: Stores, *, actor: CurrentUser, user_id: int, active: object) -> Account:
    """Deactivate or reactivate an account. A deactivated user's tokens answer 401 at once on every instance, and
    stay dead after a reactivation (the token version moves on): they log in again.

    Staff only: dispatchers manage technicians, admins manage anyone; nobody deactivates their own account.
    """
    require_account_manager(actor)
    if not isinstance(active, bool):
        raise validation_error("active", "active must be true or false")
    if user_id == actor.id and not active:
        raise ApiError(409, "own_account", "you cannot deactivate your own account", "user_id")
    async with transaction(stores.db) as conn:
        cur = await conn.execute("SELECT role FROM users WHERE id = %s FOR UPDATE", (user_id,))
        row = await cur.fetchone()
        if row is None:
            raise not_found("user", "user_id")
        if actor.role != "admin" and row["role"] != "technician":
            raise ApiError(403, "forbidden", "only admins manage dispatchers and admins", "user_id")
        cur = await conn.execute(
            "UPDATE users SET token_version = token_version + (active AND NOT %(active)s)::int, active = %(active)s"
            " WHERE id = %(id)s RETURNING id, name, email, role, active",
            {"active": active, "id": user_id},
        )
        changed = await cur.fetchone()
    assert changed is not None  # the row is locked since the SELECT above
    await stores.identities.changed(user_id)
    return Account(changed["id"], changed["name"], changed["email"], changed["role"], changed["active"])


async def get_preferences(stores: Stores, *, actor: CurrentUser, user_id: int) -> Preferences:
    """The user's preferences; the defaults when they never set any.

    Cached: every open conversation reads them before each turn, so a change made over REST (on any instance,
    `update_preferences` invalidates everywhere) shapes the very next answer.
    """
    authorize(actor, user_id)
    found = await stores.cache.get_or_load("users", f"preferences:{user_id}",
                                           lambda: _load_preferences(stores, user_id))
    return revive(Preferences, found)


async def _load_preferences(stores: Stores, user_id: int) -> Preferences:
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT u.id, p.skill_level, p.units, p.verbosity, p.voice_speed"
            " FROM users u LEFT JOIN user_preferences p ON p.user_id = u.id WHERE u.id = %s",
            (user_id,),
        )
        row = await cur.fetchone()
    if row is None:
        raise not_found("user", "user_id")
    return Preferences() if row["skill_level"] is None else _preferences(row)


def _preferences(row: dict[str, Any]) -> Preferences:
    # voice_speed is a `real`: 1.1 comes back as 1.100000023841858.
    return Preferences(row["skill_level"], row["units"], row["verbosity"], round(float(row["voice_speed"]), 2))


async def update_preferences(
    stores: Stores, *, actor: CurrentUser, user_id: int, skill_level: str | None = None, units: str | None = None,
    verbosity: str | None = None, voice_speed: float | None = None,
) -> Preferences:
    """Change the given preferences, keep the rest; returns them all. What the change replaced is kept, so
    `revert_preferences` can put it back ("switch me back"); a change that changes nothing keeps the last one's."""
    authorize(actor, user_id)
    _choice("skill_level", skill_level, SKILL_LEVELS)
    _choice("units", units, UNITS)
    _choice("verbosity", verbosity, VERBOSITIES)
    if voice_speed is not None and not (math.isfinite(voice_speed) and VOICE_SPEED[0] <= voice_speed <= VOICE_SPEED[1]):
        raise validation_error("voice_speed", f"voice_speed must be between {VOICE_SPEED[0]} and {VOICE_SPEED[1]}")
    given = {"skill_level": skill_level, "units": units, "verbosity": verbosity, "voice_speed": voice_speed}
    async with transaction(stores.db) as conn:
        await conn.execute(
            "INSERT INTO user_preferences (user_id) SELECT id FROM users WHERE id = %s"
            " ON CONFLICT (user_id) DO NOTHING",
            (user_id,),
        )
        # Locked for the transaction: two changes racing each other both land, and each records what it replaced.
        cur = await conn.execute("SELECT skill_level, units, verbosity, voice_speed FROM user_preferences"
                                 " WHERE user_id = %s FOR UPDATE", (user_id,))
        before = await cur.fetchone()
        if before is None:
            raise not_found("user", "user_id")
        old = _preferences(before).as_json()
        replaced = {name: old[name] for name, value in given.items() if value is not None and value != old[name]}
        # A change that changes nothing keeps what the last one replaced, so "switch me back" still undoes that.
        cur = await conn.execute(
            "UPDATE user_preferences SET skill_level = coalesce(%(skill_level)s, skill_level),"
            " units = coalesce(%(units)s, units), verbosity = coalesce(%(verbosity)s, verbosity),"
            " voice_speed = coalesce(%(voice_speed)s::real, voice_speed),"
            " replaced = CASE WHEN %(replaced)s::jsonb = '{}'::jsonb THEN replaced ELSE %(replaced)s::jsonb END,"
            " updated_at = now() WHERE user_id = %(user_id)s RETURNING skill_level, units, verbosity, voice_speed",
            {**given, "replaced": Jsonb(replaced), "user_id": user_id},
        )
        row = await cur.fetchone()
    await stores.cache.invalidate("users", f"preferences:{user_id}")
    await analytics.record(stores, type="preference_changed", user_id=user_id,
                           properties={"fields": [name for name, value in given.items() if value is not None]})
    return _preferences(row)


async def revert_preferences(stores: Stores, *, actor: CurrentUser, user_id: int) -> Preferences:
    """Undo the last preference change ("switch me back"); undoing twice restores the change. Nothing changed
    yet: a 400 naming `revert`, so the technician is asked for the setting they want."""
    authorize(actor, user_id)
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT replaced FROM user_preferences WHERE user_id = %s", (user_id,))
        row = await cur.fetchone()
    if not row or not row["replaced"]:
        raise validation_error("revert", "nothing was changed yet to switch back; tell me the setting you want")
    return await update_preferences(stores, actor=actor, user_id=user_id, **row["replaced"])


async def change_preferences(
    stores: Stores, *, actor: CurrentUser, user_id: int, skill_level: str | None = None, units: str | None = None,
    verbosity: str | None = None, revert: bool = False,
) -> Preferences:
    """What the agent's and MCP's `set_preferences` do: the values said, or, with none said and `revert`, the last
    change undone ("switch me back"). One rule for both tools."""
    if revert and not (skill_level or units or verbosity):
        return await revert_preferences(stores, actor=actor, user_id=user_id)
    return await update_preferences(stores, actor=actor, user_id=user_id, skill_level=skill_level, units=units,
                                    verbosity=verbosity)


def _choice(field: str, value: str | None, options: tuple[str, ...]) -> None:
    if value is not None and value not in options:
        raise validation_error(field, f"{field} must be one of: {', '.join(options)}")
