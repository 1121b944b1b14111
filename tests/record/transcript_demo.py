"""The demo's exported record, made once per test module that asks for it."""

from __future__ import annotations

import asyncio
import contextlib
import io
from pathlib import Path

from app.demo.run import run_demo


def demo_exports(folder: Path) -> Path:
    """Play the demo (quietly) and return the folder holding its HTML and JSONL exports."""
    with contextlib.redirect_stdout(io.StringIO()):
        code = asyncio.run(run_demo(quiet=True, out_dir=folder))
    assert code == 0
    return folder
