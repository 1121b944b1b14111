"""A library statement used with audience variants: the library approved only the main words,
so the proposal is not "used unchanged" and needs the full approval."""

from __future__ import annotations

from app.approvals.variants import Audience, texts_of
from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import SARAH
from app.slack.blocks.approvals.variants_ids import input_id
from app.slack.blocks.library_modals import VARIANTS_HINT
from tests.scenarios.approvals_helpers import copy_for, shown
from tests.scenarios.conftest import crisis
from tests.scenarios.test_library_use import EXPECTED, FILLED, roles_asked, seeded, use

PRESS = "Statement: we have apologised to the customer and are retraining the team."


async def test_the_form_says_variants_need_the_full_approval(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await seeded(harness, clock)
    text = "propose --from-library apology-long-wait"
    await crisis(harness, SARAH.id, text, channel=incident.channel_id)
    [form] = harness.double.open_views(SARAH.id)
    assert VARIANTS_HINT in str(form) and input_id(Audience.PRESS) in str(form)


async def test_used_with_a_variant_it_needs_the_full_approval(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await seeded(harness, clock)
    action = await use(harness, incident, {**FILLED, input_id(Audience.PRESS): PRESS})
    assert action.details == EXPECTED and action.library_unchanged is False
    assert await roles_asked(harness, action) == ["exec", "legal"]
    async with harness.db() as session:
        assert await texts_of(session, action.id or 0, action.revision) == {Audience.PRESS: PRESS}
    card = shown(harness, await copy_for(harness, action.id or 0))
    assert "needs the full approval" in card and "used unchanged" not in card
    assert "the audience variants below are not" in card and "For Press" in card
