"""Clara as the platform runs it: `python backend_server.py` in its own process, on a loopback port.

For the tests (and benches) that must see what only a real process shows: signals, exit codes, start-up
failures, what reaches the logs, and two instances sharing one PostgreSQL and one Redis.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from clara.stores.chroma import chroma_dir
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
# Variables of the machine that would change what the server under test does.
_SCRUBBED = ("DATABASE_URL", "REDIS_URL", "CHROMA_URL", "JWT_SECRET", "GOOGLE_API_KEY", "GOOGLE_MAPS_API_KEY",
             "LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "CLARA_ENV", "PORT", "HOST", "DATA_DIR",
             "TIMESCALE_URL", "CORS_ORIGINS")


def server_env(**values: str) -> dict[str, str]:
    """The test runner's environment without Clara's own variables, plus `values`."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update({"CLARA_ENV": "test", "LOG_FORMAT": "json", "AGENT_WORKER_ENABLED": "false"})
    env.update(values)
    return env


def data_dir_from(template_data_dir: Path, target: Path) -> Path:
    """A DATA_DIR whose vector index already matches the template database, so start-up embeds nothing."""
    shutil.copytree(chroma_dir(template_data_dir), chroma_dir(target))
    return target


class ClaraProcess:
    def __init__(self, env: dict[str, str], log_path: Path, port: int | None = None) -> None:
        self.env = env
        self.log_path = log_path
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, *, wait: bool = True, timeout: float = 90) -> "ClaraProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "backend_server.py", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 90) -> None:
        """Until /health answers (200 or 503: the process serves); fail with the log if the process died."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clara exited with {self.process.returncode}:\n{self.logs()[-4000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code in (200, 503):
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"clara did not become ready in {timeout} s:\n{self.logs()[-4000:]}")

    def terminate(self, timeout: float = 15) -> tuple[int, float]:
        """SIGTERM, as a platform sends it; the exit code and how long the process took to exit."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        return code, time.monotonic() - started

    def stop(self) -> None:
        """Whatever state it is in, make sure the process is gone (test teardown)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def token(base_url: str, email: str, password: str) -> str:
    response = httpx.post(f"{base_url}/auth/token", json={"email": email, "password": password}, timeout=10)
    response.raise_for_status()
    return str(response.json()["access_token"])
