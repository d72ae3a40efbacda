"""One typed, frozen settings object, read from the environment once at start-up.

Everything configurable lives here so that the README's env table, render.yaml and the code cannot drift apart:
`tests/test_settings.py` checks each field against both.
"""

from __future__ import annotations

import os
import re
from datetime import date
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from limits import parse_many
from pydantic import BaseModel, ConfigDict, HttpUrl, TypeAdapter, ValidationError
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


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


class McpServerConfig(BaseModel):
    """One external MCP server whose tools Clara's sessions get (an entry of MCP_SERVERS)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: HttpUrl
    headers: dict[str, str] = {}
    allowed_tools: tuple[str, ...] | None = None  # None: every tool the server lists


_MCP_SERVERS = TypeAdapter(tuple[McpServerConfig, ...])


@dataclass(frozen=True, slots=True)
class Settings:
    env: str = field(default="development", metadata={"env": "CLARA_ENV"})
    host: str = "0.0.0.0"
    port: int = 8000
    data_dir: Path = Path("./.clara-data")
    log_level: str = "info"
    log_format: str = "auto"  # auto | json | console

    database_url: str | None = field(default=None, repr=False)
    database_pool_size: int = 10  # all opened at start; bench/sessions.py holds 300 sessions with 10 (README)
    redis_url: str | None = field(default=None, repr=False)
    redis_key_prefix: str = "clara"  # every Redis key and channel Clara uses starts with this
    redis_timeout_seconds: float = 0.25  # a cache or limiter call slower than this falls back to in-process state
    cache_l1_max_entries: int = 10_000
    chroma_url: str | None = None

    jwt_secret: str = field(default=DEV_JWT_SECRET, repr=False)
    jwt_ttl_seconds: int = 8 * 3600

    livekit_url: str | None = None
    livekit_api_key: str | None = None
    livekit_api_secret: str | None = field(default=None, repr=False)
    agent_worker_enabled: bool = True

    google_api_key: str | None = field(default=None, repr=False)
    gemini_model: str = "gemini-2.5-flash"
    gemini_realtime_model: str = "gemini-2.5-flash-native-audio-preview-09-2025"
    gemini_timeout_seconds: float = 8.0
    mcp_servers: tuple[McpServerConfig, ...] = field(default=(), repr=False)  # headers may carry secrets
    google_maps_api_key: str | None = field(default=None, repr=False)
    google_maps_base_url: str = "https://routes.googleapis.com"
    google_maps_timeout_seconds: float = 3.0

    embedding_provider: str = "local"  # local | gemini
    corpus_dir: Path = Path(__file__).resolve().parent.parent / "data"  # knowledge/*.md, specifications/*.json
    gemini_embedding_model: str = "text-embedding-004"
    max_upload_bytes: int = 20 * 1024 * 1024
    upload_quota_bytes: int = 500 * 1024 * 1024  # all of one user's uploads together (413 beyond)
    inline_ingest_bytes: int = 1024 * 1024  # bigger uploads are indexed in the background (202, then poll)
    max_body_bytes: int = 1024 * 1024
    max_image_bytes: int = 10 * 1024 * 1024  # a nameplate photo (POST /clara-server/equipment/identify)

    rate_limit_default: str = "120/minute"
    rate_limit_login: str = "5/minute;20/hour"
    # Proxies whose X-Forwarded-For/-Proto uvicorn believes (IPs or CIDRs, comma-separated); none when unset, so a
    # client cannot pick its own IP for the per-IP login limit.
    forwarded_allow_ips: str = ""
    cors_origins: tuple[str, ...] = ()
    docs_enabled: bool = True

    pattern_learning_enabled: bool = True
    pattern_min_confidence: float = 0.35
    timescale_url: str | None = field(default=None, repr=False)
    analytics_buffer_max_events: int = 100_000
    analytics_flush_interval_seconds: float = 1.0
    seed_demo_data: bool = True  # from_env: false in production unless SEED_DEMO_DATA=true is explicit
    company_timezone: str = DEFAULT_COMPANY_TIMEZONE
    llm_prices: str = DEFAULT_LLM_PRICES  # model=text_in:text_out[:audio_in[:audio_out]];... USD per 1M tokens
    llm_prices_as_of: str = DEFAULT_LLM_PRICES_AS_OF

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def company_tz(self) -> ZoneInfo:
        """The zone "today" and job times are read in: technicians think in local days, not UTC ones."""
        return ZoneInfo(self.company_timezone)

    @property
    def livekit(self) -> tuple[str, str, str]:
        """LiveKit url, key and secret; outside production, LiveKit's `--dev` credentials when unset."""
        if self.livekit_url and self.livekit_api_key and self.livekit_api_secret:
            return self.livekit_url, self.livekit_api_key, self.livekit_api_secret
        return (
            self.livekit_url or LIVEKIT_DEV_URL,
            self.livekit_api_key or LIVEKIT_DEV_KEY,
            self.livekit_api_secret or LIVEKIT_DEV_SECRET,
        )

    @property
    def livekit_configured(self) -> bool:
        return bool(self.livekit_url and self.livekit_api_key and self.livekit_api_secret)

    @property
    def llm_price_table(self) -> dict[str, tuple[float, float, float, float]]:
        """USD per million tokens by model: (text in, text out, audio in, audio out); audio defaults to text."""
        return parse_prices(self.llm_prices)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> "Settings":
        """Build settings from `environ` (default: os.environ); `overrides` win, for tests and the CLI."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(env_name(f.name))
            if raw is None or raw == "":
                continue
            values[f.name] = _coerce(f.name, f.type, raw)
        chroma_url = values.get("chroma_url")
        if isinstance(chroma_url, str) and _HOST_PORT.match(chroma_url):
            values["chroma_url"] = f"http://{chroma_url}"  # Render's fromService `hostport` is a bare host:port
        if "seed_demo_data" not in values and values.get("env") == "production":
            values["seed_demo_data"] = False  # README logins on a production database: only when asked for
        if "port" not in values and env.get("PORT"):
            values["port"] = _coerce("port", "int", env["PORT"])
        values.update(overrides)
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def validate(self) -> None:
        for name, schemes in _URL_SCHEMES.items():
            url = getattr(self, name)
            if url and not _valid_url(url, schemes):
                raise SettingsError(f"{name.upper()} is not a valid URL (expected {schemes[0]}://host:port/...)")
        if self.env not in {"development", "production", "test"}:
            raise SettingsError("CLARA_ENV must be development, production or test")
        for name in ("rate_limit_default", "rate_limit_login"):
            try:
                parse_many(getattr(self, name))
            except ValueError:
                raise SettingsError(f"{name.upper()} must be a rate like 120/minute (several joined by ';')") from None
        if self.embedding_provider not in {"local", "gemini"}:
            raise SettingsError("EMBEDDING_PROVIDER must be local or gemini")
        try:
            ZoneInfo(self.company_timezone)
        except (ValueError, ZoneInfoNotFoundError):
            raise SettingsError("COMPANY_TIMEZONE must be an IANA time zone such as America/Los_Angeles") from None
        if self.analytics_buffer_max_events < 1:
            raise SettingsError("ANALYTICS_BUFFER_MAX_EVENTS must be at least 1")
        if not 0 < self.max_image_bytes <= self.max_upload_bytes:
            raise SettingsError("MAX_IMAGE_BYTES must be positive and at most MAX_UPLOAD_BYTES")
        if not 0 < self.analytics_flush_interval_seconds <= 60:
            raise SettingsError("ANALYTICS_FLUSH_INTERVAL_SECONDS must be between 0 and 60")
        if "*" in self.forwarded_allow_ips:
            raise SettingsError("FORWARDED_ALLOW_IPS must list the proxies' addresses or networks, not *: with * "
                                "uvicorn believes the client-written end of X-Forwarded-For")
        self.llm_price_table  # raises SettingsError naming LLM_PRICES
        try:
            date.fromisoformat(self.llm_prices_as_of)
        except ValueError:
            raise SettingsError("LLM_PRICES_AS_OF must be a date like 2025-10-01") from None
        if self.production:
            if self.jwt_secret == DEV_JWT_SECRET or not strong_secret(self.jwt_secret):
                raise SettingsError("JWT_SECRET must be at least 32 characters of real entropy in production "
                                    "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')")
            if self.livekit_url and not self.livekit_configured:
                raise SettingsError("LIVEKIT_API_KEY and LIVEKIT_API_SECRET are required with LIVEKIT_URL")


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
    """The environment variable that sets `field_name` (upper case, except where metadata says otherwise)."""
    meta = {f.name: f.metadata for f in fields(Settings)}[field_name]
    return meta.get("env", field_name.upper())


# Checked at start-up so a typo stops the process with one line, not with a stack trace at the first request.
_URL_SCHEMES: dict[str, tuple[str, ...]] = {
    "database_url": ("postgresql", "postgres"),
    "redis_url": ("redis", "rediss", "unix"),
    "chroma_url": ("http", "https"),
    "livekit_url": ("wss", "ws", "https", "http"),
    "timescale_url": ("postgresql", "postgres"),
}
_HOST_PORT = re.compile(r"^[A-Za-z0-9.-]+:\d{1,5}$")


def _valid_url(url: str, schemes: tuple[str, ...]) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        return False
    return parts.scheme in schemes and bool(parts.netloc or parts.query or parts.path)


def _coerce(name: str, annotation: object, raw: str) -> object:
    kind = str(annotation)
    if name == "mcp_servers":
        try:
            return _MCP_SERVERS.validate_json(raw)
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in problem["loc"])
            raise SettingsError(f"MCP_SERVERS{where}: {problem['msg']} (a JSON list of {{url, headers?, "
                                f"allowed_tools?}})") from None
    try:
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
        if kind.startswith("bool"):
            return _bool(raw)
        if kind.startswith("Path"):
            return Path(raw)
        if kind.startswith("tuple"):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError:
        raise SettingsError(f"{name.upper()} must be a {kind.split('[')[0]}, got {raw!r}") from None
    return raw
