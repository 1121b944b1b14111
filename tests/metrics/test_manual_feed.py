"""`/crisis metric feed` and `/crisis metric feed revoke`: who may, the key shown once with its
derived secret (never stored, never in the record), revoking, and the hook being off."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from app.audit.models import AuditEntry
from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import ALEX, LISA, MARIA, SARAH
from app.incidents.models import Incident
from app.metrics.keys import feed_secret, looks_like_key_id
from app.metrics.models import MetricFeed
from tests.databases import harness_on
from tests.metrics.test_manual import SECRET, harness, metric, recorded
from tests.record.helpers import rows
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.scenarios.conftest import crisis

__all__ = ["harness"]  # the fixture, on SQLite and PostgreSQL


async def feeds(harness: Harness, incident: Incident) -> list[MetricFeed]:
    async with harness.db() as session:
        query = select(MetricFeed).where(MetricFeed.incident_id == incident.id)
        return list((await session.exec(query.order_by(MetricFeed.created_at))).all())


def shown_key(said: str) -> tuple[str, str]:
    """The key id and the secret from the answer's lines."""
    key = next(line for line in said.splitlines() if "X-Crisis-Key" in line).split()[-1]
    secret = next(line for line in said.splitlines() if "X-Crisis-Signature" in line).split()[-1]
    return key, secret


async def test_the_lead_gets_a_key_and_its_secret_once(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    said = await metric(harness, MARIA.id, incident, "feed")
    key, secret = shown_key(said)
    assert looks_like_key_id(key) and secret == feed_secret(SECRET, key)
    assert "POST /hooks/metrics" in said and "Metrics from social listening" in said
    assert "shown only this once" in said
    [feed] = await feeds(harness, incident)
    assert (feed.key_id, feed.created_by, feed.revoked_at) == (key, MARIA.id, None)
    [created] = await recorded(harness, incident, "metric.feed_created")
    assert created["detail"] == {"key_id": key}
    everything = json.dumps(
        [dict(row) for row in await rows(harness.db, incident.id or 0)], default=str
    )
    async with harness.db() as session:
        trail = (await session.exec(select(AuditEntry))).all()
    assert secret not in everything and secret not in json.dumps([a.detail for a in trail])
    assert all(secret not in m.text for m in harness.double.messages(incident.channel_id))


async def test_social_and_admins_may_too_and_others_may_not(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await open_seed_incident(harness)
    await metric(harness, SARAH.id, incident, "feed")
    clock.advance(timedelta(minutes=1))
    said = await metric(harness, ALEX.id, incident, "feed")
    assert "1 earlier key(s) of INC-1 still work" in said
    refused = await metric(harness, LISA.id, incident, "feed")
    assert "Only the incident lead, Social or a Crisis Room admin" in refused
    assert "X-Crisis-Key" not in refused
    assert [feed.created_by for feed in await feeds(harness, incident)] == [SARAH.id, ALEX.id]
    refused = await metric(harness, LISA.id, incident, "feed revoke")
    assert "Only the incident lead, Social or a Crisis Room admin" in refused
    assert all(feed.revoked_at is None for feed in await feeds(harness, incident))


async def test_revoke_ends_every_key_of_the_war_room(harness: Harness, clock: FakeClock) -> None:
    incident = await open_seed_incident(harness)
    first, _ = shown_key(await metric(harness, MARIA.id, incident, "feed"))
    clock.advance(timedelta(minutes=1))
    second, _ = shown_key(await metric(harness, SARAH.id, incident, "feed"))
    said = await metric(harness, SARAH.id, incident, "feed revoke")
    assert f"Revoked 2 metrics feed key(s) of INC-1: {first}, {second}." in said
    assert [feed.revoked_at for feed in await feeds(harness, incident)] == [
        clock.now(),
        clock.now(),
    ]
    revoked = await recorded(harness, incident, "metric.feed_revoked")
    assert [entry["detail"] for entry in revoked] == [{"key_id": first}, {"key_id": second}]
    again = await metric(harness, SARAH.id, incident, "feed revoke")
    assert "INC-1 has no metrics feed key to revoke." in again


async def test_a_resolved_incident_gets_no_new_key_but_may_revoke(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await metric(harness, MARIA.id, incident, "feed")
    await crisis(harness, MARIA.id, "resolve The storm is over", channel=incident.channel_id)
    said = await metric(harness, MARIA.id, incident, "feed")
    assert "INC-1 is resolved; /crisis reopen first to add a metrics feed." in said
    assert "Revoked 1 metrics feed key(s)" in await metric(
        harness, MARIA.id, incident, "feed revoke"
    )


async def test_without_the_install_secret_the_hook_is_off(tmp_path: Path, clock: FakeClock) -> None:
    async with harness_on("sqlite", tmp_path, clock=clock) as running:
        incident = await open_seed_incident(running)
        said = await metric(running, MARIA.id, incident, "feed")
        assert "The metrics hook is off: an admin sets CRISIS_METRICS_SECRET" in said
        assert len(said.splitlines()) == 1
        assert await feeds(running, incident) == []
        said = await metric(running, MARIA.id, incident, "feed revoke")
        assert "INC-1 has no metrics feed key to revoke." in said
