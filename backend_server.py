"""Start Clara: `python backend_server.py [--host H] [--port P]` serves the whole product from one process."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING

from clara.settings import Settings, SettingsError

if TYPE_CHECKING:
    import uvicorn

# SIGTERM (a deploy, a scale-down): uvicorn stops accepting, tells WebSocket clients to reconnect (close code 1012),
# gives in-flight requests this long (those it then cuts get a JSON 503, clara.shutdown), then runs the lifespan
# shutdown (itself bounded, see clara.app), so the process exits 0 inside the 10 s a platform grants before SIGKILL.
GRACEFUL_SHUTDOWN_SECONDS = 3
# The backstop: whatever still holds the process this long after the signal (a worker thread the event loop waits
# for on the way out, say) is abandoned. Acknowledged writes are on disk by then (PostgreSQL or the journal).
SHUTDOWN_DEADLINE_SECONDS = 9.0


def _exit_cleanly(_: int, __: FrameType | None) -> None:
    """uvicorn re-raises the SIGTERM it handled once shutdown is done; a finished shutdown is a success, so exit 0."""
    raise SystemExit(0)


def _exit_by_deadline(server: "uvicorn.Server") -> None:
    from clara.logging import get_logger

    lifespan = getattr(server, "lifespan", None)
    stopped = lifespan is not None and lifespan.shutdown_event.is_set()
    threads = sorted(t.name for t in threading.enumerate() if t is not threading.current_thread())
    get_logger(__name__).error("shutdown_deadline_exceeded", seconds=SHUTDOWN_DEADLINE_SECONDS,
                               app_stopped=stopped, threads=threads)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0 if stopped else 1)  # the app's own shutdown finished: only abandoned work is left behind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the Clara backend.")
    parser.add_argument("--host", help="interface to bind (env HOST, default 0.0.0.0)")
    parser.add_argument("--port", type=int, help="port to listen on (env PORT, default 8000)")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None}
    try:
        settings = Settings.from_env(**overrides)
    except SettingsError as exc:
        print(f"clara: configuration error: {exc}", file=sys.stderr)
        return 2

    # Imported only once the configuration is known good: a bad variable fails in well under a second, with one
    # line, before the agent, vector and ML libraries load.
    import uvicorn

    from clara.app import create_app
    from clara.logging import configure_logging

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            if not self.should_exit:  # the first signal starts the clock
                deadline = threading.Timer(SHUTDOWN_DEADLINE_SECONDS, _exit_by_deadline, args=(self,))
                deadline.daemon = True
                deadline.start()
            super().handle_exit(sig, frame)

    configure_logging(settings.log_level, settings.log_format)
    signal.signal(signal.SIGTERM, _exit_cleanly)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        ws_max_size=settings.max_body_bytes,  # a WebSocket frame is held to the same bound as a JSON body
        loop="asyncio",
    )
    Server(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
