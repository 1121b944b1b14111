"""Dockerfile, compose.yaml and deploy/haproxy.cfg: they start the bot the way the tests do,
check health on /healthz, and name only environment variables the bot (or PostgreSQL) reads."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
START = ["crisisroom", "serve"]


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = (line.strip() for line in text.splitlines())
    pairs = (line.split(maxsplit=1) for line in lines if line and not line.startswith("#"))
    return [(pair[0].upper(), pair[1] if len(pair) > 1 else "") for pair in pairs]


def dockerfile(keyword: str) -> list[str]:
    return [args for name, args in instructions() if name == keyword]


def healthcheck_command() -> list[str]:
    (args,) = dockerfile("HEALTHCHECK")
    command: list[str] = json.loads(args[args.index("CMD ") + 4 :])
    return command


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return document


def haproxy() -> str:
    return (ROOT / "deploy" / "haproxy.cfg").read_text()


def settings_variables() -> set[str]:
    return {field.alias for field in Settings.model_fields.values() if field.alias}


def test_the_image_runs_the_start_command_the_tests_run() -> None:
    assert [json.loads(args) for args in dockerfile("CMD")] == [START]
    assert not dockerfile("ENTRYPOINT")
    # `crisisroom` is app.cli:main, which is what `python -m app` (tests/scenarios) runs
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["crisisroom"] == "app.cli:main"
    assert "from app.cli import main" in (ROOT / "app" / "__main__.py").read_text()
    assert scenario_start_command() == ["-m", "app", "serve"]


def scenario_start_command() -> list[str]:
    tree = ast.parse((ROOT / "tests" / "scenarios" / "test_serve.py").read_text())
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "create_subprocess_exec"
        ):
            return [str(arg.value) for arg in node.args if isinstance(arg, ast.Constant)]
    raise AssertionError("tests/scenarios/test_serve.py starts no process")


def test_the_image_is_slim_python_311_runs_as_a_user_and_exposes_the_default_port() -> None:
    assert dockerfile("FROM") == ["python:3.11-slim"]
    (user,) = dockerfile("USER")
    assert user not in {"root", "0"}
    assert dockerfile("EXPOSE") == [str(Settings.model_fields["port"].default)]
    installs = [args for args in dockerfile("RUN") if "pip install" in args]
    assert len(installs) == 1 and '".[pdf]"' in installs[0] and "pip install ." in installs[0]


def test_pango_is_installed_only_for_the_pdf_build() -> None:
    (apt,) = [args for args in dockerfile("RUN") if "apt-get install" in args]
    assert apt.startswith('if [ -n "$PDF" ]; then')
    assert "libpango-1.0-0" in apt and "libpangoft2-1.0-0" in apt
    assert dockerfile("ARG") == ['PDF=""']


def test_the_build_context_leaves_secrets_and_local_state_out() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".venv", ".git", "data", "exports", "**/__pycache__"} <= ignored
    copied = " ".join(dockerfile("COPY"))
    assert ".env" not in copied


class HealthServer(ThreadingHTTPServer):
    """Answers GET /healthz with 200 while `healthy`, else 503 (as the bot does)."""

    healthy = True


class _Health(BaseHTTPRequestHandler):
    server: HealthServer

    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" and self.server.healthy else 503)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[HealthServer]:
    server = HealthServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("healthy", "passes"), [(True, True), (False, False)])
def test_the_image_healthcheck_asks_healthz_on_port(
    health_server: HealthServer, healthy: bool, passes: bool
) -> None:
    health_server.healthy = healthy
    command = healthcheck_command()
    assert command[:2] == ["python", "-c"] and "/healthz" in command[2]
    port = str(health_server.server_address[1])
    run = subprocess.run(
        [sys.executable, "-c", command[2]], env={"PORT": port}, capture_output=True, timeout=20
    )
    assert (run.returncode == 0) is passes


def test_compose_runs_two_replicas_of_the_image_on_postgresql() -> None:
    services = compose()["services"]
    assert services["postgres"]["image"] == "postgres:16"
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert any("/var/lib/postgresql/data" in v for v in services["postgres"]["volumes"])
    bot = services["bot"]
    assert bot["build"] == "." and bot["deploy"]["replicas"] == 2
    assert bot.get("command", START) == START  # the image's CMD, unless it says the same
    assert bot["env_file"] == ".env"
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:5432/" in bot["environment"]["DATABASE_URL"]


def test_the_load_balancer_checks_healthz_and_reaches_the_bots_port() -> None:
    lb = compose()["services"]["lb"]
    mounted = [v.split(":")[0] for v in lb["volumes"]]
    assert "./deploy/haproxy.cfg" in mounted
    config = haproxy()
    assert "http-check send meth GET uri /healthz" in config
    assert "http-check expect status 200" in config
    port = compose()["services"]["bot"]["environment"]["PORT"]
    assert re.search(rf"^\s*server-template bot \S+ bot:{port}$", config, re.MULTILINE)
    assert re.search(r"^\s*default-server check ", config, re.MULTILINE)
    (published,) = lb["ports"]
    assert published.endswith(":3000") and "bind :3000" in config


def test_every_variable_compose_names_is_read_by_the_bot_or_postgres() -> None:
    services = compose()["services"]
    named = {key for service in services.values() for key in service.get("environment", {})}
    text = (ROOT / "compose.yaml").read_text()
    named |= set(re.findall(r"\$\{(\w+)", text))
    unknown = {name for name in named if not name.startswith("POSTGRES_")}
    assert unknown - settings_variables() == set()
    assert {"DATABASE_URL", "HOST", "PORT"} <= named
