"""Slack's Block Kit limits, checked on built blocks (slack_sdk validates more in to_dict)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View


def message_dicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    """The blocks as Slack receives them, after asserting every limit a message has."""
    dicts = [block.to_dict() for block in blocks]
    assert len(dicts) <= 50
    ids = [d["block_id"] for d in dicts if "block_id" in d]
    assert len(ids) == len(set(ids)), ids
    for block in dicts:
        check_block(block)
    assert "<!channel>" not in json.dumps(dicts)
    return dicts


def view_dict(view: View) -> dict[str, Any]:
    data = view.to_dict()
    assert len(data["title"]["text"]) <= 24
    assert len(data.get("submit", {}).get("text", "")) <= 24
    assert len(data.get("private_metadata", "")) <= 3000
    assert len(data["blocks"]) <= 100
    for block in data["blocks"]:
        check_block(block)
    return data


def check_block(block: dict[str, Any]) -> None:
    assert len(block.get("block_id", "")) <= 255
    kind = block["type"]
    if kind == "header":
        assert len(block["text"]["text"]) <= 150
    if kind == "section":
        if "text" in block:
            assert 0 < len(block["text"]["text"]) <= 3000
        fields = block.get("fields", [])
        assert len(fields) <= 10 and all(len(f["text"]) <= 2000 for f in fields)
    if kind == "context":
        assert 0 < len(block["elements"]) <= 10
        assert all(len(e["text"]) <= 3000 for e in block["elements"])
    if kind == "actions":
        assert 0 < len(block["elements"]) <= 25
        action_ids = [e["action_id"] for e in block["elements"]]
        assert len(action_ids) == len(set(action_ids))
        for element in block["elements"]:
            assert len(element["text"]["text"]) <= 75
            assert len(element.get("value", "")) <= 2000


def buttons(dicts: Sequence[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """(action_id, value) of each button, by the block it sits in."""
    return {
        d["block_id"]: [(e["action_id"], e.get("value", "")) for e in d["elements"]]
        for d in dicts
        if d["type"] == "actions"
    }
