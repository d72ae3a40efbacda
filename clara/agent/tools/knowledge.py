"""Reference data as tools: equipment specifications by model, and the standards, manuals and uploads."""

from __future__ import annotations

import re
from typing import Literal

from livekit.agents import RunContext, function_tool

from clara.agent import converted_said, knowledge_follow_up, knowledge_said, memory, register_said, runner, \
    setting_asked, spec_answers, unit_answers, units_asked
from clara.agent.context import SessionContext
from clara.agent.sections_said import sections_written
from clara.web.errors import ApiError
from clara.jobs import unit_match, units
from clara.jobs import service as jobs
from clara.jobs.models import Equipment
from clara.jobs.unit_ages import by_age
from clara.knowledge import service as knowledge
from clara.knowledge.models import Spec
from clara.knowledge.spec_fields import asked_attributes

Source = Literal["nfpa", "specs", "manuals", "uploads"]


# A unit put first and then asked about: "the backflow, what's the pressure loss through it".
_FRONTED = re.compile(r"\s*[,;:?]\s*|\s+(?=(?:what|whats|what's|how|when|where|which|is|does|do)\b)", re.IGNORECASE)


@function_tool
async def equipment_spec(
    context: RunContext, model: str | None = None, question: str | None = None, site: str | None = None,
) -> str:
    """Manufacturer specifications for an equipment model: electrical data (MCA, MOCP, RLA, FLA), refrigerant,
    capacity, pressures, flows, weights, service notes.

    Args:
        model: The model number as heard, e.g. "50TCQA06", "Carrier 50 TCQ A6" or "the B260"; empty for the model
            being discussed (or, with "that unit", the unit discussed at the site), and for a unit named by its place
            in that model's series ("its sister model", "the bigger one", "the 12-ton version", "the oh eight").
        question: What the technician asked, in their words, e.g. "max fuse size", "amp draw", "mca on the bigger
            one"; empty for an overview.
        site: Where the unit is, when a kind of unit is named rather than a model ("the RTU at Chase Center"):
            a site, customer or address, or "here", "my next job"; empty for the site discussed or the one they are at.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        nonlocal question  # a size picked from a series offered asks that series' question again
        picked = await _picked_by_age(ctx, model, question, site)
        named = picked.model if picked is not None else model  # "the older one" is that unit's model
        if not named and ctx.entities.unit_kind and unit_answers.asks_where(question):
            named = ctx.entities.unit_kind  # "where are they" after the site's extinguishers were counted
        fronted = _FRONTED.split(question or "", maxsplit=1)[0]
        if not named and not ctx.entities.equipment_model and unit_match.UNIT_KINDS.search(fronted):
            named = fronted.strip()  # "the dry valve in the warehouse riser, what air do I keep on it": that unit
        wanted = named or ctx.entities.equipment_model
        here: Equipment | None = None
        if named and units.names_a_kind(named):  # "the rooftop unit": the unit at the site
            found = await units.unit_of_kind(ctx.stores, actor=ctx.actor, focus=ctx.focus(), words=named, site=site)
            ctx.track(site=found.site.name, site_id=found.site.site_id, customer=found.site.customer,
                      customer_id=found.site.customer_id)
            try:
                unit = here = found.unit()
            except units.AmbiguousUnit as which:
                kinds = {u.type for u in which.choices}  # "the one in the riser room" next picks among these
                ctx.track(unit_kind=kinds.pop() if len(kinds) == 1 else None)
                rank = register_said.age_rank(question)
                if rank is not None:  # "which of the two backflows is older"
                    return _compared(ctx, which.choices, found.site.name, rank)
                # "what backflows are at WeWork", "how many extinguishers here": all of them
                if unit_answers.asks_for_all(named, question) or register_said.counts(question) or \
                        unit_answers.asks_where(question):
                    # "when are the backflows here due": each one's record
                    say = " ".join(unit_answers.inspected(u, found.site.name, jobs.today(ctx.stores))
                                   for u in which.choices) if spec_answers.asks_inspection(question) else \
                        unit_answers.listed(which.choices, found.site.name)
                    ctx.track_listed([u.id for u in which.choices])
                    return {"say": say, "equipment": [u.as_json() for u in which.choices]}
                return {"say": which.message, "choices": [u.model for u in which.choices]}
            ctx.track(unit_kind=unit.type)
            wanted = unit.model
            rank = register_said.age_rank(question)
            if rank is not None:  # the only one of its kind is both the oldest and the newest
                return _compared(ctx, [unit], found.site.name, rank)
            if register_said.counts(question):  # "how many fire pumps here": one
                return {"say": unit_answers.listed([unit], found.site.name), "equipment": [unit.as_json()]}
            if spec_answers.asks_age(question):  # the unit's own record, not its model's sheet
                ctx.track_unit(model=unit.model, manufacturer=unit.manufacturer, equipment_id=unit.id)
                return {"say": unit_answers.installed(unit, ctx.entities.site or "the site", jobs.today(ctx.stores)),
                        "equipment": unit.as_json()}
            if spec_answers.asks_inspection(question):
                ctx.track_unit(model=unit.model, manufacturer=unit.manufacturer, equipment_id=unit.id)
                return {"say": unit_answers.inspected(unit, ctx.entities.site or "the site", jobs.today(ctx.stores)),
                        "equipment": unit.as_json()}
            if unit_answers.asks_where(question):  # "where would the fire pump be in this building"
                ctx.track_unit(model=unit.model, manufacturer=unit.manufacturer, equipment_id=unit.id)
                return {"say": unit_answers.located(unit, found.site.name), "equipment": unit.as_json()}
        if not wanted:
            if spec_answers.points_at_a_unit(question):  # "what's its amp draw?" with no unit in the conversation
                return {"say": "Which model number do you mean?"}
            # Not a question about a model after all ("and the flow for a 2 inch drain"): a failure, so the offline
            # LLM takes the question to the manuals and standards, and Gemini asks or searches.
            raise ApiError(400, "validation_error", "no model is being discussed; tell me the model number", "model")
        try:
            related = None if named else await knowledge.relative_spec(ctx.stores, model=wanted, said=question or "")
            spec = related or await knowledge.equipment_spec(ctx.stores, model=wanted)
        except knowledge.ModelSeries as series:  # "this 48TC": the one at the site discussed, else the sizes
            spec = await _of_series_at_site(ctx, series.close_matches)
            if spec is None:
                specs = [await knowledge.equipment_spec(ctx.stores, model=m) for m in series.close_matches]
                if not asked_attributes(specs[0], question):  # "rollout switch tripped on a 48TC": the manuals
                    raise
                ctx.track_unit(model=wanted, manufacturer=specs[0].manufacturer, equipment_id=None)
                ctx.track(spec_question=question)  # "the twelve" next asks it of that size
                return {"say": spec_answers.series_answer(wanted.strip(), specs, question, ctx.preferences),
                        "choices": series.close_matches}
        except knowledge.AmbiguousModel as ambiguous:  # remembered, so "the thirty thirty" picks among them
            ctx.track_unit(model=wanted, manufacturer=ctx.entities.manufacturer, equipment_id=None)
            return {"say": spec_answers.choose_model(ambiguous.close_matches), "choices": ambiguous.close_matches}
        except knowledge.UnknownModel:
            # "the twelve ton one" heard as a model number, right after a series' sizes were offered: that size
            discussed = ctx.entities.equipment_model
            related = await knowledge.relative_spec(ctx.stores, model=discussed, said=f"{named} {question or ''}") \
                if named and discussed and here is None else None
            if related is not None:  # a size picked says which unit, and asks again what was asked of the series
                spec, question = related, ctx.entities.spec_question or question
            elif here is None or spec_answers.spec_topic(question) is not None:
                raise  # a figure asked for that no sheet holds: the manuals may have it
            else:  # "what kitchen hood system do they have here": the unit on file is the answer, sheet or not
                ctx.track_unit(model=here.model, manufacturer=here.manufacturer, equipment_id=here.id)
                return {"say": unit_answers.on_file(here, ctx.entities.site or "the site"),
                        "equipment": here.as_json()}
        unit = None
        if ctx.entities.site_id is not None:  # the unit of that model at the site discussed, for "that unit"
            unit = (await unit_match.resolve_unit(ctx.stores, site_id=ctx.entities.site_id, focus=ctx.focus(),
                                                  reference=spec.model)).unit
        if picked is not None:  # the older or newer one: that unit at its site, not another of its model
            unit = picked
        ctx.track_unit(model=spec.model, manufacturer=spec.manufacturer, equipment_id=unit.id if unit else None)
        # a follow-up on the unit discussed: "and at four sixty" asks the last figure again, at that voltage
        # another unit named with nothing asked of it ("and the one in the vault"): the last figure, of that unit
        asked = spec_answers.carried_over(spec, question, ctx.entities.spec_question) if model else \
            spec_answers.follow_up(spec, question, ctx.entities.spec_question)
        if asked_attributes(spec, asked):
            ctx.track(spec_question=asked)
        source = f"{spec.manufacturer or ''} {spec.series or spec.model} specifications".strip()
        if setting_asked.asks_setting(asked):  # "what air do I keep on it": what to set, which no rating says
            note = setting_asked.setting_note(spec, asked)
            if note is None:  # the manuals and standards may say it (the offline LLM asks them next)
                raise ApiError(404, "not_found", f"the {spec.model} sheet gives its ratings, not what to set it to",
                               "question")
            return {"say": f"For the {spec.model}, per the {source}: {note}", "spec": spec.as_json(),
                    "source": source}
        said_in = units_asked.answer_in(question, ctx.preferences)  # "in kilos": this answer only
        return {"say": spec_answers.equipment_spec(spec, asked, ctx.preferences, said_in), "spec": spec.as_json(),
                "source": source}

    return await runner.run(context, "equipment_spec", work)


async def _of_series_at_site(ctx: SessionContext, models: list[str]) -> Spec | None:
    """The spec of the one unit of a series at the site discussed ("this 48TC" on a roof with a 48TCDA08)."""
    if ctx.entities.site_id is None:
        return None
    here = {u.model for u in await jobs.site_equipment(ctx.stores, site_id=ctx.entities.site_id)} & set(models)
    return await knowledge.equipment_spec(ctx.stores, model=here.pop()) if len(here) == 1 else None


async def _picked_by_age(ctx: SessionContext, model: str | None, question: str | None,
                         site: str | None) -> Equipment | None:
    """The unit an age picks among the site's units of one kind, when a figure is asked of it rather than which one
    it is: "whats the mca on that old one", "and on the newer one" (the kind discussed), "back to that backflow from
    before, the older one, whats the pressure loss" (the kind named). None when no age is said, the question asks
    which unit is older or how old (the comparison and the record answer those), or no one unit is picked."""
    rank = register_said.pointed_age(model) or register_said.age_rank(question)
    words = register_said.without_age(model or "")  # "the old one" is "the one", no model number in it
    if rank is None or not model or not units.names_a_kind(words) or register_said.asks_which(question) or \
            spec_answers.asks_age(question) or spec_answers.asks_inspection(question):
        return None
    words = words if words and not register_said.only_pointer(words) else ctx.entities.unit_kind
    if not words:
        return None
    found = await units.unit_of_kind(ctx.stores, actor=ctx.actor, focus=ctx.focus(), words=words, site=site)
    try:
        kinds = {found.unit().type}
    except units.AmbiguousUnit as which:
        kinds = {u.type for u in which.choices}
    except ApiError:
        return None
    of_kind = [u for u in await jobs.site_equipment(ctx.stores, site_id=found.site.site_id) if u.type in kinds]
    picked = by_age(of_kind, oldest=rank == "oldest") if len(kinds) == 1 else []
    if len(picked) != 1:
        return None
    ctx.track(site=found.site.name, site_id=found.site.site_id, customer=found.site.customer,
              customer_id=found.site.customer_id, unit_kind=picked[0].type)
    return picked[0]


def _compared(ctx: SessionContext, choices: list[Equipment], site: str,
              rank: register_said.AgeRank) -> runner.Result:
    """The oldest or newest of a site's units of a kind; the one named becomes the unit discussed."""
    say, picked = register_said.compared(choices, rank, site, jobs.today(ctx.stores))
    if len(picked) == 1:
        ctx.track_unit(model=picked[0].model, manufacturer=picked[0].manufacturer, equipment_id=picked[0].id)
    return {"say": say, "equipment": [u.as_json() for u in picked]}


SEARCH_K = 3  # passages a knowledge answer is chosen from (the best, and a runner-up it may add)


@function_tool
async def knowledge_search(context: RunContext, query: str, source: Source | None = None) -> str:
    """Search NFPA standards, service manuals, specifications and uploaded documents; results carry the standard
    and section to cite.

    Args:
        query: The question in the technician's words, e.g. "NFPA 25 fire pump weekly test".
        source: Only search one kind of document: nfpa, specs, manuals or uploads.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        said = sections_written(query)  # "NFPA 10 seven two one" as heard: section 7.2.1
        standard = memory.mentioned_standard(said)
        fragment = knowledge_follow_up.elliptical(said)
        earlier = ctx.entities.knowledge_question
        asked = knowledge_follow_up.carried_over(earlier, fragment) if fragment and earlier else \
            knowledge_follow_up.in_the_section(said, earlier)
        if asked == said:  # "how often does it get looked at" right after a unit on site was talked about
            asked = knowledge_follow_up.of_the_unit(said, ctx.entities.unit_kind, ctx.unit_just_discussed())
        hits = await knowledge.search(ctx.stores, query=asked, k=SEARCH_K, source=source, actor=ctx.actor)
        said_in = units_asked.answer_in(units_asked.carried(said, earlier), ctx.preferences)
        ctx.track(knowledge_question=asked)
        if hits:
            ctx.track(standard=hits[0].standard or standard)
        say = knowledge_said.knowledge(hits, ctx.preferences, query=asked)
        return {
            "say": converted_said.alongside(say, said_in) if hits and said_in.preferences.units == "metric" else say,
            "results": [{"id": h.id, "document_id": h.document_id, "citation": knowledge_said.citation(h),
                         "answer": h.answer,
                         "confidence": h.confidence,
                         "title": h.title, "section": h.section, "page": h.page, "text": h.text[:800]}
                        for h in hits],
        }

    return await runner.run(context, "knowledge_search", work)
