"""A question naming an uploaded document's product is asked of the documents, however much its other words read
like a question about a customer, a setting or the site's unit; without such a name those lookups keep it."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.knowledge import service as knowledge
from tests.conftest import turn

MANUAL = b"""# Brennholt PMC-200 fire pump controller manual

## 4.1 Keypad and access levels

Settings are changed at access level 2. The factory passcode for level 2 is 2230; change it at commissioning.

## 5.1 Selector switch

When the selector switch is left in OFF, the controller waits 5 minutes and then opens the
CONTROLLER NOT IN AUTO alarm contact on terminals 31 and 32.

## 6.2 Sensing line pressure test

Pressurise the sensing line with nitrogen to 300 psi and hold it for 2 hours with no drop.
"""


def _tools(events: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in events if e["type"] == "tool_call"]


async def _upload(app: Starlette, technician: CurrentUser) -> None:
    await knowledge.upload_document(app.state.stores, actor=technician, data=MANUAL, filename="pmc200.md",
                                    content_type="text/markdown")


async def test_a_contact_asked_of_an_uploaded_product_is_answered_from_its_manual(
        app: Starlette, technician: CurrentUser) -> None:
    await _upload(app, technician)
    events = await turn(app, technician, "Brennholt controller left in off, how long before it sends the alarm contact")
    assert _tools(events) == ["knowledge_search"], events
    assert "5 minutes" in events[-1]["text"] and "Brennholt PMC-200" in events[-1]["text"], events[-1]["text"]


async def test_settings_of_an_uploaded_product_are_not_the_technicians_preferences(
        app: Starlette, technician: CurrentUser) -> None:
    await _upload(app, technician)
    events = await turn(app, technician, "what's the passcode to change settings on a Brennholt")
    assert _tools(events) == ["knowledge_search"], events
    assert "2230" in events[-1]["text"], events[-1]["text"]


async def test_two_asks_of_an_uploaded_product_are_one_question_of_its_manual(
        app: Starlette, technician: CurrentUser) -> None:
    """ "how high and how long" reads as two asks, a figure of a spec sheet and a drive; the product named says both
    are asked of its manual."""
    await _upload(app, technician)
    events = await turn(app, technician, "Brennholt nitrogen pressure test, how high and how long?")
    assert _tools(events) == ["knowledge_search"], events
    assert "300 psi" in events[-1]["text"] and "2 hours" in events[-1]["text"], events[-1]["text"]


async def test_a_lookup_chosen_by_likeness_alone_is_asked_of_the_named_products_manual(
        app: Starlette, technician: CurrentUser) -> None:
    """No rule reads "on the Brennholt what happens to my other settings if I change the system type"; its likeness
    to the preferences tool does not make the controller's settings the technician's."""
    await _upload(app, technician)
    asked = "on the Brennholt what happens to my other settings if I change the system type"
    events = await turn(app, technician, asked)
    assert _tools(events) == ["knowledge_search"], events


async def test_without_an_uploaded_products_name_the_lookups_keep_their_questions(
        app: Starlette, technician: CurrentUser) -> None:
    await _upload(app, technician)
    assert _tools(await turn(app, technician, "what are my settings")) == ["get_preferences"]
    assert _tools(await turn(app, technician, "who is the contact at WeWork")) == ["customer_at_location"]


async def test_another_technicians_private_upload_names_nothing(
        app: Starlette, technician: CurrentUser, other_technician: CurrentUser) -> None:
    await _upload(app, other_technician)
    assert await knowledge.uploads_named(app.state.stores, text="passcode on a Brennholt", actor=technician) == []
    assert await knowledge.uploads_named(app.state.stores, text="passcode on a Brennholt", actor=other_technician) \
        == ["Brennholt PMC-200 fire pump controller manual"]


HEATER = b"""# Brightwater MX-40 direct-fired make-up air unit manual

## 2.1 Inlet pressure

Natural gas inlet pressure must be between 7 and 14 in. w.c. with the burner at high fire. Never exceed 1/2 psi at
the unit's inlet.

## 2.2 Manifold pressure

Set manifold pressure to 3.5 in. w.c. on natural gas, measured at the test port downstream of the modulating valve.
"""


async def test_it_after_a_documents_question_naming_a_model_is_that_model(
        app: Starlette, technician: CurrentUser) -> None:
    """The rooftop unit was talked about first; then the MX-40's manual answered. "it" is the MX-40 now: its
    manual answers, not the rooftop unit's spec sheet."""
    await knowledge.upload_document(app.state.stores, actor=technician, data=HEATER, filename="mx40.md",
                                    content_type="text/markdown")
    await turn(app, technician, "what's the refrigerant charge on the 50TCQA06")
    await turn(app, technician, "manifold pressure on the brightwater mx-40")
    events = await turn(app, technician, "what's the max inlet pressure on it")
    reply = events[-1]["text"]
    assert "1/2 psi" in reply and "Brightwater MX-40" in reply, reply
    assert "50TCQA" not in reply, reply
    events = await turn(app, technician, "can i run 1 psi into it")
    assert "1/2 psi" in events[-1]["text"] and "Brightwater MX-40" in events[-1]["text"], events[-1]["text"]
