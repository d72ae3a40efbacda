"""Clara as production runs it (`backend_server.py` under uvicorn, its own process) for the HTTP benches.

The bench owns everything it may stop: an embedded PostgreSQL under its work directory and, when asked, its own
`redis-server` on a free port; never the machine's shared services on 5432/6379. The work directory survives runs
(default /tmp/clara-bench), so the knowledge corpus is embedded once, not on every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clara.seed import DEMO_PASSWORD, DEMO_TECHNICIAN_EMAIL  # noqa: E402  (after the path set-up)
from clara.stores import postgres  # noqa: E402
from tests.servers import RedisServer, free_port  # noqa: E402

WORKDIR = Path(os.environ.get("CLARA_BENCH_DIR", "/tmp/clara-bench"))
SERVER_CPU = 0  # uvicorn gets one core, the load generator the other


def start_postgres(workdir: Path = WORKDIR) -> str:
    """The bench's own embedded PostgreSQL (started, or found running), as a URL naming its `postgres` database."""
    return postgres.start_embedded(workdir)


def start_redis(workdir: Path = WORKDIR) -> RedisServer:
    return RedisServer(workdir / "redis").start()


class ClaraServer:
    def __init__(self, env: dict[str, str], workdir: Path = WORKDIR) -> None:
        self.port = free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "REDIS_", "DATABASE_", "CHROMA_"))},
            "CLARA_ENV": "development", "LOG_LEVEL": "warning", "LOG_FORMAT": "json", "DATA_DIR": str(workdir / "data"),
            "AGENT_WORKER_ENABLED": "false", "RATE_LIMIT_DEFAULT": "10000000/minute",
            "RATE_LIMIT_LOGIN": "10000/minute", **env,
        }
        self.log_path = workdir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 600) -> "ClaraServer":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "backend_server.py", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=lambda: os.sched_setaffinity(0, {SERVER_CPU}),
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clara exited with {self.process.returncode}; see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code in (200, 503):
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"clara did not answer /health within {timeout} s; see {self.log_path}")

    def token(self, email: str = DEMO_TECHNICIAN_EMAIL) -> str:
        response = httpx.post(f"{self.url}/auth/token", json={"email": email, "password": DEMO_PASSWORD}, timeout=10)
        response.raise_for_status()
        return str(response.json()["access_token"])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
