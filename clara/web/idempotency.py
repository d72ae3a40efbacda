"""`Idempotency-Key`: a retried write gets its first answer again instead of acting twice.

Field apps retry on flaky signal, and a retry of `POST /jobs/{id}/deficiencies` must not log a second deficiency.
So every authenticated `POST`/`PUT`/`PATCH`/`DELETE` that carries the header goes through one pure-ASGI middleware,
whatever the route:

1. The key is claimed in PostgreSQL (`INSERT ... ON CONFLICT`, scoped to the user) before the request acts, so two
   copies of one request on two instances cannot both act: the one that loses the claim waits up to
   `WAIT_SECONDS` for the first answer, or gets 409 `idempotency_request_in_progress` with `Retry-After`.
2. The request runs as usual while its body is hashed on the way through. The fingerprint covers method, path,
   query, media type and body; a multipart boundary is left out, since clients draw a new one each time they build
   a request, and a JSON body counts by its value (kept until complete, then hashed in one canonical spelling), since
   a rebuilt request may order its keys otherwise.
3. A 2xx answer is stored with the fingerprint before it reaches the client; a repeat within `KEY_TTL_HOURS` with the
   same fingerprint gets that status, headers and body again plus `Idempotent-Replayed: true`, and another
   fingerprint gets 409 `idempotency_key_reused`.
4. Any other answer (4xx, 5xx, an exception, a client gone mid-request) releases the key: those requests changed
   nothing, so retrying them with the same key simply runs them again, which is what a client fixing its input or
   waiting out an outage wants.

A claim carries a lease renewed while its request runs, so a claim left by a crashed instance frees itself after
`LEASE_SECONDS`. Keys older than `KEY_TTL_HOURS` are claimable again, and purged by `clara.ops.housekeeping`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import PoolTimeout
from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clara.web.caller import CurrentUser
from clara.web.errors import ApiError, database_unavailable, error_response
from clara.platform.logging import get_logger
from clara.stores.postgres import Pool

log = get_logger(__name__)

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_TTL_HOURS = 24  # a repeat this long after the first request is still recognised
LEASE_SECONDS = 30  # an in-flight claim whose instance stops renewing it is free again after this
RENEW_SECONDS = 10  # how often a running request renews its claim's lease
WAIT_SECONDS = 3.0  # how long a duplicate waits for the first request's answer before 409 in progress
MAX_REMEMBERED_BYTES = 1024 * 1024  # larger answers are not stored (none of Clara's writes comes near)
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")  # 1-200 visible ASCII characters
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_NOT_REPLAYED = frozenset({"content-length", "transfer-encoding", "date", "server"})

_CLAIM = f"""
INSERT INTO idempotency_keys (user_id, key, claim_id, lease_until)
VALUES (%(user_id)s, %(key)s, %(claim_id)s, now() + interval '{LEASE_SECONDS} seconds')
ON CONFLICT (user_id, key) DO UPDATE
    SET claim_id = excluded.claim_id, lease_until = excluded.lease_until, created_at = now(),
        fingerprint = NULL, status = NULL, headers = NULL, body = NULL
    WHERE idempotency_keys.created_at < now() - interval '{KEY_TTL_HOURS} hours'
       OR (idempotency_keys.status IS NULL AND idempotency_keys.lease_until < now())
RETURNING claim_id
"""
_READ = "SELECT status, fingerprint, headers, body FROM idempotency_keys WHERE user_id = %s AND key = %s"
_RENEW = (f"UPDATE idempotency_keys SET lease_until = now() + interval '{LEASE_SECONDS} seconds'"
          " WHERE user_id = %s AND key = %s AND claim_id = %s AND status IS NULL")
_COMPLETE = ("UPDATE idempotency_keys SET status = %s, headers = %s, body = %s, fingerprint = %s, lease_until = NULL"
             " WHERE user_id = %s AND key = %s AND claim_id = %s")
_RELEASE = "DELETE FROM idempotency_keys WHERE user_id = %s AND key = %s AND claim_id = %s"
_PURGE = f"DELETE FROM idempotency_keys WHERE created_at < now() - interval '{KEY_TTL_HOURS} hours'"

_DATABASE_ERRORS = (psycopg.OperationalError, PoolTimeout)


@dataclass(frozen=True)
class Remembered:
    """A completed request's answer, as stored."""

    status: int
    fingerprint: bytes
    headers: list[list[str]]
    body: bytes


@dataclass
class _Record:
    """The first request's answer as it passes: held back from the client until stored, unless it streams."""

    status: int = 0
    headers: list[list[str]] = field(default_factory=list)
    body: list[bytes] = field(default_factory=list)
    size: int = 0
    keeping: bool = False  # a 2xx answer small enough to store
    streaming: bool = False  # Server-Sent Events reach the client as they come; only the record waits for the end
    stored: bool = False
    held: list[Message] = field(default_factory=list)

    def start(self, message: Message) -> None:
        raw = message.get("headers", [])
        self.status = message["status"]
        self.headers = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in raw
                        if k.decode("latin-1").lower() not in _NOT_REPLAYED]
        self.keeping = 200 <= self.status < 300
        self.streaming = Headers(raw=raw).get("content-type", "").startswith("text/event-stream")

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= MAX_REMEMBERED_BYTES:
            self.body.append(chunk)
            return
        log.warning("idempotent_answer_too_large", bytes=self.size)  # answered, but a retry will run again
        self.keeping = False
        self.body.clear()


class Fingerprint:
    """sha256 of what makes two requests the same one: method, path, query, media type and body.

    A JSON body counts by its value, not its bytes: an app rebuilding its request for a retry (after a restart, say)
    may serialise the same object with its keys in another order or other spacing (iOS's JSONSerialization keeps no
    key order), and that retry got 409 `idempotency_key_reused`. It is kept until complete (the edge bounds its
    size) and hashed in one canonical form; a body that is not valid JSON counts by its bytes.
    """

    def __init__(self, scope: Scope) -> None:
        media_type, _, parameters = Headers(scope=scope).get("content-type", "").partition(";")
        media_type = media_type.strip().lower()
        boundary = _BOUNDARY.search(parameters) if media_type.startswith("multipart/") else None
        self._boundary = boundary.group(1).encode("latin-1") if boundary else b""
        self._pending = b""  # the tail that may hold the start of a boundary split across two chunks
        self._json: bytearray | None = bytearray() if media_type in ("", "application/json") \
            or media_type.endswith("+json") else None
        self._hash = hashlib.sha256()
        for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1"), media_type):
            self._hash.update(part.encode("utf-8", "surrogateescape") + b"\0")
        self._digest: bytes | None = None
        self.complete = False

    def update(self, chunk: bytes, *, more: bool) -> None:
        if self._boundary:
            data = (self._pending + chunk).replace(self._boundary, b"")
            keep = len(self._boundary) - 1
            self._pending = data[len(data) - keep:] if more and keep else b""
            chunk = data[:len(data) - len(self._pending)]
        if self._json is not None:
            self._json += chunk
        else:
            self._hash.update(chunk)
        self.complete = not more

    def digest(self) -> bytes:
        if self._digest is None:
            if self._json is not None:
                self._hash.update(_canonical_json(bytes(self._json)))
            self._digest = self._hash.digest()
        return self._digest


def _canonical_json(body: bytes) -> bytes:
    """A JSON body's value in one spelling (keys sorted, no spaces); the bytes themselves when it is not JSON."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested past what the edge parses anyway
        return body
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=True).encode("utf-8", "surrogatepass")


def key_error(message: str) -> ApiError:
    return ApiError(400, "validation_error", message, KEY_HEADER)


def request_key(scope: Scope) -> str | None:
    """The request's Idempotency-Key, None without one; 400 naming the header when it is malformed."""
    values = [v for k, v in scope["headers"] if k == b"idempotency-key"]
    if not values:
        return None
    if len(values) > 1:
        raise key_error(f"send one {KEY_HEADER} header, not {len(values)}")
    key = values[0].decode("latin-1")
    if not _VALID_KEY.match(key):
        raise key_error(f"{KEY_HEADER} must be 1 to 200 visible ASCII characters")
    return key


class IdempotencyMiddleware:
    """Pure ASGI, after authentication: keys are scoped to the user. See the module docstring for the rules."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user = scope.get("user")
        if (scope["type"] != "http" or scope["method"] not in WRITE_METHODS or not isinstance(user, CurrentUser)
                or not any(name == b"idempotency-key" for name, _ in scope["headers"]) or not _routed(scope)):
            await self.app(scope, receive, send)  # no key, or no route to act (the router answers 404/405)
            return
        try:
            key = request_key(scope)
        except ApiError as exc:
            await error_response(exc)(scope, receive, send)
            return
        assert key is not None
        db: Pool = scope["app"].state.stores.db
        await _Exchange(db, user.id, key, scope, receive, send).run(self.app)


def _routed(scope: Scope) -> bool:
    """Whether a route serves this method at this path: only a request that can act has anything to remember."""
    return any(route.matches(scope)[0] is Match.FULL for route in scope["app"].router.routes)


async def purge(db: Pool) -> int:
    """Delete keys past `KEY_TTL_HOURS` (clara.ops.housekeeping runs it hourly); the number deleted."""
    async with db.connection() as conn:
        cur = await conn.execute(_PURGE)
    return cur.rowcount


class _Exchange:
    """One keyed request: claim, run or replay, then remember or release."""

    def __init__(self, db: Pool, user_id: int, key: str, scope: Scope, receive: Receive, send: Send) -> None:
        self.db, self.user_id, self.key = db, user_id, key
        self.scope, self.receive, self.send = scope, receive, send
        self.fingerprint = Fingerprint(scope)
        self.claim_id = uuid.uuid4()

    async def run(self, app: ASGIApp) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        pause = 0.02
        while True:
            try:
                claimed = await self._claim()
                remembered = None if claimed else await self._read()
            except _DATABASE_ERRORS as exc:  # keys cannot be checked, so the write cannot safely run
                await database_unavailable(exc)(self.scope, self.receive, self.send)
                return
            if claimed:
                await self._act(app)
                return
            if remembered is not None:
                await self._answer_repeat(remembered)
                return
            if time.monotonic() >= deadline:
                await error_response(ApiError(
                    409, "idempotency_request_in_progress",
                    f"a request with this {KEY_HEADER} is still being processed; retry shortly", KEY_HEADER,
                    headers={"Retry-After": "1"}))(self.scope, self.receive, self.send)
                return
            await asyncio.sleep(pause)  # the first copy is still running (or just released its claim): look again
            pause = min(pause * 2, 0.25)

    # -- the first request: act, then remember or release ---------------------------------------------------

    async def _act(self, app: ASGIApp) -> None:
        record = _Record()

        async def hashing_receive() -> Message:
            message = await self.receive()
            if message["type"] == "http.request":
                self.fingerprint.update(message.get("body", b""), more=message.get("more_body", False))
            return message

        async def remembering_send(message: Message) -> None:
            final = False
            if message["type"] == "http.response.start":
                record.start(message)
            elif message["type"] == "http.response.body":
                final = not message.get("more_body", False)
                if record.keeping:
                    record.add(message.get("body", b""))
                if record.keeping and final:
                    record.stored = await self._remember(record)
            record.held.append(message)
            if final or record.streaming or not record.keeping:  # a plain answer waits until it is stored
                while record.held:
                    await self.send(record.held.pop(0))

        renewal = asyncio.create_task(self._renew_lease(), name="idempotency_lease")
        try:
            await app(self.scope, hashing_receive, remembering_send)
        finally:
            renewal.cancel()
            if not record.stored:
                await self._release()

    async def _remember(self, record: _Record) -> bool:
        """Store the answer with the request's fingerprint; False when that fails (the key is then released)."""
        if not await self._drained():
            return False
        try:
            async with self.db.connection() as conn:
                await conn.execute(_COMPLETE, (record.status, Jsonb(record.headers), b"".join(record.body),
                                               self.fingerprint.digest(), self.user_id, self.key, self.claim_id))
        except Exception as exc:  # the write happened: answer it anyway; only a retry would not be recognised
            log.warning("idempotent_answer_not_stored", error=type(exc).__name__)
            return False
        return True

    async def _drained(self) -> bool:
        """Read what the route left unread of the body, so the fingerprint covers all of it."""
        while not self.fingerprint.complete:
            message = await self.receive()
            if message["type"] != "http.request":
                return False  # the client went away: nothing to answer, nothing to remember
            self.fingerprint.update(message.get("body", b""), more=message.get("more_body", False))
        return True

    async def _renew_lease(self) -> None:
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            try:
                async with self.db.connection() as conn:
                    await conn.execute(_RENEW, (self.user_id, self.key, self.claim_id))
            except Exception as exc:  # a missed renewal only shortens the lease; the next one may land
                log.warning("idempotency_lease_not_renewed", error=type(exc).__name__)

    async def _release(self) -> None:
        try:
            async with self.db.connection() as conn:
                await conn.execute(_RELEASE, (self.user_id, self.key, self.claim_id))
        except Exception as exc:  # the claim's lease runs out by itself
            log.warning("idempotency_release_failed", error=type(exc).__name__)

    # -- a repeat ---------------------------------------------------------------------------------------------

    async def _answer_repeat(self, remembered: Remembered) -> None:
        if not await self._drained():
            return
        if remembered.fingerprint != self.fingerprint.digest():
            error = ApiError(409, "idempotency_key_reused",
                             f"this {KEY_HEADER} was already used for a different request", KEY_HEADER)
            await error_response(error)(self.scope, self.receive, self.send)
            return
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in remembered.headers]
        headers += [(b"content-length", str(len(remembered.body)).encode()),
                    (REPLAYED_HEADER.lower().encode(), b"true")]
        await self.send({"type": "http.response.start", "status": remembered.status, "headers": headers})
        await self.send({"type": "http.response.body", "body": remembered.body})

    # -- the store --------------------------------------------------------------------------------------------

    async def _claim(self) -> bool:
        async with self.db.connection() as conn:
            cur = await conn.execute(_CLAIM, {"user_id": self.user_id, "key": self.key, "claim_id": self.claim_id})
            return await cur.fetchone() is not None

    async def _read(self) -> Remembered | None:
        """The completed request's answer; None while it is in flight (or its claim was just released)."""
        async with self.db.connection() as conn:
            cur = await conn.execute(_READ, (self.user_id, self.key))
            row: dict[str, Any] | None = await cur.fetchone()
        if row is None or row["status"] is None:
            return None
        return Remembered(row["status"], bytes(row["fingerprint"]), row["headers"], bytes(row["body"]))
