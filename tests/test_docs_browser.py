"""/docs as a mobile developer uses it, in headless Chromium against the real server process: Swagger UI renders a
route's parameters and schemas, "Authorize" takes a bearer token, and "Try it out" calls the route from the page.

Playwright drives the machine's Chromium (Debian's `chromium`; Playwright's own browser download is not used).
The page's Content-Security-Policy stays in force, so any script or style it would block fails the test.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright

from clara.ops.demo_data import DEMO_PASSWORD, DEMO_TECHNICIAN_EMAIL
from tests.clara_process import ClaraProcess, data_dir_from, server_env, token

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROUTE = "/clara-server/equipment/{model}"

pytestmark = [pytest.mark.long,
              pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed: `apt-get install -y chromium` (.ci/run does)")]


@pytest.fixture
def clara(database_url: str, template_data_dir: Path, tmp_path: Path) -> Iterator[ClaraProcess]:
    data_dir = data_dir_from(template_data_dir, tmp_path / "data")
    env = server_env(DATABASE_URL=database_url, DATA_DIR=str(data_dir), SEED_DEMO_DATA="false")
    process = ClaraProcess(env, tmp_path / "clara.log").start()
    yield process
    process.stop()


def test_swagger_ui_shows_a_route_authorizes_and_tries_it(clara: ClaraProcess, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    bearer = token(clara.url, DEMO_TECHNICIAN_EMAIL, DEMO_PASSWORD)
    problems: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 1000})
        try:
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("requestfailed", lambda r: problems.append(f"{r.url} {r.failure}"))
            page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.goto(f"{clara.url}/docs")
            expect(page.locator(".swagger-ui .info .title")).to_contain_text("Clara API", timeout=20_000)
            expect(page.locator(".swagger-ui .info .version-stamp")).to_contain_text("OAS 3.1")

            operation = page.locator(".opblock-get").filter(has=page.locator(f'[data-path="{ROUTE}"]'))
            operation.locator(".opblock-summary-control").click()
            parameter = operation.locator(".parameters tr[data-param-name='model']")
            expect(parameter.locator(".parameter__name.required")).to_contain_text("model")
            expect(parameter.locator(".parameter__in")).to_have_text("(path)")
            operation.locator(".responses-inner .tablinks[data-name='model']").first.click()  # the 200's schema
            expect(operation.locator(".responses-inner .model-box").first).to_contain_text("EquipmentSpec")
            expect(page.locator("section.models")).to_contain_text("EquipmentSpec")

            operation.locator("button.try-out__btn").click()
            operation.locator("input[placeholder='model']").fill("50TCQA06")
            operation.locator("button.execute").click()
            status = operation.locator(".live-responses-table .response .response-col_status").first
            expect(status).to_have_text("401")  # not authorized yet: the route needs the token

            page.locator(".auth-wrapper button.authorize").click()
            page.locator(".dialog-ux input[aria-label='auth-bearer-value']").fill(bearer)
            page.locator(".dialog-ux .auth-btn-wrapper button.authorize").click()
            page.locator(".dialog-ux button.btn-done").click()
            operation.locator("button.btn-clear").click()
            operation.locator("button.execute").click()
            expect(status).to_have_text("200")
            expect(operation.locator(".live-responses-table .response .response-col_description")).to_contain_text("50TCQA06")
            expect(operation.locator(".curl-command")).to_contain_text(f"Authorization: Bearer {bearer}")
            status.scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / "docs.png"))
        finally:
            context.close()
    assert (tmp_path / "docs.png").stat().st_size > 10_000
    # Chromium reports what the page's CSP refused, and any script error, as console errors.
    assert [p for p in problems if "401" not in p] == [], problems
