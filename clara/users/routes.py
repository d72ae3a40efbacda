"""`GET|PUT /clara-server/users/{user_id}/preferences`: how Clara should talk to this technician."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clara.errors import validation_error
from clara.http import current_user, get_float, get_str, json_body, path_int, require_user_access
from clara.openapi import register_schemas
from clara.users import service

_PROPERTIES = {
    "skill_level": {"enum": list(service.SKILL_LEVELS)},
    "units": {"enum": list(service.UNITS)},
    "verbosity": {"enum": list(service.VERBOSITIES)},
    "voice_speed": {"type": "number", "minimum": service.VOICE_SPEED[0], "maximum": service.VOICE_SPEED[1],
                    "description": "Speech rate multiplier"},
}
register_schemas(
    {
        "Preferences": {"type": "object", "required": list(service.PREFERENCE_FIELDS), "properties": _PROPERTIES},
        "PreferencesUpdate": {"type": "object", "additionalProperties": False, "minProperties": 1,
                              "properties": _PROPERTIES},
        "Account": {
            "type": "object",
            "required": ["id", "name", "email", "role", "active"],
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
                           "role": {"enum": ["technician", "dispatcher", "admin"]}, "active": {"type": "boolean"}},
        },
        "AccountUpdate": {"type": "object", "required": ["active"], "additionalProperties": False,
                          "properties": {"active": {"type": "boolean"}}},
    }
)


async def get_preferences(request: Request) -> JSONResponse:
    """
    summary: A user's preferences
    tags: [users]
    parameters:
      - {name: user_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    responses:
      200: {description: The preferences, content: {application/json: {schema: {$ref: '#/components/schemas/Preferences'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    user_id = path_int(request, "user_id")
    actor = require_user_access(request, user_id)
    preferences = await service.get_preferences(request.app.state.stores, actor=actor, user_id=user_id)
    return JSONResponse(preferences.as_json())


async def put_preferences(request: Request) -> JSONResponse:
    """
    summary: Change some of a user's preferences
    description: Send only the fields to change; the others keep their values. Unknown fields are refused.
    tags: [users]
    parameters:
      - {name: user_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/PreferencesUpdate'}}}}
    responses:
      200: {description: All preferences after the change, content: {application/json: {schema: {$ref: '#/components/schemas/Preferences'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    user_id = path_int(request, "user_id")
    actor = require_user_access(request, user_id)
    body = await json_body(request)
    unknown = sorted(set(body) - set(service.PREFERENCE_FIELDS))
    if unknown:
        name = unknown[0][:64]
        raise validation_error(name, f"unknown preference {name!r}; known: {', '.join(service.PREFERENCE_FIELDS)}")
    if not body:
        raise validation_error("body", "send at least one preference to change")
    preferences = await service.update_preferences(
        request.app.state.stores, actor=actor, user_id=user_id,
        skill_level=get_str(body, "skill_level", max_length=32), units=get_str(body, "units", max_length=32),
        verbosity=get_str(body, "verbosity", max_length=32), voice_speed=get_float(body, "voice_speed"),
    )
    return JSONResponse(preferences.as_json())


async def update_account(request: Request) -> JSONResponse:
    """
    summary: Deactivate or reactivate an account (staff only)
    description: >
      {"active": false} makes every token of the user answer 401 at once, on every instance; {"active": true}
      lets them log in again (old tokens stay dead). Dispatchers manage technicians; admins manage anyone; nobody
      deactivates their own account (409).
    tags: [users]
    parameters:
      - {name: user_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/AccountUpdate'}}}}
    responses:
      200: {description: The account after the change, content: {application/json: {schema: {$ref: '#/components/schemas/Account'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      409: {description: Your own account, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    user_id = path_int(request, "user_id")
    actor = current_user(request)
    body = await json_body(request)
    unknown = sorted(set(body) - {"active"})
    if unknown:
        raise validation_error(unknown[0][:64], "only active can be changed")
    account = await service.set_active(request.app.state.stores, actor=actor, user_id=user_id,
                                       active=body.get("active"))
    return JSONResponse(account.as_json())


routes = [
    Route("/clara-server/users/{user_id}", update_account, methods=["PATCH"]),
    Route("/clara-server/users/{user_id}/preferences", get_preferences, methods=["GET"]),
    Route("/clara-server/users/{user_id}/preferences", put_preferences, methods=["PUT"]),
]
