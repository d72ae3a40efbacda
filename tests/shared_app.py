"""`app`, `client` and `auth` as one app shared by a whole module (`module_app`, `module_client`, `module_auth` in
tests/conftest.py): for modules of tests that store nothing, which then need no database copy and app start each.
A module imports the ones it uses (`from tests.shared_app import app, auth, client  # noqa: F401`) and runs its tests
on the module's event loop (`pytestmark = pytest.mark.asyncio(loop_scope="module")`)."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette


@pytest.fixture(scope="module")
def app(module_app: Starlette) -> Starlette:
    return module_app


@pytest.fixture(scope="module")
def client(module_client: httpx.AsyncClient) -> httpx.AsyncClient:
    return module_client


@pytest.fixture(scope="module")
def auth(module_auth: dict[str, str]) -> dict[str, str]:
    return module_auth
