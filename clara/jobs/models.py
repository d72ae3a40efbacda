"""What the jobs service returns: jobs with where they are and how far, equipment, deficiencies, the daily brief."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any, Literal, get_args

from pydantic import SerializerFunctionWrapHandler, model_serializer

from clara.crm.models import Timestamp, json_ready
from clara.jobs.travel import Point, TravelTime
from clara.users.models import Technician

JobStatus = Literal["scheduled", "en_route", "in_progress", "completed", "cancelled"]
Severity = Literal["inoperable", "deficient", "suggested"]
STATUSES: tuple[str, ...] = get_args(JobStatus)
SEVERITIES: tuple[str, ...] = get_args(Severity)


@dataclass(frozen=True, slots=True)
class CustomerRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class SiteRef:
    id: int
    name: str
    address: str
    city: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    status: JobStatus
    type: str
    priority: Literal["low", "normal", "high", "emergency"]
    scheduled_start: Timestamp  # in the company's time zone, with its offset
    duration_minutes: int
    technician_id: int | None
    customer: CustomerRef
    site: SiteRef
    systems: list[str]
    notes: str | None
    distance_km: float | None = None  # from the point the caller gave (or the previous stop, in a brief)
    travel_seconds: int | None = None
    travel_source: Literal["google", "estimate"] | None = None

    @property
    def point(self) -> Point:
        return self.site.latitude, self.site.longitude

    def with_travel(self, travel: TravelTime) -> Job:
        return replace(self, distance_km=travel.distance, travel_seconds=travel.duration, travel_source=travel.source)

    def as_json(self) -> dict[str, Any]:
        return asdict(self, dict_factory=json_ready)


@dataclass(frozen=True, slots=True)
class Equipment:
    id: int
    type: str
    manufacturer: str
    model: str
    serial: str | None
    location: str | None
    install_date: date | None
    last_inspected: date | None
    inspection_interval_days: int
    nfpa_standard: str | None
    next_inspection_due: date  # last inspection (or install) plus the interval; today when neither is known
    overdue: bool

    def as_json(self) -> dict[str, Any]:
        return asdict(self, dict_factory=json_ready)


@dataclass(frozen=True, slots=True)
class Deficiency:
    id: int
    site_id: int
    equipment_id: int | None
    job_id: int | None
    severity: Severity
    status: Literal["new", "fixed", "verified"]
    description: str
    location: str | None
    reported_by: int | None
    created_at: Timestamp
    fixed_at: Timestamp | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self, dict_factory=json_ready)


@dataclass(frozen=True, slots=True)
class JobDetail:
    """A job with what a technician wants before walking in: the site's rules, equipment and open problems."""

    job: Job
    special_requirements: list[str]
    access_notes: str | None
    equipment: list[Equipment]
    deficiencies: list[Deficiency]  # open ones, worst first

    def as_json(self) -> dict[str, Any]:
        detail = asdict(self, dict_factory=json_ready)
        return {**detail.pop("job"), **detail}

    @model_serializer(mode="wrap")
    def _flatten(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """On the wire the job's own fields sit beside its details, as `as_json` has them."""
        detail = handler(self)
        return {**detail.pop("job"), **detail}

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        """Documented as `_flatten` writes it: all of Job, and these fields beside it."""
        if handler.mode != "serialization":
            return handler(core_schema)
        fields = {field["name"]: handler(field["schema"]) for field in core_schema["schema"]["fields"]}
        job = fields.pop("job")
        return {"allOf": [job, {"type": "object", "required": list(fields), "properties": fields}]}


@dataclass(frozen=True, slots=True)
class Highlight:
    kind: Literal["high_priority", "special_requirement", "inoperable_deficiency"]
    subject: str  # the site or customer it concerns
    detail: str
    job_id: int
    message: str = ""  # "subject: detail", ready to show

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", self.message or f"{self.subject}: {self.detail}")


@dataclass(frozen=True, slots=True)
class DailyBrief:
    date: dt.date  # not `date`: inside the class that name is this very field
    technician: Technician
    jobs: list[Job]  # route order; each job's travel is the leg from the stop before it
    total_travel_seconds: int
    total_distance_km: float
    highlights: list[Highlight]
    spoken_summary: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self, dict_factory=json_ready)


@dataclass(frozen=True, slots=True)
class JobList:
    jobs: list[Job]


@dataclass(frozen=True, slots=True)
class LiveKitToken:
    token: str
    room: str
    url: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
