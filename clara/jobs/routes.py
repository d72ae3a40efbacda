"""Jobs routes: the day's jobs, one job, the daily brief, status and deficiency updates, voice tokens, travel time."""

from __future__ import annotations

from typing import Any, Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clara.errors import ApiError, validation_error
from clara.http import current_user, get_date, get_int, get_point, get_str, json_body, path_int
from clara.jobs import service, travel
from clara.jobs.models import SEVERITIES, STATUSES
from clara.openapi import register_schemas

_NULLABLE_STRING = {"type": ["string", "null"]}
_POINT = {
    "type": "object",
    "required": ["latitude", "longitude"],
    "properties": {
        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
        "longitude": {"type": "number", "minimum": -180, "maximum": 180},
    },
}
_PLACE = {"oneOf": [{"type": "string", "minLength": 1, "maxLength": 200,
                     "description": "A customer, site name or street address we serve"}, _POINT]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


register_schemas(
    {
        "Job": {
            "type": "object",
            "required": ["id", "status", "type", "priority", "scheduled_start", "duration_minutes", "technician_id",
                         "customer", "site", "systems", "notes", "distance_km", "travel_seconds", "travel_source"],
            "properties": {
                "id": {"type": "integer"},
                "status": {"enum": list(STATUSES)},
                "type": {"type": "string"},
                "priority": {"enum": ["low", "normal", "high", "emergency"]},
                "scheduled_start": {"type": "string", "format": "date-time",
                                    "description": "ISO-8601 with the company time zone's offset"},
                "duration_minutes": {"type": "integer"},
                "technician_id": {"type": ["integer", "null"]},
                "customer": {"type": "object", "required": ["id", "name"],
                             "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                "site": {
                    "type": "object",
                    "required": ["id", "name", "address", "city", "latitude", "longitude"],
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                   "address": {"type": "string"}, "city": {"type": "string"},
                                   "latitude": {"type": "number"}, "longitude": {"type": "number"}},
                },
                "systems": {"type": "array", "items": {"type": "string"}},
                "notes": _NULLABLE_STRING,
                "distance_km": {"type": ["number", "null"], "description": "Road distance; null without a start point"},
                "travel_seconds": {"type": ["integer", "null"]},
                "travel_source": {"enum": ["google", "estimate", None]},
            },
        },
        "JobList": {"type": "object", "required": ["jobs"], "properties": {"jobs": _array("Job")}},
        "Equipment": {
            "type": "object",
            "required": ["id", "type", "manufacturer", "model", "serial", "location", "install_date", "last_inspected",
                         "inspection_interval_days", "nfpa_standard", "next_inspection_due", "overdue"],
            "properties": {
                "id": {"type": "integer"},
                "type": {"type": "string"},
                "manufacturer": {"type": "string"},
                "model": {"type": "string"},
                "serial": _NULLABLE_STRING,
                "location": _NULLABLE_STRING,
                "install_date": {"type": ["string", "null"], "format": "date"},
                "last_inspected": {"type": ["string", "null"], "format": "date"},
                "inspection_interval_days": {"type": "integer"},
                "nfpa_standard": _NULLABLE_STRING,
                "next_inspection_due": {"type": "string", "format": "date"},
                "overdue": {"type": "boolean"},
            },
        },
        "Deficiency": {
            "type": "object",
            "required": ["id", "site_id", "equipment_id", "job_id", "severity", "status", "description", "location",
                         "reported_by", "created_at", "fixed_at"],
            "properties": {
                "id": {"type": "integer"},
                "site_id": {"type": "integer"},
                "equipment_id": {"type": ["integer", "null"]},
                "job_id": {"type": ["integer", "null"]},
                "severity": {"enum": list(SEVERITIES)},
                "status": {"enum": ["new", "fixed", "verified"]},
                "description": {"type": "string"},
                "location": _NULLABLE_STRING,
                "reported_by": {"type": ["integer", "null"]},
                "created_at": {"type": "string", "format": "date-time"},
                "fixed_at": {"type": ["string", "null"], "format": "date-time"},
            },
        },
        "JobDetail": {
            "allOf": [
                _ref("Job"),
                {
                    "type": "object",
                    "required": ["special_requirements", "access_notes", "equipment", "deficiencies"],
                    "properties": {
                        "special_requirements": {"type": "array", "items": {"type": "string"}},
                        "access_notes": _NULLABLE_STRING,
                        "equipment": _array("Equipment"),
                        "deficiencies": {**_array("Deficiency"), "description": "Open deficiencies, worst first"},
                    },
                },
            ]
        },
        "Highlight": {
            "type": "object",
            "required": ["kind", "subject", "detail", "message", "job_id"],
            "properties": {
                "kind": {"enum": ["high_priority", "special_requirement", "inoperable_deficiency"]},
                "subject": {"type": "string"},
                "detail": {"type": "string"},
                "message": {"type": "string"},
                "job_id": {"type": "integer"},
            },
        },
        "DailyBrief": {
            "type": "object",
            "required": ["date", "technician", "jobs", "total_travel_seconds", "total_distance_km", "highlights",
                         "spoken_summary"],
            "properties": {
                "date": {"type": "string", "format": "date"},
                "technician": {"type": "object", "required": ["id", "name"],
                               "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                "jobs": {**_array("Job"), "description": "Remaining jobs in driving order; travel is per leg"},
                "total_travel_seconds": {"type": "integer"},
                "total_distance_km": {"type": "number"},
                "highlights": _array("Highlight"),
                "spoken_summary": {"type": "string", "description": "Plain sentences for text-to-speech"},
            },
        },
        "JobUpdate": {
            "type": "object",
            "properties": {"status": {"enum": list(STATUSES)},
                           "notes": {"type": ["string", "null"], "maxLength": 5000}},
        },
        "DeficiencyReport": {
            "type": "object",
            "required": ["severity", "description"],
            "properties": {
                "severity": {"enum": list(SEVERITIES)},
                "description": {"type": "string", "minLength": 1, "maxLength": 2000},
                "equipment_id": {"type": ["integer", "null"], "minimum": 1},
                "location": {"type": ["string", "null"], "maxLength": 200},
            },
        },
        "NewEquipment": {
            "type": "object",
            "required": ["manufacturer", "model", "type"],
            "properties": {
                "manufacturer": {"type": "string", "minLength": 1, "maxLength": 100},
                "model": {"type": "string", "minLength": 1, "maxLength": 100},
                "type": {"type": "string", "minLength": 1, "maxLength": 100,
                         "description": "What the unit is, e.g. 'Packaged rooftop heat pump'"},
                "serial": {"type": ["string", "null"], "maxLength": 100},
                "location": {"type": ["string", "null"], "maxLength": 200, "description": "Where on site"},
            },
        },
        "LiveKitTokenRequest": {
            "type": "object",
            "required": ["userId", "jobId"],
            "properties": {"userId": {"type": "integer", "minimum": 1}, "jobId": {"type": "integer", "minimum": 1}},
        },
        "LiveKitToken": {
            "type": "object",
            "required": ["token", "room", "url"],
            "properties": {"token": {"type": "string"}, "room": {"type": "string", "pattern": "^job-[0-9]+$"},
                           "url": {"type": "string"}},
        },
        "TravelTimeRequest": {
            "type": "object",
            "required": ["origin", "destination"],
            "properties": {"origin": _PLACE, "destination": _PLACE},
        },
        "TravelTime": {
            "type": "object",
            "required": ["duration", "distance", "source"],
            "properties": {
                "duration": {"type": "integer", "description": "Seconds"},
                "distance": {"type": "number", "description": "Kilometres"},
                "source": {"enum": ["google", "estimate"]},
            },
        },
    }
)


async def list_jobs(request: Request) -> JSONResponse:
    """
    summary: The caller's jobs for one day
    description: >
      Jobs for one day, which defaults to today in the company's time zone (COMPANY_TIMEZONE) even when no other
      filter is given, so the app's first call shows today's work. With latitude and longitude the jobs are sorted
      by travel time from that point and carry distance_km, travel_seconds and travel_source; without them they are
      sorted by scheduled start and those fields are null. Dispatchers and admins may pass user_id to see a
      technician's jobs; a technician passing another user's id gets 403.
    tags: [jobs]
    parameters:
      - {name: latitude, in: query, schema: {type: number, minimum: -90, maximum: 90}, description: "With longitude: where the technician is now"}
      - {name: longitude, in: query, schema: {type: number, minimum: -180, maximum: 180}}
      - {name: date, in: query, schema: {type: string, format: date}, description: "Defaults to today in the company time zone"}
      - {name: status, in: query, schema: {enum: [scheduled, en_route, in_progress, completed, cancelled]}}
      - {name: user_id, in: query, schema: {type: integer, minimum: 1}, description: "Staff only: whose jobs"}
    responses:
      200: {description: The jobs, content: {application/json: {schema: {$ref: '#/components/schemas/JobList'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    actor = current_user(request)
    params = request.query_params
    jobs = await service.list_jobs(
        request.app.state.stores, actor=actor, user_id=get_int(params, "user_id", minimum=1),
        origin=get_point(params), on=get_date(params, "date"), status=get_str(params, "status", max_length=32),
    )
    return JSONResponse({"jobs": [job.as_json() for job in jobs]})


async def get_job(request: Request) -> JSONResponse:
    """
    summary: One job with its site's equipment and open deficiencies
    tags: [jobs]
    parameters:
      - {name: job_id, in: path, required: true, schema: {type: integer, minimum: 1}}
      - {name: latitude, in: query, schema: {type: number, minimum: -90, maximum: 90}, description: "With longitude: price the trip there"}
      - {name: longitude, in: query, schema: {type: number, minimum: -180, maximum: 180}}
    responses:
      200: {description: The job, content: {application/json: {schema: {$ref: '#/components/schemas/JobDetail'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    actor = current_user(request)
    job_id = path_int(request, "job_id")
    detail = await service.get_job(
        request.app.state.stores, actor=actor, job_id=job_id, origin=get_point(request.query_params)
    )
    return JSONResponse(detail.as_json())


async def update_job(request: Request) -> JSONResponse:
    """
    summary: Change a job's status or notes
    description: >
      Status moves forward along scheduled, en_route, in_progress, completed (steps may be skipped), or to cancelled
      while the job is open; anything else is 409 invalid_transition. Sending the current status again is a no-op.
      notes replaces the notes; "" or null clears them. Technicians change their own jobs; dispatchers and admins
      any job.
    tags: [jobs]
    parameters:
      - {name: job_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/JobUpdate'}}}}
    responses:
      200: {description: The updated job, content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      409: {description: Not a permitted status change, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    actor = current_user(request)
    job_id = path_int(request, "job_id")
    body = await json_body(request)
    notes = get_str(body, "notes")
    job = await service.update_job(
        request.app.state.stores, actor=actor, job_id=job_id, status=get_str(body, "status", max_length=32),
        notes="" if notes is None and "notes" in body else notes,
    )
    return JSONResponse(job.as_json())


async def report_deficiency(request: Request) -> JSONResponse:
    """
    summary: Log a deficiency found during a job
    tags: [jobs]
    parameters:
      - {name: job_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/DeficiencyReport'}}}}
    responses:
      201: {description: Logged, content: {application/json: {schema: {$ref: '#/components/schemas/Deficiency'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    actor = current_user(request)
    job_id = path_int(request, "job_id")
    body = await json_body(request)
    deficiency = await service.log_deficiency(
        request.app.state.stores, actor=actor, job_id=job_id,
        equipment_id=get_int(body, "equipment_id", minimum=1, maximum=2**62),
        severity=get_str(body, "severity", required=True, max_length=32),  # type: ignore[arg-type]  # required
        description=get_str(body, "description", required=True),  # type: ignore[arg-type]
        location=get_str(body, "location"),
    )
    return JSONResponse(deficiency.as_json(), 201)


async def add_equipment(request: Request) -> JSONResponse:
    """
    summary: Add a unit to the job's site equipment register (e.g. one identified from its nameplate)
    description: >
      Technicians add to their own jobs' sites; dispatchers and admins to any. A unit whose serial is already
      registered at the site is not added twice: the existing one comes back with 200.
    tags: [jobs, equipment]
    parameters:
      - {name: job_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/NewEquipment'}}}}
    responses:
      201: {description: Added, content: {application/json: {schema: {$ref: '#/components/schemas/Equipment'}}}}
      200: {description: Already registered at the site (same serial), content: {application/json: {schema: {$ref: '#/components/schemas/Equipment'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    actor = current_user(request)
    job_id = path_int(request, "job_id")
    body = await json_body(request)
    equipment, created = await service.add_equipment(
        request.app.state.stores, actor=actor, job_id=job_id,
        manufacturer=get_str(body, "manufacturer", required=True, max_length=service.MAX_LABEL),  # type: ignore[arg-type]
        model=get_str(body, "model", required=True, max_length=service.MAX_LABEL),  # type: ignore[arg-type]
        type=get_str(body, "type", required=True, max_length=service.MAX_LABEL),  # type: ignore[arg-type]
        serial=get_str(body, "serial", max_length=service.MAX_LABEL),
        location=get_str(body, "location", max_length=service.MAX_LOCATION),
    )
    return JSONResponse(equipment.as_json(), 201 if created else 200)


async def mark_fixed(request: Request) -> JSONResponse:
    """
    summary: Mark a deficiency fixed
    description: >
      Idempotent. Technicians may mark deficiencies at sites where they have jobs, or ones they reported;
      dispatchers and admins any. 409 once a deficiency has been verified.
    tags: [jobs]
    parameters:
      - {name: deficiency_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    responses:
      200: {description: 'The deficiency, now fixed', content: {application/json: {schema: {$ref: '#/components/schemas/Deficiency'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      409: {description: Already verified, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    actor = current_user(request)
    deficiency = await service.mark_deficiency_fixed(
        request.app.state.stores, actor=actor, deficiency_id=path_int(request, "deficiency_id")
    )
    return JSONResponse(deficiency.as_json())


async def daily_brief(request: Request) -> JSONResponse:
    """
    summary: The day's remaining jobs in driving order, highlights, and a summary ready for speech
    description: >
      The route keeps the appointments: jobs in order of scheduled start, and jobs booked for the same time
      nearest first from the given point (else the technician's home); each job's distance and travel time are
      the leg from the stop before it. Highlights flag high-priority jobs, customers' special
      requirements and open inoperable deficiencies at the day's sites. Dispatchers and admins may pass user_id.
    tags: [jobs]
    parameters:
      - {name: latitude, in: query, schema: {type: number, minimum: -90, maximum: 90}, description: "With longitude: where the technician is now"}
      - {name: longitude, in: query, schema: {type: number, minimum: -180, maximum: 180}}
      - {name: date, in: query, schema: {type: string, format: date}, description: "Defaults to today in the company time zone"}
      - {name: user_id, in: query, schema: {type: integer, minimum: 1}, description: "Staff only: whose brief"}
    responses:
      200: {description: The brief, content: {application/json: {schema: {$ref: '#/components/schemas/DailyBrief'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    actor = current_user(request)
    params = request.query_params
    result = await service.daily_brief(
        request.app.state.stores, actor=actor, user_id=get_int(params, "user_id", minimum=1),
        origin=get_point(params), on=get_date(params, "date"),
    )
    return JSONResponse(result.as_json())


async def livekit_token(request: Request) -> JSONResponse:
    """
    summary: A LiveKit token for a job's voice room, with the Clara agent dispatched into it
    description: >
      The token lets userId join room job-<jobId>; its room configuration dispatches the agent named "clara" with
      metadata {"user_id", "job_id"}. A technician may ask only for themself and their own jobs.
    tags: [jobs, voice]
    requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/LiveKitTokenRequest'}}}}
    responses:
      200: {description: Token issued, content: {application/json: {schema: {$ref: '#/components/schemas/LiveKitToken'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      503: {$ref: '#/components/responses/Unavailable'}
    """
    actor = current_user(request)
    body = await json_body(request)
    user_id = get_int(body, "userId", required=True, minimum=1, maximum=2**62)
    job_id = get_int(body, "jobId", required=True, minimum=1, maximum=2**62)
    assert user_id is not None and job_id is not None
    token = await service.livekit_token(request.app.state.stores, actor=actor, user_id=user_id, job_id=job_id)
    return JSONResponse(token.as_json())


async def travel_time(request: Request) -> JSONResponse:
    """
    summary: Driving time and distance between two places
    description: >
      Each place is {latitude, longitude} or the name or street address of one of our customers' sites.
      422 unknown_location or ambiguous_location when a name does not pin down one site.
    tags: [jobs]
    requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/TravelTimeRequest'}}}}
    responses:
      200: {description: The trip, content: {application/json: {schema: {$ref: '#/components/schemas/TravelTime'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      422: {$ref: '#/components/responses/Unprocessable'}
    """
    current_user(request)
    body = await json_body(request)
    result = await travel.travel_time(
        request.app.state.stores, origin=_place(body, "origin"), destination=_place(body, "destination")
    )
    return JSONResponse(result.as_json())


def _place(body: Mapping[str, Any], name: str) -> travel.Place:
    value = body.get(name)
    if isinstance(value, str):
        return get_str(body, name, required=True, max_length=200)  # type: ignore[return-value]  # required
    if isinstance(value, dict):
        try:
            point = get_point(value)
        except ApiError as exc:
            raise validation_error(f"{name}.{exc.field}", exc.message) from None
        if point is not None:
            return point
    raise validation_error(name, f"{name} must be an address or an object with latitude and longitude")


routes = [
    Route("/jobs", list_jobs, methods=["GET"]),
    Route("/jobs/{job_id}", get_job, methods=["GET"]),
    Route("/jobs/{job_id}", update_job, methods=["PATCH"]),
    Route("/jobs/{job_id}/deficiencies", report_deficiency, methods=["POST"]),
    Route("/jobs/{job_id}/equipment", add_equipment, methods=["POST"]),
    Route("/daily-brief", daily_brief, methods=["GET"]),
    Route("/clara-server/jobs/get-token", livekit_token, methods=["POST"]),
    Route("/clara-server/travel-time", travel_time, methods=["POST"]),
    Route("/clara-server/deficiencies/{deficiency_id}/fixed", mark_fixed, methods=["POST"]),
]
