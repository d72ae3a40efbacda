"""Schemathesis against the served /openapi.json, every operation, authenticated: no 5xx, no response that breaks
the document. A bounded fast mode of bench/fuzz.py (a few cases per operation, mode and identity; the bench runs
2,000+)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import psycopg
from pydantic import SecretStr
import pytest
import redis

from bench.fuzz import run_fuzz
from clara.web.caller import CurrentUser
from clara.auth.tokens import issue_token
from tests.clara_process import ClaraProcess, data_dir_from, server_env

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

SECRET = "fuzz-test-secret-0123456789abcdefghijklmnopqrstuv"
EXAMPLES = 3  # x 2 modes x 2 identities: about a dozen cases per operation


@pytest.fixture
def clara(database_url: str, redis_server_url: str, template_data_dir: Path, tmp_path: Path) -> Iterator[ClaraProcess]:
    prefix = f"clara-fuzz-{uuid.uuid4().hex}"  # this run's own keys in the shared Redis, removed afterwards
    env = server_env(DATABASE_URL=database_url, REDIS_URL=redis_server_url, JWT_SECRET=SECRET,
                     DATA_DIR=str(data_dir_from(template_data_dir, tmp_path / "data")), SEED_DEMO_DATA="false",
                     REDIS_KEY_PREFIX=prefix, RATE_LIMIT_DEFAULT="1000000/minute",
                     RATE_LIMIT_LOGIN="1000000/minute")
    process = ClaraProcess(env, tmp_path / "clara.log").start()
    try:
        yield process
    finally:
        process.stop()
        with redis.Redis.from_url(redis_server_url) as client:
            for key in client.scan_iter(match=f"{prefix}*", count=1000):
                client.delete(key)


def _token(database_url: str, email: str) -> str:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT id, role FROM users WHERE email = %s", (email,)).fetchone()
    assert row is not None
    return issue_token(CurrentUser(id=row[0], role=row[1], email=email), secret=SecretStr(SECRET), ttl_seconds=3600)


def test_every_operation_survives_generated_input(clara: ClaraProcess, database_url: str) -> None:
    identities = {"dispatcher": _token(database_url, "dana.okafor@clara.dev"),
                  "technician": _token(database_url, "maria.lopez@clara.dev")}
    report = run_fuzz(clara.url, identities, examples=EXAMPLES)
    assert report.operations >= 25 and report.cases >= report.operations * EXAMPLES * 2
    assert report.passed, report.summary()
    assert "Traceback" not in clara.logs()
