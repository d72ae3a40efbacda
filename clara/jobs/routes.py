"""Jobs routes: the day's jobs, one job, the daily brief, status and deficiency updates, voice tokens, travel time."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clara.web.http import (
    Day, Id, Input, Latitude, Longitude, OptionalText, PointQuery, Text, accepts, current_user, respond,
)
from clara.jobs import service, travel, voice
from clara.jobs.models import (
    DailyBrief, Deficiency, Equipment, Job, JobDetail, JobList, JobStatus, LiveKitToken, Severity,
)


class JobsQuery(PointQuery):
    date: Day | None = Field(None, description="Defaults to today in the company time zone")
    status: JobStatus | None = None
    user_id: Id | None = Field(None, description="Staff only: whose jobs")


class BriefQuery(PointQuery):
    date: Day | None = Field(None, description="Defaults to today in the company time zone")
    user_id: Id | None = Field(None, description="Staff only: whose brief")


class JobUpdate(Input):
    """Send a status, notes, or both."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    status: JobStatus | None = None
    notes: OptionalText(service.MAX_NOTES) = Field(None, description='Replaces the notes; "" or null clears them')


class DeficiencyReport(Input):
    severity: Severity
    description: Text(service.MAX_DESCRIPTION)
    equipment_id: Id | None = None
    location: OptionalText(service.MAX_LOCATION) = None


class NewEquipment(Input):
    manufacturer: Text(service.MAX_LABEL)
    model: Text(service.MAX_LABEL)
    type: Text(service.MAX_LABEL) = Field(description="What the unit is, e.g. 'Packaged rooftop heat pump'")
    serial: OptionalText(service.MAX_LABEL) = None
    location: OptionalText(service.MAX_LOCATION) = Field(None, description="Where on site")


class LiveKitTokenRequest(Input):
    userId: Id  # noqa: N815 - the mobile app's spelling
    jobId: Id  # noqa: N815


class Point(Input):
    latitude: Latitude
    longitude: Longitude

    @model_validator(mode="before")
    @classmethod
    def _some_point(cls, data: Any) -> Any:
        if isinstance(data, dict) and "latitude" not in data and "longitude" not in data:
            raise PydanticCustomError("place", "must be an address or an object with latitude and longitude")
        return data


def _place_kind(value: Any) -> str | None:
    return "an-address" if isinstance(value, str) else "a-point" if isinstance(value, dict) else None


Place = Annotated[
    Annotated[Text(200), Tag("an-address")] | Annotated[Point, Tag("a-point")],
    Discriminator(_place_kind, custom_error_type="place",
                  custom_error_message="must be an address or an object with latitude and longitude"),
    Field(description="The name or street address of a site we serve, or a point"),
]


class TravelTimeRequest(Input):
    origin: Place
    destination: Place


@accepts(query=JobsQuery, answers=JobList, errors={
    403: "A technician asking for another user's jobs", 404: "No user with that user_id"})
async def list_jobs(request: Request, query: JobsQuery) -> Response:
    """
    summary: The caller's jobs for one day
    description: >
      Jobs for one day, which defaults to today in the company's time zone (COMPANY_TIMEZONE) even when no other
      filter is given, so the app's first call shows today's work. With latitude and longitude the jobs are sorted
      by travel time from that point and carry distance_km, travel_seconds and travel_source; without them they are
      sorted by scheduled start and those fields are null. Dispatchers and admins may pass user_id to see a
      technician's jobs; a technician passing another user's id gets 403.
    tags: [jobs]
    """
    jobs = await service.list_jobs(
        request.app.state.stores, actor=current_user(request), user_id=query.user_id, origin=query.point,
        on=query.date, status=query.status,
    )
    return respond(JobList(jobs))


@accepts(query=PointQuery, path={"job_id": Id}, answers=JobDetail, errors={403: "Another technician's job"})
async def get_job(request: Request, query: PointQuery, job_id: int) -> Response:
    """
    summary: One job with its site's equipment and open deficiencies
    tags: [jobs]
    """
    actor = current_user(request)
    detail = await service.get_job(
        request.app.state.stores, actor=actor, job_id=job_id, origin=query.point
    )
    return respond(detail)


@accepts(body=JobUpdate, path={"job_id": Id}, answers=Job, errors={
    403: "Another technician's job", 409: "Not a permitted status change (nor the caller's own undo)"})
async def update_job(request: Request, body: JobUpdate, job_id: int) -> Response:
    """
    summary: Change a job's status or notes
    description: >
      Status moves forward along scheduled, en_route, in_progress, completed (steps may be skipped), or to cancelled
      while the job is open. A step back is a correction: the technician who made the job's last status change may
      send the status it came from within 10 minutes (an undo; not out of cancelled, and an undo cannot itself be
      undone), and dispatchers and admins may set any status at any time. Anything else is 409 invalid_transition,
      whose message says who can change it. Sending the current status again is a no-op. notes replaces the notes;
      "" or null clears them. Technicians change their own jobs; dispatchers and admins any job.
    tags: [jobs]
    responses:
      200: The updated job
    """
    actor = current_user(request)
    job = await service.update_job(
        request.app.state.stores, actor=actor, job_id=job_id, status=body.status,
        notes="" if body.notes is None and "notes" in body.model_fields_set else body.notes,
    )
    return respond(job)


@accepts(body=DeficiencyReport, path={"job_id": Id}, answers={201: Deficiency}, errors={
    403: "Another technician's job"})
async def report_deficiency(request: Request, body: DeficiencyReport, job_id: int) -> Response:
    """
    summary: Log a deficiency found during a job
    tags: [jobs]
    responses:
      201: Logged
    """
    actor = current_user(request)
    deficiency = await service.log_deficiency(
        request.app.state.stores, actor=actor, job_id=job_id, equipment_id=body.equipment_id,
        severity=body.severity, description=body.description, location=body.location,
    )
    return respond(deficiency, 201)


@accepts(body=NewEquipment, path={"job_id": Id}, answers={201: Equipment, 200: Equipment}, errors={
    403: "Another technician's job"})
async def add_equipment(request: Request, body: NewEquipment, job_id: int) -> Response:
    """
    summary: Add a unit to the job's site equipment register (e.g. one identified from its nameplate)
    description: >
      Technicians add to their own jobs' sites; dispatchers and admins to any. A unit whose serial is already
      registered at the site is not added twice: the existing one comes back with 200.
    tags: [jobs, equipment]
    responses:
      201: Added
      200: Already registered at the site (same serial)
    """
    actor = current_user(request)
    equipment, created = await service.add_equipment(
        request.app.state.stores, actor=actor, job_id=job_id, manufacturer=body.manufacturer,
        model=body.model, type=body.type, serial=body.serial, location=body.location,
    )
    return respond(equipment, 201 if created else 200)


@accepts(path={"deficiency_id": Id}, answers=Deficiency, errors={
    403: "A deficiency at a site of none of the technician's jobs", 409: "Already verified"})
async def mark_fixed(request: Request, deficiency_id: int) -> Response:
    """
    summary: Mark a deficiency fixed
    description: >
      Idempotent. Technicians may mark deficiencies at sites where they have jobs, or ones they reported;
      dispatchers and admins any. 409 once a deficiency has been verified.
    tags: [jobs]
    responses:
      200: The deficiency, now fixed
    """
    actor = current_user(request)
    deficiency = await service.mark_deficiency_fixed(
        request.app.state.stores, actor=actor, deficiency_id=deficiency_id
    )
    return respond(deficiency)


@accepts(query=BriefQuery, answers=DailyBrief, errors={
    403: "A technician asking for another user's brief", 404: "No user with that user_id"})
async def daily_brief(request: Request, query: BriefQuery) -> Response:
    """
    summary: The day's remaining jobs in driving order, highlights, and a summary ready for speech
    description: >
      The route keeps the appointments: jobs in order of scheduled start, and jobs booked for the same time
      nearest first from the given point (else the technician's home); each job's distance and travel time are
      the leg from the stop before it. Highlights flag high-priority jobs, customers' special
      requirements and open inoperable deficiencies at the day's sites. Dispatchers and admins may pass user_id.
    tags: [jobs]
    """
    result = await service.daily_brief(
        request.app.state.stores, actor=current_user(request), user_id=query.user_id, origin=query.point,
        on=query.date,
    )
    return respond(result)


@accepts(body=LiveKitTokenRequest, answers=LiveKitToken, errors={
    403: "A technician asking for another user, or another technician's job", 404: "Unknown user or job"})
async def livekit_token(request: Request, body: LiveKitTokenRequest) -> Response:
    """
    summary: A LiveKit token for a job's voice room, with the Clara agent dispatched into it
    description: >
      The token lets userId join room job-<jobId>; its room configuration dispatches the agent named "clara" with
      metadata {"user_id", "job_id"}. A technician may ask only for themself and their own jobs.
    tags: [jobs, voice]
    """
    token = await voice.livekit_token(
        request.app.state.stores, actor=current_user(request), user_id=body.userId, job_id=body.jobId
    )
    return respond(token)


@accepts(body=TravelTimeRequest, answers=travel.TravelTime, errors={
    422: "A place name that matches no site (unknown_location) or several (ambiguous_location)"})
async def travel_time(request: Request, body: TravelTimeRequest) -> Response:
    """
    summary: Driving time and distance between two places
    description: >
      Each place is {latitude, longitude} or the name or street address of one of our customers' sites.
      422 unknown_location or ambiguous_location when a name does not pin down one site.
    tags: [jobs]
    """
    current_user(request)
    result = await travel.travel_time(
        request.app.state.stores, origin=_place(body.origin), destination=_place(body.destination)
    )
    return respond(result)


def _place(place: str | Point) -> travel.Place:
    return place if isinstance(place, str) else (place.latitude, place.longitude)


routes = [
    Route("/jobs", list_jobs, methods=["GET"]),
    Route("/jobs/{job_id}", get_job, methods=["GET"]),
    Route("/jobs/{job_id}", update_job, methods=["PATCH"]),
    Route("/jobs/{job_id}/deficiencies", report_deficiency, methods=["POST"]),
    Route("/jobs/{job_id}/equipment", add_equipment, methods=["POST"]),
    Route("/daily-brief", daily_brief, methods=["GET"]),
    Route("/clara-server/jobs/get-token", livekit_token, methods=["POST"]),
    Route("/clara-server/travel-time", travel_time, methods=["POST"]),
    Route("/clara-server/deficiencies/{deficiency_id}/fixed", mark_fixed, methods=["POST"]),
]
