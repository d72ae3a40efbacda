"""`python -m clara backup` / `restore`: a round trip through a real pg_dump and psql gives back the same data."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from clara.ops import backup
from clara.ops.backup import BackupError, PgTool, pick_tool

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

ROOT = Path(__file__).resolve().parents[1]


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of every table: equal fingerprints mean equal data."""
    with psycopg.connect(url) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        result = {}
        for table in tables:
            query = sql.SQL("SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t")
            count, digest = conn.execute(query.format(sql.Identifier(table))).fetchone()  # type: ignore[misc]
            result[table] = (count, digest)
    return result


UPLOADS = {"manual.pdf": b"%PDF-1.7\n\x00\xff binary", "notes.md": "# Riser room \u2014 \u03a9\n".encode()}


def _store_originals(url: str) -> None:
    """Uploaded originals as the knowledge service keeps them: rows of the database, bytes and all."""
    with psycopg.connect(url) as conn:
        for name, data in UPLOADS.items():
            conn.execute("INSERT INTO knowledge_originals (content_hash, media_type, byte_size, data)"
                         " VALUES (%s, %s, %s, %s)", (hashlib.sha256(data).hexdigest(), name, len(data), data))


def _originals(url: str) -> dict[str, bytes]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT media_type, data FROM knowledge_originals").fetchall()
    return {name: bytes(data) for name, data in rows}


def test_backup_and_restore_round_trip_the_database_and_uploads(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    with psycopg.connect(database_url) as conn:  # data a restore could plausibly mangle: quotes, unicode, NULLs
        conn.execute("UPDATE customers SET notes = %s WHERE id = (SELECT min(id) FROM customers)",
                     ("O'Brien said \"tab\there\" — naïve ✓\nnew line; \\copy",))
        conn.execute("UPDATE jobs SET notes = NULL WHERE id = (SELECT max(id) FROM jobs)")
    _store_originals(database_url)
    before = fingerprint(database_url)

    report = backup.backup(database_url, tmp_path / "out" / "b.tar.gz")
    assert report.archive.is_file() and report.uploads == 2 and report.pg_dump.major >= report.server_major
    with tarfile.open(report.archive) as tar:
        assert set(tar.getnames()) == {"database.sql", "manifest.json"}  # the uploads are in the dump

    assert backup.restore(report.archive, empty_database_url, tmp_path / "target") == 2
    assert fingerprint(empty_database_url) == before
    assert _originals(empty_database_url) == UPLOADS
    assert not (tmp_path / "target").exists()  # nothing of Clara's lives on this disk
    with psycopg.connect(empty_database_url) as conn:  # identity sequences came back too: new rows get fresh ids
        max_id = conn.execute("SELECT max(id) FROM users").fetchone()[0]  # type: ignore[index]
        new_id = conn.execute(
            "INSERT INTO users (email, name, role, password_hash) VALUES ('new@clara.dev', 'New', 'technician', 'x')"
            " RETURNING id").fetchone()[0]  # type: ignore[index]
    assert new_id > max_id


def test_an_archive_of_format_1_restores_its_upload_files_for_the_next_start(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    """Archives written before uploads moved into the database held them as files: those are put back where the
    next start imports them (tests/knowledge/test_originals.py)."""
    report = backup.backup(database_url, tmp_path / "b.tar.gz")
    with tarfile.open(report.archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    names = {f"{hashlib.sha256(data).hexdigest()}.md": data for data in UPLOADS.values()}
    manifest |= {"format": 1, "uploads": {name: hashlib.sha256(data).hexdigest() for name, data in names.items()}}
    old = tmp_path / "old.tar.gz"
    _rewrite(report.archive, old, {"manifest.json": json.dumps(manifest).encode(),
                                   **{f"uploads/{name}": data for name, data in names.items()}})

    assert backup.restore(old, empty_database_url, tmp_path / "target") == 2
    restored = {p.name: p.read_bytes() for p in (tmp_path / "target" / "uploads").iterdir()}
    assert restored == names
    assert fingerprint(empty_database_url) == fingerprint(database_url)


def test_the_dump_is_plain_sql_that_psql_replays(database_url: str, empty_database_url: str, tmp_path: Path) -> None:
    report = backup.backup(database_url, tmp_path / "b.tar.gz")
    with tarfile.open(report.archive) as tar:
        tar.extract("database.sql", tmp_path, filter="data")
    dump = (tmp_path / "database.sql").read_text()
    assert "PostgreSQL database dump" in dump and "CREATE TABLE public.jobs" in dump
    psql = pick_tool("psql", report.pg_dump.major)
    result = subprocess.run(
        [str(psql.path), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(tmp_path / "database.sql"), empty_database_url],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert fingerprint(empty_database_url) == fingerprint(database_url)


def test_restore_refuses_to_overwrite_clara_data_unless_forced(database_url: str, tmp_path: Path) -> None:
    report = backup.backup(database_url, tmp_path / "b.tar.gz")
    with psycopg.connect(database_url) as conn:
        conn.execute("DELETE FROM deficiencies")
    with pytest.raises(BackupError, match="--force"):
        backup.restore(report.archive, database_url, tmp_path)
    backup.restore(report.archive, database_url, tmp_path, force=True)
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM deficiencies").fetchone()[0] > 0  # type: ignore[index]


def _rewrite(archive: Path, target: Path, replace: dict[str, bytes]) -> None:
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = replace.get(member.name, src.extractfile(member).read())  # type: ignore[union-attr]
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
        for name, data in replace.items():
            if name not in src.getnames():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                dst.addfile(info, io.BytesIO(data))


def test_a_tampered_or_hostile_archive_is_refused(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    report = backup.backup(database_url, tmp_path / "b.tar.gz")
    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(report.archive, tampered, {"database.sql": b"DROP TABLE users;"})
    with pytest.raises(BackupError, match="checksum"):
        backup.restore(tampered, empty_database_url, tmp_path / "t1")
    escaping = tmp_path / "escaping.tar.gz"
    _rewrite(report.archive, escaping, {"../outside.txt": b"x"})
    with pytest.raises(BackupError, match="escapes"):
        backup.restore(escaping, empty_database_url, tmp_path / "t2")
    assert not (tmp_path / "outside.txt").exists()
    assert fingerprint(empty_database_url) == {}


def test_pg_dump_is_the_oldest_one_at_least_as_new_as_the_server(database_url: str) -> None:
    tools = [PgTool(Path("/a/pg_dump"), 18), PgTool(Path("/b/pg_dump"), 15), PgTool(Path("/c/pg_dump"), 16)]
    assert pick_tool("pg_dump", 15, tools).major == 15
    assert pick_tool("pg_dump", 16, tools).major == 16
    assert pick_tool("pg_dump", 17, tools).major == 18
    with pytest.raises(BackupError, match=">= 19"):
        pick_tool("pg_dump", 19, tools)
    server = backup.server_major(database_url)
    chosen = pick_tool("pg_dump", server)
    assert chosen.major >= server
    assert all(t.major < server or t.major >= chosen.major for t in backup.installed_tools("pg_dump"))


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clara", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=180)


def test_the_cli_backs_up_and_restores_with_one_line_of_outcome(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATA_DIR")}
    source = base | {"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "src"), "CLARA_ENV": "test",
                     "LOG_FORMAT": "json"}
    _store_originals(database_url)
    done = _cli("backup", "--output", str(tmp_path), env=source)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("backup written to ") and "2 uploads" in done.stdout
    (archive,) = tmp_path.glob("clara-backup-*.tar.gz")

    target = source | {"DATABASE_URL": empty_database_url, "DATA_DIR": str(tmp_path / "dst")}
    done = _cli("restore", str(archive), env=target)
    assert done.returncode == 0, done.stderr
    assert fingerprint(empty_database_url) == fingerprint(database_url)
    assert _originals(empty_database_url) == UPLOADS

    again = _cli("restore", str(archive), env=target)
    assert again.returncode == 1
    assert again.stderr.strip().splitlines()[-1] == (
        "clara: restore: the target database already holds Clara data; pass --force to replace it")
    assert _cli("migrate", env=target).stdout.strip() == "migrations applied: none (up to date)"
    manifest = json.loads(tarfile.open(archive).extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["database"]["bytes"] > 10_000
