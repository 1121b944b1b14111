"""The SEV1 gate for outside people: its pure rules, the card and line builders, its setting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.errors import BadCommand
from app.incidents.external_access import Outsider, is_outside, legal_decides
from app.incidents.external_models import AccessState
from app.incidents.models import Severity
from app.settings import SettingsError, load_settings
from app.slack.blocks.external_access import (
    SHOWN,
    ask_blocks,
    decided_blocks,
    load_access_id,
    opener_line,
)
from app.slack.blocks.external_ids import ALLOW, DECLINE, EXTERNAL_ACTIONS, EXTERNAL_TEXT

BASE = {"SLACK_BOT_TOKEN": "xoxb-1-abc", "SLACK_SIGNING_SECRET": "shh"}
DANA = Outsider("U0DANA", "Dana Reyes", "T0ACME", "Acme PR")
HOSTILE = Outsider("U0EVE", "<!channel> Eve", "T0EVIL", "Evil & <@U0MARIA> LLP")
AT = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("setting", "severity", "waits"),
    [
        ("legal", Severity.SEV1, True),
        ("legal", Severity.SEV2, False),
        ("legal", Severity.SEV3, False),
        ("allow", Severity.SEV1, False),
    ],
)
def test_only_sev1_with_the_setting_at_legal_holds_outsiders_back(
    setting: str, severity: Severity, waits: bool
) -> None:
    assert legal_decides(setting, severity) is waits


def test_outside_is_another_team_outside_our_grid_org() -> None:
    assert not is_outside("T0CRISIS", home_team="T0CRISIS")
    assert is_outside("T0ACME", home_team="T0CRISIS")
    assert is_outside("", home_team="T0CRISIS")  # unknown: Legal decides
    grid = {"home_team": "T0CRISIS", "home_enterprise": "E0ORG"}
    assert not is_outside("T0SISTER", enterprise_id="E0ORG", **grid)
    assert is_outside("T0ACME", enterprise_id="E0ACME", **grid)
    assert is_outside("T0ACME", enterprise_id=None, home_team="T0CRISIS", home_enterprise=None)


def test_an_outsider_survives_its_stored_row() -> None:
    assert Outsider.from_row(DANA.as_row()) == DANA


def dicts(blocks: list) -> list[dict]:  # type: ignore[type-arg]
    return [block.to_dict() for block in blocks]


def test_the_ask_names_legal_the_people_and_offers_allow_and_decline() -> None:
    blocks = dicts(ask_blocks(ref="INC-3", legal=["U0DAVID"], people=[DANA], access_id=12))
    by_id = {block.get("block_id"): block for block in blocks}
    text = by_id[EXTERNAL_TEXT]["text"]["text"]
    assert "<@U0DAVID>" in text and "INC-3 is SEV1" in text
    assert "Dana Reyes (Acme PR)" in text and "<@U0DANA>" not in text  # named, not pinged
    buttons = by_id[EXTERNAL_ACTIONS]["elements"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [(ALLOW, "12"), (DECLINE, "12")]


def test_the_ask_without_legal_says_an_admin_must_name_someone() -> None:
    blocks = dicts(ask_blocks(ref="INC-3", legal=[], people=[DANA], access_id=1))
    assert "an admin must name someone" in blocks[0]["text"]["text"]


def test_names_and_organisations_are_escaped_everywhere() -> None:
    card = str(dicts(ask_blocks(ref="INC-3", legal=["U0DAVID"], people=[HOSTILE], access_id=1)))
    line = opener_line([HOSTILE])
    for shown in (card, line):
        assert "<!channel>" not in shown and "<@U0MARIA>" not in shown
        assert "&lt;!channel&gt; Eve (Evil &amp; &lt;@U0MARIA&gt; LLP)" in shown


def test_a_long_list_is_cut_with_a_count() -> None:
    people = [Outsider(f"U0P{i}", f"Person {i}", "T0ACME", "Acme PR") for i in range(SHOWN + 3)]
    text = dicts(ask_blocks(ref="INC-3", legal=[], people=people, access_id=1))[0]["text"]["text"]
    assert f"Person {SHOWN - 1} (Acme PR)" in text and f"Person {SHOWN} " not in text
    assert "…and 3 more" in text


def test_the_opener_reads_one_line_with_who_waits_and_why() -> None:
    line = opener_line([DANA])
    assert "\n" not in line and "Dana Reyes (Acme PR) is not in the war room yet" in line
    assert "Legal" in line and "SEV1" in line
    two = opener_line([DANA, Outsider("U0SAM", "Sam Ortiz", "T0LAW", "Ortiz LLP")])
    assert "Dana Reyes (Acme PR), Sam Ortiz (Ortiz LLP) are not" in two


@pytest.mark.parametrize(
    ("state", "said"),
    [(AccessState.ALLOWED, "Allowed by <@U0DAVID>"), (AccessState.DECLINED, "Declined by")],
)
def test_a_decided_card_has_no_buttons_and_says_who_and_when(state: AccessState, said: str) -> None:
    blocks = dicts(decided_blocks(ref="INC-3", people=[DANA], state=state, by="U0DAVID", at=AT))
    assert all(block["type"] != "actions" for block in blocks)
    shown = str(blocks)
    assert said in shown and "<!date^1795269600^" in shown and "Dana Reyes (Acme PR)" in shown


def test_a_button_value_must_be_an_id() -> None:
    assert load_access_id("42") == 42
    for bad in (None, "", "4x", "-1", 3):
        with pytest.raises(BadCommand):
            load_access_id(bad)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SEV1_EXTERNAL_MEMBERS", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env


@pytest.mark.usefixtures("clean_env")
def test_the_setting_defaults_to_legal_and_reads_either_word() -> None:
    assert load_settings(**BASE).sev1_external_members == "legal"
    assert load_settings(**BASE, SEV1_EXTERNAL_MEMBERS=" Allow ").sev1_external_members == "allow"
    assert load_settings(**BASE, SEV1_EXTERNAL_MEMBERS="").sev1_external_members == "legal"


@pytest.mark.usefixtures("clean_env")
def test_a_bad_value_stops_the_start_naming_the_variable() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(**BASE, SEV1_EXTERNAL_MEMBERS="sometimes")
    assert str(raised.value).startswith("SEV1_EXTERNAL_MEMBERS: must be legal")
    assert "allow" in str(raised.value)
