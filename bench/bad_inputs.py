"""Every route, every input, the inputs that broke Clara before: does each answer a 4xx that names the field?

For every operation of the served /openapi.json, each query and path parameter, and each top-level property of a
JSON body (the rest of the body filled with plain valid values), gets in turn: a NUL, an unpaired UTF-16
surrogate (in a URL: the bytes of one, which are not UTF-8), a 401-digit integer, a date in year 9999 and one in
year 1, a negative number. A few headers get NUL and non-ASCII bytes over a raw socket. Reported:
- every 5xx, and every connection the server cut instead of answering;
- every 4xx whose message misleads: "is required" for a value that was given, or an error on another field than
  the one made bad while the others were valid.

    python bench/bad_inputs.py                  # against a server it starts (bench/_clara_bench.py)
    python bench/bad_inputs.py --url http://127.0.0.1:8000 --token T
Exits non-zero when anything is reported.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._clara_bench import DISPATCHER, bench_clara  # noqa: E402

NUL = "a\x00b"
SURROGATE = "a\udc00b"
HUGE = 10**400
BAD_STRINGS = {"NUL": NUL, "surrogate": SURROGATE}
BAD_VALUES: dict[str, Any] = {"NUL": NUL, "surrogate": SURROGATE, "huge integer": HUGE,
                              "year 9999": "9999-12-31", "year 1": "0001-01-01", "negative": -1}
SKIPPED = ("/mcp", "/voice/ws", "/chat/ws")  # other protocols, swept by their own tests


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def sample(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A plain value the schema accepts (not every schema: enough for the required fields of our bodies)."""
    schema = resolve(spec, schema)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if resolve(spec, o).get("type") != "null"]
            return sample(spec, options[0] if options else schema[key][0])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: sample(spec, sub) for name, sub in schema.get("properties", {}).items()
                if name in schema.get("required", ())}
    if kind == "array":
        return [sample(spec, schema.get("items", {}))] * max(1, schema.get("minItems", 0))
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(0.5, schema.get("minimum", 0.5))
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2026-12-01"
    if schema.get("format") == "date-time":
        return "2026-12-01T09:00:00Z"
    return "x" * max(1, schema.get("minLength", 1))


def in_url(value: Any) -> str:
    if value == SURROGATE:
        return "a%ED%B0%80b"  # what a surrogate's UTF-8-style encoding looks like on the wire
    return quote(str(value), safe="")


def free_text(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """A string field with no format or choices: where a NUL or a surrogate is what must be named (a number or a
    date that holds one is rightly refused as not a number, not a date)."""
    schema = resolve(spec, schema)
    options = [resolve(spec, o) for o in schema.get("anyOf", [schema])]
    return any(o.get("type") == "string" and not ({"format", "enum", "const"} & set(o)) for o in options)


def cases(spec: dict[str, Any]) -> Iterator[tuple[str, str, str, str, dict[str, Any] | None, str, bool]]:
    """(label, method, path with query, field, json body or None, kind, free text?) for each bad input to try."""
    for path, item in spec["paths"].items():
        if path.startswith(SKIPPED):
            continue
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = [resolve(spec, p) for p in item.get("parameters", []) + operation.get("parameters", [])]
            valid = {p["name"]: sample(spec, p.get("schema", {})) for p in params}
            body_schema = (operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                           .get("schema"))
            body = sample(spec, body_schema) if body_schema else None

            def url(overrides: dict[str, str]) -> str:
                values = {name: in_url(v) for name, v in valid.items()} | overrides
                filled = path
                query = []
                for p in params:
                    if p["in"] == "path":
                        filled = filled.replace("{" + p["name"] + "}", values[p["name"]])
                    elif p["in"] == "query" and (p.get("required") or p["name"] in overrides):
                        query.append(f"{p['name']}={values[p['name']]}")
                return filled + ("?" + "&".join(query) if query else "")

            label = f"{method.upper()} {path}"
            for p in params:
                if p["in"] not in ("path", "query"):
                    continue
                text = free_text(spec, p.get("schema", {}))
                for kind, value in BAD_VALUES.items():
                    yield label, method, url({p["name"]: in_url(value)}), p["name"], body, kind, text
            if isinstance(body, dict):
                properties = resolve(spec, body_schema).get("properties", {})
                for name, sub in properties.items():
                    text = free_text(spec, sub)
                    for kind, value in BAD_VALUES.items():
                        yield label, method, url({}), name, {**body, name: value}, kind, text


def misleading(status: int, payload: Any, field: str, kind: str, text: bool) -> str | None:
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return f"{status} without the contract's error body"
    message = str(error.get("message", ""))
    if status in (400, 422) and error.get("field") == field and message.endswith("is required"):
        return f"says {message!r} of a value that was given"
    if text and kind in BAD_STRINGS and status in (400, 422) and error.get("field") == field \
            and "NUL" not in message and "surrogate" not in message:
        return f"says {message!r}, not what is wrong ({kind})"
    return None


def raw_headers(base: str, token: str) -> list[str]:
    """Headers a client library will not send: NUL and non-ASCII bytes, answered by a 4xx, not a cut."""
    host, port = base.removeprefix("http://").split(":")
    problems = []
    for name, value in [("Authorization", b"Bearer a\x00b"), ("Authorization", b"Bearer \xff\xfe"),
                        ("X-Request-ID", b"\xed\xb0\x80"), ("Idempotency-Key", b"k\xff"),
                        ("Content-Type", b"application/json; charset=\xff")]:
        request = (b"GET /jobs HTTP/1.1\r\nHost: clara\r\n" + name.encode() + b": " + value + b"\r\n"
                   + (b"" if name == "Authorization" else f"Authorization: Bearer {token}\r\n".encode())
                   + b"Connection: close\r\n\r\n")
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.sendall(request)
            answer = sock.recv(65536)
        status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
        if status == 0 or status >= 500:
            problems.append(f"header {name}: {value!r} -> {status or 'connection cut'}")
    return problems


def run(base: str, token: str) -> list[str]:
    problems = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        spec = client.get("/openapi.json").json()
        tried = 0
        for label, method, url, field, body, kind, text in cases(spec):
            tried += 1
            content = json.dumps(body).encode() if body is not None else None  # \udc00 stays an escape
            try:
                response = client.request(method, url, content=content,
                                          headers={"Content-Type": "application/json"} if content else None)
            except httpx.TransportError as exc:
                problems.append(f"{label} {field}={kind}: connection cut ({type(exc).__name__})")
                continue
            if response.status_code >= 500:
                problems.append(f"{label} {field}={kind}: {response.status_code} {response.text[:200]}")
            elif response.status_code >= 400:
                try:
                    payload = response.json()
                except ValueError:
                    payload = None
                why = misleading(response.status_code, payload, field, kind, text)
                if why:
                    problems.append(f"{label} {field}={kind}: {response.status_code} {why}")
    problems += raw_headers(base, token)
    print(f"{tried} bad inputs and 5 raw headers tried; {len(problems)} problems")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server instead of one of our own")
    parser.add_argument("--token", help="a dispatcher's bearer token for --url")
    args = parser.parse_args()
    if args.url:
        problems = run(args.url.rstrip("/"), args.token)
    else:
        with bench_clara() as clara:
            problems = run(clara.url, clara.token(DISPATCHER))
    for problem in problems:
        print(" ", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
