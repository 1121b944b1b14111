from datetime import UTC, datetime

from app.incidents.models import Incident, Kind, Severity, Status
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks.brief import BriefFacts, brief_blocks, brief_text
from app.slack.blocks.text import safe


def incident(**overrides: object) -> Incident:
    values: dict[str, object] = {
        "id": 7,
        "title": "Customer-service video going viral",
        "severity": Severity.SEV1,
        "kind": Kind.CRISIS,
        "summary": "",
        "status": Status.INVESTIGATING,
        "channel_id": "C0WAR",
        "channel_name": "crisis-20261121-video",
        "opened_by": "U0MARIA",
        "opened_at": datetime(2026, 11, 21, 14, 0, tzinfo=UTC),
        "next_update_due": datetime(2026, 11, 21, 14, 30, tzinfo=UTC),
    }
    values.update(overrides)
    return Incident(**values)  # type: ignore[arg-type]


def dicts(facts: BriefFacts) -> list[dict]:
    return [block.to_dict() for block in brief_blocks(facts)]


def test_brief_shows_id_title_facts_roles_and_next_update() -> None:
    holders = {Role.LEAD: ["U0MARIA"], Role.LEGAL: ["U0DAVID", "U0ANNA"]}
    blocks = dicts(BriefFacts(incident=incident(), holders=holders))
    by_id = {block.get("block_id"): block for block in blocks}
    assert by_id[ids.BRIEF_HEADER]["text"]["text"] == "INC-7 Customer-service video going viral"
    facts = " ".join(field["text"] for field in by_id[ids.BRIEF_FACTS]["fields"])
    assert "SEV1 critical" in facts and "Crisis" in facts and "Investigating" in facts
    assert "<@U0MARIA>" in facts and "<!date^1795269600^" in facts
    roles = by_id[ids.BRIEF_ROLES]["text"]["text"]
    assert "*Legal*: <@U0DAVID>, <@U0ANNA>" in roles
    assert "*Executive*: _nobody yet_" in roles
    assert "Next stakeholder update due <!date^1795271400^" in str(by_id[ids.BRIEF_NEXT])


def test_summary_is_escaped_and_titles_are_clipped_for_the_header() -> None:
    hostile = incident(title="🔥" * 200, summary="<!channel> <@U0CEO> & co", kind=Kind.POSITIVE)
    blocks = dicts(BriefFacts(incident=hostile, holders={}))
    header = blocks[0]["text"]["text"]
    assert len(header) <= 150 and header.endswith("…")
    summary = next(b for b in blocks if "Summary" in str(b.get("text", {}).get("text", "")))
    assert "&lt;!channel&gt; &lt;@U0CEO&gt; &amp; co" in summary["text"]["text"]
    assert "Positive virality" in str(blocks)


def test_paused_and_resolved_incidents_say_so() -> None:
    paused = dicts(BriefFacts(incident=incident(next_update_due=None), holders={}))
    assert "paused" in str(paused[-1])
    resolved = dicts(BriefFacts(incident=incident(status=Status.RESOLVED), holders={}))
    assert "Resolved" in str(resolved[-1])


def test_fallback_text_names_the_incident() -> None:
    assert brief_text(incident()) == "INC-7 Customer-service video going viral: SEV1 investigating"


def test_safe_never_cuts_an_entity_in_half() -> None:
    text = safe("a" * 8 + "<", 10)
    assert text == "a" * 8 + "…"
    assert safe("<b>", 100) == "&lt;b&gt;"
