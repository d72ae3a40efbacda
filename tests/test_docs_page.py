"""/docs over HTTP: Swagger UI 5 from Clara's own files, a page policy that allows only those, hidden with the document.

tests/test_docs_browser.py runs the same page in Chromium.
"""

from __future__ import annotations

import re

import httpx
from starlette.applications import Starlette

from clara.web.docs_page import DOCS_CSP
from clara.settings import Settings
from tests.conftest import running


def _assets(html: str) -> list[str]:
    return re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', html)


async def test_the_page_loads_swagger_ui_5_from_clara_itself(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == DOCS_CSP
    assert "'unsafe-inline'" not in DOCS_CSP and "script-src 'self';" in DOCS_CSP
    assert page.text.count("<script") == page.text.count("<script src="), "no inline script: the policy forbids it"
    assets = _assets(page.text)
    assert "docs/assets/swagger-ui/swagger-ui-bundle.js" in assets and "docs/assets/docs.js" in assets
    for asset in assets:
        assert not asset.startswith(("http:", "https:", "//")), f"{asset}: the page must work offline"
        response = await client.get(f"/{asset}")
        assert response.status_code == 200, asset
        assert response.headers["cache-control"] == "public, max-age=3600", asset
    bundle = await client.get("/docs/assets/swagger-ui/swagger-ui-bundle.js")
    assert 'PACKAGE_VERSION:"5.35.0"' in bundle.text
    assert bundle.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    starter = (await client.get("/docs/assets/docs.js")).text
    assert 'url: "openapi.json"' in starter and "validatorUrl: null" in starter


async def test_the_api_keeps_its_own_stricter_policy(client: httpx.AsyncClient) -> None:
    document = await client.get("/openapi.json")
    assert document.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert document.headers["cache-control"] == "no-store"


async def test_docs_disabled_hides_the_page_and_its_assets(settings: Settings) -> None:
    async with running(settings, docs_enabled=False) as app:
        async with _client(app) as client:
            for path in ("/docs", "/openapi.json", "/docs/assets/docs.js", "/docs/assets/swagger-ui/swagger-ui.css"):
                assert (await client.get(path)).status_code == 404, path


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test")
