"""What the CRM service returns: customers with their sites, contacts, pipeline and job history.

Plain frozen dataclasses, so agent tools read attributes and routes call `as_json()` for the contract's shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    Field, PlainSerializer, SerializerFunctionWrapHandler, TypeAdapter, WithJsonSchema, model_serializer,
)

# A moment as `datetime.isoformat()` writes it, offset and all ("+00:00", where pydantic alone would write "Z"):
# the wire form the app has always parsed, and the form `json_ready` gives the agent and the caches.
Timestamp = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
                      WithJsonSchema({"type": "string", "format": "date-time"})]


def json_ready(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`dataclasses.asdict` factory: dates and times become ISO-8601 strings, the contract's wire form."""
    return {key: value.isoformat() if isinstance(value, (date, datetime)) else value for key, value in pairs}


@dataclass(frozen=True, slots=True)
class Site:
    id: int
    name: str
    address: str
    city: str
    state: str
    postal_code: str | None
    latitude: float
    longitude: float
    access_notes: str | None


@dataclass(frozen=True, slots=True)
class Contact:
    id: int
    name: str
    title: str | None
    phone: str | None
    email: str | None
    is_primary: bool
    site_id: int | None


@dataclass(frozen=True, slots=True)
class Opportunity:
    id: int
    title: str
    value: float
    stage: Literal["prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"]


@dataclass(frozen=True, slots=True)
class JobSummary:
    id: int
    type: str
    status: Literal["scheduled", "en_route", "in_progress", "completed", "cancelled"]
    scheduled_start: Timestamp
    site_id: int
    site_name: str
    technician_id: int | None
    technician_name: str | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    name: str
    segment: str
    lifetime_value: float
    notes: str | None
    special_requirements: list[str]
    sites: list[Site]
    contacts: list[Contact]
    opportunities: list[Opportunity]
    recent_jobs: list[JobSummary]  # started before now, newest first
    upcoming_jobs: list[JobSummary]  # from now on, soonest first

    def as_json(self) -> dict[str, Any]:
        return asdict(self, dict_factory=json_ready)


@dataclass(frozen=True, slots=True)
class CustomerPage:
    customers: list[Customer]
    total: int

    def as_json(self) -> dict[str, Any]:
        return {"customers": [customer.as_json() for customer in self.customers], "total": self.total}


@dataclass(frozen=True, slots=True)
class SiteMatch:
    """A site that matched a spoken or typed place, with where it is (travel time needs the coordinates)."""

    site_id: int
    site_name: str
    customer_id: int
    customer_name: str
    latitude: float
    longitude: float
    score: float


@dataclass(frozen=True, slots=True)
class LocatedCustomer:
    customer: Customer
    match: SiteMatch

    @property
    def site(self) -> Site | None:
        """The customer's site that matched."""
        return next((s for s in self.customer.sites if s.id == self.match.site_id), None)

    @property
    def access_notes(self) -> str | None:
        """The matched site's own access notes (a gate code, where to park), when any are on file."""
        site = self.site
        return site.access_notes if site is not None else None

    def requirements(self, *, access: bool = False) -> dict[str, Any]:
        """What to know before showing up, as the agent's and MCP's `site_requirements` return it: the customer's rules
        and the site's access notes, and asked how to get in, the site's contact (who can let the technician in)."""
        contact = self.site_contact
        return {"special_requirements": self.customer.special_requirements, "access_notes": self.access_notes,
                **({"contact": asdict(contact) if contact is not None else None} if access else {})}

    @property
    def site_contact(self) -> Contact | None:
        """Who to ask for at the site matched: that site's own contact (a school district's contact at one school),
        else the customer's primary contact, else any; None when the customer has none on file."""
        contacts = self.customer.contacts
        return next((c for c in contacts if c.site_id == self.match.site_id), None) or \
            next((c for c in contacts if c.is_primary), contacts[0] if contacts else None)

    def as_json(self) -> dict[str, Any]:
        return {**self.customer.as_json(), "match": {"site_id": self.match.site_id, "score": self.match.score}}

    @model_serializer(mode="wrap")
    def _flatten(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """On the wire, the customer's fields and which site matched how well (as `as_json`)."""
        located = handler(self)
        return {**located["customer"], "match": {key: located["match"][key] for key in MatchRef.__annotations__}}

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        if handler.mode != "serialization":
            return handler(core_schema)
        fields = {field["name"]: field["schema"] for field in core_schema["schema"]["fields"]}
        return {"allOf": [handler(fields["customer"]), {
            "type": "object", "required": ["match"],
            "properties": {"match": TypeAdapter(MatchRef).json_schema()}}]}


@dataclass(frozen=True, slots=True)
class MatchRef:
    """What a located customer says about its match: the site, and the score (0..1) it matched with."""

    site_id: int
    score: Annotated[float, Field(ge=0, le=1)]
