"""Clara's tools for MCP clients: every tool the agent always has, by the same name and with the same parameters,
each calling the same services.

An MCP client has no conversation, so references resolve as the agent resolves them with nothing discussed yet
(`clara.jobs.resolution` with an empty focus): empty or "here" is the job under way and its site, "my next job",
"the job after Chase Center", "job 42" or a site by name as the agent takes them. Three differences follow from
there being no session:
- `read_nameplate` reads the photo passed as `image` (base64): the agent reads the conversation's latest photo or
  camera frame. `job_id` says which job's site to check the unit against.
- `log_deficiency` and `update_job_status` save at once: the agent reads a draft back and saves it on the
  technician's yes (its `confirm_draft` and `edit_draft` exist only while a draft waits, so they have no twin
  here); the client's model confirms with its user before calling. The same rules refuse the same writes.
- Answers are the services' JSON, not the agent's spoken lines: an MCP client's model writes its own sentences.
  A `question` (equipment_spec, read_nameplate) adds `asked`: the topic and the figures it asks for, found by the
  same vocabulary the agent answers with (`clara.knowledge.spec_fields`), each with its value in the technician's
  units.

Every call acts as the bearer token's user: services apply `clara.web.caller`, so another user's job answers the
same refusal the route gives, as the tool result `{"error": {code, message, field}, "status"}` with `is_error`.
"""

from __future__ import annotations

import base64
import binascii
import functools
from typing import Annotated, Awaitable, Callable, Literal, TypeVar

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult
from pydantic import Field

from clara.web.caller import CurrentUser
from clara.mcp import calls
from clara.mcp.calls import NO_CONVERSATION, Result
from clara.crm import service as crm
from clara.web.errors import validation_error
from clara.jobs import crew, days, drafts, history, resolution, tally, trips, units
from clara.jobs import service as jobs
from clara.jobs.models import Job
from clara.knowledge import service as knowledge
from clara.knowledge import spec_fields
from clara.stores import Stores
from clara.users import service as users
from clara.vision import service as vision

ToolFunction = TypeVar("ToolFunction", bound=Callable[..., Awaitable[CallToolResult]])


@functools.cache
def catalogue() -> tuple[Tool, ...]:
    """Every tool, described once per process and handed to each app's MCP server.

    Describing a tool builds a pydantic model and a JSON schema from its signature: about 0.2 s of CPU per app
    start for these 17, and the result depends on this module's code alone (a `Tool` is immutable once built and
    keeps no server state), so apps started later in the process (tests start hundreds) reuse it.
    """
    described: list[Tool] = []

    def tool() -> Callable[[ToolFunction], ToolFunction]:
        def describe(fn: ToolFunction) -> ToolFunction:
            described.append(Tool.from_function(fn))
            return fn

        return describe

    @tool()
    async def customer_at_location(
        ctx: Context,
        location: Annotated[str | None, Field(description='A customer name, site or building name, or street address '
                                                          '("WeWork", "123 Main St"), or "my next job"; empty for '
                                                          'the site of the job under way')] = None,
    ) -> CallToolResult:
        """Find the customer at a place: contacts, sites, special requirements and recent jobs."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            place = await calls.site(stores, actor, location)
            return (await crm.customer_at_site(stores, site_id=place.site_id)).as_json()

        return await calls.run(ctx, "customer_at_location", work)

    @tool()
    async def site_requirements(
        ctx: Context,
        site: Annotated[str | None, Field(description='A site, customer or address ("WeWork"), or "my next job"; '
                                                      'empty for the site of the job under way')] = None,
        access: Annotated[bool, Field(description="True when asked how to get in (a gate or door code, a lockbox, "
                                                  "keys, parking): adds the site's contact")] = False,
    ) -> CallToolResult:
        """What to know before showing up at a site: the customer's rules (badges, hours, permits, escorts) and access."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            place = await calls.site(stores, actor, site)
            located = await crm.customer_at_site(stores, site_id=place.site_id)
            return {"site": {"id": place.site_id, "name": place.name},
                    "customer": {"id": located.customer.id, "name": located.customer.name},
                    **located.requirements(access=access)}

        return await calls.run(ctx, "site_requirements", work)

    @tool()
    async def my_jobs_today(
        ctx: Context,
        day: Annotated[str | None, Field(description='The day in the technician\'s words, e.g. "tomorrow", "Monday"; '
                                                     'empty for today')] = None,
        which: Annotated[str | None, Field(description='"left", "urgent" (high priority), "longest", "shortest", '
                                                       '"closest" or "farthest" (from home); empty for all')] = None,
    ) -> CallToolResult:
        """The technician's jobs for a day (today or the day named) in schedule order, or counted and compared."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            today = jobs.today(stores)
            on = days.day_meant(day, today) if day else today
            if on is None:
                raise validation_error("day", f"I can't tell which day '{day}' is; say today, tomorrow or a weekday")
            day_jobs = await jobs.list_jobs(stores, actor=actor, on=on)
            if which:  # an MCP client sends no position: distances are from home
                day_jobs = await tally.ranked(stores, day_jobs, which, actor=actor)
            return {"jobs": [job.as_json() for job in day_jobs]}

        return await calls.run(ctx, "my_jobs_today", work)

    @tool()
    async def crew_day(
        ctx: Context,
        technician: Annotated[str, Field(description='A technician\'s name, e.g. "James"')],
        question: Annotated[str | None, Field(description="What is asked of their day, in words")] = None,
    ) -> CallToolResult:
        """Another technician's day, for a dispatcher or admin: the jobs the question means."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            found, _, meant, how = await crew.day_asked(stores, actor=actor, technician=technician, question=question)
            return {"technician": found.name, "meant": how, "jobs": [job.as_json() for job in meant]}

        return await calls.run(ctx, "crew_day", work)

    @tool()
    async def next_job(
        ctx: Context,
        after: Annotated[str | None, Field(description='The job or site to count from, e.g. "Chase Center" or '
                                                       '"my current job"; empty for the next job')] = None,
    ) -> CallToolResult:
        """The technician's next job: where, when, for whom, and how far away; or the job after a given one."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            if after:
                anchor = await resolution.resolve_job(stores, actor=actor, focus=NO_CONVERSATION, reference=after)
                job: Job | None = await resolution.job_after(stores, actor=actor, anchor=anchor)
            else:
                job = await resolution.next_job(stores, actor=actor, focus=NO_CONVERSATION)
            return {"job": None if job is None else job.as_json()}

        return await calls.run(ctx, "next_job", work)

    @tool()
    async def daily_brief(ctx: Context) -> CallToolResult:
        """The technician's day: remaining jobs in driving order, travel time, and what not to miss."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            return (await jobs.daily_brief(stores, actor=actor)).as_json()

        return await calls.run(ctx, "daily_brief", work)

    @tool()
    async def job_details(
        ctx: Context,
        job: Annotated[str | None, Field(description='Which job: "my last job", "the Ferry Building job", "my next '
                                                     'job"; empty for the job under way')] = None,
        job_id: Annotated[int | None, Field(description="The job number")] = None,
    ) -> CallToolResult:
        """Details of one job: site, customer, schedule, site rules, equipment and open deficiencies."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            reference = f"job {job_id}" if job_id else job
            found = await resolution.resolve_job(stores, actor=actor, focus=NO_CONVERSATION, reference=reference)
            return (await jobs.get_job(stores, actor=actor, job_id=found.id)).as_json()

        return await calls.run(ctx, "job_details", work)

    @tool()
    async def job_history(
        ctx: Context,
        customer: Annotated[str | None, Field(description='The customer or site: a name, "here"; empty for the job '
                                                          "under way's")] = None,
        day: Annotated[str | None, Field(description='A past day or week: "yesterday", "last Friday", "last week"; '
                                                     "empty when asking about a customer's last visit")] = None,
    ) -> CallToolResult:
        """Work already done: when the company last visited a customer or site, or the technician's jobs on a past
        day or week."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            if day:
                done, first, last = await history.past_work(stores, actor=actor, words=day, today=jobs.today(stores))
                return {"first": first.isoformat(), "last": last.isoformat(), "jobs": [j.as_json() for j in done]}
            place = await calls.site(stores, actor, customer)
            visit = await history.last_visit(stores, actor=actor, customer_id=place.customer_id,
                                             before=jobs.today(stores))
            return {"customer": place.customer,
                    "visit": None if visit is None else visit.as_json()}

        return await calls.run(ctx, "job_history", work)

    @tool()
    async def equipment_spec(
        ctx: Context,
        model: Annotated[str | None, Field(description='The model number, e.g. "50TCQA06", or a kind of unit at a '
                                                       'site, e.g. "the rooftop unit" (with `site`)')] = None,
        question: Annotated[str | None, Field(description='What is asked, e.g. "max fuse size" or "amp draw": its '
                                                          'topic and the figures it names come as `asked`; '
                                                          'empty for the spec alone')] = None,
        site: Annotated[str | None, Field(description="Where the unit is, when `model` names a kind of unit; empty "
                                                      "for the site of the job under way")] = None,
    ) -> CallToolResult:
        """Manufacturer specifications for an equipment model: electrical data (MCA, MOCP, RLA, FLA), refrigerant,
        capacity, pressures, flows, weights, service notes."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            if not model:
                raise validation_error("model", "give the model number (or a kind of unit and its site)")
            wanted = model
            if units.names_a_kind(model):  # "the rooftop unit": the unit of that kind at the site
                found = await units.unit_of_kind(stores, actor=actor, focus=NO_CONVERSATION, words=model,
                                                      site=site)
                wanted = found.unit().model  # several fit: the 409 asks which, naming each
            spec = await knowledge.equipment_spec(stores, model=wanted)
            body = spec.as_json()
            if question:
                preferences = await users.get_preferences(stores, actor=actor, user_id=actor.id)
                body["asked"] = spec_fields.asked_figures(spec, question, preferences)
            return body

        return await calls.run(ctx, "equipment_spec", work)

    @tool()
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

        return await calls.run(ctx, "knowledge_search", work)

    @tool()
    async def travel_time(
        ctx: Context,
        destination: Annotated[str | None, Field(description='A site, customer or street address, or "my next '
                                                             'job" (from a site `origin`: the job after that '
                                                             "site's); empty for the site of the job under "
                                                             'way')] = None,
        origin: Annotated[str | None, Field(description="Where the trip starts, as a site or address; empty for "
                                                        "the job under way, else the home base")] = None,
    ) -> CallToolResult:
        """Driving time and distance to a site, and which site that is."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            found = await trips.trip(stores, actor=actor, focus=NO_CONVERSATION, destination=destination,
                                     origin=origin)
            return {"site": {"id": found.destination.site_id, "name": found.destination.name},
                    **found.time.as_json()}

        return await calls.run(ctx, "travel_time", work)

    @tool()
    async def inspections_due(
        ctx: Context,
        site: Annotated[str | None, Field(description="A site, customer or street address; empty for the site of "
                                                      "the job under way")] = None,
        overdue_only: Annotated[bool, Field(description="Only what is past due, not what falls due soon")] = False,
    ) -> CallToolResult:
        """Equipment at a site that is overdue or due for inspection in the next 30 days."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            place = await calls.site(stores, actor, site)
            due = await jobs.inspections_due(stores, actor=actor, site_id=place.site_id, overdue_only=overdue_only)
            return {"site": {"id": place.site_id, "name": place.name}, "due": [e.as_json() for e in due]}

        return await calls.run(ctx, "inspections_due", work)

    @tool()
    async def log_deficiency(
        ctx: Context,
        description: Annotated[str, Field(description='What is wrong, e.g. "corroded sprinkler head"')],
        severity: Annotated[str | None, Field(description="inoperable (system cannot work), deficient (needs "
                                                          "correction, the default) or suggested (improvement); "
                                                          'or words such as "out of service", "minor"')] = None,
        equipment: Annotated[str | None, Field(description='The unit it concerns, by kind or model ("the fire '
                                                           'pump", "the Amerex B260"), if any')] = None,
        location: Annotated[str | None, Field(description='Where on site, e.g. "stairwell B"')] = None,
        job: Annotated[str | None, Field(description='The job: "job 42", "the Ferry Building job"; empty for the '
                                                     'job under way')] = None,
    ) -> CallToolResult:
        """Log a deficiency found on site against a job. It is saved at once: confirm with the technician before
        calling."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            draft = await drafts.draft_deficiency(stores, actor=actor, focus=NO_CONVERSATION, description=description,
                                                  severity=severity, equipment=equipment, location=location, job=job)
            deficiency_id = await drafts.save(stores, actor=actor, draft=draft)
            return {"id": deficiency_id, **draft.fields()}

        return await calls.run(ctx, "log_deficiency", work)

    @tool()
    async def update_job_status(
        ctx: Context,
        status: Annotated[str, Field(description='en_route, in_progress, completed or cancelled (or "on my way", '
                                                 '"on site", "done")')],
        job: Annotated[str | None, Field(description='The job: "job 42", "my next job"; empty for the job under '
                                                     'way')] = None,
    ) -> CallToolResult:
        """Change a job's status: en route, on site (in progress), completed or cancelled. It is saved at once:
        confirm with the technician before calling."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            draft = await drafts.draft_status(stores, actor=actor, focus=NO_CONVERSATION, status=status, job=job)
            await drafts.save(stores, actor=actor, draft=draft)
            return (await jobs.get_job(stores, actor=actor, job_id=draft.job_id)).job.as_json()

        return await calls.run(ctx, "update_job_status", work)

    @tool()
    async def undo_status_change(ctx: Context) -> CallToolResult:
        """Take back the user's own last job status change of the last few minutes: the job goes back to the status
        it had. Anything else is refused with who can change it (a dispatcher)."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            return (await jobs.undo_status(stores, actor=actor)).as_json()

        return await calls.run(ctx, "undo_status_change", work)

    @tool()
    async def mark_deficiency_fixed(
        ctx: Context,
        deficiency_id: Annotated[int | None, Field(description="The deficiency number")] = None,
    ) -> CallToolResult:
        """Mark a deficiency as fixed."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            if not deficiency_id:  # the agent's "the one just logged" needs a conversation
                raise validation_error("deficiency_id", "give the deficiency number")
            return (await jobs.mark_deficiency_fixed(stores, actor=actor, deficiency_id=deficiency_id)).as_json()

        return await calls.run(ctx, "mark_deficiency_fixed", work)

    @tool()
    async def get_preferences(ctx: Context) -> CallToolResult:
        """How the technician likes answers: skill level, units and verbosity."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            return (await users.get_preferences(stores, actor=actor, user_id=actor.id)).as_json()

        return await calls.run(ctx, "get_preferences", work)

    @tool()
    async def set_preferences(
        ctx: Context,
        skill_level: Annotated[Literal["beginner", "intermediate", "expert"] | None,
                               Field(description="beginner (steps and safety notes), intermediate, or expert "
                                                 "(terse numbers)")] = None,
        units: Annotated[Literal["imperial", "metric"] | None, Field(description="imperial or metric")] = None,
        verbosity: Annotated[Literal["brief", "normal", "detailed"] | None,
                             Field(description="brief, normal or detailed")] = None,
        revert: Annotated[bool, Field(description='True to undo the last change when no value is given ("switch me '
                                                  'back")')] = False,
    ) -> CallToolResult:
        """Change how the technician likes answers; only the values given change."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            prefs = await users.change_preferences(stores, actor=actor, user_id=actor.id, skill_level=skill_level,
                                                   units=units, verbosity=verbosity, revert=revert)
            return prefs.as_json()

        return await calls.run(ctx, "set_preferences", work)

    @tool()
    async def read_nameplate(
        ctx: Context,
        image: Annotated[str, Field(description="The nameplate photo, JPEG or PNG, base64-encoded, at most "
                                                "MAX_IMAGE_BYTES decoded. The request must also fit the server's "
                                                "JSON body limit (MAX_BODY_BYTES, 1 MB by default): send it scaled "
                                                "to about 1600 pixels on the long side")],
        question: Annotated[str | None, Field(description='What is asked about the unit, e.g. "max fuse": its '
                                                          'topic and the figures our spec of the model gives for '
                                                          'it come as `asked`; empty for the reading '
                                                          'alone')] = None,
        job_id: Annotated[int | None, Field(description="The job the technician is on: say whether the unit is "
                                                        "already registered at its site", ge=1)] = None,
    ) -> CallToolResult:
        """Read the nameplate in a photo: make, model, serial, the month it was built (from the serial), electrical
        data (MCA, max fuse), refrigerant and charge as printed (`fields`), and our catalogue's spec; with
        `question`, the figures asked for from that spec. What the plate prints is the unit's own figure: prefer
        it to the catalogue's."""
        async def work(stores: Stores, actor: CurrentUser) -> Result:
            try:
                data = base64.b64decode(image, validate=True)
            except (binascii.Error, ValueError):
                raise validation_error("image", "image must be base64-encoded JPEG or PNG bytes") from None
            found = await vision.identify(stores, actor=actor, image=data, job_id=job_id)
            body = found.model_dump(mode="json")
            if question:
                preferences = await users.get_preferences(stores, actor=actor, user_id=actor.id)
                spec = await knowledge.equipment_spec(stores, model=str(found.spec["model"])) if found.spec else None
                body["asked"] = (spec_fields.asked_figures(spec, question, preferences) if spec is not None else
                                 {"topic": spec_fields.spec_topic(question), "figures": []})
            return body

        return await calls.run(ctx, "read_nameplate", work)

    return tuple(described)
