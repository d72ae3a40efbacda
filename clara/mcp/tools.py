"""Clara's tools for MCP clients: the agent's tools by the same names, each a direct call of the same service.

An MCP client has no conversation, so what the agent takes from its session ("the site being discussed") is an
argument here, and a tool whose subject is the technician's work without naming it takes the job under way (en
route or in progress today), else the next one, as the agent does. Answers are the services' JSON, not the
agent's spoken lines: an MCP client's model writes its own sentences. `equipment_spec` returns the whole spec,
so it takes no `question`; `log_deficiency` also takes the `job_id` a client without a session may know.

Every call acts as the bearer token's user: services apply `clara.auth.scope`, so another user's job answers the
same refusal the route gives, as the tool result `{"error": {code, message, field}, "status"}` with `is_error`.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Annotated, Any, Awaitable, Callable, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, TextContent
from pydantic import Field

from clara import metrics
from clara.auth.models import CurrentUser
from clara.crm import service as crm
from clara.crm.models import SiteMatch
from clara.errors import ApiError, validation_error
from clara.jobs import service as jobs
from clara.jobs import travel
from clara.jobs.models import Equipment, Job
from clara.knowledge import service as knowledge
from clara.logging import get_logger
from clara.stores import Stores
from clara.users import service as users
from clara.vision import service as vision

log = get_logger(__name__)

Result = dict[str, Any]
Work = Callable[[Stores, CurrentUser], Awaitable[Result]]


def _result(body: Result, *, error: bool = False) -> CallToolResult:
    text = json.dumps(body, default=str, separators=(",", ":"))
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=body, is_error=error)


async def _run(ctx: Context, name: str, work: Work) -> CallToolResult:
    """`work` as the caller, timed like the agent's tools; a refusal becomes the route's error body."""
    request = ctx.request_context.request
    stores: Stores = request.app.state.stores  # type: ignore[union-attr]  # HTTP transport: a Starlette request
    actor: CurrentUser = request.scope["user"]  # type: ignore[union-attr]  # the endpoint let only users through
    started = time.perf_counter()
    ok = False
    try:
        body = await work(stores, actor)
        ok = True
        return _result(body)
    except ApiError as exc:
        log.info("mcp_tool_refused", tool=name, code=exc.code, status=exc.status)
        error: Result = {"code": exc.code, "message": exc.message, "field": exc.field}
        if isinstance(exc, knowledge.UnknownModel):  # as GET /clara-server/equipment/{model} lists them
            error["close_matches"] = exc.close_matches
        return _result({"error": error, "status": exc.status}, error=True)
    except Exception as exc:  # never a stack trace to the client
        log.exception("mcp_tool_failed", tool=name, error=type(exc).__name__)
        return _result({"error": {"code": "internal_error", "message": "something went wrong on our side",
                                  "field": None}, "status": 500}, error=True)
    finally:
        metrics.observe_tool(name, time.perf_counter() - started, ok)


async def _working_job(stores: Stores, actor: CurrentUser) -> Job:
    """The caller's job under way today (en route or in progress), else their next one."""
    today = await jobs.list_jobs(stores, actor=actor)
    found = next((j for j in today if j.status in ("in_progress", "en_route")), None)
    found = found or await jobs.next_job(stores, actor=actor)
    if found is None:
        raise validation_error("job_id", "you have no job open; give the job_id")
    return found


async def _site(stores: Stores, named: str) -> SiteMatch:
    matches = await crm.locate(stores, location=named, field="site")
    if not matches:
        raise ApiError(404, "not_found", f"no customer site matches {named.strip()!r}", "site")
    if len(matches) > 1:
        names = ", ".join(m.site_name for m in matches[:4])
        raise ApiError(404, "ambiguous_location", f"{named.strip()!r} could be {names}; which one?", "site")
    return matches[0]


def _equipment_named(equipment: list[Equipment], named: str | None) -> Equipment | None:
    """The unit at the site that `named` describes best ("fire pump", "the 50TCQA06"), or None."""
    words = {w for w in (named or "").lower().replace("-", " ").split() if len(w) > 2}
    scored = [(sum(w in f"{e.type} {e.manufacturer} {e.model}".lower().replace("-", " ") for w in words), -e.id, e)
              for e in equipment]
    best = max(scored, default=None, key=lambda item: item[:2])
    return best[2] if best is not None and best[0] > 0 else None


def register(server: MCPServer) -> None:
    """Declare every tool on `server`."""

    @server.tool()
    async def customer_at_location(
        ctx: Context,
        location: Annotated[str, Field(description='A customer name, site or building name, or street address, '
                                                   'e.g. "WeWork" or "123 Main St"')],
    ) -> CallToolResult:
        """Find the customer at a place: contacts, sites, special requirements and recent jobs."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            return (await crm.customer_by_location(stores, location=location)).as_json()

        return await _run(ctx, "customer_at_location", work)

    @server.tool()
    async def my_jobs_today(ctx: Context) -> CallToolResult:
        """List the technician's jobs for today, in schedule order."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            return {"jobs": [job.as_json() for job in await jobs.list_jobs(stores, actor=actor)]}

        return await _run(ctx, "my_jobs_today", work)

    @server.tool()
    async def next_job(ctx: Context) -> CallToolResult:
        """The technician's next job: where, when, for whom, and how far from their home base."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            job = await jobs.next_job(stores, actor=actor)
            return {"job": None if job is None else job.as_json()}

        return await _run(ctx, "next_job", work)

    @server.tool()
    async def daily_brief(ctx: Context) -> CallToolResult:
        """The technician's day: remaining jobs in driving order, travel time, and what not to miss."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            return (await jobs.daily_brief(stores, actor=actor)).as_json()

        return await _run(ctx, "daily_brief", work)

    @server.tool()
    async def job_details(
        ctx: Context,
        job_id: Annotated[int | None, Field(description="The job number; empty for the job under way or next",
                                            ge=1)] = None,
    ) -> CallToolResult:
        """Details of one job: site, customer, schedule, site rules, equipment and open deficiencies."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            wanted = job_id or (await _working_job(stores, actor)).id
            return (await jobs.get_job(stores, actor=actor, job_id=wanted)).as_json()

        return await _run(ctx, "job_details", work)

    @server.tool()
    async def equipment_spec(
        ctx: Context,
        model: Annotated[str, Field(description='The model number, e.g. "50TCQA06"')],
    ) -> CallToolResult:
        """Manufacturer specifications for an equipment model: electrical data (MCA, MOCP, RLA, FLA), refrigerant,
        capacity, pressures, flows, weights, service notes."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            return (await knowledge.equipment_spec(stores, model=model)).as_json()

        return await _run(ctx, "equipment_spec", work)

    @server.tool()
    async def knowledge_search(
        ctx: Context,
        query: Annotated[str, Field(description='The question in the technician\'s words, e.g. "NFPA 25 fire pump '
                                                'weekly test"')],
        source: Annotated[Literal["nfpa", "specs", "manuals", "uploads"] | None,
                          Field(description="Only search one kind of document")] = None,
    ) -> CallToolResult:
        """Search NFPA standards, service manuals, specifications and uploaded documents; results carry the standard
        and section to cite."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            hits = await knowledge.search(stores, query=query, k=5, source=source, actor=actor)
            return {"results": [hit.as_json() for hit in hits]}

        return await _run(ctx, "knowledge_search", work)

    @server.tool()
    async def travel_time(
        ctx: Context,
        destination: Annotated[str, Field(description="A site, customer or street address")],
        origin: Annotated[str | None, Field(description="Where the technician starts from; empty for their home "
                                                        "base")] = None,
    ) -> CallToolResult:
        """Driving time and distance to a site."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            start: travel.Place | None = origin or (await users.get_user(stores, actor=actor, user_id=actor.id)).home
            if start is None:
                raise validation_error("origin", "say where you are starting from")
            return (await travel.travel_time(stores, origin=start, destination=destination)).as_json()

        return await _run(ctx, "travel_time", work)

    @server.tool()
    async def inspections_due(
        ctx: Context,
        site: Annotated[str, Field(description="A site, customer or street address")],
    ) -> CallToolResult:
        """Equipment at a site that is overdue or due for inspection in the next 30 days."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            place = await _site(stores, site)
            due = await jobs.inspections_due(stores, actor=actor, site_id=place.site_id)
            return {"site": {"id": place.site_id, "name": place.site_name}, "due": [e.as_json() for e in due]}

        return await _run(ctx, "inspections_due", work)

    @server.tool()
    async def log_deficiency(
        ctx: Context,
        description: Annotated[str, Field(description='What is wrong, e.g. "corroded sprinkler head"')],
        severity: Annotated[Literal["inoperable", "deficient", "suggested"],
                            Field(description="inoperable (system cannot work), deficient (needs correction) or "
                                              "suggested (improvement)")] = "deficient",
        location: Annotated[str | None, Field(description='Where on site, e.g. "stairwell B"')] = None,
        equipment: Annotated[str | None, Field(description='The equipment it concerns, by type or model (e.g. '
                                                           '"fire pump"), if any')] = None,
        job_id: Annotated[int | None, Field(description="The job; empty for the job under way or next",
                                            ge=1)] = None,
    ) -> CallToolResult:
        """Log a deficiency found on site against a job."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            wanted = job_id or (await _working_job(stores, actor)).id
            unit = None
            if equipment:
                unit = _equipment_named((await jobs.get_job(stores, actor=actor, job_id=wanted)).equipment, equipment)
            deficiency = await jobs.log_deficiency(
                stores, actor=actor, job_id=wanted, equipment_id=unit.id if unit else None, severity=severity,
                description=description, location=location,
            )
            return deficiency.as_json()

        return await _run(ctx, "log_deficiency", work)

    @server.tool()
    async def mark_deficiency_fixed(
        ctx: Context,
        deficiency_id: Annotated[int, Field(description="The deficiency number", ge=1)],
    ) -> CallToolResult:
        """Mark a deficiency as fixed."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            return (await jobs.mark_deficiency_fixed(stores, actor=actor, deficiency_id=deficiency_id)).as_json()

        return await _run(ctx, "mark_deficiency_fixed", work)

    @server.tool()
    async def get_preferences(ctx: Context) -> CallToolResult:
        """How the technician likes answers: skill level, units and verbosity."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            return (await users.get_preferences(stores, actor=actor, user_id=actor.id)).as_json()

        return await _run(ctx, "get_preferences", work)

    @server.tool()
    async def set_preferences(
        ctx: Context,
        skill_level: Annotated[Literal["beginner", "intermediate", "expert"] | None,
                               Field(description="beginner (steps and safety notes), intermediate, or expert "
                                                 "(terse numbers)")] = None,
        units: Annotated[Literal["imperial", "metric"] | None, Field(description="imperial or metric")] = None,
        verbosity: Annotated[Literal["brief", "normal", "detailed"] | None,
                             Field(description="brief, normal or detailed")] = None,
    ) -> CallToolResult:
        """Change how the technician likes answers; only the values given change."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            prefs = await users.update_preferences(stores, actor=actor, user_id=actor.id, skill_level=skill_level,
                                                   units=units, verbosity=verbosity)
            return prefs.as_json()

        return await _run(ctx, "set_preferences", work)

    @server.tool()
    async def identify_equipment(
        ctx: Context,
        image: Annotated[str, Field(description="The nameplate photo, JPEG or PNG, base64-encoded. The request "
                                                "must fit the server's JSON body limit (MAX_BODY_BYTES, 1 MB by "
                                                "default): send it scaled to about 1600 pixels on the long side")],
        job_id: Annotated[int | None, Field(description="The job the technician is on: say whether the unit is "
                                                        "already registered at its site", ge=1)] = None,
    ) -> CallToolResult:
        """Identify a unit from a photo of its nameplate: model, serial, electrical data, refrigerant, the month it
        was built (from the serial) and our catalogue's spec."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            try:
                data = base64.b64decode(image, validate=True)
            except (binascii.Error, ValueError):
                raise validation_error("image", "image must be base64-encoded JPEG or PNG bytes") from None
            found = await vision.identify(stores, actor=actor, image=data, job_id=job_id)
            return found.model_dump(mode="json")

        return await _run(ctx, "identify_equipment", work)
