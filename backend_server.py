"""Start Clara: `python backend_server.py [--host H] [--port P]` serves the whole product from one process."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import threading
from types import FrameType
from typing import Callable

from clara.settings import Settings, SettingsError

# SIGTERM (a deploy, a scale-down): uvicorn stops accepting, tells WebSocket clients to reconnect (close code 1012),
# gives in-flight requests this long (those it then cuts get a JSON 503, clara.web.shutdown), then runs the lifespan
# shutdown (itself bounded, see clara.app), so the process exits 0 inside the 10 s a platform grants before SIGKILL.
GRACEFUL_SHUTDOWN_SECONDS = 3
# Once the app has stopped, how long the way out may spend joining worker threads: asyncio.run and the interpreter
# both wait for the default executor's, and one may still be parsing or embedding a cut-off upload for a minute.
EXIT_GRACE_SECONDS = 1.0
# The backstop, counted from the signal, should the app's own shutdown hang.
SHUTDOWN_DEADLINE_SECONDS = 9.0


def _exit_cleanly(_: int, __: FrameType | None) -> None:
    """uvicorn re-raises the SIGTERM it handled once shutdown is done; a finished shutdown is a success, so exit 0.

    Acknowledged writes are on disk by now (PostgreSQL or the analytics journal): what a worker thread still does
    is work nobody waits for, and is abandoned if it would hold the process.
    """
    _exit_later(EXIT_GRACE_SECONDS, "exit_abandoning_threads", lambda: 0)
    raise SystemExit(0)


def _exit_later(seconds: float, event: str, code: Callable[[], int]) -> None:
    def force() -> None:
        from clara.platform.logging import get_logger

        busy = sorted(t.name for t in threading.enumerate() if t is not threading.current_thread())
        get_logger(__name__).warning(event, after_seconds=seconds, threads=busy)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code())

    timer = threading.Timer(seconds, force)
    timer.daemon = True
    timer.start()


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

    from clara.app import announce_ready, create_app
    from clara.chat import frames
    from clara.platform.logging import configure_logging
    from clara.web.transport import HeadLimitedHttpToolsProtocol, RefusalAwareWebSocketProtocol

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            if not self.should_exit:  # the first signal starts the clock
                _exit_later(SHUTDOWN_DEADLINE_SECONDS, "shutdown_deadline_exceeded", self.exit_code)
            super().handle_exit(sig, frame)

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:  # the port is bound: the addresses work now
                port = self.servers[0].sockets[0].getsockname()[1] if self.servers else settings.port
                announce_ready(settings, host=settings.host, port=port)

        def exit_code(self) -> int:
            """0 if the app's own shutdown finished (only abandoned work is left), else 1."""
            lifespan = getattr(self, "lifespan", None)
            return 0 if lifespan is not None and lifespan.shutdown_event.is_set() else 1

    configure_logging(settings.log_level, settings.log_format)
    signal.signal(signal.SIGTERM, _exit_cleanly)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        # Clara's middleware writes the access log; uvicorn's own, disabled, still built its line's arguments (the
        # client address, the quoted path) for every request before its logger refused it.
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        # A WebSocket frame is held to the same bound as a JSON body, except that an image frame carries a photo.
        ws_max_size=max(settings.max_body_bytes, frames.MAX_FRAME_BYTES),
        # No permessage-deflate: chat frames are a few hundred bytes. Compressing them cost 9% of a keyless turn's CPU
        # and about 100 KB of RSS per open socket (a zlib context per direction), both ends counted together.
        ws_per_message_deflate=False,
        loop="asyncio",
        http=HeadLimitedHttpToolsProtocol,  # request headers over 16 KB: 431, without reading them all
        ws=RefusalAwareWebSocketProtocol,  # a refused handshake is not logged as an error
        # X-Forwarded-For is believed only from the proxies listed; none when unset (uvicorn's default trusts
        # 127.0.0.1, so anything on the host could choose its client IP for the per-IP login limit).
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or "",
    )
    Server(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
