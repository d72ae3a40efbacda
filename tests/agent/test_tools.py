"""Each tool, driven through a real AgentSession by a scripted LLM: called with the right arguments, acting on the
real services and database as the session's technician, and its output reaching Clara's reply."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from datetime import date, datetime, timedelta, timezone

import pytest
from livekit.agents.voice.run_result import RunResult

from clara.agent import knowledge_said
from clara.agent.context import SessionContext
from clara.analytics import patterns, service as analytics
from clara.knowledge import service as knowledge_service
from clara.platform import metrics
from clara.web.caller import CurrentUser
from clara.web.errors import ApiError
from clara.stores import Stores
from tests.agent.conftest import Context, Scripted
from tests.fakes.llm import call, echo_tool_output


def reply_of(result: RunResult, tool: str, arguments: dict[str, object] | None = None) -> str:
    """Assert the turn was one call of `tool`, its output, and a reply; return the reply."""
    if arguments is None:
        result.expect.next_event().is_function_call(name=tool)
    else:
        result.expect.next_event().is_function_call(name=tool, arguments=arguments)
    result.expect.next_event().is_function_call_output()
    reply = result.expect.next_event().is_message(role="assistant").event().item.text_content
    result.expect.no_more_events()
    assert reply
    return reply


def output_of(result: RunResult) -> dict[str, object]:
    output = next(e.item for e in result.events if e.type == "function_call_output")
    assert not output.is_error, output.output
    data: dict[str, object] = json.loads(output.output)
    return data


def needs_demo_day(ctx: SessionContext, demo_day: date) -> None:
    if ctx.today() != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")


async def test_equipment_spec_answers_the_amp_draw_with_units_and_source(scripted: Scripted) -> None:
    result = await scripted.run(
        "What's the amp draw for Carrier 50TCQA06?",
        call("equipment_spec", model="50TCQA06", question="amp draw"), echo_tool_output(),
    )
    reply = reply_of(result, "equipment_spec", {"model": "50TCQA06", "question": "amp draw"})
    assert "MCA 26.7 A" in reply and "MOCP 40 A" in reply and "compressor RLA 16 A" in reply
    assert "per the Carrier 50TCQA specifications" in reply
    assert scripted.ctx.entities.equipment_model == "50TCQA06"


async def test_a_follow_up_about_its_amp_draw_uses_the_model_discussed(scripted: Scripted) -> None:
    await scripted.run("Tell me about the 48TCDA08", call("equipment_spec", model="48TCDA08"), echo_tool_output())
    result = await scripted.run("What's its amp draw?", call("equipment_spec", question="amp draw"),
                                echo_tool_output())
    reply = reply_of(result, "equipment_spec", {"question": "amp draw"})
    assert "48TCDA08" in reply and "MCA" in reply


async def test_knowledge_search_cites_the_standard_and_section(scripted: Scripted) -> None:
    result = await scripted.run(
        "Show me NFPA 25 requirements for fire pumps",
        call("knowledge_search", query="NFPA 25 requirements for fire pumps", source="nfpa"), echo_tool_output(),
    )
    reply = reply_of(result, "knowledge_search", {"query": "NFPA 25 requirements for fire pumps", "source": "nfpa"})
    assert reply.startswith(("Per NFPA 25, section ", f"{knowledge_said.UNSURE} is NFPA 25, section "))  # sure or not
    results = output_of(result)["results"]
    assert isinstance(results, list) and results and results[0]["citation"].startswith("NFPA 25")
    assert scripted.ctx.entities.standard == "NFPA 25"


async def test_customer_at_location_names_the_customer_and_its_rules(scripted: Scripted) -> None:
    result = await scripted.run("Who is the customer at WeWork?", call("customer_at_location", location="WeWork"),
                                echo_tool_output())
    reply = reply_of(result, "customer_at_location", {"location": "WeWork"})
    assert reply.startswith("WeWork 123 Main St belongs to WeWork, a commercial customer.")
    assert "Primary contact:" in reply and "Check in with building security" in reply
    assert scripted.ctx.entities.site == "WeWork 123 Main St" and scripted.ctx.entities.customer == "WeWork"


async def test_next_job_and_jobs_today(scripted: Scripted, demo_day: date) -> None:
    needs_demo_day(scripted.ctx, demo_day)
    reply = reply_of(await scripted.run("What's my next job?", call("next_job"), echo_tool_output()), "next_job", {})
    assert reply.startswith("Your next job is a high-priority inspection at WeWork 123 Main St, 123 Main St")
    assert "7:30 AM" in reply and "minutes away" in reply and "miles" in reply
    reply = reply_of(await scripted.run("What are my jobs today?", call("my_jobs_today"), echo_tool_output()),
                     "my_jobs_today", {})
    assert reply.startswith("You have 3 jobs on")
    assert reply.index("WeWork") < reply.index("Ferry Building") < reply.index("ABC Manufacturing Plant 1")


async def test_daily_brief_reads_the_spoken_summary(scripted: Scripted, demo_day: date) -> None:
    needs_demo_day(scripted.ctx, demo_day)
    reply = reply_of(await scripted.run("Brief me", call("daily_brief"), echo_tool_output()), "daily_brief", {})
    assert reply.startswith("Maria, here is your day") and "inoperable deficienc" in reply


async def test_job_details_of_the_sessions_job(make_context: Context, demo_jobs: dict[str, int]) -> None:
    ctx = await make_context(job_id=demo_jobs["ABC Manufacturing Plant 1"])
    harness = Scripted(ctx)
    await harness.session.start(harness.agent)
    try:
        reply = reply_of(await harness.run("Tell me about this job", call("job_details"), echo_tool_output()),
                         "job_details", {})
    finally:
        await harness.session.aclose()
    assert reply.startswith(f"Job {demo_jobs['ABC Manufacturing Plant 1']} is a testing visit at ABC Manufacturing "
                            "Plant 1 for ABC Manufacturing")
    assert "open deficienc" in reply and "the worst inoperable" in reply and "Weekend service only" in reply


async def test_travel_time_to_a_named_site(scripted: Scripted) -> None:
    result = await scripted.run("How long to Salesforce Tower?", call("travel_time", destination="Salesforce Tower"),
                                echo_tool_output())
    reply = reply_of(result, "travel_time", {"destination": "Salesforce Tower"})
    data = output_of(result)
    assert data["source"] == "estimate" and isinstance(data["duration"], int) and data["duration"] > 0
    assert reply.startswith("Salesforce Tower is about") and "miles by road" in reply


async def test_inspections_due_at_a_site(scripted: Scripted) -> None:
    result = await scripted.run("What inspections are due at ABC Manufacturing?",
                                call("inspections_due", site="ABC Manufacturing"), echo_tool_output())
    reply = reply_of(result, "inspections_due", {"site": "ABC Manufacturing"})
    due = output_of(result)["due"]
    assert isinstance(due, list)
    if due:
        assert reply.startswith(f"At ABC Manufacturing Plant 1, {len(due)} item")
    else:
        assert reply == "Nothing at ABC Manufacturing Plant 1 is due for inspection in the next 30 days."


async def test_a_deficiency_is_read_back_saved_on_yes_then_marked_fixed(
    scripted: Scripted, stores: Stores, technician: CurrentUser, demo_day: date
) -> None:
    needs_demo_day(scripted.ctx, demo_day)
    result = await scripted.run(
        "Log a deficiency: corroded sprinkler head in stairwell B, deficient",
        call("log_deficiency", description="corroded sprinkler head", severity="deficient", location="stairwell B"),
        echo_tool_output(),
    )
    reply = reply_of(result, "log_deficiency", {"description": "corroded sprinkler head", "severity": "deficient",
                                                "location": "stairwell B"})
    draft = output_of(result)["draft"]
    assert isinstance(draft, dict) and draft["kind"] == "deficiency"
    assert draft["fields"]["severity"] == "deficient" and draft["fields"]["location"] == "stairwell B"
    assert reply == ("Here's the deficiency for WeWork 123 Main St: no particular unit, location stairwell B, severity "
                     "deficient (needs correction): Corroded sprinkler head. Save it?")
    assert reply == draft["text"]
    async with stores.db.connection() as conn:  # nothing stored before the yes
        cur = await conn.execute("SELECT count(*) AS n FROM deficiencies WHERE location = 'stairwell B'")
        assert (await cur.fetchone())["n"] == 0  # type: ignore[index]

    result = await scripted.run("Yes", call("confirm_draft", accept=True), echo_tool_output())
    saved = output_of(result)["saved"]
    assert isinstance(saved, dict) and saved["kind"] == "deficiency"
    assert reply_of(result, "confirm_draft", {"accept": True}) == (
        f"Saved deficiency {saved['id']} at WeWork 123 Main St, severity deficient.")
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT status, reported_by, location, severity FROM deficiencies WHERE id = %s",
                                 (saved["id"],))
        assert await cur.fetchone() == {"status": "new", "reported_by": technician.id, "location": "stairwell B",
                                        "severity": "deficient"}

    reply = reply_of(await scripted.run("Mark it fixed", call("mark_deficiency_fixed"), echo_tool_output()),
                     "mark_deficiency_fixed", {})
    assert reply == f"Deficiency {saved['id']}, Corroded sprinkler head, is marked fixed."
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT status FROM deficiencies WHERE id = %s", (saved["id"],))
        assert (await cur.fetchone())["status"] == "fixed"  # type: ignore[index]


async def test_preferences_are_read_and_changed_and_shape_the_next_answer(scripted: Scripted, stores: Stores,
                                                                           technician: CurrentUser) -> None:
    reply = reply_of(await scripted.run("What are my preferences?", call("get_preferences"), echo_tool_output()),
                     "get_preferences", {})
    assert reply == "Right now I answer for an intermediate technician, in imperial units, normal answers."
    result = await scripted.run("I'm a beginner, use metric", call("set_preferences", skill_level="beginner",
                                                                   units="metric"), echo_tool_output())
    assert reply_of(result, "set_preferences", {"skill_level": "beginner", "units": "metric"}).startswith("Done.")
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT skill_level, units FROM user_preferences WHERE user_id = %s",
                                 (technician.id,))
        assert await cur.fetchone() == {"skill_level": "beginner", "units": "metric"}
    assert "beginner" in scripted.agent.instructions
    # a model's call with no value changes nothing, and says so rather than "Done"
    result = await scripted.run("change my units", call("set_preferences"), echo_tool_output())
    assert reply_of(result, "set_preferences", {}).startswith("Right now I answer for a beginner")

    async def stored() -> object:
        async with stores.db.connection() as conn:
            cur = await conn.execute("SELECT skill_level, units FROM user_preferences WHERE user_id = %s",
                                     (technician.id,))
            return await cur.fetchone()

    await scripted.run("switch me back", call("set_preferences", revert=True), echo_tool_output())
    assert await stored() == {"skill_level": "intermediate", "units": "imperial"}  # what the last change replaced
    await scripted.run("switch me back", call("set_preferences", revert=True), echo_tool_output())
    assert await stored() == {"skill_level": "beginner", "units": "metric"}  # and the undo undone

    reply = reply_of(await scripted.run("amp draw of the 50TCQA06?", call("equipment_spec", model="50TCQA06",
                                                                          question="amp draw"), echo_tool_output()),
                     "equipment_spec")
    assert "lock out and tag out" in reply  # a beginner hears the safety step


async def test_an_expert_gets_terse_numbers(scripted: Scripted) -> None:
    await scripted.run("expert please", call("set_preferences", skill_level="expert", verbosity="brief"),
                       echo_tool_output())
    reply = reply_of(await scripted.run("50TCQA06 amps", call("equipment_spec", model="50TCQA06", question="amps"),
                                        echo_tool_output()), "equipment_spec")
    assert "MCA 26.7 A" in reply and "LRA" not in reply and "lock out" not in reply


async def test_a_tool_error_becomes_a_short_apology_with_the_reason(scripted: Scripted) -> None:
    result = await scripted.run("Specs for the ZQ9999?", call("equipment_spec", model="ZQ9999"), echo_tool_output())
    result.expect.next_event().is_function_call(name="equipment_spec")
    output = result.expect.next_event().is_function_call_output().event().item
    assert output.is_error and output.output.startswith("Sorry, I couldn't do that: ")
    reply = result.expect.next_event().is_message(role="assistant").event().item.text_content
    assert reply.startswith("Sorry, I couldn't do that:") and "ZQ9999" in reply


async def test_a_refused_call_is_an_answered_call_to_the_tool_metrics(scripted: Scripted) -> None:
    """"No such model" is the tool working: counted as a failure, questions naming a series raised failure anomalies
    on a healthy tool (the keyless turn tries the spec before the manuals)."""
    seen: list[tuple[str, bool]] = []
    unsubscribe = metrics.subscribe("tool", lambda name, seconds, ok: seen.append((name, ok)))
    try:
        await scripted.run("Specs for the ZQ9999?", call("equipment_spec", model="ZQ9999"), echo_tool_output())
    finally:
        unsubscribe()
    assert seen == [("equipment_spec", True)]


async def test_tools_act_only_for_the_sessions_technician(scripted: Scripted, stores: Stores,
                                                          other_technician: CurrentUser) -> None:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT min(id) AS id FROM jobs WHERE technician_id = %s", (other_technician.id,))
        foreign = (await cur.fetchone())["id"]  # type: ignore[index]
    result = await scripted.run(f"Details of job {foreign}", call("job_details", job_id=foreign), echo_tool_output())
    output = next(e.item for e in result.events if e.type == "function_call_output")
    assert output.is_error and "you may only access your own resources" in output.output


async def test_a_job_session_starts_knowing_the_site_customer_and_equipment(make_context: Context,
                                                                           demo_jobs: dict[str, int]) -> None:
    ctx: SessionContext = await make_context(job_id=demo_jobs["ABC Manufacturing Plant 1"], channel="voice")
    assert ctx.entities.site == "ABC Manufacturing Plant 1" and ctx.entities.customer == "ABC Manufacturing"
    harness = Scripted(ctx)
    instructions = harness.agent.instructions
    assert "ABC Manufacturing Plant 1" in instructions and "Weekend service only" in instructions
    assert "Equipment on site:" in instructions and "Fire pump controller fails to auto-start" in instructions
    assert "voice conversation" in instructions
    await harness.session.start(harness.agent)
    try:
        result = await harness.run("Who's the customer here?", call("customer_at_location"), echo_tool_output())
    finally:
        await harness.session.aclose()
    assert reply_of(result, "customer_at_location", {}).startswith("ABC Manufacturing Plant 1 belongs to ABC")
    assert "spoken" in output_of(result)  # a voice session's tools also give the spoken form


async def test_a_learned_next_step_is_offered_once(scripted: Scripted, stores: Stores,
                                                   technician: CurrentUser) -> None:
    start = datetime.now(timezone.utc) - timedelta(days=1)
    for day in range(6):  # this technician always checks the standard after reading a spec
        for offset, name in enumerate(["equipment_spec", "knowledge_search"]):
            await analytics.record(stores, type="tool_called", user_id=technician.id, session_id=f"habit-{day}",
                                   properties={"name": name, "duration": 0.05, "ok": True},
                                   timestamp=start + timedelta(hours=day, minutes=offset))
    await stores.analytics.buffer.flush()

    first = await scripted.run("Specs for the 50TCQA06", call("equipment_spec", model="50TCQA06"),
                               echo_tool_output())
    assert output_of(first)["suggestion"]["action"] == "knowledge_search"  # type: ignore[index]
    assert "look something up in the standards" in reply_of(first, "equipment_spec")

    again = await scripted.run("And the 48TCDA08?", call("equipment_spec", model="48TCDA08"), echo_tool_output())
    assert "suggestion" not in output_of(again)
    assert "standard says" not in reply_of(again, "equipment_spec")


async def test_the_technicians_habits_are_read_while_the_tool_works(scripted: Scripted, stores: Stores,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The next step's counts are a round trip of their own: read after the tool's work, they lengthened every turn
    that offers one; read while it works, they are ready when it is done."""
    steps: list[str] = []
    load_counts, spec = patterns.load_counts, knowledge_service.equipment_spec

    def counts(*args: object, **kwargs: object) -> Awaitable[patterns.Counts]:
        if kwargs.get("user_id") is not None:  # the technician's own, not everyone's (kept apart, refreshed apart)
            steps.append("counts read")  # when the read is asked for
        return load_counts(*args, **kwargs)  # type: ignore[arg-type]

    async def spec_then_note(*args: object, **kwargs: object) -> object:
        found = await spec(*args, **kwargs)  # type: ignore[arg-type]
        steps.append("spec found")
        return found

    monkeypatch.setattr(patterns, "load_counts", counts)
    monkeypatch.setattr(knowledge_service, "equipment_spec", spec_then_note)
    result = await scripted.run("Specs for the 50TCQA06", call("equipment_spec", model="50TCQA06"),
                                echo_tool_output())
    assert "50TCQA06" in reply_of(result, "equipment_spec")
    assert steps == ["counts read", "spec found"]


async def test_a_tool_that_fails_before_its_offer_reads_no_habits_ahead_again(scripted: Scripted,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A read started with the work is wasted when the work fails ("you have no more scheduled jobs" every time it
    is asked): the second time, the counts are left to an offer that never comes."""
    reads: list[int] = []
    load_counts = patterns.load_counts

    def counts(*args: object, **kwargs: object) -> Awaitable[patterns.Counts]:
        if kwargs.get("user_id") is not None:
            reads.append(1)
        return load_counts(*args, **kwargs)  # type: ignore[arg-type]

    async def refused(*args: object, **kwargs: object) -> object:
        raise ApiError(404, "not_found", "no such model", "model")

    monkeypatch.setattr(patterns, "load_counts", counts)
    monkeypatch.setattr(knowledge_service, "equipment_spec", refused)
    for _ in range(2):
        await scripted.run("Specs for the 50TCQA06", call("equipment_spec", model="50TCQA06"), echo_tool_output())
    assert len(reads) == 1
