"""How every Clara tool runs: on the app's loop, as the session's technician, counted, and never raising.

A tool is a thin function: it resolves what the technician meant through `clara.jobs.resolution`, calls a service
and builds a result with a `say` line (`clara.agent.answers`). `run` executes it through the session's bridge
(voice jobs live on their own loop), records the call, offers a likely next step, and turns any failure into a
short apology: a refusal with its reason, or for a store that is down what could not be reached and what to do
meanwhile (`clara.agent.fillers`). In voice, a slow tool makes Clara say a short filler while it runs. A write
still waiting for a yes outlasts a question asked meanwhile ("hang on, how often do those get a hydro"): the answer
ends by asking again whether to save it, so the next "yes" answers that. Another write (a fix marked, a preference
set, an undo) sets it aside, so a "yes" can never save it by accident.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from contextlib import AbstractAsyncContextManager
from typing import Any, Awaitable, Callable, Coroutine

import structlog
from livekit.agents import RunContext, ToolError
from livekit.agents.voice import SpeechHandle

from clara.platform import metrics
from clara.agent import answers, fillers, speech
from clara.agent.context import SessionContext
from clara.agent.offers_fit import offer_fits
from clara.analytics import service as analytics
from clara.web.errors import DATABASE_UNAVAILABLE, ApiError
from clara.platform.logging import get_logger

log = get_logger(__name__)

Result = dict[str, Any]
DRAFTING = frozenset({"confirm_draft", "edit_draft", "log_deficiency", "update_job_status"})  # work on the draft
WRITES = frozenset({"confirm_draft", "mark_deficiency_fixed", "set_preferences", "undo_status_change"})  # change records


def session_context(context: RunContext) -> SessionContext:
    """The session context of the agent a tool call belongs to."""
    ctx: SessionContext = context.session.current_agent.ctx  # type: ignore[attr-defined]
    return ctx


async def run(context: RunContext, name: str, work: Callable[[SessionContext], Awaitable[Result]]) -> str:
    """Run `work` on the app's loop; count it; turn any failure into an apology the LLM can relay."""
    ctx = session_context(context)
    session_id = ctx.conversation.id

    async def on_app_loop() -> Result:
        started = time.perf_counter()
        ok = False
        try:
            with structlog.contextvars.bound_contextvars(session_id=session_id):
                waiting = ctx.draft if name not in DRAFTING else None
                set_aside = waiting is not None and name in WRITES  # a record changed: that yes was for another
                if set_aside:
                    ctx.draft = None
                personal = _counts_ahead(ctx, name)
                try:
                    result = await work(ctx)
                except BaseException as exc:
                    if personal is not None:  # weighed never: no more reads ahead for it ("no more jobs" each time)
                        ctx.unweighed.add((*ctx.recent_tools[-1:], name))
                    # a refusal ("no such model", "which one?") is an answer, not a breakage: counted as failed it
                    # raised failure anomalies on questions alone
                    ok = isinstance(exc, ApiError) and exc.status < 500
                    raise
                ok = True
                if waiting is not None and "say" in result:  # a question asked meanwhile: answered, the draft kept
                    result["say"] = f"{result['say']} " \
                        f"{answers.draft_set_aside() if set_aside else answers.draft_still_waiting(waiting)}"
                await _offer_next_action(ctx, name, result, personal)
            return result
        finally:
            elapsed = time.perf_counter() - started
            metrics.observe_tool(name, elapsed, ok)
            await analytics.record(ctx.stores, type="tool_called", user_id=ctx.actor.id, session_id=session_id,
                                   properties={"name": name, "duration": round(elapsed, 6), "ok": ok})

    try:
        async with _filler(context, ctx, name):
            result = await _unless_interrupted(context, name, ctx.bridge.call(on_app_loop()))
    except ApiError as exc:
        log.info("tool_refused", tool=name, code=exc.code, status=exc.status)
        if exc.code.startswith("ambiguous"):  # "which one?": a question back, which no other source may answer over
            raise ToolError(answers.which_one(exc.message)) from None
        raise ToolError(fillers.unavailable(name) if exc.status == 503 else answers.apology(exc.message)) from None
    except Exception as exc:  # the session must survive any tool failure; the technician hears what to do instead
        log.exception("tool_failed", tool=name, error=type(exc).__name__)
        try:
            await ctx.bridge.call(analytics.record(ctx.stores, type="tool_failed", user_id=ctx.actor.id,
                                                   session_id=session_id,
                                                   properties={"name": name, "error": type(exc).__name__}))
        except DATABASE_UNAVAILABLE:  # the store that failed the tool may be the one that journals it
            log.warning("tool_failure_not_recorded", tool=name)
        raise ToolError(fillers.unavailable(name)) from None
    if ctx.voice:
        result["spoken"] = speech.spoken(result["say"])
    return json.dumps(result, default=str, separators=(",", ":"))


async def _unless_interrupted(context: RunContext, name: str, call: Coroutine[Any, Any, Result]) -> Result:
    """Run a read until it answers, or stop it when its turn is interrupted (the call ended, or the session was
    told to stop): livekit's session close otherwise waits for every running tool to finish, so a slow lookup would
    hold a hung-up call open for as long as it takes. A write (`WRITES`) always finishes: a yes was given."""
    work = asyncio.ensure_future(call)
    if name in WRITES:
        return await work
    await context.speech_handle.wait_if_not_interrupted([work])
    if not work.done():
        work.cancel()  # across the bridge too: the app loop's task is cancelled with it, its transaction rolled back
        log.info("tool_cancelled", tool=name)
        await asyncio.gather(work, return_exceptions=True)
        raise asyncio.CancelledError(f"{name}: its turn was interrupted")
    return work.result()


def _filler(context: RunContext, ctx: SessionContext, name: str) -> AbstractAsyncContextManager[None]:
    """In a voice session, a tool still running after `fillers.FILLER_DELAY` makes Clara say a short line.

    Voice has no TTS (Gemini Live speaks for itself), so `session.say` cannot voice it: the filler is a one-off
    reply the model is asked for while the call is pending, which Gemini Live answers because Clara declares her
    tools NON_BLOCKING (`clara.agent.realtime`). The tool itself is untouched and stays cancellable; leaving the
    block (the tool answered, failed or was cancelled) stops a filler that has not fired yet.
    """
    if not ctx.voice:
        return contextlib.nullcontext()

    def speak(step: int) -> SpeechHandle:
        handle = context.session.generate_reply(instructions=fillers.filler_instructions(name))
        ctx.fillers.append(handle)  # its words are not the answer: the turn's record leaves them out
        log.info("tool_filler", tool=name)
        return handle

    return context.with_filler(speak, delay=fillers.FILLER_DELAY)


def _counts_ahead(ctx: SessionContext, name: str) -> Awaitable[Any] | None:
    """The technician's pattern counts, read while the tool works, when its offer is likely to be weighed after
    (`_offer_next_action`'s own conditions as they stand before the work: no draft waiting or being made, a context
    not weighed yet, nor failed before its offer); otherwise the offer reads them itself if it turns out to need
    them."""
    context = (*ctx.recent_tools[-1:], name)
    if ctx.draft is not None or name in DRAFTING or context in ctx.offer_contexts or context in ctx.unweighed:
        return None
    return analytics.personal_counts(ctx.stores, user_id=ctx.actor.id)


async def _offer_next_action(ctx: SessionContext, name: str, result: Result,
                             personal: Awaitable[Any] | None = None) -> None:
    """Append the learned next step to a tool's answer when it is likely enough and not yet offered this session.

    The tool just run counts as offered: nobody wants "want the specs?" right after hearing the specs. Nothing is
    offered while a write waits for a yes: the question on the table is "save it?". Each context (the last two
    tools) is weighed once per session.
    """
    ctx.recent_tools.append(name)
    ctx.offered.add(name)
    context = tuple(ctx.recent_tools[-2:])
    if ctx.draft is not None or "draft" in result or context in ctx.offer_contexts:
        return
    # A context already weighed this session would give the same top suggestion, already offered or declined:
    # asking again only costs a query per turn.
    ctx.offer_contexts.add(context)
    try:
        suggestion = await analytics.offer(ctx.stores, user_id=ctx.actor.id, last_actions=ctx.recent_tools[-2:],
                                           offered=ctx.offered, personal=personal)
    except Exception as exc:  # a suggestion is a nicety: the answer must not fail for it
        log.warning("suggestion_failed", tool=name, error=type(exc).__name__)
        return
    line = None if suggestion is None else answers.offer(suggestion.action)
    if suggestion is None or line is None or "say" not in result or \
            not offer_fits(name, suggestion.action, str(result["say"])):
        return
    result["suggestion"] = {"action": suggestion.action, "confidence": round(suggestion.confidence, 2)}
    result["say"] = f"{result['say']} {line}"
