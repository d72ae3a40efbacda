"""The console in a real browser: Debian's Chromium driven headless by Playwright against Clara under uvicorn.

Clara answers with the real Gemini plugin aimed at the fake Gemini server, so the usage shown has real token counts.
Screenshots land in the test's tmp dir. Skipped, saying why, only when Playwright or Chromium is not installed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from starlette.applications import Starlette

from clara.auth.tokens import issue_token
from clara.settings import Settings
from tests.chat.conftest import Server
from tests.conftest import running, user_by_email
from tests.fakes.gemini import FakeGemini, echo, function_call
from tests.knowledge.pdfs import make_pdf

CHROMIUM = os.environ.get("CLARA_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PASSWORD = "clara-demo-2026"

async_api = pytest.importorskip("playwright.async_api", reason="needs PyPI playwright (requirements-test.txt)")
if shutil.which(CHROMIUM) is None:
    pytest.skip(f"needs a Chromium at {CHROMIUM} (apt-get install -y chromium; see .ci/run)", allow_module_level=True)


@pytest.fixture
async def gemini(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeGemini]:
    fake = await FakeGemini().start()
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
    yield fake
    await fake.stop()


@pytest.fixture
async def served(settings: Settings, gemini: FakeGemini) -> AsyncIterator[tuple[Starlette, Server]]:
    async with running(settings, google_api_key="test-key", gemini_timeout_seconds=5.0,
                       analytics_flush_interval_seconds=0.1) as application:
        server = await Server(application).start()
        yield application, server
        await server.stop()


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Any]:
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    async with async_api.async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=ARGS, viewport={"width": 1280, "height": 900})
        yield context
        await context.close()


async def sign_in(page: Any, base: str, email: str, password: str = PASSWORD) -> None:
    await page.goto(f"{base}/console")
    await page.fill("#email", email)
    await page.fill("#password", password)
    await page.click("#signin-button")


async def test_a_dispatcher_chats_uploads_searches_and_sees_usage(
    served: tuple[Starlette, Server], gemini: FakeGemini, browser: Any, tmp_path: Path,
) -> None:
    app, server = served
    base = f"http://127.0.0.1:{server.port}"
    page = await browser.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    # A wrong password shows the API's own message and stays on the sign-in form.
    await sign_in(page, base, "dana.okafor@clara.dev", "not-the-password")
    error = page.locator("#signin-error")
    await error.wait_for(state="visible")
    assert "password" in (await error.inner_text()).lower()
    assert await page.locator("#app").is_hidden()

    await sign_in(page, base, "dana.okafor@clara.dev")
    await page.locator("#chat-status", has_text="Connected").wait_for()
    assert "token" not in page.url and "dana" in await page.inner_text("#who")

    # A spec question: the tool call with its arguments and result, then Clara's answer.
    gemini.then(function_call("equipment_spec", model="50TCQA06", question="MCA"), echo())
    await page.fill("#message", "what's the MCA of a 50TCQA06")
    await page.press("#message", "Enter")
    tool = page.locator("#tool-log li[data-status=ok]", has_text="equipment_spec")
    await tool.wait_for()
    assert "50TCQA06" in await tool.inner_text() and "ms" in await tool.inner_text()
    answer = page.locator(".msg.clara[data-turn-id]")
    await answer.wait_for()
    assert "26.7" in await answer.inner_text()
    await page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)

    # Upload a PDF with progress, then find it in search with its section.
    await page.click("#tabs button[data-tab=documents]")
    pdf = tmp_path / "wombat-valves.pdf"
    pdf.write_bytes(make_pdf(["4.2 Wombat valve torque", "Torque wombat valve bonnets to 40 ft-lb after service."]))
    await page.set_input_files("#file", str(pdf))
    stored = page.locator("#uploads li[data-status=stored]", has_text="wombat-valves.pdf")
    await stored.wait_for()
    await page.locator("#documents tbody tr", has_text="wombat").first.wait_for()
    await page.fill("#search-query", "wombat valve bonnet torque")
    await page.press("#search-query", "Enter")
    hit = page.locator("#search-results li.hit").first
    await hit.wait_for()
    assert "4.2 Wombat valve torque" in await hit.inner_text()
    assert await hit.locator("mark").count() >= 1

    # A file the API refuses: its message beside the file.
    photo = tmp_path / "nameplate.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not a document")
    await page.set_input_files("#file", str(photo))
    refused = page.locator("#uploads li[data-status=refused]", has_text="nameplate.jpg")
    await refused.wait_for()
    assert len((await refused.inner_text()).split("nameplate.jpg", 1)[1].strip()) > 10
    await page.screenshot(path=str(tmp_path / "documents.png"), full_page=True)

    # A knowledge answer lists its sources: the uploaded manual's section and the answer span.
    await page.click("#tabs button[data-tab=chat]")
    gemini.then(function_call("knowledge_search", query="wombat valve bonnet torque"), echo())
    await page.fill("#message", "how tight do wombat valve bonnets go?")
    await page.press("#message", "Enter")
    await page.locator("#tool-log li[data-status=ok]", has_text="knowledge_search").wait_for()
    sources = page.locator(".msg.clara details", has_text="Sources")
    await sources.locator("li", has_text="4.2 Wombat valve torque").first.wait_for()
    assert await sources.locator("mark").count() >= 1

    # Usage: charts drawn by uPlot with data, and the token totals the usage route reports (four Gemini requests).
    await page.click("#tabs button[data-tab=usage]")
    await page.locator("#chart-tokens canvas").wait_for()
    assert int(await page.get_attribute("#chart-tokens", "data-points") or 0) > 0
    assert int(await page.get_attribute("#chart-users", "data-points") or 0) > 0
    assert int(await page.get_attribute("#chart-latency", "data-points") or 0) > 0
    await page.locator("#chart-cache canvas").wait_for()
    assert "48 input and 28 output tokens" in await page.inner_text("#usage-totals")
    await page.screenshot(path=str(tmp_path / "usage.png"), full_page=True)

    # A phone-sized window: the chat pane still fits the width.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.click("#tabs button[data-tab=chat]")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    await page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    assert [p for p in problems if "Content Security Policy" in p] == []


async def test_an_expired_token_returns_to_sign_in_with_the_reason(
    served: tuple[Starlette, Server], browser: Any, tmp_path: Path,
) -> None:
    app, server = served
    maria = await user_by_email(app, "maria.lopez@clara.dev")
    expired = issue_token(maria, secret=app.state.settings.jwt_secret, ttl_seconds=-60)
    page = await browser.new_page()
    await page.goto(f"http://127.0.0.1:{server.port}/console")
    await page.evaluate("([key, token]) => sessionStorage.setItem(key, token)", ["clara.console.token", expired])
    await page.reload()
    error = page.locator("#signin-error")
    await error.wait_for(state="visible")
    assert "expired" in (await error.inner_text()).lower()
    await page.screenshot(path=str(tmp_path / "expired.png"))

    # A technician signs in: no documents or usage tabs, and their jobs are listed.
    await sign_in(page, f"http://127.0.0.1:{server.port}", "maria.lopez@clara.dev")
    await page.locator("#chat-status", has_text="Connected").wait_for()
    assert await page.locator("#tabs button[data-tab=usage]").is_hidden()
    await page.click("#tabs button[data-tab=jobs]")
    await page.locator("#jobs tbody tr").first.wait_for()
