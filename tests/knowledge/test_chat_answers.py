"""What keyless chat says from an uploaded manual: the sentence carrying the asked fact, named with its document and
section, whichever of its neighbours the fact sits in. Each test uploads a document and asks through
`POST /voice/chat/{user_id}` with no Gemini key, as a technician would."""

from __future__ import annotations

import httpx
import pytest

from clara.web.caller import CurrentUser

ROOFTOP = b"""# Tarnwell TRX rooftop unit service manual

## 5.3 Refrigerant leak protection

The economizer damper opens to its minimum position whenever the indoor blower runs in occupied mode. The leak
sensor in the return air section trips at 20 percent of the lower flammability limit. When it trips the unit board
shuts off the compressor, starts the indoor blower at full speed, opens the alarm contact and keeps the blower running
for at least 5 minutes after the reading falls back below the limit.
"""

PANEL = b"""# Corvell CFP-8 fire alarm panel programming guide

## 4 Menu paths used most often

- Set date and time: **Setup > Panel > Clock**, or let the communicator set it.
- Input type: **Setup > Inputs > Type**. Set a zone to WATERFLOW where it has flow switches, else to ALARM,
  SUPERVISORY or TAMPER.
- Flow switch retard: **Setup > Zones > Zone Options > Retard**. Default 20 seconds, adjustable 0 to 90 seconds.
- Silence inhibit: **Setup > Outputs > Silence Inhibit**, 0 to 5 minutes.
"""

ORDINANCE = b"""# Town of Brisley fire code amendments

## 9-105 Alarm registration

(a) Every alarm user shall register the system with the Fire Marshal within 30 days of its acceptance test and each
year by January 31. A registration received late is accepted with the next invoice. The registration fee is $40 per
building.
"""

RACK = b"""# Harnock HCR-40 CO2 rack commissioning procedure

## Step 4 First start

Step 4.1 Start the medium temperature compressors first.
Step 4.2 Set the high pressure valve (HPV).
Step 4.2.1 Leave the HPV in automatic; check the gas cooler outlet pressure follows the optimum curve.
Step 4.2.2 Confirm the HPV goes to its subcritical setpoint of 1,015 psig when the gas cooler outlet is below 70 F.
Step 4.2.2.1 If it does not, check that the outlet temperature sensor is strapped to the outlet pipe, not the inlet.
Step 4.3 Set the flash gas bypass valve.
"""


async def _upload(client: httpx.AsyncClient, auth: dict[str, str], filename: str, data: bytes) -> None:
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": (filename, data, "text/markdown")})
    assert response.status_code == 201, response.text


async def _reply(client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser, message: str) -> str:
    response = await client.post(f"/voice/chat/{technician.id}", headers=auth,
                                 json={"message": message, "new_session": True})
    assert response.status_code == 200, response.text
    return response.json()["reply"]


@pytest.fixture
async def uploaded(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    for filename, data in (("tarnwell-trx.md", ROOFTOP), ("corvell-cfp-8.md", PANEL),
                           ("brisley-amendments.md", ORDINANCE), ("harnock-hcr-40.md", RACK)):
        await _upload(client, auth, filename, data)


async def test_a_sentence_conditioned_on_it_is_said_with_the_sentence_naming_it(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser, uploaded: None
) -> None:
    """ "When it trips the board shuts off the compressor": the technician hears what trips, and at what level."""
    reply = await _reply(client, auth, technician,
                         "the tarnwell trx keeps killing the compressor and the blower runs full blast")
    assert "Tarnwell TRX" in reply and "5.3" in reply, reply
    assert "20 percent" in reply and "shuts off the compressor" in reply, reply


async def test_a_list_item_is_said_with_its_own_menu_path_not_the_next_items(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser, uploaded: None
) -> None:
    reply = await _reply(client, auth, technician, "corvell where do I set a zone to waterflow")
    assert "Corvell CFP-8" in reply and "Setup > Inputs > Type" in reply, reply


async def test_a_sub_step_saying_what_to_check_when_the_step_fails_is_said(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser, uploaded: None
) -> None:
    reply = await _reply(client, auth, technician, "harnock rack HPV does not switch to subcritical, what do I check")
    assert "Harnock HCR-40" in reply and "outlet temperature sensor" in reply, reply


async def test_both_parts_of_a_two_part_question_are_answered(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser, uploaded: None
) -> None:
    reply = await _reply(client, auth, technician,
                         "brisley how soon must a new fire alarm be registered with the fire marshal and the fee")
    assert "Brisley" in reply and "9-105" in reply, reply
    assert "30 days" in reply and "$40" in reply, reply


EXTENDER = b"""# Voltix VPS-6 and VPS-10 NAC power extender

## 1 Specifications

|                       | VPS-6  | VPS-10  |
|-----------------------|--------|---------|
| Total output current  | 6.0 A  | 10.0 A  |
| Max current per NAC   | 2.5 A  | 3.0 A   |
| Standby battery (max) | 18 AH  | 26 AH   |
"""


async def test_a_row_of_a_table_with_models_as_columns_is_said_with_the_models(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser
) -> None:
    """The header's empty corner cell is no cell of the indexed row, so the header was one short and the row was said
    as "Total output current; 6.0 A; 10.0 A": which figure is the VPS-10's went unsaid."""
    await _upload(client, auth, "voltix.md", EXTENDER)
    reply = await _reply(client, auth, technician, "how many amps can the voltix vps-10 put out in total")
    assert "VPS-10 10.0 A" in reply and "VPS-6 6.0 A" in reply, reply
