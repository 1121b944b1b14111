"""What the server process loads (issue 12: idle RSS <= 100 MB after a 10,000-event burst).

Alembic with Mako and Pygments (~12 MB resident) runs in a child process at start
(app/store/migrate_child.py), matplotlib and numpy (~47 MB) draw metric charts in another
(app/metrics/chart_child.py), and the CLI's verify/export tools (tqdm, RSMF) load only when
their command runs: importing the server must load none of them. Checked in a fresh
interpreter, since this one has loaded them for the tests.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

ONLY_ELSEWHERE = ["alembic", "mako", "pygments", "tqdm", "app.store.migrate", "app.cli.record_run"]
ONLY_ELSEWHERE += ["matplotlib", "numpy"]  # metric charts: app/metrics/chart_child.py


def loaded_by(statement: str, **env: str) -> list[str]:
    script = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    found = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        check=True,
        env={**os.environ, **env},
        timeout=60,
    )
    return list(json.loads(found.stdout))


def test_the_server_and_its_command_line_load_no_migration_or_export_tool() -> None:
    modules = loaded_by("import app.cli, app.main, app.serve")
    assert "app.serve" in modules and "sqlalchemy" in modules  # it did import the server
    assert [name for name in ONLY_ELSEWHERE if name in modules] == []


def test_malloc_arenas_are_capped_on_glibc_unless_the_environment_chose() -> None:
    chosen = "from app.serve import fewer_malloc_arenas; print(fewer_malloc_arenas())"
    run = [sys.executable, "-c", chosen]
    mine = subprocess.run(run, capture_output=True, text=True, check=True, timeout=60)
    env = {**os.environ, "MALLOC_ARENA_MAX": "4"}
    theirs = subprocess.run(run, capture_output=True, text=True, check=True, env=env, timeout=60)
    assert mine.stdout.strip() == str(platform.libc_ver()[0] == "glibc")
    assert theirs.stdout.strip() == "False"
