"""Start Clara: `python backend_server.py [--host H] [--port P]` serves the whole product from one process."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from clara.app import create_app
from clara.logging import configure_logging
from clara.settings import Settings, SettingsError


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
    configure_logging(settings.log_level, settings.log_format)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=8,
        loop="asyncio",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
