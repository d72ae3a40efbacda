"""CRM routes: list and read customers, and find the customer at a place a technician names."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clara.crm import service
from clara.http import current_user, get_int, get_str, path_int
from clara.openapi import register_schemas

_NULLABLE_STRING = {"type": ["string", "null"]}
_JOB_SUMMARY = {
    "type": "object",
    "required": ["id", "type", "status", "scheduled_start", "site_id", "site_name", "technician_id",
                 "technician_name", "notes"],
    "properties": {
        "id": {"type": "integer"},
        "type": {"type": "string"},
        "status": {"enum": ["scheduled", "en_route", "in_progress", "completed", "cancelled"]},
        "scheduled_start": {"type": "string", "format": "date-time"},
        "site_id": {"type": "integer"},
        "site_name": {"type": "string"},
        "technician_id": {"type": ["integer", "null"]},
        "technician_name": _NULLABLE_STRING,
        "notes": _NULLABLE_STRING,
    },
}

register_schemas(
    {
        "Site": {
            "type": "object",
            "required": ["id", "name", "address", "city", "state", "postal_code", "latitude", "longitude",
                         "access_notes"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "address": {"type": "string", "description": "Street address"},
                "city": {"type": "string"},
                "state": {"type": "string"},
                "postal_code": _NULLABLE_STRING,
                "latitude": {"type": "number"},
                "longitude": {"type": "number"},
                "access_notes": _NULLABLE_STRING,
            },
        },
        "Contact": {
            "type": "object",
            "required": ["id", "name", "title", "phone", "email", "is_primary", "site_id"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "title": _NULLABLE_STRING,
                "phone": _NULLABLE_STRING,
                "email": _NULLABLE_STRING,
                "is_primary": {"type": "boolean"},
                "site_id": {"type": ["integer", "null"]},
            },
        },
        "Opportunity": {
            "type": "object",
            "required": ["id", "title", "value", "stage"],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "value": {"type": "number"},
                "stage": {"enum": ["prospecting", "qualification", "proposal", "negotiation", "closed_won",
                                   "closed_lost"]},
            },
        },
        "JobSummary": _JOB_SUMMARY,
        "Customer": {
            "type": "object",
            "required": ["id", "name", "segment", "lifetime_value", "notes", "special_requirements", "sites",
                         "contacts", "opportunities", "recent_jobs", "upcoming_jobs"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "segment": {"type": "string"},
                "lifetime_value": {"type": "number", "description": "US dollars"},
                "notes": _NULLABLE_STRING,
                "special_requirements": {"type": "array", "items": {"type": "string"}},
                "sites": {"type": "array", "items": {"$ref": "#/components/schemas/Site"}},
                "contacts": {"type": "array", "items": {"$ref": "#/components/schemas/Contact"}},
                "opportunities": {"type": "array", "items": {"$ref": "#/components/schemas/Opportunity"}},
                "recent_jobs": {"type": "array", "items": {"$ref": "#/components/schemas/JobSummary"},
                                "description": "Up to five jobs that started before now, newest first"},
                "upcoming_jobs": {"type": "array", "items": {"$ref": "#/components/schemas/JobSummary"},
                                  "description": "Up to five jobs from now on, soonest first"},
            },
        },
        "CustomerList": {
            "type": "object",
            "required": ["customers", "total"],
            "properties": {
                "customers": {"type": "array", "items": {"$ref": "#/components/schemas/Customer"}},
                "total": {"type": "integer", "description": "Matching customers across all pages"},
            },
        },
        "CustomerMatch": {
            "allOf": [
                {"$ref": "#/components/schemas/Customer"},
                {
                    "type": "object",
                    "required": ["match"],
                    "properties": {
                        "match": {
                            "type": "object",
                            "required": ["site_id", "score"],
                            "properties": {
                                "site_id": {"type": "integer"},
                                "score": {"type": "number", "minimum": 0, "maximum": 1},
                            },
                        }
                    },
                },
            ]
        },
    }
)


async def list_customers(request: Request) -> JSONResponse:
    """
    summary: List customers, optionally searched by name, site or address
    tags: [crm]
    parameters:
      - {name: q, in: query, schema: {type: string, maxLength: 200},
         description: "Matches customer names, site names and street addresses (case, punctuation, abbreviations and small typos tolerated)"}
      - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 20}}
      - {name: offset, in: query, schema: {type: integer, minimum: 0, maximum: 1000000, default: 0}}
    responses:
      200: {description: A page of customers, content: {application/json: {schema: {$ref: '#/components/schemas/CustomerList'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
    """
    current_user(request)
    params = request.query_params
    page = await service.list_customers(
        request.app.state.stores,
        q=get_str(params, "q", strip=False),
        limit=get_int(params, "limit", default=20),  # type: ignore[arg-type]  # a default is given
        offset=get_int(params, "offset", default=0),  # type: ignore[arg-type]
    )
    return JSONResponse(page.as_json())


async def get_customer(request: Request) -> JSONResponse:
    """
    summary: One customer with sites, contacts, opportunities, special requirements and jobs
    tags: [crm]
    parameters:
      - {name: customer_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    responses:
      200: {description: The customer, content: {application/json: {schema: {$ref: '#/components/schemas/Customer'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    current_user(request)
    customer = await service.get_customer(request.app.state.stores, customer_id=path_int(request, "customer_id"))
    return JSONResponse(customer.as_json())


async def customer_by_location(request: Request) -> JSONResponse:
    """
    summary: The customer best matching a site name, customer name or street address
    description: >
      "WeWork", "123 main street", "ABC Mfg" and "456 Industrial Pkwy" all find their customer: case, punctuation,
      common abbreviations (St, Ave, Blvd, Pkwy, Rd, Dr, Mfg...) and small typos are tolerated, and a house number
      must match exactly. `match.site_id` is the site that matched. 404 with code `not_found` when nothing matches
      well, or `ambiguous_location` when several customers match equally (for example a bare city name).
    tags: [crm]
    parameters:
      - {name: location, in: path, required: true, schema: {type: string, maxLength: 200}}
    responses:
      200: {description: The matching customer, content: {application/json: {schema: {$ref: '#/components/schemas/CustomerMatch'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    current_user(request)
    located = await service.customer_by_location(request.app.state.stores, location=request.path_params["location"])
    return JSONResponse(located.as_json())


routes = [
    Route("/clara-server/crm/customers", list_customers, methods=["GET"]),
    Route("/clara-server/crm/customers/by-location/{location:path}", customer_by_location, methods=["GET"]),
    Route("/clara-server/crm/customers/{customer_id}", get_customer, methods=["GET"]),
]
