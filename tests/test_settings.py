from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from clara.app import announce_ready
from clara.platform.logging import configure_logging
from clara.settings import Settings, SettingsError, env_name
from tests.conftest import running

ROOT = Path(__file__).resolve().parents[1]
# Whatever a variable's name says is a credential, and the URLs whose user part carries a password.
CREDENTIAL = re.compile(r"SECRET|PASSWORD|TOKEN|API_KEY|CREDENTIAL|^DATABASE_URL$|^REDIS_URL$|^TIMESCALE_URL$")
# One value per secret, each findable in any text that leaks it.
SECRETS = {
    "JWT_SECRET": "leak-jwt-kX9v2LqT8mZ4rW7nB1cY6hJ3fD5gS0pA",
    "GOOGLE_MAPS_API_KEY": "leak-maps-AIzaSyB1",
    "LIVEKIT_API_KEY": "leak-livekit-key-APIx",
    "LIVEKIT_API_SECRET": "leak-livekit-secret-0123456789",
    "GOOGLE_API_KEY": "leak-gemini-AIzaSyC2",
    "DATABASE_URL": "postgresql://clara:leak-db-password@db.internal:5432/clara",
    "REDIS_URL": "rediss://:leak-redis-password@cache.internal:6380",
    "TIMESCALE_URL": "postgresql://ts:leak-ts-password@ts.internal:5432/events",
    "MCP_SERVERS": '[{"url": "https://parts.example.com/mcp", "headers": {"Authorization": "Bearer leak-mcp-token"}}]',
}
LEAKS = ("leak-jwt", "leak-maps", "leak-livekit-key", "leak-livekit-secret", "leak-gemini", "leak-db", "leak-redis",
         "leak-ts", "leak-mcp")


def _leaked(text: str) -> list[str]:
    return [mark for mark in LEAKS if mark in text]


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [env_name(name) for name in Settings.model_fields if f"`{env_name(name)}`" not in readme]
    assert missing == []


def test_every_credential_is_a_secret_str() -> None:
    """A credential typed `str` would show in repr, in model_dump and in any log line that names the settings."""
    credentials = [name for name in Settings.model_fields if CREDENTIAL.search(env_name(name))]
    assert len(credentials) == 8
    assert [name for name in credentials if "SecretStr" not in str(Settings.model_fields[name].annotation)] == []


def test_settings_read_types_from_the_environment() -> None:
    settings = Settings.from_env(
        {"PORT": "9001", "CORS_ORIGINS": "https://a.example, https://b.example", "DOCS_ENABLED": "false",
         "PATTERN_MIN_CONFIDENCE": "0.5", "CLARA_ENV": "test", "DATA_DIR": "", "JWT_SECRET": "from-the-env"}
    )
    assert settings.port == 9001 and settings.env == "test" and settings.data_dir == Path("./.clara-data")
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.docs_enabled is False and settings.pattern_min_confidence == 0.5
    assert settings.jwt_secret.get_secret_value() == "from-the-env"


def test_settings_built_by_hand_ignore_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests and benches build Settings with keyword arguments: a developer's keys must not reach their apps."""
    monkeypatch.setenv("GOOGLE_API_KEY", "a-developers-own-key")
    monkeypatch.setenv("PORT", "9999")
    assert Settings(env="test").google_api_key is None and Settings(env="test").port == 8000
    assert Settings.from_env().google_api_key == SecretStr("a-developers-own-key")


def test_a_changed_copy_is_validated_and_keeps_secrets_secret() -> None:
    settings = Settings(env="test", jwt_secret="kept-kX9v2LqT8mZ4rW7nB1cY6hJ3fD5gS0pA")
    changed = settings.changed(redis_url="redis://cache.internal:6379", rate_limit_default="3/minute")
    assert isinstance(changed.redis_url, SecretStr) and changed.rate_limit_default == "3/minute"
    assert changed.jwt_secret == settings.jwt_secret
    with pytest.raises(ValueError, match="RATE_LIMIT_DEFAULT"):
        settings.changed(rate_limit_default="three a minute")


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"CLARA_ENV": "staging"}, "CLARA_ENV"),
        ({"CLARA_ENV": "production"}, "JWT_SECRET"),
        ({"CLARA_ENV": "production", "JWT_SECRET": "short"}, "JWT_SECRET"),
        ({"MCP_SERVERS": '[{"url": "ftp://parts.example.com/mcp"}]'}, r"MCP_SERVERS\[0\]\.url"),
        ({"MCP_SERVERS": "parts.example.com"}, "MCP_SERVERS"),
        ({"MAX_IMAGE_BYTES": "30000000"}, "MAX_IMAGE_BYTES"),
        ({"MAX_IMAGE_BYTES": "0"}, "MAX_IMAGE_BYTES"),
        ({"ANALYTICS_BUFFER_MAX_EVENTS": "0"}, "ANALYTICS_BUFFER_MAX_EVENTS"),
        ({"ANALYTICS_FLUSH_INTERVAL_SECONDS": "61"}, "ANALYTICS_FLUSH_INTERVAL_SECONDS"),
        ({"EMBEDDING_PROVIDER": "openai"}, "EMBEDDING_PROVIDER"),
        ({"COMPANY_TIMEZONE": "Mars/Olympus"}, "COMPANY_TIMEZONE"),
        ({"DOCS_ENABLED": "maybe"}, "DOCS_ENABLED"),
        ({"CLARA_ENV": "production", "JWT_SECRET": " " * 40}, "JWT_SECRET"),
        ({"CLARA_ENV": "production", "JWT_SECRET": "a" * 36}, "JWT_SECRET"),
        ({"CLARA_ENV": "production", "JWT_SECRET": "secret" * 8}, "JWT_SECRET"),
        ({"CLARA_ENV": "production", "JWT_SECRET": "0123456789" * 4}, "JWT_SECRET"),
        ({"CLARA_ENV": "production", "JWT_SECRET": " kX9v2LqT8mZ4rW7nB1cY6hJ3fD5gS0pA "}, "JWT_SECRET"),
        ({"FORWARDED_ALLOW_IPS": "*"}, "FORWARDED_ALLOW_IPS"),
    ],
)
def test_bad_configuration_fails_with_one_line_naming_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message) as caught:
        Settings.from_env(environ)
    assert "\n" not in str(caught.value) and "pydantic" not in str(caught.value)


def test_a_bad_secret_is_named_never_quoted() -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL") as caught:
        Settings.from_env({"DATABASE_URL": "postgres//clara:leak-db-password@db.internal/clara"})
    with pytest.raises(SettingsError, match="JWT_SECRET") as weak:
        Settings.from_env({"CLARA_ENV": "production", "JWT_SECRET": "leak-jwt"})
    assert _leaked(str(caught.value) + str(weak.value)) == []


def test_a_generated_production_secret_is_accepted() -> None:
    settings = Settings.from_env({"CLARA_ENV": "production", "JWT_SECRET": "pY1c0mG0lq4hX6Tz9nWmB2yKcVdE3fRs8uJ7iLaOe5Q="})
    assert settings.production


def test_secrets_from_the_environment_stay_out_of_repr_str_and_dumps() -> None:
    settings = Settings.from_env(SECRETS | {"LIVEKIT_URL": "wss://lk.example"})
    assert settings.jwt_secret.get_secret_value() == SECRETS["JWT_SECRET"]
    assert settings.mcp_servers[0].headers["Authorization"].get_secret_value() == "Bearer leak-mcp-token"
    shown = [repr(settings), str(settings), str(settings.model_dump()), settings.model_dump_json(),
             repr(settings.mcp_servers), str(settings.livekit)]
    assert _leaked("\n".join(shown)) == []


async def test_secrets_reach_no_log_line_and_no_response(
    settings: Settings, reconfigured: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """An app started with every secret it can start without (no Gemini, LiveKit or TimescaleDB to reach) and asked
    what it shows anyone: its start-up lines, /health, /metrics, /openapi.json, and its errors."""
    secret = settings.changed(jwt_secret=SECRETS["JWT_SECRET"], google_maps_api_key=SECRETS["GOOGLE_MAPS_API_KEY"],
                              livekit_api_key=SECRETS["LIVEKIT_API_KEY"],
                              livekit_api_secret=SECRETS["LIVEKIT_API_SECRET"])
    configure_logging("debug", "json")
    bodies = []
    async with running(secret) as app:
        announce_ready(app.state.settings, host="0.0.0.0", port=8000)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://clara.test") as client:
            for path in ("/health", "/metrics", "/openapi.json", "/clara-server/jobs", "/no/such/route"):
                response = await client.get(path)
                bodies.append(f"{response.status_code} {response.headers} {response.text}")
            bad_login = await client.post("/auth/token", json={"email": "nobody@clara.dev", "password": "wrong"})
            bodies.append(f"{bad_login.status_code} {bad_login.headers} {bad_login.text}")
    logged = capsys.readouterr().err
    assert "clara_started" in logged and "clara_ready" in logged
    assert _leaked(logged) == [] and _leaked("\n".join(bodies)) == []


def test_production_loads_no_demo_data_unless_asked_explicitly() -> None:
    production = {"CLARA_ENV": "production", "JWT_SECRET": "pY1c0mG0lq4hX6Tz9nWmB2yKcVdE3fRs8uJ7iLaOe5Q="}
    assert Settings.from_env(production).seed_demo_data is False
    assert Settings.from_env(production | {"SEED_DEMO_DATA": "true"}).seed_demo_data is True
    assert Settings.from_env({"CLARA_ENV": "development"}).seed_demo_data is True
