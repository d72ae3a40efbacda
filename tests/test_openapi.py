"""The served /openapi.json as a strict client sees it: a valid OpenAPI 3.1 document, its bearer scheme on every
protected operation. Mobile code generators and CI validators stop at the first error, so any error fails here."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from clara.app import create_app
from clara.web.openapi import PUBLIC_PATHS
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
