"""`GET|PUT /clara-server/users/{user_id}/preferences`: how Clara should talk to this technician."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Strict, model_validator
from pydantic_core import PydanticCustomError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clara.web.http import Id, Input, accepts, current_user, respond
from clara.users import service


class PreferencesUpdate(Input):
    """Only the preferences to change; the others keep their values."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    skill_level: service.SkillLevel | None = None
    units: service.Units | None = None
    verbosity: service.Verbosity | None = None
    voice_speed: service.VoiceSpeed | None = None

    @model_validator(mode="after")
    def _something(self) -> PreferencesUpdate:
        """A null leaves its preference as it is, so a body of nulls changes nothing: a 400 like an empty one, not a
        200 that recorded a `preference_changed` event naming no field."""
        if all(getattr(self, name) is None for name in self.model_fields_set):
            raise PydanticCustomError("empty", "send at least one preference to change", {"field": "body"})
        return self


class AccountUpdate(Input):
    model_config = ConfigDict(extra="forbid")

    active: Annotated[bool, Strict()]


@accepts(scoped="user_id", answers=service.Preferences)
async def get_preferences(request: Request, user_id: int) -> Response:
    """
    summary: A user's preferences
    tags: [users]
    """
    actor = current_user(request)
    preferences = await service.get_preferences(request.app.state.stores, actor=actor, user_id=user_id)
    return respond(preferences)


@accepts(body=PreferencesUpdate, scoped="user_id", answers=service.Preferences)
async def put_preferences(request: Request, body: PreferencesUpdate, user_id: int) -> Response:
    """
    summary: Change some of a user's preferences
    description: Send only the fields to change; the others keep their values. Unknown fields are refused.
    tags: [users]
    """
    preferences = await service.update_preferences(
        request.app.state.stores, actor=current_user(request), user_id=user_id,
        skill_level=body.skill_level, units=body.units, verbosity=body.verbosity, voice_speed=body.voice_speed,
    )
    return respond(preferences)


@accepts(body=AccountUpdate, path={"user_id": Id}, guard=service.require_account_manager, answers=service.Account,
         errors={409: "Your own account"})
async def update_account(request: Request, body: AccountUpdate, user_id: int) -> Response:
    """
    summary: Deactivate or reactivate an account (staff only)
    description: >
      {"active": false} makes every token of the user answer 401 at once, on every instance; {"active": true}
      lets them log in again (old tokens stay dead). Dispatchers manage technicians; admins manage anyone; nobody
      deactivates their own account (409).
    tags: [users]
    """
    account = await service.set_active(request.app.state.stores, actor=current_user(request),
                                       user_id=user_id, active=body.active)
    return respond(account)


routes = [
    Route("/clara-server/users/{user_id}", update_account, methods=["PATCH"]),
    Route("/clara-server/users/{user_id}/preferences", get_preferences, methods=["GET"]),
    Route("/clara-server/users/{user_id}/preferences", put_preferences, methods=["PUT"]),
]
