"""What an alert says, built from plain values: the line per kind of rule, the source escaped
once, the raise button only while it has something to do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.incidents.models import Severity
from app.metrics.alerting import fired_line
from app.metrics.alerts import MetricAlert
from app.metrics.crossings import Crossing
from app.metrics.thresholds import AlertKind, Change, Level, Recovery, Silence, Threshold
from app.slack import ids
from app.slack.blocks.metric_alert import alert_blocks, alert_text, dm_text

NOW = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
H = timedelta(hours=1)


def alert(**values: object) -> MetricAlert:
    fields: dict[str, object] = {
        "id": 7,
        "incident_id": 3,
        "rule": "views above 1M",
        "source": "tiktok",
        "crossing": 1,
        "kind": AlertKind.ABOVE,
        "metric": "views",
        "value": 2_700_000.0,
        "crossed_at": NOW,
        "fired": "views crossed 1M (now 2.7M, tiktok) · rule: views above 1M",
        "created_at": NOW,
        "raise_to": Severity.SEV1,
        "escalate": True,
        **values,
    }
    return MetricAlert(**fields)


def test_each_kind_of_rule_reads_as_a_sentence() -> None:
    level = Threshold("views", Level(1_000_000))
    assert (
        fired_line(level, Crossing(1, NOW, 2_700_000), source="tiktok", unit="")
        == "views crossed 1M (now 2.7M, tiktok) · rule: views above 1M"
    )
    drop = Threshold("sentiment", Change(30, 2 * H))
    assert (
        fired_line(drop, Crossing(1, NOW, -40, reference=-10), source="", unit="%")
        == "sentiment dropped 300% within 2h (-10% → -40%) · rule: sentiment drops 30% within 2h"
    )
    absolute = Threshold("views", Change(100_000, H, rises=True, relative=False))
    assert fired_line(absolute, Crossing(1, NOW, 350_000, 150_000), source="", unit="").startswith(
        "views rose 200K within 1h (150K → 350K)"
    )
    recovery = Threshold("sentiment", Recovery(10, 24 * H))
    assert fired_line(recovery, Crossing(1, NOW, 58, 60), source="", unit="") == (
        "sentiment recovered: within 10% of baseline for 24h — monitoring can step down"
    )
    silence = Threshold("views", Silence(timedelta(minutes=30), 3))
    assert fired_line(silence, Crossing(1, NOW, None), source="", unit="").startswith(
        "No `views` point for 1h30m (expected every 30m): silence from the listening tool"
    )


def test_the_source_is_escaped_once_where_slack_reads_it() -> None:
    hostile = alert(fired="views crossed 1M (now 2.7M, <!channel> & co) · rule: views above 1M")
    assert "&lt;!channel&gt; &amp; co" in alert_text(hostile)
    assert "<!channel>" not in dm_text(hostile, title="<@U0X> video", channel_id="C0WAR")
    assert "&lt;@U0X&gt; video" in dm_text(hostile, title="<@U0X> video", channel_id="C0WAR")


def test_the_raise_button_only_while_it_can_raise() -> None:
    def action_ids(blocks: list[object]) -> list[str]:
        found = [b.to_dict() for b in blocks]  # type: ignore[attr-defined]
        return [e["action_id"] for b in found if b["type"] == "actions" for e in b["elements"]]

    assert action_ids(alert_blocks(alert(), can_raise=True)) == [ids.METRIC_ALERT_RAISE]
    assert action_ids(alert_blocks(alert(), can_raise=False)) == []
    assert action_ids(alert_blocks(alert(raised_by="U0MARIA"), can_raise=True)) == []
    assert action_ids(alert_blocks(alert(raise_to=None), can_raise=True)) == []
    raised = alert_blocks(alert(raised_by="U0MARIA"), can_raise=False)
    assert "Raised to SEV1 by <@U0MARIA>." in str(raised[1].to_dict())


def test_a_recovery_and_a_silence_have_their_own_emoji() -> None:
    assert alert_text(alert(kind=AlertKind.RECOVERY)).startswith(":white_check_mark: ")
    assert alert_text(alert(kind=AlertKind.STALE)).startswith(":mute: ")
    assert alert_text(alert()).startswith(":warning: ")


def test_what_the_alert_changed_is_noted_under_it() -> None:
    blocks = alert_blocks(alert(cadence_seconds=900, cadence_was=1800), can_raise=True)
    note = str(blocks[1].to_dict())
    assert "Updates are now due every 15m (was 30m)." in note
    assert "The executives are told by DM." in note
    assert "The incident lead can raise INC-3 to SEV1." in note
