"""Clara: one `livekit.agents.Agent` for voice rooms and text chat alike, with tools that call the services directly.

Every tool runs its service calls on the app's loop through the session's bridge (voice jobs live on their own
loop), acts as the session's technician (the services apply `clara.auth.scope`), and returns JSON with a `say`
line from `clara.agent.answers`. A failure becomes a short apology with the reason, never an exception out of the
session.
"""

from __future__ import annotations

import json
import time
import uuid

import structlog
from typing import Any, AsyncIterable, Awaitable, Callable, Literal

from livekit import rtc
from livekit.agents import Agent, ModelSettings, RunContext, ToolError, function_tool

from clara import metrics
from clara.agent import answers, instructions, memory, speech
from clara.agent.context import Place, SessionContext
from clara.analytics import service as analytics
from clara.crm import service as crm
from clara.errors import ApiError
from clara.jobs import service as jobs
from clara.jobs import travel
from clara.jobs.models import Equipment, Job
from clara.knowledge import service as knowledge
from clara.logging import get_logger
from clara.users import service as users

log = get_logger(__name__)

Result = dict[str, Any]

Severity = Literal["inoperable", "deficient", "suggested"]
Source = Literal["nfpa", "specs", "manuals", "uploads"]


class Clara(Agent):
    def __init__(self, ctx: SessionContext) -> None:
        self.ctx = ctx  # the conversation's recent turns are where the LLM picks up after a reconnect
        super().__init__(instructions=self.current_instructions(), chat_ctx=ctx.conversation.chat_context())

    def current_instructions(self) -> str:
        note = instructions.memory_note(self.ctx)
        base = instructions.build(self.ctx)
        return f"{base}\n\n{note}" if note else base

    # -- turn bookkeeping -------------------------------------------------------------------------------------------

    async def end_turn(self, *, user_text: str, reply: str, tool_calls: list[memory.ToolCallRecord],
                       llm_name: str, interrupted: bool = False) -> memory.Turn:
        """Persist the turn with the entities it touched, and keep the live context to the memory window."""
        standard = memory.mentioned_standard(f"{user_text} {reply}")
        if standard:
            self.ctx.track(standard=standard)
        turn = memory.Turn(str(uuid.uuid4()), user_text, reply, tool_calls, llm_name, interrupted)
        await self.ctx.bridge.call(memory.save_turn(self.ctx.stores, self.ctx.conversation, turn))
        trimmed = self.chat_ctx.copy()
        if memory.trim(trimmed):
            await self.update_chat_ctx(trimmed)
        await self.update_instructions(self.current_instructions())
        return turn

    # -- voice output: spoken form only on the way to a TTS ------------------------------------------------------

    async def tts_node(
        self, text: AsyncIterable[str], model_settings: ModelSettings
    ) -> AsyncIterable[rtc.AudioFrame]:
        spoken = speech.spoken_stream(text, ssml=speech.accepts_ssml(self.session.tts))
        async for frame in Agent.default.tts_node(self, spoken, model_settings):
            yield frame

    # -- the tool runner ---------------------------------------------------------------------------------------------

    async def _run(self, name: str, work: Callable[[], Awaitable[Result]]) -> str:
        """Run `work` on the app's loop; count it; turn any failure into an apology the LLM can relay."""
        ctx = self.ctx
        session_id = ctx.conversation.id

        async def on_app_loop() -> Result:
            started = time.perf_counter()
            ok = False
            try:
                with structlog.contextvars.bound_contextvars(session_id=session_id):
                    result = await work()
                    ok = True
                    await _offer_next_action(ctx, name, result)
                return result
            finally:
                elapsed = time.perf_counter() - started
                metrics.observe_tool(name, elapsed, ok)
                await analytics.record(ctx.stores, type="tool_called", user_id=ctx.actor.id, session_id=session_id,
                                       properties={"name": name, "duration": round(elapsed, 6), "ok": ok})

        try:
            result = await ctx.bridge.call(on_app_loop())
        except ApiError as exc:
            log.info("tool_refused", tool=name, code=exc.code, status=exc.status)
            raise ToolError(answers.apology(exc.message)) from None
        except Exception as exc:  # the session must survive any tool failure
            log.exception("tool_failed", tool=name, error=type(exc).__name__)
            await ctx.bridge.call(analytics.record(ctx.stores, type="tool_failed", user_id=ctx.actor.id,
                                                   session_id=session_id,
                                                   properties={"name": name, "error": type(exc).__name__}))
            raise ToolError(answers.apology("something went wrong on my side; please try again")) from None
        if ctx.voice:
            result["spoken"] = speech.spoken(result["say"])
        return json.dumps(result, default=str, separators=(",", ":"))

    # -- resolution helpers: arguments left out come from the session's job or the conversation ---------------------

    async def _place(self, named: str | None) -> Place:
        """The site a tool is about: the place named, else the one being discussed (the session's job's at first).

        Resolved places are remembered for the session: "how far is it" after "what's due at ABC" costs no lookup.
        """
        ctx = self.ctx
        wanted = named or ctx.entities.site
        if not wanted:
            raise ApiError(400, "validation_error", "tell me which site or customer you mean", "site")
        key = wanted.strip().lower()
        if key in ctx.places:
            return ctx.places[key]
        matches = await crm.locate(ctx.stores, location=wanted)
        if not named:  # the tracked site by id; its name may match its neighbours too ("Kaiser ...")
            matches = [m for m in matches if m.site_id == ctx.entities.site_id] or matches
        if not matches:
            raise ApiError(404, "not_found", f"no customer site matches {wanted.strip()!r}", "site")
        if len(matches) > 1:
            names = ", ".join(m.site_name for m in matches[:4])
            raise ApiError(404, "ambiguous_location", f"{wanted.strip()!r} could be {names}; which one?", "site")
        match = matches[0]
        place = ctx.places[key] = Place(match.site_id, match.site_name, (match.latitude, match.longitude))
        return place

    async def _working_job(self) -> tuple[int, str]:
        """The job a deficiency belongs to, with its site's name: the session's job, the one being discussed, else
        the one under way now (or next)."""
        ctx = self.ctx
        if ctx.job is not None:
            return ctx.job.job.id, ctx.job.job.site.name
        if ctx.entities.job_id and ctx.entities.site:
            return ctx.entities.job_id, ctx.entities.site
        today = await jobs.list_jobs(ctx.stores, actor=ctx.actor)
        found = next((j for j in today if j.status in ("in_progress", "en_route")), None)
        found = found or await jobs.next_job(ctx.stores, actor=ctx.actor)
        if found is None:
            raise ApiError(400, "validation_error", "you have no job open; tell me the job number", "job_id")
        self._track_job(found)
        return found.id, found.site.name

    def _track_job(self, job: Job) -> None:
        self.ctx.track(job_id=job.id, site=job.site.name, site_id=job.site.id, customer=job.customer.name,
                       customer_id=job.customer.id)

    # -- tools ---------------------------------------------------------------------------------------------------

    @function_tool
    async def customer_at_location(self, context: RunContext, location: str | None = None) -> str:
        """Find the customer at a place: a customer name, site or building name, or street address.

        Args:
            location: What the technician called the place, e.g. "WeWork" or "123 Main St". Empty for the site
                being discussed.
        """
        ctx = self.ctx

        async def work() -> Result:
            place = location or ctx.entities.site or ctx.entities.customer
            if not place:
                raise ApiError(400, "validation_error", "tell me the site, customer or address", "location")
            located = await crm.customer_by_location(ctx.stores, location=place)
            c, match = located.customer, located.match
            ctx.track(customer=c.name, customer_id=c.id, site=match.site_name, site_id=match.site_id)
            primary = next((p for p in c.contacts if p.is_primary), None)
            return {
                "say": answers.customer(located, ctx.preferences),
                "customer": {"id": c.id, "name": c.name, "segment": c.segment},
                "site": {"id": match.site_id, "name": match.site_name},
                "primary_contact": None if primary is None else {"name": primary.name, "title": primary.title,
                                                                 "phone": primary.phone},
                "special_requirements": c.special_requirements,
                "source": "CRM",
            }

        return await self._run("customer_at_location", work)

    @function_tool
    async def my_jobs_today(self, context: RunContext) -> str:
        """List the technician's jobs for today, in schedule order."""
        ctx = self.ctx

        async def work() -> Result:
            day_jobs = await jobs.list_jobs(ctx.stores, actor=ctx.actor)
            return {
                "say": answers.jobs_today(day_jobs, ctx.today(), ctx.preferences),
                "jobs": [{"id": j.id, "start": j.scheduled_start.isoformat(), "type": j.type, "status": j.status,
                          "priority": j.priority, "site": j.site.name, "customer": j.customer.name}
                         for j in day_jobs],
            }

        return await self._run("my_jobs_today", work)

    @function_tool
    async def next_job(self, context: RunContext) -> str:
        """The technician's next job: where, when, for whom, and how far away."""
        ctx = self.ctx

        async def work() -> Result:
            job = await jobs.next_job(ctx.stores, actor=ctx.actor)
            if job is not None:
                self._track_job(job)
            return {"say": answers.next_job(job, ctx.preferences), "job": None if job is None else job.as_json()}

        return await self._run("next_job", work)

    @function_tool
    async def daily_brief(self, context: RunContext) -> str:
        """The technician's day: remaining jobs in driving order, travel time, and what not to miss."""
        ctx = self.ctx

        async def work() -> Result:
            brief = await jobs.daily_brief(ctx.stores, actor=ctx.actor)
            return {
                "say": answers.daily_brief(brief, ctx.preferences),
                "jobs": [{"id": j.id, "start": j.scheduled_start.isoformat(), "site": j.site.name,
                          "travel_seconds": j.travel_seconds} for j in brief.jobs],
                "highlights": [h.message for h in brief.highlights],
                "total_travel_seconds": brief.total_travel_seconds,
            }

        return await self._run("daily_brief", work)

    @function_tool
    async def job_details(self, context: RunContext, job_id: int | None = None) -> str:
        """Details of one job: site, customer, schedule, site rules, equipment and open deficiencies.

        Args:
            job_id: The job number. Empty for the job this conversation is about.
        """
        ctx = self.ctx

        async def work() -> Result:
            wanted = job_id or (ctx.job.job.id if ctx.job else None) or ctx.entities.job_id
            if not wanted:
                raise ApiError(400, "validation_error", "tell me the job number", "job_id")
            detail = await jobs.get_job(ctx.stores, actor=ctx.actor, job_id=wanted)
            self._track_job(detail.job)
            return {
                "say": answers.job_details(detail, ctx.preferences),
                "job": detail.job.as_json(),
                "special_requirements": detail.special_requirements,
                "equipment": [{"id": e.id, "type": e.type, "manufacturer": e.manufacturer, "model": e.model,
                               "overdue": e.overdue} for e in detail.equipment],
                "open_deficiencies": [{"id": d.id, "severity": d.severity, "description": d.description}
                                      for d in detail.deficiencies],
            }

        return await self._run("job_details", work)

    @function_tool
    async def equipment_spec(self, context: RunContext, model: str | None = None, question: str | None = None) -> str:
        """Manufacturer specifications for an equipment model: electrical data (MCA, MOCP, RLA, FLA), refrigerant,
        capacity, pressures, flows, weights, service notes.

        Args:
            model: The model number, e.g. "50TCQA06". Empty for the model being discussed.
            question: What the technician asked about, e.g. "amp draw" or "refrigerant charge"; empty for an overview.
        """
        ctx = self.ctx

        async def work() -> Result:
            wanted = model or ctx.entities.equipment_model
            if not wanted:
                raise ApiError(400, "validation_error", "tell me the model number", "model")
            spec = await knowledge.equipment_spec(ctx.stores, model=wanted)
            ctx.track(equipment_model=spec.model, manufacturer=spec.manufacturer)
            topic = answers.spec_topic(question)
            return {"say": answers.equipment_spec(spec, topic, ctx.preferences), "spec": spec.as_json(),
                    "source": f"{spec.manufacturer or ''} {spec.series or spec.model} specifications".strip()}

        return await self._run("equipment_spec", work)

    @function_tool
    async def knowledge_search(self, context: RunContext, query: str, source: Source | None = None) -> str:
        """Search NFPA standards, service manuals, specifications and uploaded documents; results carry the standard
        and section to cite.

        Args:
            query: The question in the technician's words, e.g. "NFPA 25 fire pump weekly test".
            source: Only search one kind of document: nfpa, specs, manuals or uploads.
        """
        ctx = self.ctx

        async def work() -> Result:
            standard = memory.mentioned_standard(query)
            hits = await knowledge.search(ctx.stores, query=query, k=3, source=source, actor=ctx.actor)
            if hits:
                ctx.track(standard=hits[0].standard or standard)
            return {
                "say": answers.knowledge(hits, ctx.preferences, query=query),
                "results": [{"citation": answers.citation(h), "answer": h.answer, "confidence": h.confidence,
                             "title": h.title, "section": h.section, "page": h.page, "text": h.text[:800]}
                            for h in hits],
            }

        return await self._run("knowledge_search", work)

    @function_tool
    async def travel_time(self, context: RunContext, destination: str | None = None, origin: str | None = None) -> str:
        """Driving time and distance to a site.

        Args:
            destination: A site, customer or street address. Empty for the site being discussed.
            origin: Where the technician starts from; empty for their current job's site, else their home base.
        """
        ctx = self.ctx

        async def work() -> Result:
            place = await self._place(destination)
            start = await self._origin(origin)
            result = await travel.travel_time(ctx.stores, origin=start, destination=place.point)
            ctx.track(site=place.name, site_id=place.site_id)
            return {"say": answers.travel(result, place.name, ctx.preferences), **result.as_json()}

        return await self._run("travel_time", work)

    async def _origin(self, origin: str | None) -> travel.Point:
        ctx = self.ctx
        if origin:
            return (await self._place(origin)).point
        if ctx.job is not None:
            return ctx.job.job.point
        if ctx.user.home is not None:
            return ctx.user.home
        raise ApiError(400, "validation_error", "tell me where you are starting from", "origin")

    @function_tool
    async def inspections_due(self, context: RunContext, site: str | None = None) -> str:
        """Equipment at a site that is overdue or due for inspection in the next 30 days.

        Args:
            site: A site, customer or street address. Empty for the site being discussed.
        """
        ctx = self.ctx

        async def work() -> Result:
            place = await self._place(site)
            due = await jobs.inspections_due(ctx.stores, actor=ctx.actor, site_id=place.site_id)
            ctx.track(site=place.name, site_id=place.site_id)
            return {
                "say": answers.inspections_due(place.name, due, ctx.preferences),
                "due": [{"id": e.id, "type": e.type, "model": e.model, "standard": e.nfpa_standard,
                         "next_inspection_due": e.next_inspection_due, "overdue": e.overdue} for e in due],
            }

        return await self._run("inspections_due", work)

    @function_tool
    async def log_deficiency(
        self, context: RunContext, description: str, severity: Severity = "deficient", location: str | None = None,
        equipment: str | None = None,
    ) -> str:
        """Log a deficiency found on site against the current job.

        Args:
            description: What is wrong, e.g. "corroded sprinkler head".
            severity: inoperable (system cannot work), deficient (needs correction) or suggested (improvement).
            location: Where on site, e.g. "stairwell B".
            equipment: The equipment it concerns, by type or model (e.g. "fire pump"), if any.
        """
        ctx = self.ctx

        async def work() -> Result:
            job_id, site_name = await self._working_job()
            found = await _equipment_named(self, job_id, equipment)
            deficiency = await jobs.log_deficiency(
                ctx.stores, actor=ctx.actor, job_id=job_id, equipment_id=found.id if found else None,
                severity=severity, description=description, location=location,
            )
            ctx.track(deficiency_id=deficiency.id)
            return {"say": answers.deficiency_logged(deficiency, site_name, found, ctx.preferences),
                    "deficiency": deficiency.as_json()}

        return await self._run("log_deficiency", work)

    @function_tool
    async def mark_deficiency_fixed(self, context: RunContext, deficiency_id: int | None = None) -> str:
        """Mark a deficiency as fixed.

        Args:
            deficiency_id: The deficiency number. Empty for the one just logged or discussed.
        """
        ctx = self.ctx

        async def work() -> Result:
            wanted = deficiency_id or ctx.entities.deficiency_id
            if not wanted:
                raise ApiError(400, "validation_error", "tell me the deficiency number", "deficiency_id")
            deficiency = await jobs.mark_deficiency_fixed(ctx.stores, actor=ctx.actor, deficiency_id=wanted)
            ctx.track(deficiency_id=deficiency.id)
            return {"say": answers.deficiency_fixed(deficiency), "deficiency": deficiency.as_json()}

        return await self._run("mark_deficiency_fixed", work)

    @function_tool
    async def get_preferences(self, context: RunContext) -> str:
        """How the technician likes answers: skill level, units and verbosity."""
        ctx = self.ctx

        async def work() -> Result:
            prefs = await users.get_preferences(ctx.stores, actor=ctx.actor, user_id=ctx.user.id)
            ctx.preferences = prefs
            return {"say": answers.preferences(prefs), **prefs.as_json()}

        return await self._run("get_preferences", work)

    @function_tool
    async def set_preferences(
        self, context: RunContext, skill_level: Literal["beginner", "intermediate", "expert"] | None = None,
        units: Literal["imperial", "metric"] | None = None,
        verbosity: Literal["brief", "normal", "detailed"] | None = None,
    ) -> str:
        """Change how the technician likes answers; only the values given change.

        Args:
            skill_level: beginner (steps and safety notes), intermediate, or expert (terse numbers).
            units: imperial or metric.
            verbosity: brief, normal or detailed.
        """
        ctx = self.ctx

        async def work() -> Result:
            prefs = await users.update_preferences(ctx.stores, actor=ctx.actor, user_id=ctx.user.id,
                                                   skill_level=skill_level, units=units, verbosity=verbosity)
            ctx.preferences = prefs
            return {"say": answers.preferences(prefs, changed=True), **prefs.as_json()}

        result = await self._run("set_preferences", work)
        await self.update_instructions(self.current_instructions())
        return result


async def _offer_next_action(ctx: SessionContext, name: str, result: Result) -> None:
    """Append the learned next step to a tool's answer when it is likely enough and not yet offered this session.

    The tool just run counts as offered: nobody wants "want the specs?" right after hearing the specs.
    """
    ctx.recent_tools.append(name)
    ctx.offered.add(name)
    try:
        suggestion = await analytics.offer(ctx.stores, user_id=ctx.actor.id, last_actions=ctx.recent_tools[-2:],
                                           offered=ctx.offered)
    except Exception as exc:  # a suggestion is a nicety: the answer must not fail for it
        log.warning("suggestion_failed", tool=name, error=type(exc).__name__)
        return
    line = None if suggestion is None else answers.offer(suggestion.action)
    if suggestion is None or line is None or "say" not in result:
        return
    result["suggestion"] = {"action": suggestion.action, "confidence": round(suggestion.confidence, 2)}
    result["say"] = f"{result['say']} {line}"


async def _equipment_named(agent: Clara, job_id: int, named: str | None) -> Equipment | None:
    """The site's equipment that `named` describes ("fire pump", "the 50TCQA06"), or None when nothing fits."""
    if not named:
        return None
    detail = await jobs.get_job(agent.ctx.stores, actor=agent.ctx.actor, job_id=job_id)
    words = {w for w in named.lower().replace("-", " ").split() if len(w) > 2}
    scored = []
    for item in detail.equipment:
        label = f"{item.type} {item.manufacturer} {item.model}".lower().replace("-", " ")
        score = sum(1 for w in words if w in label)
        if score:
            scored.append((score, -item.id, item))
    return max(scored)[2] if scored else None
