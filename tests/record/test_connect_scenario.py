"""Slack Connect in the legal record: an outside PR agency's person talks in the war room; the
record keeps each author's organisation and every export says who was external."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import DAVID, MARIA
from app.record.export.rsmf import export_rsmf
from app.record.export.rsmf_pack import unpack
from app.record.verify import verify_incident
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.record.scenario import open_war_room, record_of, said, settle_all
from tests.record.test_rsmf import SCHEMA
from tests.scenarios.conftest import crisis

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DANA, ACME = "U0DANA", "T0ACMEPR"
DANA_MARKED = "Dana Reyes (external · Acme PR)"


async def agency_talks(harness: Harness) -> tuple[int, str]:
    """Dana, of the outside agency Acme PR, joins the war room and talks; so does Maria."""
    harness.double.add_external_user(
        DANA, "dana", team_id=ACME, team_name="Acme PR", real_name="Dana Reyes"
    )
    incident = await open_war_room(harness)
    assert incident.id is not None
    harness.double.join_as(DANA, incident.channel_id)
    harness.double.post_as(DANA, incident.channel_id, "Draft holding statement is ready")
    harness.double.post_as(MARIA.id, incident.channel_id, "Thanks, Legal will review it")
    await settle_all(harness)
    return incident.id, incident.channel_id


def exported(harness: Harness, channel: str, name: str) -> str:
    found = [f for m in harness.double.messages(channel) for f in m.files if f.name == name]
    assert found and found[-1].content is not None, name
    return found[-1].content.decode()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_record_keeps_each_authors_organisation(backend: str, tmp_path: Path) -> None:
    async with harness_on(backend, tmp_path, clock=FakeClock()) as harness:
        incident_id, _ = await agency_talks(harness)
        rows = await record_of(harness, incident_id)
        [dana] = [r for r in rows if said(r) == "Draft holding statement is ready"]
        [maria] = [r for r in rows if said(r) == "Thanks, Legal will review it"]
        assert dana["user_name"] == "Dana Reyes"
        assert dana["body"]["organisation"] == {
            "team_id": ACME,
            "name": "Acme PR",
            "external": True,
        }
        ours = harness.double.team_id
        assert maria["body"]["organisation"] == {
            "team_id": ours,
            "name": "Crisis Room Demo",
            "external": False,
        }
        assert (await verify_incident(harness.db, incident_id)).intact
        assert {c.args.get("team") for c in harness.double.calls_to("team.info")} == {ACME, ours}


async def test_exports_list_the_organisations_and_mark_outsiders(harness: Harness) -> None:
    _, channel = await agency_talks(harness)
    await crisis(harness, DAVID.id, "export", channel=channel)
    page = exported(harness, channel, "INC-1-record.html")
    assert "Organisations taking part: Crisis Room Demo (internal), Acme PR (external)." in page
    assert re.search(
        r"Dana Reyes <span[^>]*>\(U0DANA\)</span></td><td>Acme PR</td><td>external", page
    )
    assert re.search(
        r"Maria Rodriguez <span[^>]*>\([^)]*\)</span></td><td>Crisis Room Demo</td><td>internal",
        page,
    )
    assert f'<span class="who">{DANA_MARKED}</span>' in page
    assert '<span class="who">Maria Rodriguez</span>' in page

    await crisis(harness, DAVID.id, "export md", channel=channel)
    text = exported(harness, channel, "INC-1-record.md")
    assert "Organisations taking part: Crisis Room Demo (internal), Acme PR (external)." in text
    assert "· Dana Reyes \\(external · Acme PR\\)** · #" in text  # Markdown-escaped brackets
    assert "- Dana Reyes (U0DANA · Acme PR, external)" in text

    await crisis(harness, DAVID.id, "export csv", channel=channel)
    table = list(csv.DictReader(io.StringIO(exported(harness, channel, "INC-1-record.csv"))))
    [dana] = [row for row in table if row["text"] == "Draft holding statement is ready"]
    assert (dana["organisation"], dana["affiliation"]) == ("Acme PR", "external")
    [maria] = [row for row in table if row["text"] == "Thanks, Legal will review it"]
    assert (maria["organisation"], maria["affiliation"]) == ("Crisis Room Demo", "internal")


async def test_rsmf_names_each_participants_organisation(harness: Harness) -> None:
    incident_id, _ = await agency_talks(harness)
    written: dict[str, bytes] = {}
    await export_rsmf(harness.db, incident_id, written.__setitem__, now=FakeClock().now())
    people: dict[str, dict[str, str]] = {}
    for data in written.values():  # one file per UTC day
        _, manifest, _ = unpack(data)
        assert [e.message for e in Draft7Validator(SCHEMA).iter_errors(manifest)] == []
        for person in manifest["participants"]:
            custom = {c["name"]: c["value"] for c in person.get("custom", [])}
            people.setdefault(person["id"], {}).update(custom)
    assert (people[DANA]["Organisation"], people[DANA]["Affiliation"]) == ("Acme PR", "external")
    assert people[MARIA.id]["Affiliation"] == "internal"


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
async def test_a_browser_shows_who_was_external(harness: Harness, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    _, channel = await agency_talks(harness)
    await crisis(harness, DAVID.id, "export", channel=channel)
    path = tmp_path / "record.html"
    path.write_text(exported(harness, channel, "INC-1-record.html"), encoding="utf-8")
    probe = (
        "<script>addEventListener('load', () => { document.body.dataset.seen = JSON.stringify("
        "[...document.querySelectorAll('.who, table.participants td, .organisations')]"
        ".map(e => e.innerText)) })</script></body>"
    )
    path.write_text(path.read_text(encoding="utf-8").replace("</body>", probe), encoding="utf-8")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu"]
    command += ["--virtual-time-budget=5000", "--dump-dom", path.as_uri()]
    dom = subprocess.run(command, check=True, capture_output=True, text=True, timeout=180).stdout
    found = re.search(r'data-seen="([^"]*)"', dom)
    assert found is not None, dom[-500:]
    seen = found.group(1).replace("&quot;", '"')
    assert DANA_MARKED in seen and "Maria Rodriguez" in seen
    assert '"Acme PR","external"' in seen and '"Crisis Room Demo","internal"' in seen
    assert "Organisations taking part: Crisis Room Demo (internal), Acme PR (external)." in seen
