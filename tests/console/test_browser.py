"""The console in a real browser: Debian's Chromium driven headless by Playwright against Clara under uvicorn.

Clara answers with the real Gemini plugin aimed at the fake Gemini server, so the usage shown has real token counts.
Uploads over 200 bytes are indexed in the background (202) and uploads over 256 KB are refused (413), so both paths
run with small files. Screenshots land in the test's tmp dir (under --basetemp). Skipped, saying why, only when
Playwright or Chromium is not installed.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any, AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from clara.auth.tokens import issue_token
from clara.settings import Settings
from tests.analytics.test_usage import IN, OUT, counted
from tests.chat.conftest import Server
from tests.conftest import bearer, running, user_by_email
from tests.fakes.gemini import FakeGemini, echo, function_call
from tests.knowledge.pdfs import make_pdf

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

CHROMIUM = os.environ.get("CLARA_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PASSWORD = "clara-demo-2026"

async_api = pytest.importorskip("playwright.async_api", reason="needs PyPI playwright (requirements-test.txt)")
if shutil.which(CHROMIUM) is None:
    pytest.skip(f"needs a Chromium at {CHROMIUM} (apt-get install -y chromium; see .ci/run)", allow_module_level=True)


@pytest.fixture
async def served(settings: Settings, gemini: FakeGemini) -> AsyncIterator[tuple[Starlette, Server]]:
    async with running(settings, google_api_key="test-key", gemini_timeout_seconds=5.0,
                       analytics_flush_interval_seconds=0.1, inline_ingest_bytes=200,
                       max_upload_bytes=256 * 1024, max_image_bytes=256 * 1024) as application:
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
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.on("websocket", lambda socket: urls.append(socket.url))
    before = counted()

    # A wrong password shows the API's own message and stays on the sign-in form: no reload, no second page load.
    loads: list[str] = []
    page.on("load", lambda _: loads.append(page.url))
    await sign_in(page, base, "dana.okafor@clara.dev", "not-the-password")
    error = page.locator("#signin-error")
    await error.wait_for(state="visible")
    assert "password" in (await error.inner_text()).lower()
    assert await page.locator("#app").is_hidden()
    assert loads == [f"{base}/console"]

    await sign_in(page, base, "dana.okafor@clara.dev")
    await page.locator("#chat-status", has_text="Connected").wait_for()
    assert "dana" in await page.inner_text("#who")
    token = await page.evaluate("sessionStorage.getItem('clara.console.token')")
    assert token and any("/voice/ws/" in url for url in urls)

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

    # Upload a PDF with progress: indexed in the background, it shows "processing" until ready, then is found by
    # search with its section, the answer span marked, and a link that opens the passage.
    await page.click("#tabs button[data-tab=documents]")
    pdf = tmp_path / "wombat-valves.pdf"
    pdf.write_bytes(make_pdf(["4.2 Wombat valve torque", "Torque wombat valve bonnets to 40 ft-lb after service."]))
    await page.set_input_files("#file", str(pdf))
    await page.locator("#uploads li[data-status=processing]", has_text="wombat-valves.pdf").wait_for()
    stored = page.locator("#uploads li[data-status=stored]", has_text="wombat-valves.pdf")
    await stored.wait_for()
    assert "passages" in await stored.inner_text()
    await page.locator("#documents tbody tr", has_text="wombat").first.wait_for()
    await page.fill("#search-query", "wombat valve bonnet torque")
    await page.press("#search-query", "Enter")
    hit = page.locator("#search-results li.hit").first
    await hit.wait_for()
    assert "4.2 Wombat valve torque" in await hit.inner_text() and "p. 1" in await hit.inner_text()
    assert "40 ft-lb" in await hit.locator("mark").first.inner_text()
    await hit.locator("a.passage-link").click()
    passage = page.locator("dialog#passage")
    await passage.wait_for(state="visible")
    assert "40 ft-lb" in await passage.locator("mark").inner_text()
    await page.click("#passage-close")

    # A small note dropped on the drop zone: indexed before the answer (201), stored at once.
    await page.evaluate("""() => {
        const files = new DataTransfer();
        files.items.add(new File(["# Quokka hinge\\nGrease quokka hinges monthly."], "quokka.md",
                                 {type: "text/markdown"}));
        document.querySelector('#dropzone').dispatchEvent(new DragEvent('drop', {dataTransfer: files, bubbles: true}));
    }""")
    await page.locator("#uploads li[data-status=stored]", has_text="quokka.md").wait_for()
    await page.locator("#documents tbody tr", has_text="uokka").first.wait_for()

    # A file the API refuses: its message beside the file.
    photo = tmp_path / "nameplate.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not a document")
    await page.set_input_files("#file", str(photo))
    refused = page.locator("#uploads li[data-status=refused]", has_text="nameplate.jpg")
    await refused.wait_for()
    assert len((await refused.inner_text()).split("nameplate.jpg", 1)[1].strip()) > 10
    big = tmp_path / "big-manual.txt"
    big.write_text("Wombat valve service notes.\n" * 12_000)  # about 330 KB: over this server's 256 KB
    await page.set_input_files("#file", str(big))
    too_big = page.locator("#uploads li[data-status=refused]", has_text="big-manual.txt")
    await too_big.wait_for()
    assert re.search(r"\d", (await too_big.inner_text()).split("big-manual.txt", 1)[1])  # the API's limit, stated
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
    await sources.locator("a.passage-link", has_text="4.2 Wombat valve torque").first.click()
    await page.locator("dialog#passage", has_text="40 ft-lb").wait_for()
    await page.click("#passage-close")

    # The office sees every technician's day, each job with its drive from the stop before.
    await page.click("#tabs button[data-tab=jobs]")
    await page.locator("#days .day", has_text="Maria Lopez").wait_for()
    assert await page.locator("#days .day").count() >= 2
    assert re.search(r"\d+ min", await page.locator("#days td.travel").first.inner_text())

    # Usage: charts drawn by uPlot with data; the console's totals, the usage route's and /metrics agree to the
    # token (four Gemini requests).
    await page.click("#tabs button[data-tab=usage]")
    await page.locator("#chart-tokens canvas").wait_for()
    assert int(await page.get_attribute("#chart-tokens", "data-points") or 0) > 0
    assert int(await page.get_attribute("#chart-users", "data-points") or 0) > 0
    assert int(await page.get_attribute("#chart-latency", "data-points") or 0) > 0
    await page.locator("#chart-cache canvas").wait_for()
    dana = await user_by_email(app, "dana.okafor@clara.dev")
    client = httpx.AsyncClient(base_url=base, headers=bearer(app, dana))
    route = (await client.get("/clara-server/analytics/usage")).json()["totals"]
    after = counted()
    assert route["input_tokens"] == after["input"] - before["input"] == 4 * IN
    assert route["output_tokens"] == after["output"] - before["output"] == 4 * OUT
    shown = await page.inner_text("#usage-totals")
    assert f"{route['input_tokens']} input and {route['output_tokens']} output tokens" in shown
    assert f"${route['cost_usd']:.6f}" in shown
    await page.screenshot(path=str(tmp_path / "usage.png"), full_page=True)

    # Deleting a document (after confirming) takes it off the list.
    await page.click("#tabs button[data-tab=documents]")
    page.once("dialog", lambda dialog: dialog.accept())
    await page.locator("#documents tbody tr", has_text="uokka").locator("button", has_text="Delete").click()
    await page.locator("#documents tbody tr", has_text="uokka").wait_for(state="detached")
    assert await page.locator("#documents tbody tr", has_text="wombat").count() == 1
    # Deleted elsewhere meanwhile: the API's 404 is shown, not swallowed.
    wombat = next(d for d in (await client.get("/clara-server/knowledge/documents")).json()["documents"]
                  if "wombat" in d["title"].lower())
    assert (await client.delete(f"/clara-server/knowledge/documents/{wombat['document_id']}")).status_code == 204
    page.once("dialog", lambda dialog: dialog.accept())
    await page.locator("#documents tbody tr", has_text="wombat").locator("button", has_text="Delete").click()
    await page.locator("#documents-error", has_text="document not found").wait_for()

    # A phone-sized window: every pane fits the width (charts are redrawn to it).
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.evaluate("document.querySelector('#chart-users').removeAttribute('data-points')")
    for tab in ("usage", "jobs", "documents", "chat"):
        await page.click(f"#tabs button[data-tab={tab}]")
        await page.locator(f"#tab-{tab}").wait_for()
        if tab == "usage":
            await page.locator("#chart-users[data-points]").wait_for(state="attached")  # drawn again
        await page.screenshot(path=str(tmp_path / f"phone-{tab}.png"), full_page=True)
        wide = await page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter((node) => node.getBoundingClientRect().right > 390.5 && node.offsetParent !== null)
            .map((node) => node.tagName + (node.id ? '#' + node.id : '') + '.' + node.className).slice(0, 5)""")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390, (tab, wide)
    assert [p for p in problems if "Content Security Policy" in p] == []
    assert [url for url in urls if token in url or "token=" in url] == []
    await client.aclose()


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

    # A token that runs out while the console is open: back to sign-in, saying so, without a click.
    short = issue_token(maria, secret=app.state.settings.jwt_secret, ttl_seconds=3)
    await page.evaluate("([key, token]) => sessionStorage.setItem(key, token)", ["clara.console.token", short])
    await page.reload()
    await page.locator("#chat-status", has_text="Connected").wait_for()
    await error.wait_for(state="visible")
    assert "expired" in (await error.inner_text()).lower() and await page.locator("#app").is_hidden()

    # A technician signs in: no documents or usage tabs, and only their own day is listed, with travel times.
    await sign_in(page, f"http://127.0.0.1:{server.port}", "maria.lopez@clara.dev")
    await page.locator("#chat-status", has_text="Connected").wait_for()
    assert await page.locator("#tabs button[data-tab=usage]").is_hidden()
    await page.click("#tabs button[data-tab=jobs]")
    await page.locator("#days td.travel").first.wait_for()
    assert await page.locator("#days .day").count() == 1
    assert await page.get_attribute("#days .day", "data-technician") == str(maria.id)

    # The token dies while the console is open (signed out elsewhere): the next call returns to sign-in, saying why.
    await page.evaluate("""() => fetch('/auth/logout', {method: 'POST', headers: {Authorization:
        'Bearer ' + sessionStorage.getItem('clara.console.token')}})""")
    await page.click("#tabs button[data-tab=jobs]")
    await error.wait_for(state="visible")
    assert await page.locator("#app").is_hidden() and "signed out" in (await error.inner_text()).lower()
    assert await page.evaluate("sessionStorage.getItem('clara.console.token')") is None
