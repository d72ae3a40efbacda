"""The served /openapi.json as a strict client sees it: a valid OpenAPI 3.1 document, its bearer scheme on every
protected operation. Mobile code generators and CI validators stop at the first error, so any error fails here."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from clara.app import create_app
from clara.web.openapi import PUBLIC_PATHS, component_schemas, schemas
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
    for path, method, operation in operations:
        expected = [] if path in PUBLIC_PATHS else [{"bearer": []}]
        assert operation.get("security") == expected, f"{method.upper()} {path}"


def _declared(app_routes: list[Any]) -> list[tuple[str, str, Any]]:
    """(path, method, endpoint) of every documented HTTP operation, as the document generator reads them."""
    return [(e.path, e.http_method, e.func) for e in schemas.get_endpoints(app_routes)]


async def test_each_declared_answer_is_the_documented_success_response(document: dict[str, Any]) -> None:
    """`accepts(answers=T)` is the whole declaration: the operation answers T's component, which is T's own schema."""
    declared = [(path, method, status, kind) for path, method, endpoint in _declared(create_app(Settings(env="test")).routes)
                for status, kind in getattr(endpoint, "answer_models", {}).items()]
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
        if "{" in path or getattr(endpoint, "query_model", None) or getattr(endpoint, "body_model", None):
            assert responses.get("400") == {"$ref": "#/components/responses/BadRequest"}, f"{method.upper()} {path}"
        if "{" in path:
            assert "404" in responses, f"{method.upper()} {path}"
