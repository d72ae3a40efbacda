"""Write-ups said the way technicians talk, keyless, in words of our own:

- a fault graded in shop talk as a clause of its own ("..., it's shot", "..., needs fixing", "..., just cosmetic") is
  a write-up even with no write verb, and its grade is the severity those words mean;
- a unit named by a landmark above its room ("the backflow under the pavement" is the one in the street vault), and
  the dry valve by its shop name, never the alarm valve beside it;
- what is said before the request ("got it, log the ...", "ok go ahead and put it down, ...") is neither the unit nor
  the fault.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.agent.deficiency_said import deficiency, reported_with_a_verdict
from clara.jobs.drafts import severity_of
from clara.jobs.unit_match import _kind_in, _same_place
from clara.web.caller import CurrentUser
from tests.agent.conftest import chat, say

WEWORK = (37.79155, -122.39418)


@pytest.mark.parametrize(("text", "severity"), [
    ("rooftop unit here, compressor locked up and won't turn over, it's shot", "inoperable"),
    ("kitchen extinguisher, hose is cracked at the nozzle, needs fixing", "deficient"),
    ("the backflow in the vault, relief valve spitting, needs replacing", "deficient"),
    ("rooftop unit, a few scratches on the access door, just cosmetic", "suggested"),
])
def test_a_fault_graded_in_shop_talk_is_a_write_up(text: str, severity: str) -> None:
    assert reported_with_a_verdict(text), text
    said = deficiency(text)
    assert severity_of(said["severity"]) == severity, said


def test_a_question_with_shop_talk_is_still_no_write_up() -> None:
    assert not reported_with_a_verdict("the compressor is shot, what should I check?")


def test_a_landmark_over_a_room_is_that_room() -> None:
    assert _same_place("under the pavement", "Street vault")
    assert _same_place("down below the sidewalk", "Street vault")
    assert not _same_place("under the pavement", "Riser room")


def test_the_dry_valve_is_the_dry_pipe_valve() -> None:
    assert _kind_in("the dry valve") == ("dry pipe valve",)
    assert _kind_in("the valve") == ("dry pipe valve", "alarm check valve")


@pytest.mark.parametrize(("text", "unit", "fault"), [
    ("got it, log the jockey pump, seal is weeping", "jockey pump", "seal is weeping"),
    ("ok go ahead and put it down, seal weeping at the gland, minor", "it", "seal weeping at the gland"),
])
def test_what_is_said_before_the_request_is_not_the_write_up(text: str, unit: str, fault: str) -> None:
    said = deficiency(text)
    assert said["equipment"] == unit and said["description"].lower().endswith(fault), said
    assert not said["description"].lower().startswith(("got it", "go ahead", "ok")), said


async def test_a_graded_fault_under_the_pavement_is_drafted_on_the_vault_backflow(
        app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician, WEWORK)
    _, events = await say(session, "the backflow under the pavement, test cock handle snapped off, needs fixing")
    draft = next(e for e in events if e["type"] == "draft")
    assert draft["fields"]["equipment"]["model"] == "3000SS-4", draft
    assert draft["fields"]["severity"] == "deficient", draft
