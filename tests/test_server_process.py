"""The README's promise end to end: `python backend_server.py` serves a technician's day over real HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from clara.ops.demo_data import DEMO_PASSWORD, DEMO_TECHNICIAN_EMAIL
from tests.clara_process import ClaraProcess, data_dir_from, server_env, token

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)


def test_the_real_server_logs_in_lists_jobs_and_stops_cleanly(
    database_url: str, template_data_dir: Path, tmp_path: Path
) -> None:
    env = server_env(DATABASE_URL=database_url, DATA_DIR=str(data_dir_from(template_data_dir, tmp_path / "data")))
    clara = ClaraProcess(env, tmp_path / "clara.log").start()
    try:
        health = httpx.get(f"{clara.url}/health", timeout=10)
        assert health.status_code == 200 and health.json()["checks"]["postgres"]["state"] == "ok"
        bearer = {"Authorization": f"Bearer {token(clara.url, DEMO_TECHNICIAN_EMAIL, DEMO_PASSWORD)}"}
        jobs = httpx.get(f"{clara.url}/jobs", params={"latitude": 37.79, "longitude": -122.39}, headers=bearer,
                         timeout=10)
        assert jobs.status_code == 200 and jobs.headers["content-type"].startswith("application/json")
        listed = jobs.json()["jobs"]
        assert [job["travel_seconds"] for job in listed] == sorted(job["travel_seconds"] for job in listed)
        assert httpx.get(f"{clara.url}/jobs", timeout=10).status_code == 401
        code, _ = clara.terminate()
        assert code == 0, clara.logs()[-2000:]
    finally:
        clara.stop()
