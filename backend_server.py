"""Start Clara: `python backend_server.py [--host H] [--port P]` serves the whole product from one process."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from clara.settings import Settings, SettingsError

# SIGTERM (a deploy, a scale-down): uvicorn stops accepting, tells WebSocket clients to reconnect (close code 1012),
# gives in-flight requests this long, then runs the lifespan shutdown (itself bounded, see clara.app), so the
# process exits 0 inside the 10 s a platform grants before SIGKILL.
GRACEFUL_SHUTDOWN_SECONDS = 3


def _exit_cleanly(_: int, __: FrameType | None) -> None:
    """uvicorn re-raises the SIGTERM it handled once shutdown is done; a finished shutdown is a success, so exit 0."""
    raise SystemExit(0)


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
    from clara.transport import HeadLimitedHttpToolsProtocol

    configure_logging(settings.log_level, settings.log_format)
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        ws_max_size=settings.max_body_bytes,  # a WebSocket frame is held to the same bound as a JSON body
        loop="asyncio",
        http=HeadLimitedHttpToolsProtocol,  # request headers over 16 KB: 431, without reading them all
        # X-Forwarded-For is believed only from the proxies listed; none when unset (uvicorn's default trusts
        # 127.0.0.1, so anything on the host could choose its client IP for the per-IP login limit).
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or "",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
