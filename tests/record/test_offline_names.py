"""The decisions log names people, not ids, even in an export that asked Slack for no names
(the demo exports without `known_names`, as `crisisroom export --offline` does)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.record.transcript_demo import demo_exports


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = demo_exports(Path(tmp_path_factory.mktemp("offline")))
    return (folder / "INC-1-record.html").read_text(encoding="utf-8")


def decisions_section(document: str) -> str:
    start = document.index("Decisions log")
    end = document.index("Stakeholder updates", start)
    return re.sub(r"<[^>]+>", " ", document[start:end])


def test_the_decisions_log_names_people_without_asking_slack(html: str) -> None:
    section = decisions_section(html)
    for name in ("Maria Rodriguez", "David Kim", "Robert Chen", "Lisa Park"):
        assert name in section
    bare = re.findall(r"(?<![(\w])U0[A-Z]+\b(?!\))", section)
    assert bare == [], f"ids shown without a name: {sorted(set(bare))}"
