"""The per-test databases (tests/databases.py): each is a fresh copy of the template, and all are gone at the end."""

from __future__ import annotations

import psycopg

from tests.databases import TemplateCopies


def copies_left(admin_url: str, prefix: str) -> list[str]:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (prefix,)).fetchall()
    return [row[0] for row in rows]


def test_each_copy_starts_as_the_template_and_close_drops_every_copy(pg_admin_url: str, template_db: str) -> None:
    copies = TemplateCopies(pg_admin_url, template_db, prefix="clara_copies_test")
    first = copies.take()
    with psycopg.connect(copies.url(first), autocommit=True) as conn:
        conn.execute("DELETE FROM users")  # what one test does to its own copy
    copies.give_back(first)
    second = copies.take()
    with psycopg.connect(copies.url(second)) as conn:
        users = conn.execute("SELECT count(*) FROM users").fetchone()
    assert second != first and users is not None and users[0] > 0, "the next test's copy is the template's"
    copies.give_back(second)
    copies.close()  # drops the copy made ahead for a test that never came, too
    assert copies_left(pg_admin_url, copies.prefix) == []
