"""The seed story's decisions, read back from the record into the exported documents."""

from __future__ import annotations

import io

from app.harness import Harness
from app.harness.seed import DAVID, MARIA, ROBERT
from app.record.export.run import export_record
from app.roles.models import Role
from app.slack import ids
from tests.record.scenario import settle_all
from tests.scenarios.approvals_helpers import click, open_seed_incident, propose

APOLOGY = "We are sorry. This was our fault."
REVISED = "We are sorry for your experience and are retraining our team today."


async def test_every_wording_and_decision_is_in_the_decisions_log(harness: Harness) -> None:
    harness.driver.forward_events()
    incident = await open_seed_incident(harness)
    action = await propose(
        harness,
        MARIA.id,
        incident,
        title="CEO apology",
        details=APOLOGY,
        category="public_statement",
    )
    await click(harness, ROBERT.id, action.id, ids.APPROVE, role=Role.EXEC)
    await click(harness, DAVID.id, action.id, ids.REQUEST_CHANGES, role=Role.LEGAL)
    await harness.driver.submit_view(DAVID.id, {ids.REASON_INPUT: "No admission of <fault>."})
    await harness.settle()
    await click(harness, MARIA.id, action.id, ids.REVISE, where=MARIA.id)
    await harness.driver.submit_view(MARIA.id, {ids.REVISE_DETAILS: REVISED})
    await harness.settle()
    await click(harness, DAVID.id, action.id, ids.APPROVE, role=Role.LEGAL)
    await click(harness, ROBERT.id, action.id, ids.APPROVE, role=Role.EXEC)
    await settle_all(harness)

    out = io.StringIO()
    result = await export_record(harness.db, incident.id or 0, "html", out, now=harness.clock.now())
    page = out.getvalue()
    log = page[page.index('id="decisions"') : page.index('id="updates"')]
    assert result.intact
    assert f"A-{action.id} · CEO apology" in log and "approved" in log
    assert "Revision 1" in log and "Revision 2" in log
    assert APOLOGY in log and REVISED in log
    assert "requested changes on" in log and "No admission of &lt;fault&gt;." in log
    assert log.count("approved A-") == 3  # exec on revision 1, then legal and exec on 2
    assert "David Kim" in log and "Robert Chen" in log and "Maria Rodriguez" in log
    cover = page[page.index('id="cover"') : page.index('id="decisions"')]
    assert "David Kim" in cover and "legal" in cover and "opened the incident" in cover
