"""Small shared helpers for route modules: read and validate input, name the caller, enforce user scoping.

Input is declared once per route as a pydantic model (`accepts(query=..., body=...)`): the same model parses the
request, names the offending field in the contract's 400 (`clara.web.errors.from_validation_error`) and becomes the
route's OpenAPI parameters or request body (`clara.web.openapi`). Answers go out through `respond`, a pydantic
TypeAdapter over the domain's dataclasses, and `accepts(answers=...)` names that type for the document, so the wire
form and the documented schema are one declaration too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, wraps
from typing import Annotated, Any, Awaitable, Callable, Generic, Iterable, Mapping, TypeVar

from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError,
    WithJsonSchema, create_model, model_validator,
)
from pydantic_core import PydanticCustomError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from clara.web.caller import CurrentUser, authorize
from clara.web.errors import ApiError, from_validation_error, validation_error
from clara.web.json_input import JSON_SAFE_INTEGER, json_body
from clara.web.text import NO_CONTROL, SOME_TEXT

MAX_STRING = 10_000
EARLIEST_DATE, LATEST_DATE = date(1970, 1, 1), date(2100, 12, 31)  # a field day is never outside these


def current_user(conn: HTTPConnection) -> CurrentUser:
    """The authenticated caller; 401 when the request carried no valid token."""
    user = conn.scope.get("user")
    if not isinstance(user, CurrentUser):
        raise ApiError(401, "unauthorized", "a valid bearer token is required", "Authorization",
                       headers={"WWW-Authenticate": "Bearer"})
    return user


# --- Declared input: one pydantic model per route's query or body ----------------------------------------------

class Input(BaseModel):
    """Base of every request model: immutable, finite numbers only, unknown fields ignored (old apps send extras)."""

    model_config = ConfigDict(frozen=True, allow_inf_nan=False, extra="ignore")


# A number in a query string (or a string in a body) as JSON writes one: Python's int() and float(), which pydantic's
# lax mode follows, also read "1_000", " 5 " and "+5", which no client means and a retry would spell otherwise.
_INTEGER_TEXT = re.compile(r"-?[0-9]+")
_NUMBER_TEXT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?i:nan|inf|infinity)")


def _no_bool(value: Any) -> Any:
    """JSON `true` is not the integer 1 to a client reading our schema (pydantic's lax mode would take it)."""
    if isinstance(value, bool) or (isinstance(value, str) and not _INTEGER_TEXT.fullmatch(value)):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


def _no_bool_number(value: Any) -> Any:
    """As `_no_bool`, for a number that need not be whole: `true` is not a latitude either."""
    if isinstance(value, bool) or (isinstance(value, str) and not _NUMBER_TEXT.fullmatch(value)):
        raise PydanticCustomError("float_type", "Input should be a valid number")
    return value


def _iso_date(value: Any) -> Any:
    """Dates as `date.fromisoformat` reads them: pydantic would also take '1700000000' as a Unix time."""
    if isinstance(value, str):
        if len(value) > 32:
            raise PydanticCustomError("date_from_string", "not a date")
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError("date_from_string", "not a date") from None
    return value


def _strip(value: str) -> str:
    return value.strip() or value  # a required value is checked for a non-space character before this runs


def _strip_optional(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


# The schema says what the server takes, checked on the raw value before stripping, so that a generated client
# (and schemathesis) and this server agree: no control character but tab and line breaks (`clara.web.text`; a
# password only no NUL, which PostgreSQL text cannot hold), and a required string has a character that is not a
# space.
_NO_NUL = r"^[^\x00]*$"


def Text(max_length: int = MAX_STRING, *, strip: bool = True) -> Any:  # noqa: N802 - reads as a type
    """A required string of at most `max_length` characters, stripped unless `strip=False` (passwords)."""
    if not strip:  # kept byte for byte: "  " is a value
        return Annotated[str, StringConstraints(min_length=1, max_length=max_length, pattern=_NO_NUL)]
    constraints = StringConstraints(min_length=1, max_length=max_length, pattern=SOME_TEXT)
    return Annotated[str, constraints, AfterValidator(_strip)]


def OptionalText(max_length: int = MAX_STRING) -> Any:  # noqa: N802
    """An optional string; blank means not given (None), as the app sends `?q=` for "no filter"."""
    return Annotated[Annotated[str, StringConstraints(max_length=max_length, pattern=NO_CONTROL)] | None,
                     AfterValidator(_strip_optional)]


# Constraints before validators: pydantic can put them in the JSON schema only there.
Id = Annotated[int, Field(ge=1, le=JSON_SAFE_INTEGER), BeforeValidator(_no_bool)]
Latitude = Annotated[float, Field(ge=-90, le=90), BeforeValidator(_no_bool_number)]
Longitude = Annotated[float, Field(ge=-180, le=180), BeforeValidator(_no_bool_number)]


def _field_day(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise PydanticCustomError("date_range", f"must be between {EARLIEST_DATE} and {LATEST_DATE}")
    return value


# JSON Schema has no bounds for a date: the years' pattern says the same as `_field_day`, for generated clients.
Day = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_field_day), WithJsonSchema(
    {"type": "string", "format": "date", "pattern": "^(19[7-9][0-9]|20[0-9][0-9]|2100)-"})]


def Int(*, ge: int | None = None, le: int | None = None) -> Any:  # noqa: N802
    """An integer within bounds (`true` is not one)."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_no_bool)]


class PointQuery(Input):
    """An optional `latitude`/`longitude` pair: both or neither, each in range."""

    # In a body the pair is in the schema too; OpenAPI has no way to say it of two query parameters.
    model_config = ConfigDict(json_schema_extra={"dependentRequired": {"latitude": ["longitude"],
                                                                       "longitude": ["latitude"]}})

    latitude: Latitude | None = Field(None, description="With longitude: where the technician is now")
    longitude: Longitude | None = None

    @model_validator(mode="after")
    def _together(self) -> PointQuery:
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise PydanticCustomError("together", "latitude and longitude must be given together",
                                      {"field": missing})
        return self

    @property
    def point(self) -> tuple[float, float] | None:
        return None if self.latitude is None or self.longitude is None else (self.latitude, self.longitude)


M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data: Any) -> M:
    """`data` as `model`, or the contract's 400 naming the first field that is not right."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, model) from None


def parse_query(request: HTTPConnection, model: type[M]) -> M:
    """The query string as `model`; an empty value (`?date=`) counts as not given, like the app's `latitude=`. A
    declared parameter given twice is refused: which of the two was meant is not ours to guess."""
    params = request.query_params
    for name in model.model_fields:
        if len(params.getlist(name)) > 1:
            raise validation_error(name, f"{name} must be given once")
    return validate(model, {key: value for key, value in params.items() if value != ""})


async def parse_body(request: Request, model: type[M]) -> M:
    """The JSON body as `model`, after `json_body` has refused what no store can hold."""
    return validate(model, await json_body(request))


@dataclass(frozen=True)
class FormUpload(Generic[M]):
    """A multipart form's one file part, read up to a limit, and its text parts as a model."""

    data: bytes
    filename: str | None
    content_type: str | None
    fields: M


@dataclass(frozen=True)
class Form:
    """A multipart form declared once (`accepts(form=Form(...))`): one file part, named `part` and described by
    `description`, read to the size the `limit` setting names; its text parts as `fields`. The endpoint gets
    the `FormUpload` as `form=`, and the document the form's schema."""

    part: str
    fields: type[Input]
    limit: str  # the Settings attribute that bounds the file, in bytes
    description: str
    max_fields: int = 5


async def read_upload(request: Request, *, part: str, fields: type[M], max_bytes: int,
                      max_fields: int) -> FormUpload[M]:
    """The file part named `part` (read to `max_bytes` + 1, so the service can tell "too large" from "at the
    limit") and the other parts as `fields`; a 400 naming `part` for a body that is not such a form."""
    try:
        form = await request.form(max_files=1, max_fields=max_fields)
    except HTTPException as exc:
        raise validation_error(part, f"the body must be multipart/form-data with a '{part}' part ({exc.detail})")
    try:
        upload = form.get(part)
        if not isinstance(upload, UploadFile):
            raise validation_error(part, f"{part} is required (a multipart/form-data part named '{part}')")
        parsed = validate(fields, {name: value for name, value in form.items() if isinstance(value, str)})
        data = await upload.read(max_bytes + 1)
    finally:
        await form.close()  # spooled temporary files
    return FormUpload(data, upload.filename, upload.content_type, parsed)


Endpoint = Callable[..., Awaitable[Response]]


class Refusal:
    """A refusal whose error object says more than code, message and field (`accepts(errors={404: Refusal(
    "Unknown model; close matches listed", close_matches=list[str])})`): each extra property and its type."""

    def __init__(self, description: str, **details: Any) -> None:
        self.description = description
        self.details = details


@dataclass(frozen=True)
class Media:
    """An answer that is not JSON (`accepts(answers=Media("text/html", "The console page"))`): documented as a
    string of that media type. Beside a JSON type in a tuple (`(ChatReply, Media("text/event-stream", ...))`), the
    same status answered in either form, as the request's `Accept` chooses."""

    media_type: str
    description: str


def _digits_only(params: Mapping[str, Any], types: Mapping[str, Any]) -> None:
    """An id in a path is written in digits, as the schema documents: pydantic's lax integers would also take
    "5.0", " 5" or "5\\n" as job 5, and an idempotent retry of `/jobs/5.0` would then not match `/jobs/5`."""
    for name, kind in types.items():
        if kind is Id and not re.fullmatch(r"[0-9]+", str(params.get(name, ""))):
            raise validation_error(name, f"{name} must be a positive whole number")


def accepts(
    *, query: type[Input] | None = None, body: type[BaseModel] | None = None, validate_body: bool = True,
    form: Form | None = None, path: Mapping[str, Any] | None = None,
    answers: Any = None, errors: Mapping[int, str | Refusal] | None = None, public: bool = False,
    scoped: str | None = None,
    guard: Callable[[CurrentUser], None] | None = None,
) -> Callable[[Endpoint], Endpoint]:
    """Declare a route's input and answer once: the endpoint gets its input parsed (after `request`, as `query=` /
    `body=` / `form=`), and `clara.web.openapi` documents the same models as the operation's parameters and request
    body, and `answers` (the type it `respond`s with, `{status: type}` when that is not 200, `Media` for text, or a
    tuple of both when `Accept` chooses) as its success response. With `validate_body=False` the endpoint gets the
    JSON object as `body=` and its service validates it against `body`, which documents it (a batch whose service
    reports every bad item by its index, where one 400 would name only the first). `path` types the path's
    parameters (`{"job_id": Id}`; `scoped` names one that is an `Id`): they are checked here, so a bad one is the
    contract's 400 naming it, documented from the same types, and passed to the endpoint as keyword arguments of
    their own names (`job_id=42`), parsed once. `errors` names the
    refusals only the route's rules know of (`{409: "Not a permitted status change"}`, or a `Refusal` whose error
    says more); those that follow from the declaration (400, 401, 403 for `scoped`/`guard`, 404 for a path) are
    derived, not listed.
    Unless `public`, a caller without a valid token gets the 401 before any complaint about their input; with
    `scoped` (a path parameter naming a user), so does someone else's user id get its 403, and so does a caller
    `guard` (a service's role rule) refuses."""
    path_types = {**({scoped: Id} if scoped is not None else {}), **(path or {})}

    def decorate(endpoint: Endpoint) -> Endpoint:
        path_model = create_model(f"{endpoint.__name__}_path", __base__=Input,
                                  **{name: (kind, ...) for name, kind in path_types.items()}) if path_types else None

        @wraps(endpoint)
        async def parse_then_call(request: Request) -> Response:
            if not public:
                caller = current_user(request)
                if guard is not None:
                    guard(caller)
            kwargs: dict[str, Any] = {}
            if path_model is not None:
                _digits_only(request.path_params, path_types)
                parsed = validate(path_model, request.path_params)
                kwargs.update((name, getattr(parsed, name)) for name in path_types)
                if scoped is not None:  # someone else's user id: 403, after any 400 about the path
                    authorize(current_user(request), kwargs[scoped])
            if query is not None:
                kwargs["query"] = parse_query(request, query)
            if body is not None:
                kwargs["body"] = (await parse_body(request, body) if validate_body
                                  else await json_body(request))
            if form is not None:
                kwargs["form"] = await read_upload(
                    request, part=form.part, fields=form.fields, max_fields=form.max_fields,
                    max_bytes=getattr(request.app.state.settings, form.limit))
            return await endpoint(request, **kwargs)

        # read by clara.web.openapi: the document says what this wrapper does
        parse_then_call.query_model = query  # type: ignore[attr-defined]
        parse_then_call.body_model = body  # type: ignore[attr-defined]
        parse_then_call.form = form  # type: ignore[attr-defined]
        parse_then_call.path_model = path_model  # type: ignore[attr-defined]
        parse_then_call.answer_models = (  # type: ignore[attr-defined]
            answers if isinstance(answers, dict) else {200: answers} if answers is not None else {})
        parse_then_call.error_statuses = dict(errors or {})  # type: ignore[attr-defined]
        parse_then_call.authorizes = scoped is not None or guard is not None  # type: ignore[attr-defined]
        parse_then_call.public = public  # type: ignore[attr-defined]  # read by `public_paths`
        return parse_then_call

    return decorate


def public_paths(routes: Iterable[BaseRoute]) -> frozenset[str]:
    """The paths whose endpoints were declared `public`: the token backend skips them, the document says so. The
    token is skipped per path, so a path whose routes disagree is refused at start rather than silently 401."""
    declared: dict[str, set[bool]] = {}
    for route in routes:
        if isinstance(route, Route):
            declared.setdefault(route.path, set()).add(bool(getattr(route.endpoint, "public", False)))
    mixed = sorted(path for path, public in declared.items() if len(public) > 1)
    if mixed:
        raise ValueError(f"public and token-only routes share a path: {', '.join(mixed)}")
    return frozenset(path for path, public in declared.items() if True in public)


# --- Declared output: the domain's dataclasses through a TypeAdapter ---------------------------------------------

@lru_cache(maxsize=None)
def adapter(kind: Any) -> TypeAdapter[Any]:
    """One TypeAdapter per answer type, built on first use (building one costs far more than using it)."""
    return TypeAdapter(kind)


def respond(value: Any, status_code: int = 200) -> Response:
    """`value` (a dataclass, model, or JSON data such as a TypedDict's) as the JSON its declared type documents,
    field names as serialised (`Document.id` goes out as `document_id`)."""
    return Response(adapter(type(value)).dump_json(value, by_alias=True), status_code, media_type="application/json")
