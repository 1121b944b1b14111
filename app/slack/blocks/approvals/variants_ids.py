"""Action, block and input ids of the audience variants on approval cards and forms."""

from __future__ import annotations

from app.approvals.variants import Audience

POST = "approval_post_variants"  # the "Post variants" button; its value is the action id
POST_BLOCK = "approval_variants_post"
CARD_VARIANT = "approval_variant_"  # + the audience: one section per variant on the card
INPUT = "variant_"  # + the audience: one optional input per audience in propose and revise
POSTED_COPY = "variant_copy"  # the copy-ready block posted in the war room


def input_id(audience: Audience) -> str:
    return f"{INPUT}{audience.value}"
