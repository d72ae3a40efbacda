"""Input that once answered 500 and reset the connection: each is now a 4xx naming the field, on a connection
that keeps serving. Against the real server, since only uvicorn shows whether a keep-alive connection survives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import httpx
import psycopg
from pydantic import SecretStr
import pytest
from websockets.sync.client import connect

from clara.web.caller import CurrentUser
from clara.auth.tokens import issue_token
from tests.clara_process import ClaraProcess, data_dir_from, server_env

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

SECRET = "bad-input-test-secret-0123456789abcdefghijklmnop"


@pytest.fixture(scope="module")
def clara(module_database_url: str, template_data_dir: Path,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ClaraProcess, str]]:
    tmp = tmp_path_factory.mktemp("bad-input")
    env = server_env(DATABASE_URL=module_database_url, JWT_SECRET=SECRET, SEED_DEMO_DATA="false",
                     DATA_DIR=str(data_dir_from(template_data_dir, tmp / "data")))
    process = ClaraProcess(env, tmp / "clara.log").start()
    yield process, module_database_url
    process.stop()


def _user(database_url: str, email: str) -> CurrentUser:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT id, role FROM users WHERE email = %s", (email,)).fetchone()
    assert row is not None
    return CurrentUser(id=row[0], role=row[1], email=email)


def _local_port(response: httpx.Response) -> Any:
    return response.extensions["network_stream"].get_extra_info("client_addr")


def test_each_bad_input_is_a_4xx_naming_the_field_and_the_connection_stays_usable(
    clara: tuple[ClaraProcess, str]
) -> None:
    process, database_url = clara
    technician = _user(database_url, "maria.lopez@clara.dev")
    headers = {"Authorization": f"Bearer {issue_token(technician, secret=SecretStr(SECRET), ttl_seconds=600)}"}
    with psycopg.connect(database_url) as conn:
        (job_id,) = conn.execute("SELECT min(id) FROM jobs WHERE technician_id = %s",
                                 (technician.id,)).fetchone()  # type: ignore[misc]
    huge = "9" * 401
    cases: list[tuple[str, str, dict[str, Any], int, str | None]] = [
        ("GET", "/jobs", {"params": {"date": "9999-12-31"}}, 400, "date"),
        ("GET", "/daily-brief", {"params": {"date": "9999-12-31"}}, 400, "date"),
        ("GET", "/daily-brief", {"params": {"date": "0001-01-01"}}, 400, "date"),
        ("GET", "/clara-server/analytics/summary", {"params": {"until": "0001-01-01"}}, 400, "until"),
        ("GET", "/clara-server/analytics/usage", {"params": {"until": "0001-01-01T00:00:00Z"}}, 400, "until"),
        ("GET", "/clara-server/analytics/usage", {"params": {"since": "9999-12-31"}}, 400, "since"),
        ("PATCH", f"/jobs/{job_id}", {"json": {"notes": "gauge \udc00 red"}}, 400, "notes"),
        ("GET", f"/jobs/{job_id}.0", {}, 400, "job_id"),  # a path id is digits: not the same job as /jobs/{job_id}
        ("GET", f"/jobs/%20{job_id}", {}, 400, "job_id"),
        # numbers as JSON writes them: Python's int() would also read these as 1000, 5 and 37.5
        ("GET", "/clara-server/knowledge/documents", {"params": {"offset": "1_000"}}, 400, "offset"),
        ("GET", "/clara-server/knowledge/search", {"params": {"query": "pump", "k": " 5"}}, 400, "k"),
        ("GET", "/jobs", {"params": {"latitude": "3_7.5", "longitude": "-122.4"}}, 400, "latitude"),
        ("POST", f"/voice/chat/{technician.id}", {"json": {"message": "\udc00"}}, 400, "message"),
        ("PUT", f"/clara-server/users/{technician.id}/preferences",
         {"content": f'{{"voice_speed": {huge}}}', "headers": {"content-type": "application/json"}}, 400,
         "voice_speed"),
        ("POST", "/clara-server/analytics/event",
         {"content": f'{{"type": "scan", "properties": {{"count": {"7" * 4301}}}}}',
          "headers": {"content-type": "application/json"}}, 400, "properties.count"),
        ("POST", "/clara-server/analytics/event", {"json": {"type": "scan", "properties": {"serial": "a\x00b"}}},
         400, "properties.serial"),
        ("POST", "/clara-server/analytics/events",
         {"json": {"events": [{"type": "ok"}, {"type": "scan", "properties": {"tags": ["x", "\ud800"]}}]}}, 400,
         "events[1].properties.tags[1]"),
        ("POST", "/clara-server/analytics/event",
         {"content": '{"type": "scan", "properties": {"ratio": NaN}}', "headers": {"content-type": "application/json"}},
         400, "properties.ratio"),
    ]
    ghost = CurrentUser(id=999_999, role="admin", email="ghost@clara.dev")  # validly signed, no such user
    ghost_headers = {"Authorization": f"Bearer {issue_token(ghost, secret=SecretStr(SECRET), ttl_seconds=600)}"}
    cases.append(("POST", "/clara-server/knowledge/documents",
                  {"files": {"file": ("notes.md", b"# Notes\n\nRiser valve tags.\n")}, "headers": ghost_headers},
                  401, "Authorization"))
    with httpx.Client(base_url=process.url, headers=headers, timeout=30) as client:
        port = _local_port(client.get("/health"))
        for method, path, options, status, field in cases:
            if "json" in options:  # escaped as a client's JSON encoder does (httpx would refuse to encode a surrogate)
                options = {"content": json.dumps(options["json"]), "headers": {"content-type": "application/json"}}
            options = {**options, "headers": {**headers, **options.get("headers", {})}}
            response = client.request(method, path, **options)
            assert (response.status_code, response.json()["error"]["field"]) == (status, field), (path, response.text)
            after = client.get("/health")
            assert after.status_code == 200 and _local_port(after) == port, f"connection reset after {path}"
    assert "Traceback" not in process.logs() and '"status": 500' not in process.logs()


def test_a_chat_frame_with_a_lone_surrogate_is_refused_and_the_socket_stays_open(
    clara: tuple[ClaraProcess, str]
) -> None:
    process, database_url = clara
    technician = _user(database_url, "maria.lopez@clara.dev")
    token = issue_token(technician, secret=SecretStr(SECRET), ttl_seconds=600)
    with connect(f"{process.ws_url}/voice/ws/{technician.id}?token={token}") as ws:
        ws.send('{"type": "message", "text": "gauge \\udc00 in the red"}')
        error = json.loads(ws.recv(timeout=30))
        assert error["type"] == "error" and error["code"] == "validation_error" and "text" in error["message"]
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=30)) == {"type": "pong"}


def test_a_nul_in_a_required_text_parameter_is_called_a_nul_not_a_missing_value(
    clara: tuple[ClaraProcess, str]
) -> None:
    process, database_url = clara
    technician = _user(database_url, "maria.lopez@clara.dev")
    headers = {"Authorization": f"Bearer {issue_token(technician, secret=SecretStr(SECRET), ttl_seconds=600)}"}
    with httpx.Client(base_url=process.url, headers=headers, timeout=30) as client:
        nul = client.get("/clara-server/knowledge/search?query=%00abc")
        blank = client.get("/clara-server/knowledge/search?query=%20")
    assert nul.status_code == 400 and nul.json()["error"]["field"] == "query"
    assert "NUL" in nul.json()["error"]["message"], nul.text
    assert blank.status_code == 400 and blank.json()["error"]["message"] == "query is required"
