from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from clara.settings import Settings, SettingsError, env_name

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [env_name(f.name) for f in fields(Settings) if f"`{env_name(f.name)}`" not in readme]
    assert missing == []


def test_settings_read_types_from_the_environment() -> None:
    settings = Settings.from_env(
        {"PORT": "9001", "CORS_ORIGINS": "https://a.example, https://b.example", "DOCS_ENABLED": "false",
         "PATTERN_MIN_CONFIDENCE": "0.5", "CLARA_ENV": "test"}
    )
    assert settings.port == 9001
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.docs_enabled is False and settings.pattern_min_confidence == 0.5


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"CLARA_ENV": "production"}, "JWT_SECRET"),
        ({"CLARA_ENV": "production", "JWT_SECRET": "short"}, "JWT_SECRET"),
        ({"MCP_SERVERS": '[{"url": "ftp://parts.example.com/mcp"}]'}, r"MCP_SERVERS\[0\]\.url"),
        ({"MAX_IMAGE_BYTES": "30000000"}, "MAX_IMAGE_BYTES"),
        ({"CLARA_ENV": "production", "JWT_SECRET": " " * 40}, "JWT_SECRET"),
        ({"CLARA_ENV": "production", "JWT_SECRET": "a" * 36}, "JWT_SECRET"),
        ({"CLARA_ENV": "production", "JWT_SECRET": "secret" * 8}, "JWT_SECRET"),
        ({"CLARA_ENV": "production", "JWT_SECRET": "0123456789" * 4}, "JWT_SECRET"),
        ({"CLARA_ENV": "production", "JWT_SECRET": " kX9v2LqT8mZ4rW7nB1cY6hJ3fD5gS0pA "}, "JWT_SECRET"),
        ({"FORWARDED_ALLOW_IPS": "*"}, "FORWARDED_ALLOW_IPS"),
    ],
)
def test_bad_configuration_fails_with_the_variable_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environ)


def test_a_generated_production_secret_is_accepted() -> None:
    settings = Settings.from_env({"CLARA_ENV": "production", "JWT_SECRET": "pY1c0mG0lq4hX6Tz9nWmB2yKcVdE3fRs8uJ7iLaOe5Q="})
    assert settings.production


def test_secrets_stay_out_of_repr() -> None:
    settings = Settings.from_env({"JWT_SECRET": "s3cr3t-value-that-is-long-enough-for-prod!", "GOOGLE_API_KEY": "AIza-secret"})
    assert "s3cr3t" not in repr(settings) and "AIza" not in repr(settings)


def test_production_loads_no_demo_data_unless_asked_explicitly() -> None:
    production = {"CLARA_ENV": "production", "JWT_SECRET": "pY1c0mG0lq4hX6Tz9nWmB2yKcVdE3fRs8uJ7iLaOe5Q="}
    assert Settings.from_env(production).seed_demo_data is False
    assert Settings.from_env(production | {"SEED_DEMO_DATA": "true"}).seed_demo_data is True
    assert Settings.from_env({"CLARA_ENV": "development"}).seed_demo_data is True
