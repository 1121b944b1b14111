"""`/crisis open --kind <kind> <title>`: the kind is read before the title."""

from __future__ import annotations

import pytest

from app.errors import BadCommand
from app.slack.commands.grammar import Open
from app.slack.commands.parse import parse


def test_the_kind_comes_before_the_title() -> None:
    assert parse("open --kind Product_Recall Batch 12 recall") == Open(
        title="Batch 12 recall", crisis_kind="product_recall"
    )
    assert parse("open Batch 12 recall") == Open(title="Batch 12 recall")
    assert parse("open --kind data_incident") == Open(title="", crisis_kind="data_incident")


def test_a_kind_must_be_named() -> None:
    with pytest.raises(BadCommand, match="Name the kind of crisis after `--kind`"):
        parse("open --kind")
