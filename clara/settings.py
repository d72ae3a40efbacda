"""One typed, frozen settings object, read from the environment once at start-up.

Everything configurable lives here so that the README's env table, render.yaml and the code cannot drift apart:
`tests/test_settings.py` and `tests/test_deploy.py` check each field against both. Each field's type and
constraints are its validation; a value that breaks them stops start-up with one line naming the variable
(`Settings.from_env` raises SettingsError, which `backend_server.py` and `python -m clara` print). Secrets are
`SecretStr`: repr, str, logs and `model_dump` show `**********`, and `.get_secret_value()` is called only where a
secret is handed to the client that needs it.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping
from urllib.parse import urlsplit

from limits import parse_many
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LIVEKIT_DEV_URL = "ws://localhost:7880"
LIVEKIT_DEV_KEY = "devkey"
LIVEKIT_DEV_SECRET = "secret"
DEV_JWT_SECRET = "clara-dev-secret-change-me-in-production-0123456789"
DEFAULT_COMPANY_TIMEZONE = "America/Los_Angeles"
# USD per million tokens: text input, text output, audio input, audio output (Gemini Developer API, paid tier,
# prompts up to 200k tokens), as published on ai.google.dev/gemini-api/docs/pricing on LLM_PRICES_AS_OF.
DEFAULT_LLM_PRICES = (
    "gemini-2.5-flash=0.30:2.50:1.00:2.50;"
    "gemini-2.5-flash-native-audio-preview-09-2025=0.50:2.00:3.00:12.00;"
    "clara-offline=0:0:0:0"
)
DEFAULT_LLM_PRICES_AS_OF = "2025-10-01"


class SettingsError(ValueError):
    """A configuration mistake that must stop start-up with one clear line."""


class McpServerConfig(BaseModel):
    """One external MCP server whose tools Clara's sessions get (an entry of MCP_SERVERS)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: HttpUrl
    headers: dict[str, SecretStr] = {}  # an Authorization header is a credential
    allowed_tools: tuple[str, ...] | None = None  # None: every tool the server lists


# Checked at start-up so a typo stops the process with one line, not with a stack trace at the first request.
_URL_SCHEMES: dict[str, tuple[str, ...]] = {
    "database_url": ("postgresql", "postgres"),
    "redis_url": ("redis", "rediss", "unix"),
    "chroma_url": ("http", "https"),
    "livekit_url": ("wss", "ws", "https", "http"),
    "timescale_url": ("postgresql", "postgres"),
}
_HOST_PORT = re.compile(r"^[A-Za-z0-9.-]+:\d{1,5}$")


class Settings(BaseSettings):
    """Clara's configuration. `Settings(**fields)` holds exactly those fields (tests, benches); only
    `Settings.from_env` reads the environment, so a developer's GOOGLE_API_KEY never leaks into a test's app."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid", env_ignore_empty=True, validate_by_name=True,
                                      validate_by_alias=True)

    env: Literal["development", "production", "test"] = Field("development", validation_alias="CLARA_ENV")
    host: str = "0.0.0.0"
    port: int = 8000
    data_dir: Path = Path("./.clara-data")
    log_level: str = "info"
    log_format: str = "auto"  # auto | json | console

    database_url: SecretStr | None = None  # postgresql://user:password@...
    database_pool_size: int = 10  # all opened at start; bench/sessions.py holds 300 sessions with 10 (README)
    redis_url: SecretStr | None = None  # rediss://:password@...
    redis_key_prefix: str = "clara"  # every Redis key and channel Clara uses starts with this
    redis_timeout_seconds: float = 0.25  # a cache or limiter call slower than this falls back to in-process state
    cache_l1_max_entries: int = 10_000
    chroma_url: str | None = None

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_ttl_seconds: int = 8 * 3600

    livekit_url: str | None = None
    livekit_api_key: SecretStr | None = None
    livekit_api_secret: SecretStr | None = None
    agent_worker_enabled: bool = True

    google_api_key: SecretStr | None = None
    gemini_model: str = "gemini-2.5-flash"
    gemini_realtime_model: str = "gemini-2.5-flash-native-audio-preview-09-2025"
    gemini_timeout_seconds: float = 8.0
    # A JSON list; its headers are secrets, and a URL may carry a key in its query, so it stays out of repr.
    mcp_servers: Annotated[tuple[McpServerConfig, ...], NoDecode] = Field((), repr=False)
    google_maps_api_key: SecretStr | None = None
    google_maps_base_url: str = "https://routes.googleapis.com"
    google_maps_timeout_seconds: float = 3.0

    embedding_provider: Literal["local", "gemini"] = "local"
    corpus_dir: Path = Path(__file__).resolve().parent.parent / "data"  # knowledge/*.md, specifications/*.json
    gemini_embedding_model: str = "text-embedding-004"
    max_upload_bytes: int = 20 * 1024 * 1024
    upload_quota_bytes: int = 500 * 1024 * 1024  # all of one user's uploads together (413 beyond)
    inline_ingest_bytes: int = 1024 * 1024  # bigger uploads are indexed in the background (202, then poll)
    max_body_bytes: int = 1024 * 1024
    max_image_bytes: int = Field(10 * 1024 * 1024, gt=0)  # a nameplate photo (POST /clara-server/equipment/identify)

    rate_limit_default: str = "120/minute"
    rate_limit_login: str = "5/minute;20/hour"
    # Proxies whose X-Forwarded-For/-Proto uvicorn believes (IPs or CIDRs, comma-separated); none when unset, so a
    # client cannot pick its own IP for the per-IP login limit.
    forwarded_allow_ips: str = ""
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()  # comma-separated in the environment
    docs_enabled: bool = True

    pattern_learning_enabled: bool = True
    pattern_min_confidence: float = 0.35
    timescale_url: SecretStr | None = None  # postgresql://user:password@...
    analytics_buffer_max_events: int = Field(100_000, ge=1)
    analytics_flush_interval_seconds: float = Field(1.0, gt=0, le=60)
    # README logins on a production database only when asked for: false in production unless SEED_DEMO_DATA=true.
    seed_demo_data: bool = Field(default_factory=lambda fields: fields.get("env") != "production")
    company_timezone: str = DEFAULT_COMPANY_TIMEZONE
    llm_prices: str = DEFAULT_LLM_PRICES  # model=text_in:text_out[:audio_in[:audio_out]];... USD per 1M tokens
    llm_prices_as_of: str = DEFAULT_LLM_PRICES_AS_OF

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   **_: PydanticBaseSettingsSource) -> tuple[PydanticBaseSettingsSource, ...]:
        """Constructor arguments only: `from_env` is the one way in from the environment."""
        return (init_settings,)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from `environ` (default: os.environ); `overrides` win, for tests and the CLI. A bad value
        raises SettingsError with one line naming its variable."""
        values = _Environment(cls, os.environ if environ is None else environ)()
        try:
            return cls(**(values | overrides))
        except ValidationError as exc:
            raise SettingsError(_one_line(exc)) from None

    def changed(self, **changes: object) -> Settings:
        """A copy with `changes`, validated as a new Settings is: `model_copy(update=...)` would skip validation
        (and keep a str where a SecretStr belongs)."""
        return type(self).model_validate({name: getattr(self, name) for name in type(self).model_fields} | changes)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def company_tz(self) -> ZoneInfo:
        """The zone "today" and job times are read in: technicians think in local days, not UTC ones."""
        return ZoneInfo(self.company_timezone)

    @property
    def livekit(self) -> tuple[str, SecretStr, SecretStr]:
        """LiveKit url, key and secret; outside production, LiveKit's `--dev` credentials when unset."""
        if self.livekit_url and self.livekit_api_key and self.livekit_api_secret:
            return self.livekit_url, self.livekit_api_key, self.livekit_api_secret
        return (
            self.livekit_url or LIVEKIT_DEV_URL,
            self.livekit_api_key or SecretStr(LIVEKIT_DEV_KEY),
            self.livekit_api_secret or SecretStr(LIVEKIT_DEV_SECRET),
        )

    @property
    def livekit_configured(self) -> bool:
        return bool(self.livekit_url and self.livekit_api_key and self.livekit_api_secret)

    @property
    def llm_price_table(self) -> dict[str, tuple[float, float, float, float]]:
        """USD per million tokens by model: (text in, text out, audio in, audio out); audio defaults to text."""
        return parse_prices(self.llm_prices)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return tuple(part.strip() for part in value.split(",") if part.strip()) if isinstance(value, str) else value

    @field_validator("mcp_servers", mode="before")
    @classmethod
    def _json_list(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    @field_validator("chroma_url", mode="before")
    @classmethod
    def _scheme_for_host_port(cls, value: Any) -> Any:
        """Render's fromService `hostport` is a bare host:port."""
        return f"http://{value}" if isinstance(value, str) and _HOST_PORT.match(value) else value

    @field_validator(*_URL_SCHEMES)
    @classmethod
    def _url(cls, value: str | SecretStr | None, info: Any) -> str | SecretStr | None:
        schemes = _URL_SCHEMES[info.field_name]
        url = value.get_secret_value() if isinstance(value, SecretStr) else value
        if url and not _valid_url(url, schemes):
            raise SettingsError(f"{env_name(info.field_name)} is not a valid URL "
                                f"(expected {schemes[0]}://host:port/...)")
        return value

    @field_validator("rate_limit_default", "rate_limit_login")
    @classmethod
    def _rate(cls, value: str, info: Any) -> str:
        try:
            parse_many(value)
        except ValueError:
            raise SettingsError(f"{env_name(info.field_name)} must be a rate like 120/minute (several joined by ';')"
                                ) from None
        return value

    @field_validator("company_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError):
            raise SettingsError("COMPANY_TIMEZONE must be an IANA time zone such as America/Los_Angeles") from None
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _no_wildcard_proxy(cls, value: str) -> str:
        if "*" in value:
            raise SettingsError("FORWARDED_ALLOW_IPS must list the proxies' addresses or networks, not *: with * "
                                "uvicorn believes the client-written end of X-Forwarded-For")
        return value

    @field_validator("llm_prices")
    @classmethod
    def _prices(cls, value: str) -> str:
        parse_prices(value)  # raises SettingsError naming LLM_PRICES
        return value

    @field_validator("llm_prices_as_of")
    @classmethod
    def _as_of(cls, value: str) -> str:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise SettingsError("LLM_PRICES_AS_OF must be a date like 2025-10-01") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.max_image_bytes > self.max_upload_bytes:
            raise SettingsError("MAX_IMAGE_BYTES must be positive and at most MAX_UPLOAD_BYTES")
        if self.production:
            secret = self.jwt_secret.get_secret_value()
            if secret == DEV_JWT_SECRET or not strong_secret(secret):
                raise SettingsError("JWT_SECRET must be at least 32 characters of real entropy in production "
                                    "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')")
            if self.livekit_url and not self.livekit_configured:
                raise SettingsError("LIVEKIT_API_KEY and LIVEKIT_API_SECRET are required with LIVEKIT_URL")
        return self


class _Environment(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping (os.environ at start-up, a dict in tests)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)


def strong_secret(secret: str) -> bool:
    """At least 32 characters, no surrounding whitespace, and not a short pattern repeated ("aaaa...",
    "abcabc...", 40 spaces): such a secret is one guess away however long it is."""
    if len(secret) < 32 or secret != secret.strip() or len(set(secret)) < 10:
        return False
    return not any(secret == secret[:size] * (len(secret) // size) + secret[:len(secret) % size]
                   for size in range(1, len(secret) // 2 + 1))


def parse_prices(raw: str) -> dict[str, tuple[float, float, float, float]]:
    """`model=in:out[:audio_in[:audio_out]];...` -> {model: (in, out, audio_in, audio_out)}, all finite and >= 0."""
    table: dict[str, tuple[float, float, float, float]] = {}
    for entry in filter(None, (part.strip() for part in raw.split(";"))):
        model, _, numbers = entry.partition("=")
        try:
            values = [float(n) for n in numbers.split(":")]
        except ValueError:
            values = []
        if not model.strip() or not 2 <= len(values) <= 4 or any(not 0 <= v < float("inf") for v in values):
            raise SettingsError(f"LLM_PRICES entry {entry!r} must look like model=0.30:2.50[:1.00[:2.50]]")
        text_in, text_out = values[0], values[1]
        audio_in = values[2] if len(values) > 2 else text_in
        audio_out = values[3] if len(values) > 3 else text_out
        table[model.strip()] = (text_in, text_out, audio_in, audio_out)
    return table


def env_name(field_name: str) -> str:
    """The environment variable that sets `field_name` (upper case, except where an alias says otherwise)."""
    alias = Settings.model_fields[field_name].validation_alias
    return alias if isinstance(alias, str) else field_name.upper()


def _one_line(error: ValidationError) -> str:
    """The first problem of a failed validation as one line naming its variable; a secret's value is never
    quoted."""
    problem = next(p for p in error.errors() if p["type"] != "default_factory_not_called")
    cause = problem.get("ctx", {}).get("error")
    if isinstance(cause, SettingsError):
        return str(cause)
    name, *inside = problem["loc"] or ("",)
    field = next((f for f in Settings.model_fields if name in (f, env_name(f))), None)
    variable = env_name(field) if field else str(name).upper()
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in inside)
    line = f"{variable}{where}: {problem['msg']}"
    if field == "mcp_servers":
        return line + " (a JSON list of {url, headers?, allowed_tools?})"
    if (field and _is_secret(field)) or not isinstance(problem["input"], str):
        return line
    return line + f", got {problem['input']!r}"


def _is_secret(field_name: str) -> bool:
    return "SecretStr" in str(Settings.model_fields[field_name].annotation)


def _valid_url(url: str, schemes: tuple[str, ...]) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        return False
    return parts.scheme in schemes and bool(parts.netloc or parts.query or parts.path)
