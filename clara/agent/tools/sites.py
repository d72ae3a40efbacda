"""Places as tools: who the customer is, what to know before showing up, what is due, how far it is.

Every place argument takes the technician's words ("here", "there", "my next job", "the job after Chase Center",
"WeWork") or nothing, and `clara.jobs.resolution` decides which site that is.
"""

from __future__ import annotations

from datetime import datetime

from livekit.agents import RunContext, function_tool

from clara.agent import answers, customer_rules_said, runner
from clara.agent.context import SessionContext
from clara.crm import service as crm
from clara.jobs import resolution, trips
from clara.jobs import service as jobs
from clara.jobs.resolution import Place


async def site_said(ctx: SessionContext, reference: str | None) -> Place:
    """The site `reference` means in this conversation, which then becomes the site discussed."""
    place = await resolution.resolve_site(ctx.stores, actor=ctx.actor, focus=ctx.focus(), reference=reference)
    track_site(ctx, place)
    return place


def track_site(ctx: SessionContext, place: Place) -> None:
    ctx.track(site=place.name, site_id=place.site_id, customer=place.customer, customer_id=place.customer_id)


@function_tool
async def customer_at_location(context: RunContext, location: str | None = None, arrived: bool = False) -> str:
    """Find the customer at a place: a customer name, site or building name, street address, a kind of place ("that
    school", "the factory"), or a reference such as "here", "there", "my next job" or "the job after Chase Center".

    Args:
        location: What the technician called the place, e.g. "WeWork", "123 Main St" or "my next site". Empty for
            the site being discussed (or the one they are at).
        arrived: True when the technician says they are at that place now ("I'm at the Ferry Building"): from then
            on "here" and "from here" mean it, as if their phone had sent its position there.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        place = await site_said(ctx, location)
        if arrived:
            ctx.position = place.point
        located = await crm.customer_at_site(ctx.stores, site_id=place.site_id)
        c, match = located.customer, located.match
        contact = located.site_contact
        return {
            "say": answers.customer(located, ctx.preferences),
            "customer": {"id": c.id, "name": c.name, "segment": c.segment},
            "site": {"id": match.site_id, "name": match.site_name},
            "contact": None if contact is None else {"name": contact.name, "title": contact.title,
                                                     "phone": contact.phone, "primary": contact.is_primary},
            "special_requirements": c.special_requirements,
            "source": "CRM",
        }

    return await runner.run(context, "customer_at_location", work)


@function_tool
async def site_requirements(context: RunContext, site: str | None = None, access: bool = False) -> str:
    """What to know before showing up at a site: the customer's special requirements (badges, hours, permits,
    escorts) and the site's access notes.

    Args:
        site: The site in the technician's words ("there", "my next job", "WeWork"); empty for the one discussed.
        access: True when the technician asks how to get in (a gate or door code, a lockbox, keys, parking): the
            answer leads with the access notes, or says none are on file and who can let them in.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        try:
            place = await site_said(ctx, site)
        except resolution.AmbiguousSite as which:
            if access or len({p.customer_id for p in which.places}) != 1:
                raise  # a site's own access notes, or two customers: which one is asked
            # "Kaiser makes you get a permit above the ceilings?": the rules are the customer's, at each of its sites
            first = which.places[0]
            ctx.track(customer=first.customer, customer_id=first.customer_id)
            located = await crm.customer_at_site(ctx.stores, site_id=first.site_id)
            return {"say": customer_rules_said.at_every_site(located.customer.name,
                                                              located.customer.special_requirements),
                    "customer": located.customer.name, "source": "CRM",
                    "special_requirements": located.customer.special_requirements}
        located = await crm.customer_at_site(ctx.stores, site_id=place.site_id)
        said = answers.site_access if access else answers.site_requirements
        return {"say": said(located, ctx.preferences),
                "site": {"id": place.site_id, "name": place.name}, "customer": located.customer.name,
                **located.requirements(access=access), "source": "CRM"}

    return await runner.run(context, "site_requirements", work)


@function_tool
async def inspections_due(context: RunContext, site: str | None = None, overdue_only: bool = False) -> str:
    """Equipment at a site that is overdue or due for inspection in the next 30 days.

    Args:
        site: A site, customer or address, or "here" / "this site" / "there"; empty for the site being discussed.
        overdue_only: Only what is past due ("what's overdue", "what's behind"), not what falls due soon.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        place = await site_said(ctx, site)
        # a technician catching up asks what is late: the units due next week are noise then
        due = await jobs.inspections_due(ctx.stores, actor=ctx.actor, site_id=place.site_id, overdue_only=overdue_only)
        return {
            "say": answers.inspections_due(place.name, due, ctx.preferences, overdue_only=overdue_only),
            "due": [{"id": e.id, "type": e.type, "model": e.model, "standard": e.nfpa_standard,
                     "next_inspection_due": e.next_inspection_due, "overdue": e.overdue} for e in due],
        }

    return await runner.run(context, "inspections_due", work)


@function_tool
async def travel_time(context: RunContext, destination: str | None = None, origin: str | None = None) -> str:
    """Driving time and distance to a site.

    Args:
        destination: A site, customer or address, or "my next job", "the job after X", "there"; empty for the site
            being discussed.
        origin: Where the trip starts; empty or "here" for where the technician stands (else the job they are on,
            else their home base).
    """

    async def work(ctx: SessionContext) -> runner.Result:
        found = await trips.trip(ctx.stores, actor=ctx.actor, focus=ctx.focus(), destination=destination,
                                 origin=origin)
        track_site(ctx, found.destination)
        now = datetime.now(ctx.stores.settings.company_tz)
        starts = next((j.scheduled_start for j in ctx.day if j.site.id == found.destination.site_id and
                       j.status == "scheduled" and j.scheduled_start > now), None)
        return {"say": answers.travel(found.time, found.destination.name, ctx.preferences, starts=starts),
                **found.time.as_json()}

    return await runner.run(context, "travel_time", work)
