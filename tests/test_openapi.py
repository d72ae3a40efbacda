"""The served /openapi.json as a strict client sees it: a valid OpenAPI 3.1 document, its bearer scheme on every
protected operation. Mobile code generators and CI validators stop at the first error, so any error fails here."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

import httpx
import pytest
import yaml
from openapi_spec_validator import OpenAPIV31SpecValidator

from clara.app import create_app
from clara.web.errors import error_body
from clara.web.http import Media, Refusal, public_paths
from clara.web.openapi import component_schemas, schemas
from clara.settings import Settings

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
async def served() -> bytes:
    """The document's bytes as the app serves them; building it touches no store, so no lifespan is needed."""
    app = create_app(Settings(env="test"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
        response = await client.get("/openapi.json")
    assert response.status_code == 200
    return response.content


@pytest.fixture
def document(served: bytes) -> dict[str, Any]:
    return dict(json.loads(served))


def _repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    assert not repeated, f"keys repeated in one object: {repeated} in {keys}"
    return dict(pairs)


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, operation) for path, item in document["paths"].items()
            for method, operation in item.items() if method in HTTP_METHODS]


def test_no_object_repeats_a_key(served: bytes) -> None:
    """Python keeps the last of two equal keys, but YAML-based readers (Swagger UI's) refuse the whole document."""
    json.loads(served, object_pairs_hook=_repeated_keys)


async def test_the_document_passes_a_strict_openapi_3_1_validator(document: dict[str, Any]) -> None:
    errors = [f"{list(error.absolute_path)}: {error.message.splitlines()[0]}"
              for error in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == [], f"{len(errors)} OpenAPI errors:\n" + "\n".join(errors)


async def test_every_protected_operation_lists_the_bearer_scheme(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    operations = _operations(document)
    assert {path for path, _, _ in operations} >= {"/health", "/auth/token", "/jobs", "/clara-server/equipment/{model}"}
    public = public_paths(create_app(Settings(env="test")).routes)
    for path, method, operation in operations:
        expected = [] if path in public else [{"bearer": []}]
        assert operation.get("security") == expected, f"{method.upper()} {path}"


def _declared(app_routes: list[Any]) -> list[tuple[str, str, Any]]:
    """(path, method, endpoint) of every documented HTTP operation, as the document generator reads them."""
    return [(e.path, e.http_method, e.func) for e in schemas.get_endpoints(app_routes)]


async def test_each_declared_answer_is_the_documented_success_response(document: dict[str, Any]) -> None:
    """`accepts(answers=T)` is the whole declaration: the operation answers T's component, which is T's own schema."""
    declared = [(path, method, status, kind) for path, method, endpoint in _declared(create_app(Settings(env="test")).routes)
                for status, forms in getattr(endpoint, "answer_models", {}).items()
                for kind in (forms if isinstance(forms, tuple) else (forms,)) if not isinstance(kind, Media)]
    assert len(declared) >= 20  # most routes declare their answer; the docstrings no longer carry it
    components = document["components"]["schemas"]
    for path, method, status, kind in declared:
        response = document["paths"][path][method]["responses"][str(status)]
        ref = response["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/{kind.__name__}", f"{method.upper()} {path}"
        assert components[kind.__name__] == component_schemas([(kind, "serialization")])[kind.__name__], kind


async def test_an_operation_that_takes_input_documents_its_refusal(document: dict[str, Any]) -> None:
    """A path parameter, query model or body can be refused with the contract's 400, and what a path names may not
    exist (404): derived, not written per route."""
    for path, method, endpoint in _declared(create_app(Settings(env="test")).routes):
        responses = document["paths"][path][method]["responses"]
        takes_input = "{" in path or getattr(endpoint, "query_model", None) or getattr(endpoint, "body_model", None)
        if takes_input and 400 not in getattr(endpoint, "error_statuses", {}):  # else its own 400, with details
            assert responses.get("400") == {"$ref": "#/components/responses/BadRequest"}, f"{method.upper()} {path}"
        if "{" in path:
            assert "404" in responses, f"{method.upper()} {path}"


async def test_every_path_parameter_is_typed_by_its_declaration(document: dict[str, Any]) -> None:
    """`{job_id}` is documented from the type the route declares and checks (`accepts(path=...)`), so a client and
    the fuzzer send what the server takes: an id is a positive integer, never the untyped string a forgotten
    declaration would leave."""
    for path, method, endpoint in _declared(create_app(Settings(env="test")).routes):
        names = re.findall(r"{(\w+)}", path)
        parameters = {p["name"]: p for p in document["paths"][path][method].get("parameters", [])
                      if p.get("in") == "path"}
        assert sorted(parameters) == sorted(names), f"{method.upper()} {path}"
        model = getattr(endpoint, "path_model", None)
        for name in names:
            assert model is not None and name in model.model_fields, f"{method.upper()} {path}: {name} not declared"
            assert parameters[name]["required"] is True
            assert parameters[name]["schema"] != {"type": "string"}, f"{method.upper()} {path}: {name} untyped"
            if name.endswith("_id"):
                assert parameters[name]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**53 - 1}


async def test_each_refusal_follows_from_the_declaration(document: dict[str, Any]) -> None:
    """401 for every route that needs a token, 403 for `scoped`/`guard`, and each status named in `errors=` with its
    own sentence and the contract's error body."""
    routes = create_app(Settings(env="test")).routes
    public = public_paths(routes)
    for path, method, endpoint in _declared(routes):
        where = f"{method.upper()} {path}"
        responses = document["paths"][path][method]["responses"]
        named = getattr(endpoint, "error_statuses", {})
        assert ("401" in responses) is (path not in public or 401 in named), where
        if getattr(endpoint, "authorizes", False):
            assert "403" in responses, where
        for status, refusal in named.items():
            if isinstance(refusal, Refusal):  # the contract's error object, with the details it declares
                schema = responses[str(status)]["content"]["application/json"]["schema"]
                assert responses[str(status)]["description"] == refusal.description, where
                assert set(schema["properties"]["error"]["properties"]) == {"code", "message", "field",
                                                                            *refusal.details}, where
                continue
            assert responses[str(status)] == {"description": refusal, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}, where


def test_no_docstring_writes_what_the_declaration_says() -> None:
    """Parameters, bodies, answers and the shared refusals come from `accepts`: a docstring that wrote them again
    could drift from what the route does (the YAML once typed ids by hand, missed statuses, and described a spec,
    the chat reply and an analytics body by hand). A docstring keeps prose only: a sentence per status."""
    for path, method, endpoint in _declared(create_app(Settings(env="test")).routes):
        doc = yaml.safe_load(inspect.cleandoc(endpoint.__doc__ or "")) or {}
        where = f"{method.upper()} {path}"
        assert set(doc) <= {"summary", "description", "tags", "responses"}, where  # no parameters, no requestBody
        assert all(isinstance(prose, str) for prose in doc.get("responses", {}).values()), where  # no content, no $ref


async def test_a_declared_path_parameter_is_checked_and_documented_alike() -> None:
    """The one declaration refuses a bad id with the contract's 400 naming it, hands the endpoint the id parsed
    (an int, under its own name), and documents the bound."""
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from clara.web.errors import EXCEPTION_HANDLERS
    from clara.web.http import Id, accepts
    from clara.web.openapi import build_document

    @accepts(public=True, path={"thing_id": Id}, errors={409: "Already done"})
    async def thing(request: Any, thing_id: int) -> PlainTextResponse:
        """
        summary: A thing
        """
        return PlainTextResponse(repr(thing_id))

    app = Starlette(routes=[Route("/things/{thing_id}", thing)], exception_handlers=EXCEPTION_HANDLERS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
        assert (await client.get("/things/7")).text == "7"  # an int (a string would repr as '7')
        for bad in ("0", "abc", str(2**53)):
            refused = await client.get(f"/things/{bad}")
            assert refused.status_code == 400 and refused.json()["error"]["field"] == "thing_id", bad
    operation = build_document(app.routes)["paths"]["/things/{thing_id}"]["get"]
    assert operation["parameters"] == [{"name": "thing_id", "in": "path", "required": True,
                                        "schema": {"type": "integer", "minimum": 1, "maximum": 2**53 - 1}}]
    assert {"400", "404", "409"} <= set(operation["responses"])


async def test_an_answer_that_is_not_json_is_documented_by_its_media_type(document: dict[str, Any]) -> None:
    """`accepts(answers=Media(...))`: the console's page and the metrics are text, not a JSON component."""
    for path, media_type in (("/console", "text/html"), ("/metrics", "text/plain")):
        answer = document["paths"][path]["get"]["responses"]["200"]
        assert answer["content"] == {media_type: {"schema": {"type": "string"}}}, path


async def test_an_answer_in_json_or_as_events_documents_both_forms(document: dict[str, Any]) -> None:
    """`POST /voice/chat/{user_id}` answers ChatReply, or Server-Sent Events when `Accept` asks for them: one status,
    both media types, each from the declaration."""
    answer = document["paths"]["/voice/chat/{user_id}"]["post"]["responses"]["200"]
    assert answer["content"]["application/json"] == {"schema": {"$ref": "#/components/schemas/ChatReply"}}
    events = answer["content"]["text/event-stream"]["schema"]
    assert events["type"] == "string" and "text/event-stream" in events["description"]
    assert "ServerFrame" in document["components"]["schemas"]  # what each event's data is


async def test_a_body_its_service_validates_is_documented_and_passed_on_as_sent() -> None:
    """`accepts(body=M, validate_body=False)`: the document names M, and the endpoint gets the JSON object as it
    came (its service checks it item by item), still refused with a 400 when it is no JSON object at all."""
    from pydantic import BaseModel
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from clara.web.errors import EXCEPTION_HANDLERS
    from clara.web.http import accepts
    from clara.web.openapi import build_document

    class Batch(BaseModel):
        items: list[int]

    @accepts(public=True, body=Batch, validate_body=False)
    async def batch(request: Any, body: dict[str, Any]) -> JSONResponse:
        """
        summary: A batch
        """
        return JSONResponse({"got": body})

    app = Starlette(routes=[Route("/batches", batch, methods=["POST"])], exception_handlers=EXCEPTION_HANDLERS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
        passed = await client.post("/batches", json={"items": ["not a number"]})
        assert passed.json() == {"got": {"items": ["not a number"]}}  # not the model's 400: the service's to judge
        refused = await client.post("/batches", content=b"[1]", headers={"content-type": "application/json"})
        assert refused.status_code == 400 and refused.json()["error"]["field"] == "body"
    operation = build_document(app.routes)["paths"]["/batches"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Batch"}


async def test_a_new_conversation_with_a_session_to_continue_is_refused_by_the_document_too(
        document: dict[str, Any]) -> None:
    """`new_session: true` with a `session_id` is refused by the route; the schema says so, so a generated client
    (and the fuzzer) never sends what the document allows and the server refuses. Blank and null name no session."""
    import jsonschema

    from clara.chat.routes import ChatRequest
    from clara.web.errors import ApiError
    from clara.web.http import validate

    schema = {**document["components"]["schemas"]["ChatRequest"], "components": document["components"]}
    for body in ({"message": "hi", "new_session": True, "session_id": "60d22acc-81c9-5567-8b9d-8fc38298f39d"},
                 {"message": "hi", "new_session": True, "session_id": " \x1c"},
                 {"message": "hi", "new_session": True, "session_id": None},
                 {"message": "hi", "new_session": False, "session_id": "60d22acc-81c9-5567-8b9d-8fc38298f39d"}):
        try:
            validate(ChatRequest, body)
            served = True
        except ApiError:
            served = False
        assert jsonschema.Draft202012Validator(schema).is_valid(body) is served, body


async def test_every_error_answer_documents_the_error_body_the_server_sends(document: dict[str, Any]) -> None:
    """One declaration (`ErrorDetail`): the documented error object has the fields `error_body` writes, all
    required (`field` is always there, null when nothing in particular is at fault), and a refusal with details
    (an unknown model's `close_matches`) adds to it rather than redefining it."""
    sent = error_body("not_found", "equipment model not found", "model")["error"]
    error = document["components"]["schemas"]["Error"]["properties"]["error"]
    assert sorted(error["required"]) == sorted(error["properties"]) == sorted(sent)
    detailed = document["paths"]["/clara-server/equipment/{model}"]["get"]["responses"]["404"]
    detailed_error = detailed["content"]["application/json"]["schema"]["properties"]["error"]
    assert set(detailed_error["properties"]) == set(sent) | {"close_matches"}
    assert sorted(detailed_error["required"]) == sorted(sent)
