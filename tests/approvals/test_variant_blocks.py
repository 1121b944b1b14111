"""The variants' Block Kit: card sections, the Post button, posts and the revision diff."""

from __future__ import annotations

from dataclasses import replace

from app.approvals.models import ActionState
from app.approvals.policy import DEFAULT_POLICY
from app.approvals.variants import ActionVariant, Audience
from app.slack.blocks.approvals.card import approval_card
from app.slack.blocks.approvals.variants import copy_ready, variant_post, variants_diff
from app.slack.blocks.approvals.variants_ids import CARD_VARIANT, POST, POST_BLOCK
from tests.approvals.cards import make_card


def variant(audience: Audience, text: str, channel: str | None = None) -> ActionVariant:
    return ActionVariant(
        action_id=12,
        revision=1,
        audience=audience,
        text=text,
        posted_channel=channel,
        posted_ts="1.2" if channel else None,
    )


def blocks_of(card, **kwargs):  # type: ignore[no-untyped-def]
    built = approval_card(card, members={}, policy=DEFAULT_POLICY, **kwargs)
    return {block.block_id: block.to_dict() for block in built}


def test_the_card_labels_each_variant_and_flags_the_one_with_a_fault_phrase() -> None:
    card = replace(
        make_card(details="We are sorry."),
        variants=(
            variant(Audience.PRESS, "<!here> our fault"),
            variant(Audience.SOCIAL, "Sorry, all."),
        ),
    )
    blocks = blocks_of(card)
    press = blocks[f"{CARD_VARIANT}press"]["text"]["text"]
    assert press.startswith("*For Press*\n&lt;!here&gt; *:warning: our fault*")
    assert blocks[f"{CARD_VARIANT}social"]["text"]["text"] == "*For Social*\nSorry, all."
    warning = blocks["approval_warning"]["text"]["text"]
    assert "In the *Press* variant: “our fault”" in warning and "Social" not in warning


def test_post_variants_shows_on_an_approved_card_until_every_variant_is_posted() -> None:
    approved = make_card(state=ActionState.APPROVED)
    waiting = replace(approved, variants=(variant(Audience.PRESS, "a", "CROOM"),
                                          variant(Audience.SOCIAL, "b")))  # fmt: skip
    assert POST in str(blocks_of(waiting)[POST_BLOCK])
    posted = replace(approved, variants=(variant(Audience.PRESS, "a", "CROOM"),))
    assert POST_BLOCK not in blocks_of(posted)
    assert "posted in <#CROOM>" in blocks_of(posted)[f"{CARD_VARIANT}press"]["text"]["text"]
    pending = replace(make_card(), variants=(variant(Audience.SOCIAL, "b"),))
    assert POST_BLOCK not in blocks_of(pending)


def test_posts_escape_the_words_and_keep_the_fence_whole() -> None:
    action = make_card().action
    text, blocks = copy_ready(
        action, variant(Audience.PRESS, "a ``` b <@U1>"), incident_ref="INC-3"
    )
    body = blocks[1].to_dict()["text"]["text"]
    assert body.startswith("```\n") and body.endswith("\n```") and body.count("```") == 2
    assert "&lt;@U1&gt;" in body and "<@U1>" not in text
    text, blocks = variant_post(
        action, variant(Audience.EMPLOYEES, "Hi <!channel>"), incident_ref="INC-3"
    )
    assert "&lt;!channel&gt;" in text and "Employees" in blocks[0].to_dict()["text"]["text"]


def test_the_diff_names_only_the_variants_that_changed() -> None:
    old = {Audience.PRESS: "one\ntwo", Audience.SOCIAL: "same", Audience.CUSTOMERS: "gone"}
    new = {Audience.PRESS: "one\nthree", Audience.SOCIAL: "same", Audience.EMPLOYEES: "<new>"}
    diff = variants_diff(old, new)
    assert "*Press variant*\n```\n one\n-two\n+three\n```" in diff
    assert "*Employees variant* added: “&lt;new&gt;”" in diff
    assert "*Customers variant* removed" in diff and "Social" not in diff
    assert variants_diff(old, old) == ""
