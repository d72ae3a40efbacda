"""What keyless chat says when the sentence closest to the question is not the one answering it: the question asks
for a kind of answer (a reason, a cost, a limit) that a neighbour of that sentence gives. Each test
uploads a document and asks through `POST /voice/chat/{user_id}` with no Gemini key, as a technician would."""

from __future__ import annotations

import httpx
import pytest

from clara.web.caller import CurrentUser

DATA_SHEET = b"""# Pellham Mutual data sheet 3-20 - Chiller rooms

## 2.1 Detection and ventilation

2.1.1 Provide each chiller room with a refrigerant detector interlocked to start the exhaust fan, and arrange it to
need manual reset at the detector.
2.1.2 Test each refrigerant detector twice a year with calibration gas, and record the test.
Commentary: A leak without a detector trip can fill the pit with vapour heavier than air and displace the oxygen a
technician breathes.
2.1.3 Locate the exhaust fan starters outside the chiller room, beside its door.
"""

LETTER = b"""# Ostler Fire Protection - Letter on the Quarry Point annual inspection

The wet sprinkler system in the office wing passed its main drain test, with the residual pressure within 2 psi of
last year's reading.
The backflow preventer at the north entrance failed its annual test: the first check held only 0.8 psi, below the
1.0 psi minimum, so the supply is not protected against backflow.
We recommend rebuilding it with a new check kit, at $615 plus tax, and retesting it the same day.
The fire alarm panel passed its annual test with no exceptions.
"""

COMPRESSOR = b"""# Trevane KX-40 riser air compressor manual

## 1 Description

The KX-40 is a direct-drive, oil-less piston compressor that mounts on the sprinkler riser and feeds the system
through an air maintenance device. It has no receiver tank.
It is sized for dry pipe and preaction systems of up to 350 gallons system capacity.
"""


async def _reply(client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser, message: str) -> str:
    response = await client.post(f"/voice/chat/{technician.id}", headers=auth,
                                 json={"message": message, "new_session": True})
    assert response.status_code == 200, response.text
    return response.json()["reply"]


@pytest.fixture
async def uploaded(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    for filename, data in (("pellham-3-20.md", DATA_SHEET), ("ostler-quarry-point.md", LETTER),
                           ("trevane-kx-40.md", COMPRESSOR)):
        response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                     files={"file": (filename, data, "text/markdown")})
        assert response.status_code == 201, response.text


async def test_why_a_rule_is_asked_is_answered_with_the_commentary_giving_its_reason(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser, uploaded: None
) -> None:
    """The rule is the sentence closest to the question; the reason is the commentary after the next rule."""
    reply = await _reply(client, auth, technician,
                         "Why does Pellham care about refrigerant detectors in chiller rooms?")
    assert "Pellham" in reply and "2.1" in reply, reply
    assert "displace the oxygen" in reply, reply


async def test_a_cost_asked_is_answered_by_the_sentence_giving_the_price(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser, uploaded: None
) -> None:
    reply = await _reply(client, auth, technician,
                         "What will it cost to rebuild the backflow preventer at the north entrance of Quarry Point?")
    assert "Ostler" in reply and "$615" in reply, reply


async def test_the_biggest_system_asked_is_answered_by_the_limit_not_the_model_description(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser, uploaded: None
) -> None:
    """ "KX-40" in the description is the model, not an amount: the sentence with a figure is "up to 350 gallons"."""
    reply = await _reply(client, auth, technician, "Biggest dry system the KX-40 compressor is rated for")
    assert "Trevane KX-40" in reply and "350 gallons" in reply, reply


PUMP_TESTS = b"""# Harwick HFP fire pump house weekly procedures

## 4 Churn tests

A diesel driven fire pump is run every week at churn for at least 30 minutes, so the engine reaches its normal
operating temperature. An electric driven fire pump is run every month at churn for at least 10 minutes.
"""

HEATERS = b"""# Tolvard unit heaters owner's guide

## 2 Choosing a heater

The electric ones need a dedicated 240 V circuit and suit small rooms; the gas-fired ones need a flue.
"""


async def test_an_elliptical_follow_up_asks_the_earlier_question_of_its_own_thing(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser
) -> None:
    """ "and the electric ones?" after the diesel pump's run asks for the electric pump's run, not for whatever
    document says "the electric ones"."""
    for filename, data in (("harwick-hfp.md", PUMP_TESTS), ("tolvard-heaters.md", HEATERS)):
        response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                     files={"file": (filename, data, "text/markdown")})
        assert response.status_code == 201, response.text
    first = await _reply(client, auth, technician, "at the harwick pump house how often do we run the diesel fire "
                                                   "pump and for how long")
    assert "30 minutes" in first, first
    response = await client.post(f"/voice/chat/{technician.id}", headers=auth,
                                 json={"message": "and the electric ones?", "new_session": False})
    assert response.status_code == 200, response.text
    reply = response.json()["reply"]
    assert "Harwick" in reply and "every month" in reply and "10 minutes" in reply, reply
