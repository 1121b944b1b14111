"""Resolving an incident produces the final export of its record, automatically."""

from __future__ import annotations

from app.harness import Harness
from app.harness.seed import MARIA
from app.record.verify import verify_incident
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.scenarios.conftest import crisis


async def test_resolve_uploads_the_final_record_with_its_hash(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "resolve Sentiment back to normal", channel=incident.channel_id)
    [upload] = harness.double.calls_to("files.completeUploadExternal")
    assert upload.ok and upload.args["channel_id"] == incident.channel_id
    shared = [m for m in harness.double.messages(incident.channel_id) if m.files]
    assert len(shared) == 1
    assert shared[0].files[0].name.endswith(".html")
    assert "hash" in shared[0].text.lower()
    report = await verify_incident(harness.db, incident.id or 0)
    assert report.intact, report.describe()
