"""Operator commands: `python -m clara seed | migrate | backup | restore`.

They read the same Settings as the server (DATABASE_URL, DATA_DIR; the embedded PostgreSQL when no URL is set),
so `python -m clara backup` on a Render shell backs up exactly what the service serves. Each command prints one
line of outcome, or one `clara: ...` line and a non-zero exit when it cannot proceed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timezone
from pathlib import Path

from clara.ops import backup, seed
from clara.platform.logging import configure_logging
from clara.settings import Settings, SettingsError
from clara.stores import postgres


def _database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url.get_secret_value()
    return postgres.start_embedded(settings.data_dir)


async def _migrate(url: str, *, demo_data: bool) -> tuple[list[str], bool]:
    pool = await postgres.open_pool(url, max_size=1)
    try:
        await pool.wait(timeout=30)
        applied = await postgres.migrate(pool)
        seeded = await seed.seed_if_empty(pool) if demo_data else False
    finally:
        await pool.close()
    return applied, seeded


def _cmd_migrate(settings: Settings, _: argparse.Namespace) -> str:
    applied, _ = asyncio.run(_migrate(_database_url(settings), demo_data=False))
    return f"migrations applied: {', '.join(applied) if applied else 'none (up to date)'}"


def _cmd_seed(settings: Settings, _: argparse.Namespace) -> str:
    _, seeded = asyncio.run(_migrate(_database_url(settings), demo_data=True))
    return "demo data loaded" if seeded else "database already has data; nothing loaded"


def _cmd_backup(settings: Settings, args: argparse.Namespace) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    output = args.output or Path(f"clara-backup-{stamp}.tar.gz")
    if output.is_dir():
        output = output / f"clara-backup-{stamp}.tar.gz"
    report = backup.backup(_database_url(settings), output)
    return (f"backup written to {report.archive} ({report.database_bytes} bytes of SQL from PostgreSQL "
            f"{report.server_major} via pg_dump {report.pg_dump.major}, {report.uploads} uploads)")


def _cmd_restore(settings: Settings, args: argparse.Namespace) -> str:
    count = backup.restore(args.archive, _database_url(settings), settings.data_dir, force=args.force)
    return f"restored {args.archive} ({count} uploads); start Clara to apply any newer migrations"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clara", description="Clara operator commands.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(run=_cmd_migrate)
    commands.add_parser("seed", help="migrate, then load demo data into an empty database").set_defaults(run=_cmd_seed)
    backup_cmd = commands.add_parser("backup", help="write a .tar.gz with a plain-SQL dump (uploads included)")
    backup_cmd.add_argument("--output", "-o", type=Path,
                            help="archive path or folder (default: ./clara-backup-<time>.tar.gz)")
    backup_cmd.set_defaults(run=_cmd_backup)
    restore_cmd = commands.add_parser("restore", help="replay a backup archive into DATABASE_URL and DATA_DIR")
    restore_cmd.add_argument("archive", type=Path)
    restore_cmd.add_argument("--force", action="store_true", help="replace a database that already holds Clara data")
    restore_cmd.set_defaults(run=_cmd_restore)
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"clara: configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    try:
        print(args.run(settings, args))
    except backup.BackupError as exc:
        print(f"clara: {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
