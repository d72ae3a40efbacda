"""The console's page and assets: served without a token, under a CSP that allows only its own files, small."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import httpx

from clara.console.routes import STATIC

FIRST_LOAD_BUDGET = 300 * 1024  # gzipped JavaScript and CSS of the first load


async def test_the_console_page_is_served_with_a_csp_allowing_only_its_own_files(client: httpx.AsyncClient) -> None:
    response = await client.get("/console")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "connect-src 'self'" in csp
    assert not re.search(r"<script>(?!</script>)|<script[^>]*>[^<]", response.text), "no inline script"
    assert not re.search(r"(src|href)=\"(https?:)?//", response.text), "nothing from another origin"
    for asset in re.findall(r"(?:src|href)=\"(/console/static/[^\"]+)\"", response.text):
        loaded = await client.get(asset)
        assert loaded.status_code == 200, asset
    api = await client.get("/health")
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


async def test_assets_outside_the_static_folder_are_not_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/console/static/../routes.py")).status_code == 404
    assert (await client.get("/console/static/nothing.js")).status_code == 404


def test_the_first_load_stays_under_its_budget_and_the_chart_library_carries_its_licence() -> None:
    page = (STATIC / "index.html").read_text()
    assets = re.findall(r"(?:src|href)=\"/console/static/([^\"]+)\"", page)
    total = sum(len(gzip.compress((STATIC / asset).read_bytes(), 9)) for asset in assets)
    assert 0 < total < FIRST_LOAD_BUDGET
    licence = Path(STATIC / "vendor" / "uplot" / "LICENSE").read_text()
    assert "MIT License" in licence
