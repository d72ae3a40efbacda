from __future__ import annotations

import struct
import zlib
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from clara.web.caller import CurrentUser


@pytest.fixture
async def foreign_job(app: Starlette, other_technician: CurrentUser) -> int:
    """A job of another technician."""
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT min(id) AS id FROM jobs WHERE technician_id = %s", (other_technician.id,))
        row = await cur.fetchone()
    assert row is not None and row["id"] is not None
    return int(row["id"])


async def identify(client: httpx.AsyncClient, headers: dict[str, str], image: bytes | None, *,
                   mime: str = "image/jpeg", **form: Any) -> httpx.Response:
    files = {"image": ("plate.jpg", image, mime)} if image is not None else {"unused": ("x.txt", b"x", "text/plain")}
    return await client.post("/clara-server/equipment/identify", files=files,
                              data={k: str(v) for k, v in form.items()}, headers=headers)


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` and whose pixel data is a few bytes: it must never be decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + \
        chunk(b"IEND", b"")
