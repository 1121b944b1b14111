"""Exports uploaded to Slack carry their production manifest: one upload, two files, both in
the custody entry; Home still links the document."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from app.harness import Harness
from app.harness.seed import DAVID, MARIA
from app.record.chain import timestamp
from app.record.verify import verify_incident
from app.slackdouble.workspace import SlackFile
from tests.record.scenario import open_war_room, record_of, settle_all
from tests.scenarios.conftest import crisis


def shared_files(harness: Harness, channel: str) -> list[SlackFile]:
    [shared] = [m for m in harness.double.messages(channel) if m.files]
    return list(shared.files)


def digests(data: bytes) -> dict[str, Any]:
    return {
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "md5": hashlib.md5(data, usedforsecurity=False).hexdigest(),
    }


async def custody_of(harness: Harness, incident_id: int) -> dict[str, Any]:
    rows = await record_of(harness, incident_id)
    [entry] = [r for r in rows if r["kind"] == "action" and r["body"]["action"] == "record.export"]
    return dict(entry["body"]["detail"])


async def test_export_leaves_the_document_and_its_manifest(harness: Harness) -> None:
    incident = await open_war_room(harness)
    harness.double.post_as(MARIA.id, incident.channel_id, "Draft holding statement")
    await settle_all(harness)

    await crisis(harness, DAVID.id, "export md", channel=incident.channel_id)
    await settle_all(harness)

    document, manifest_file = shared_files(harness, incident.channel_id)
    assert document.name == "INC-1-record.md"
    assert manifest_file.name == "INC-1-record.md.manifest.json"
    assert document.content and manifest_file.content
    manifest = json.loads(manifest_file.content)
    [listed] = manifest["files"]
    assert listed == {"path": "INC-1-record.md", "incident": "INC-1", **digests(document.content)}
    assert manifest["exported_by"] == DAVID.id and manifest["format"] == "md"
    assert manifest["exported_at"] == timestamp(harness.clock.now())
    assert manifest["scope"] == {"incident": "INC-1"}
    custody = await custody_of(harness, incident.id)
    [part] = manifest["incidents"]
    assert part["entries"] == {"first": 1, "last": custody["entries"]}
    assert part["head_hash"] == custody["final_hash"] and part["intact"] is True
    assert custody["file_id"] == document.id
    assert custody["files"] == [{"path": "INC-1-record.md", **digests(document.content)}]
    assert custody["manifest"] == {
        "path": manifest_file.name,
        "file_id": manifest_file.id,
        **digests(manifest_file.content),
    }
    assert (await verify_incident(harness.db, incident.id)).intact


async def test_resolve_uploads_both_in_one_call_and_home_links_the_document(
    harness: Harness,
) -> None:
    incident = await open_war_room(harness)
    await crisis(harness, MARIA.id, "resolve Back to normal", channel=incident.channel_id)
    await settle_all(harness)

    [upload] = harness.double.calls_to("files.completeUploadExternal")
    assert upload.ok and len(upload.args["files"]) == 2
    document, manifest_file = shared_files(harness, incident.channel_id)
    assert document.name.endswith(".html") and manifest_file.name.endswith(".manifest.json")
    assert manifest_file.title.endswith("production manifest")
    custody = await custody_of(harness, incident.id)
    assert custody["file_id"] == document.id != custody["manifest"]["file_id"]

    opened = {"type": "app_home_opened", "user": MARIA.id, "tab": "home"}
    assert (await harness.driver.event(opened)).status == 200
    await harness.settle()
    home = str(harness.double.home(MARIA.id)["blocks"])
    assert f"/{document.id}/{document.name}" in home
    assert manifest_file.id not in home
