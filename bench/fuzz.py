"""Fuzz every route of a running Clara from its own /openapi.json with schemathesis, authenticated.

Each operation gets schema-valid (positive) and schema-violating (negative) cases, sent as a dispatcher (who may
reach every resource) and as a technician (who meets the 403s), and every response goes through all of
schemathesis' checks: no 5xx, a status code the document lists, the content type and headers it names, a body
that validates against its schema, a case that violates the schema refused and a case that keeps to it accepted.
Failures are collected, not stopped at, and printed as route, input, response.

    python bench/fuzz.py [--examples 40] [--seed 2026]          # >= 2,000 cases against a server it starts
    python bench/fuzz.py --url http://127.0.0.1:8000 --token T  # against one already running

tests/test_fuzz.py runs the same loop with a few examples per operation.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTRY
from schemathesis.checks import load_all_checks
from schemathesis.core.failures import Failure

load_all_checks()
# Every check schemathesis has (`--checks all`): no 5xx; status codes, content types, headers and bodies as the
# document says; schema-violating input refused and schema-valid input accepted (the server and its document
# agree both ways); required headers, unsupported methods, auth that is really checked. Each is a failure.
CHECKS = REGISTRY.get_all()
ACCEPTANCE = "Schema-valid request rejected"  # positive_data_acceptance's title
# Schema-valid input the server still refuses, by a rule OpenAPI 3.1 cannot state: (operation, error code, field)
# -> the rule. These are reported apart, and only these: any other refusal of valid input is a failure.
RULES = {
    ("GET /jobs", "validation_error", "latitude"): "latitude and longitude, two query parameters, come together",
    ("GET /jobs", "validation_error", "longitude"): "latitude and longitude, two query parameters, come together",
    ("GET /daily-brief", "validation_error", "latitude"): "latitude and longitude come together",
    ("GET /daily-brief", "validation_error", "longitude"): "latitude and longitude come together",
    ("GET /jobs/{job_id}", "validation_error", "latitude"): "latitude and longitude come together",
    ("GET /jobs/{job_id}", "validation_error", "longitude"): "latitude and longitude come together",
    ("GET /clara-server/analytics/summary", "validation_error", "since"): "since must be before until",
    ("GET /clara-server/analytics/usage", "validation_error", "since"): "since must be before until",
    ("POST /clara-server/analytics/event", "validation_error", "timestamp"): "within the last 30 days, not ahead",
    ("POST /clara-server/analytics/events", "validation_error", "events[].timestamp"): "within the last 30 days",
    ("POST /clara-server/travel-time", "unknown_location", "origin"): "a place must be one of our sites",
    ("POST /clara-server/travel-time", "unknown_location", "destination"): "a place must be one of our sites",
    ("POST /clara-server/travel-time", "ambiguous_location", "origin"): "a place must name one site",
    ("POST /clara-server/travel-time", "ambiguous_location", "destination"): "a place must name one site",
    ("POST /clara-server/knowledge/documents", "unsupported_media_type", "file"): "the file's bytes decide its type",
    ("POST /clara-server/equipment/identify", "unsupported_media_type", "image"): "the photo's bytes decide",
    ("GET /clara-server/crm/customers", "validation_error", "q"): "a search has a letter or digit, in any script",
    ("POST /jobs/{job_id}/deficiencies", "validation_error", "equipment_id"): "the unit must be at the job's site",
    ("PATCH /jobs/{job_id}", "validation_error", "status"): "a status or notes to change; a null status is none",
    ("PUT /clara-server/users/{user_id}/preferences", "validation_error", "body"): "a preference to change; a null is none",
    ("POST /clara-server/travel-time", "validation_error", "origin"): "a place name has a letter or digit",
    ("POST /clara-server/travel-time", "validation_error", "destination"): "a place name has a letter or digit",
    ("POST /clara-server/knowledge/documents", "unreadable_document", "file"): "a PDF needs a text layer",
    ("POST /clara-server/equipment/identify", "validation_error", "image"): "the photo's bytes: not empty, an image",
    ("POST /voice/chat/{user_id}", "validation_error", "latitude"): "a null latitude is no latitude: pairs",
    ("POST /voice/chat/{user_id}", "validation_error", "longitude"): "a null longitude is no longitude: pairs",
}
# The same, for any operation, by the refusal's message: what no store can hold, wherever it is in a body.
RULES_ANYWHERE = {
    "must not contain NUL characters or unpaired UTF-16 surrogates": "PostgreSQL text holds neither",
    "is out of range: numbers must be finite, integers at most": "integers a JSON client holds (2**53-1), anywhere",
}
# Operations that end the identities' sessions (logout revokes the token; a dispatcher may deactivate the
# technician): fuzzed last, so they do not turn every later case into a 401.
SESSION_ENDING = ("POST /auth/logout", "PATCH /clara-server/users/{user_id}")


@dataclass(frozen=True)
class Finding:
    operation: str
    identity: str
    check: str
    request: str
    status: int
    response: str
    rule: str | None = None  # the rule the document cannot state, when that is why valid input was refused


@dataclass
class FuzzReport:
    cases: int = 0
    operations: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    findings: dict[tuple[str, str, int, bool], Finding] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings.values() if f.rule is None]

    @property
    def ruled(self) -> list[Finding]:
        return [f for f in self.findings.values() if f.rule is not None]

    @property
    def passed(self) -> bool:
        return self.server_errors == 0 and not self.failures

    def record(self, finding: Finding) -> None:
        self.findings.setdefault((finding.operation, finding.check, finding.status, finding.rule is None), finding)

    def summary(self) -> str:
        lines = [f"{self.cases} cases over {self.operations} operations in {self.seconds:.0f} s; "
                 f"statuses {dict(sorted(self.statuses.items()))}; {self.server_errors} 5xx; "
                 f"{len(self.failures)} distinct failures (all {len(CHECKS)} checks); {len(self.ruled)} refusals by "
                 "rules the document cannot state"]
        for title, findings in (("FAILURES", self.failures), ("RULES (valid by the schema, refused by a rule)",
                                                              self.ruled)):
            if findings:
                lines.append(title)
            for finding in findings:
                lines.append(f"- {finding.operation} as {finding.identity}: {finding.check} -> {finding.status}\n"
                             f"    request:  {finding.request}\n    response: {finding.response}")
        return "\n".join(lines)


def _describe(case: schemathesis.Case) -> str:
    parts = [f"{case.method.upper()} {case.formatted_path}"]
    for name in ("query", "body"):
        value = getattr(case, name, None)
        if value not in (None, {}) and not isinstance(value, type(schemathesis.core.NOT_SET)):
            parts.append(f"{name}={value!r}"[:400])
    return " ".join(parts)


def _rule(operation: str, response: requests.Response) -> str | None:
    try:
        error = response.json()["error"]
        field = re.sub(r"\[\d+\]", "[]", error.get("field") or "")  # events[3].timestamp: any event of a batch
        anywhere = next((why for text, why in RULES_ANYWHERE.items() if text in error["message"]), None)
        return RULES.get((operation, error["code"], field)) or anywhere
    except (ValueError, KeyError, TypeError):
        return None


def _exerciser(report: FuzzReport, session: requests.Session, base_url: str, identity: str,
               headers: dict[str, str], checks: list[Any]) -> Any:
    """One case: send it, count it, run the checks, keep any failure (never raise: the run goes on)."""

    def exercise(case: schemathesis.Case) -> None:
        response = case.call(base_url=base_url, session=session, headers=headers, timeout=60)
        report.cases += 1
        report.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (Failure, AssertionError, BaseExceptionGroup) as exc:
            for failure in getattr(exc, "exceptions", None) or [exc]:
                check = getattr(failure, "title", type(failure).__name__)
                report.record(Finding(
                    operation=case.operation.label, identity=identity, check=check, request=_describe(case),
                    status=response.status_code, response=response.text[:400].replace("\n", " "),
                    rule=_rule(case.operation.label, response) if check == ACCEPTANCE else None))

    return exercise


def run_fuzz(base_url: str, identities: dict[str, str], *, examples: int, seed: int = 2026,
             modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)) -> FuzzReport:
    """Fuzz every operation `examples` times per mode and identity; `identities` maps a name to a bearer token."""
    # Undeclared query parameters are ignored, as HTTP APIs do; only declared inputs count as "invalid" here.
    config = schemathesis.Config.from_dict({"generation": {"allow-extra-parameters": False}})
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json", config=config, timeout=30)
    report = FuzzReport()
    session = requests.Session()
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in sorted(operations, key=lambda op: op.label in SESSION_ENDING):
        report.operations += 1
        for identity, bearer in identities.items():
            for mode in modes:
                checks = CHECKS
                fuzz_one = hypothesis.given(case=operation.as_strategy(generation_mode=mode))(
                    _exerciser(report, session, base_url, identity, {"Authorization": f"Bearer {bearer}"}, checks))
                settings = hypothesis.settings(max_examples=examples, deadline=None, database=None,
                                               suppress_health_check=list(HealthCheck), phases=[Phase.generate])
                try:
                    hypothesis.seed(seed)(settings(fuzz_one))()
                except hypothesis.errors.Unsatisfiable:
                    pass  # nothing to negate (an operation without parameters or body): positive cases cover it
    report.seconds = time.monotonic() - started
    return report


def _serve(args: argparse.Namespace) -> int:
    """Start Clara on a database and Redis of its own, fuzz it, print the report."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from _clara_bench import bench_clara, identity_tokens

    with bench_clara() as clara:
        tokens = identity_tokens(clara)
        print(f"server ready in {clara.startup_seconds:.0f} s (first start embeds the knowledge corpus)")
        report = run_fuzz(clara.url, tokens, examples=args.examples, seed=args.seed)
        print(report.summary())
        if clara.logs().count("Traceback"):
            print(f"server log has {clara.logs().count('Traceback')} tracebacks: {clara.log_path}")
    return 0 if report.passed and report.cases >= args.minimum else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=40, help="examples per operation, mode and identity")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--minimum", type=int, default=2000, help="fail unless at least this many cases ran")
    parser.add_argument("--url", help="fuzz this running server instead of starting one")
    parser.add_argument("--token", action="append", default=[], help="bearer token(s) for --url")
    args = parser.parse_args()
    if args.url:
        report = run_fuzz(args.url.rstrip("/"), {f"token{i}": t for i, t in enumerate(args.token)},
                          examples=args.examples, seed=args.seed)
        print(report.summary())
        return 0 if report.passed else 1
    return _serve(args)


if __name__ == "__main__":
    sys.exit(main())
