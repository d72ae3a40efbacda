"""What reading a nameplate gives: the fields found, how sure each is, and the identification built on them.

Declared once with pydantic: `Identification` is the route's OpenAPI schema and the one answer the route, the
MCP tool and (later) the chat's image frame serialise; `FieldName` is the enum Gemini's answer is held to.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clara.jobs.models import Equipment
from clara.knowledge.models import EquipmentSpec

Reader = Literal["gemini", "offline"]
FieldName = Literal["manufacturer", "model", "serial", "voltage", "phase", "hz", "mca", "mocp", "rla", "lra",
                    "refrigerant", "charge"]


class NameplateFields(BaseModel):
    """Values as printed on the plate, normalised ("208/230", "R-410A", "7 lb 4 oz"); absent ones are None."""

    model_config = ConfigDict(frozen=True)

    manufacturer: str | None = None
    model: str | None = None
    serial: str | None = None
    voltage: str | None = Field(None, description="Volts, e.g. 208/230 or 460")
    phase: str | None = Field(None, description="1 or 3")
    hz: str | None = None
    mca: str | None = Field(None, description="Minimum circuit ampacity, A")
    mocp: str | None = Field(None, description="Maximum overcurrent protection (max fuse / breaker), A")
    rla: str | None = Field(None, description="Compressor rated load amps")
    lra: str | None = Field(None, description="Compressor locked rotor amps")
    refrigerant: str | None = None
    charge: str | None = Field(None, description="Factory refrigerant charge, e.g. 7 lb 4 oz")

    def present(self) -> dict[str, str]:
        return self.model_dump(exclude_none=True)


class Reading(BaseModel):
    """One reader's output: the text it saw, the fields it found and its confidence in each (0..1)."""

    text: str
    fields: NameplateFields
    confidence: dict[str, float]
    reader: Reader


class Identification(BaseModel):
    """The answer to "what is this unit": the reading, its age from the serial, and our catalogue's spec."""

    text: str = Field(description="Everything the reader saw, one line per row of the plate")
    fields: dict[str, str] = Field(description="manufacturer, model, serial, voltage, phase, hz, mca, mocp, rla, "
                                               "lra, refrigerant, charge: those present on the plate")
    manufactured: str | None = Field(description="YYYY-MM decoded from the serial, when the manufacturer's "
                                                 "scheme is known")
    confidence: dict[str, float] = Field(description="Per field, 0..1")
    spec: EquipmentSpec | None = Field(description="Our catalogue's specification of the model, if we have it")
    matches: list[str] = Field(description="Catalogue models close to the one read, when there is no exact spec")
    reader: Reader
    on_site: Equipment | None = Field(
        None, description="With job_id: this unit as already registered at the job's site (same serial), else null")
