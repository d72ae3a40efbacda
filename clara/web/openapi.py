"""The OpenAPI 3.1 document: each route's YAML docstring (its prose: summary, description, tags, and a sentence per
status where the status needs one) plus what its declaration says. Component schemas are generated from the
domain's pydantic models and dataclasses (`register_types`); each route's path and query parameters, request body,
success answers and refusals from what it `accepts` (clara.web.http): 401 unless public, 403 when scoped or
guarded, 400 for input, 404 for a path, and the statuses only its rules know (`errors=`). Nothing is written twice.

`routes` also carries `/docs` (`clara.web.docs_page`), which reads this document: the two are served, or hidden,
together.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode
from starlette.schemas import SchemaGenerator

from clara.web import docs_page
from clara.web.errors import ErrorBody
from clara.web.http import Form, Media, Refusal, accepts


class _ComponentSchema(GenerateJsonSchema):
    """Pydantic's JSON schema without the per-field `title`s it derives from names (noise in /docs)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def error_schema(**extra: dict[str, Any]) -> dict[str, Any]:
    """The contract's error body, from its declaration (`ErrorBody`); `extra` adds properties to its `error` object
    (a route's own details)."""
    error = _declared_error()
    error["properties"].update(extra)
    return {"type": "object", "required": ["error"], "properties": {"error": error}}


def _declared_error() -> dict[str, Any]:
    """`ErrorDetail`'s schema, inline (each refusal with details extends its own copy)."""
    body = TypeAdapter(ErrorBody).json_schema(schema_generator=_ComponentSchema, union_format="primitive_type_array")
    name = body["properties"]["error"]["$ref"].rsplit("/", 1)[-1]
    detail = body["$defs"][name]
    return {key: value for key, value in detail.items() if key != "title"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


BEARER = "bearer"  # the security scheme's name: `Authorization: Bearer <token from POST /auth/token>`

BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Clara API",
        "version": "1.0.0",
        "description": "Backend of Clara, the voice-and-text assistant for fire & life-safety and HVAC technicians.",
    },
    "security": [{BEARER: []}],
    "components": {
        "securitySchemes": {BEARER: {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "The `access_token` from `POST /auth/token`, sent as `Authorization: Bearer <token>`.",
        }},
        "schemas": {
            "Error": error_schema(),
        },
        "parameters": {
            "IdempotencyKey": {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": (
                    "Makes a retried write safe. A repeat with the same key and the same request (method, path, "
                    "query, body), by the same user, within 24 hours, gets the first 2xx answer again (same status "
                    "and body, plus `Idempotent-Replayed: true`) and nothing is done twice. The same key with "
                    "another request is 409 `idempotency_key_reused`; a repeat while the first is still running "
                    "waits up to 3 s, then 409 `idempotency_request_in_progress` with `Retry-After`. Answers other "
                    "than 2xx are not remembered: the request changed nothing, so a retry with the key runs again."
                ),
                "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"},
            },
        },
        "responses": {
            "BadRequest": _error_response(
                "Invalid input; `field` names the offending field. Text fields refuse control characters other than "
                "tab, line feed and carriage return (their schema's `pattern`) rather than store them"),
            "Unauthorized": _error_response("Missing, invalid or expired bearer token; `field`: `Authorization`"),
            "Forbidden": _error_response("Another user's resource"),
            "NotFound": _error_response("Unknown id"),
            "PayloadTooLarge": _error_response("Body or upload too large"),
            "UnsupportedMediaType": _error_response(
                "Unsupported upload type, or a body sent as something other than `application/json` (UTF-8)"),
            "Unprocessable": _error_response("Well-formed but unusable input"),
            "RateLimited": _error_response(
                "Too many requests; `field`: `Retry-After`, the header saying how many seconds to wait (`email` "
                "for a login refused because that account is locked)"),
            "Unavailable": _error_response("A required store is unavailable; retry shortly"),
            "IdempotencyConflict": _error_response(
                "`Idempotency-Key` already used for another request (`idempotency_key_reused`), or its first request "
                "is still running (`idempotency_request_in_progress`, see Retry-After)"),
        },
    },
}

schemas = SchemaGenerator(BASE)


REF_TEMPLATE = "#/components/schemas/{model}"


def component_schemas(types: list[tuple[Any, JsonSchemaMode]]) -> dict[str, Any]:
    """The named schemas of `types` (and of every type they contain), as OpenAPI components. `mode` is
    `"validation"` for what the server takes, `"serialization"` for what it answers."""
    inputs = [(index, mode, TypeAdapter(kind)) for index, (kind, mode) in enumerate(types)]
    tops, definitions = TypeAdapter.json_schemas(inputs, ref_template=REF_TEMPLATE, schema_generator=_ComponentSchema,
                                                 union_format="primitive_type_array")
    components = dict(definitions.get("$defs", {}))
    for (index, _), schema in tops.items():
        name = getattr(types[index][0], "__name__", None)
        if name and "$ref" not in schema:
            components[name] = schema
    return components


def register_types(*answers: Any, inputs: tuple[Any, ...] = ()) -> None:
    """Add a domain's component schemas, generated from the types its routes answer with (`answers`, as serialised)
    and accept (`inputs`, as validated). Two different schemas under one name would make one `$ref` lie: refused."""
    generated = component_schemas([(kind, "serialization") for kind in answers] +
                                  [(kind, "validation") for kind in inputs])
    for name, schema in generated.items():
        _add_component(name, schema)


def _add_component(name: str, schema: dict[str, Any]) -> None:
    existing = BASE["components"]["schemas"]
    if existing.get(name, schema) != schema:
        raise ValueError(f"two different schemas named {name!r}: rename one of the types")
    existing[name] = schema


def _answer_schema(kind: Any) -> dict[str, Any]:
    """`kind`'s schema as answered, the named types inside it added as components."""
    schema = TypeAdapter(kind).json_schema(mode="serialization", ref_template=REF_TEMPLATE,
                                           schema_generator=_ComponentSchema, union_format="primitive_type_array")
    for name, definition in schema.pop("$defs", {}).items():
        _add_component(name, definition)
    return schema


_PATH_PARAMETER = re.compile(r"{(\w+)}")


def _declared_input(operation: dict[str, Any], path: str, endpoint: Any) -> None:
    """The path and query parameters and JSON body a route `accepts`, from the very models that parse them. A path
    parameter the route did not type is documented as the text it is."""
    path_schema = _model_schema(getattr(endpoint, "path_model", None))
    for name in _PATH_PARAMETER.findall(path):
        prop = path_schema.get("properties", {}).get(name, {"type": "string"})
        _add_parameter(operation, name, "path", True, prop.pop("description", None), prop)
    query_schema = _model_schema(getattr(endpoint, "query_model", None))
    required = set(query_schema.get("required", ()))
    for name, prop in query_schema.get("properties", {}).items():
        description = prop.pop("description", None)  # the field's own, before `_not_null` lifts its type's
        _add_parameter(operation, name, "query", name in required, description, _not_null(prop))
    body = getattr(endpoint, "body_model", None)
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": REF_TEMPLATE.format(model=body.__name__)}}}}
    form: Form | None = getattr(endpoint, "form", None)
    if form is not None:
        file = {"type": "string", "format": "binary", "description": form.description}
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {
            "schema": form_schema(form.fields, required=[form.part], **{form.part: file})}}}


def _model_schema(model: type[BaseModel] | None) -> dict[str, Any]:
    if model is None:
        return {}
    return model.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=_ComponentSchema,
                                   union_format="primitive_type_array")


def _add_parameter(operation: dict[str, Any], name: str, where: str, required: bool, description: str | None,
                   prop: dict[str, Any]) -> None:
    parameter = {"name": name, "in": where, "required": required, "schema": prop}
    if description:
        parameter["description"] = description
    operation.setdefault("parameters", []).append(parameter)


def _register_declared(endpoints: list[Any]) -> None:
    """The component schemas of every answer and request body the routes declare: the declarations are the list."""
    answers = [kind for e in endpoints for declared in getattr(e, "answer_models", {}).values()
               for kind in _alternatives(declared) if not isinstance(kind, Media)]
    bodies = [e.body_model for e in endpoints if getattr(e, "body_model", None) is not None]
    register_types(*dict.fromkeys(answers), inputs=tuple(dict.fromkeys(bodies)))


def _declared_output(responses: dict[str, Any], endpoint: Any) -> None:
    """The success responses a route declared (`accepts(answers=...)`), each form the status comes in: JSON named by
    its type, text by its `Media`. A docstring's prose for that status (`202: Stored, and being indexed`, a case the
    type does not tell) becomes its description; else the type's name, or the media's description."""
    for status, declared in getattr(endpoint, "answer_models", {}).items():
        content: dict[str, Any] = {}
        several = len(_alternatives(declared)) > 1
        for kind in _alternatives(declared):
            if isinstance(kind, Media):  # beside another form, its own words say when it is the one answered
                text = {"type": "string", **({"description": kind.description} if several else {})}
                content[kind.media_type] = {"schema": text}
            else:
                content["application/json"] = {"schema": {"$ref": REF_TEMPLATE.format(model=kind.__name__)}}
        first = _alternatives(declared)[0]
        named = first.description if isinstance(first, Media) else first.__name__
        prose = responses.get(str(status), {}).get("description", named)
        responses[str(status)] = {"description": prose, "content": content}


def _alternatives(declared: Any) -> tuple[Any, ...]:
    """A status's declared forms: one type or `Media`, or a tuple of them (chosen by the request's `Accept`)."""
    return declared if isinstance(declared, tuple) else (declared,)


def _declared_refusals(responses: dict[str, Any], path: str, endpoint: Any) -> None:
    """The error answers that follow from what the route declares, and those it names (`accepts(errors=...)`).
    Refusals every authenticated route shares (401) and every route shares (429, 503) are added by the caller."""
    for status, refusal in getattr(endpoint, "error_statuses", {}).items():
        if isinstance(refusal, Refusal):  # the error object carries more: its schema says what
            details = {name: _answer_schema(kind) for name, kind in refusal.details.items()}
            responses.setdefault(str(status), {"description": refusal.description, "content": {
                "application/json": {"schema": error_schema(**details)}}})
        else:
            responses.setdefault(str(status), _error_response(refusal))
    if getattr(endpoint, "authorizes", False):  # `scoped` or `guard`: someone else's resource, or the wrong role
        responses.setdefault("403", {"$ref": "#/components/responses/Forbidden"})
    if "{" in path or any(getattr(endpoint, name, None) for name in ("query_model", "body_model", "form")):
        responses.setdefault("400", {"$ref": "#/components/responses/BadRequest"})  # input it can refuse
    if getattr(endpoint, "body_model", None):  # the edge's refusals of a JSON body (clara.web.json_input)
        responses.setdefault("413", {"$ref": "#/components/responses/PayloadTooLarge"})
        responses.setdefault("415", {"$ref": "#/components/responses/UnsupportedMediaType"})
    if "{" in path:
        responses.setdefault("404", {"$ref": "#/components/responses/NotFound"})  # what it names may not exist


@accepts(public=True)
async def openapi_json(request: Request) -> Response:
    """The document, built once per app (about 50 ms of YAML and schema generation) and then served as bytes."""
    document = getattr(request.app.state, "openapi_document", None)
    if document is None:
        document = request.app.state.openapi_document = JSONResponse(build_document(request.app.routes)).body
    return Response(document, media_type="application/json")


def build_document(routes: list[BaseRoute]) -> dict[str, Any]:
    """Every route's docstring and declared input and answer, the components, and what applies to every route."""
    endpoints = _endpoints(routes)
    _register_declared(list(endpoints.values()))
    schema = schemas.get_schema(routes=routes)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            endpoint = endpoints.get((path, method))
            _declared_input(operation, path, endpoint)
            # YAML reads `200:` as a number: as strings, the codes added below cannot repeat one a route wrote. A
            # docstring's `202: Being indexed` is prose for a declared status: it becomes that status's description.
            responses = operation["responses"] = {
                str(code): {"description": r} if isinstance(r, str) else r
                for code, r in operation.get("responses", {}).items()}
            _declared_output(responses, endpoint)
            _declared_refusals(responses, path, endpoint)
            public = getattr(endpoint, "public", False)
            if public:
                operation["security"] = []
            else:  # the bearer token every other route requires; documented once here, not per route, and listed
                # on each operation too, as strict generators and Swagger UI's padlocks read it from there
                operation["security"] = [{BEARER: []}]
                responses.setdefault("401", {"$ref": "#/components/responses/Unauthorized"})
            # Limits and store outages apply to every route, so they are documented once here, not per route.
            responses.setdefault("429", {"$ref": "#/components/responses/RateLimited"})
            responses.setdefault("503", {"$ref": "#/components/responses/Unavailable"})
            if method in _WRITE_METHODS and not public:
                _document_idempotency(operation)
            for parameter in operation.get("parameters", []):
                # clara.web.http reads `?date=` like no `date` at all, as the app sends `latitude=&longitude=` when it
                # has no fix: say so, so clients and the fuzzer know an empty optional query value is accepted.
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter.setdefault("allowEmptyValue", True)
    schema.setdefault("paths", {}).update(_websocket_paths(routes))
    return schema


def _not_null(prop: dict[str, Any]) -> dict[str, Any]:
    """`X | None = None` as a query or form field: text has no null, only a field left out."""
    prop.pop("default", None)
    members = [m for m in prop.pop("anyOf", ()) if m.get("type") != "null"]
    if len(members) == 1:
        prop.update(members[0])
    elif members:
        prop["anyOf"] = members
    return prop


def form_schema(model: type[BaseModel], *, required: list[str], **files: dict[str, Any]) -> dict[str, Any]:
    """A multipart form's schema: `model`'s text fields (what `clara.web.http.validate` checks them against) plus its
    file parts."""
    schema = model.model_json_schema(schema_generator=_ComponentSchema)
    properties = {name: _not_null(prop) for name, prop in schema.get("properties", {}).items()}
    return {"type": "object", "required": required + schema.get("required", []),
            "properties": {**files, **properties}, "additionalProperties": False}  # the form's size is bounded


def _endpoints(routes: list[BaseRoute]) -> dict[tuple[str, str], Any]:
    """(path, method) -> endpoint, for the input models `clara.web.http.accepts` hung on it."""
    return {(e.path, e.http_method): e.func for e in schemas.get_endpoints(routes)}


def _document_idempotency(operation: dict[str, Any]) -> None:
    """Every authenticated write takes `Idempotency-Key` (clara.web.idempotency, one middleware for all of them)."""
    operation.setdefault("parameters", []).append({"$ref": "#/components/parameters/IdempotencyKey"})
    responses = operation["responses"]
    responses.setdefault("400", {"$ref": "#/components/responses/BadRequest"})
    responses.setdefault("409", {"$ref": "#/components/responses/IdempotencyConflict"})
    for status, response in responses.items():
        if str(status).startswith("2") and "$ref" not in response:
            response.setdefault("headers", {})["Idempotent-Replayed"] = {
                "description": "`true` when this is the stored answer to an earlier request with the same key",
                "schema": {"type": "string", "const": "true"},
            }


def _websocket_paths(routes: list[BaseRoute]) -> dict[str, Any]:
    """OpenAPI has no WebSocket operations: list each socket as a path item whose description carries the protocol,
    so `/openapi.json` and `/docs` still name every route the app serves (fuzzers skip items without operations)."""
    paths: dict[str, Any] = {}
    for route in routes:
        if isinstance(route, WebSocketRoute):
            doc = inspect.cleandoc(route.endpoint.__doc__ or "")
            summary, _, description = doc.partition("\n")
            paths[route.path] = {"summary": f"WebSocket: {summary}", "description": description.strip(),
                                 "x-websocket": True}
    return paths


_WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
routes = [
    Route("/openapi.json", openapi_json, include_in_schema=False),
    *docs_page.routes,
]
