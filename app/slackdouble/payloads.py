"""Interactive payload pieces built the way Slack builds them from what a person did."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

# element type → (state key, initial_* key, how a simple value becomes Slack's shape)
ELEMENT_STATE: dict[str, tuple[str, str, str]] = {
    "plain_text_input": ("value", "initial_value", "text"),
    "email_text_input": ("value", "initial_value", "text"),
    "url_text_input": ("value", "initial_value", "text"),
    "number_input": ("value", "initial_value", "text"),
    "rich_text_input": ("rich_text_value", "initial_value", "plain"),
    "static_select": ("selected_option", "initial_option", "option"),
    "external_select": ("selected_option", "initial_option", "option"),
    "radio_buttons": ("selected_option", "initial_option", "option"),
    "overflow": ("selected_option", "initial_option", "option"),
    "multi_static_select": ("selected_options", "initial_options", "options"),
    "multi_external_select": ("selected_options", "initial_options", "options"),
    "checkboxes": ("selected_options", "initial_options", "options"),
    "users_select": ("selected_user", "initial_user", "plain"),
    "multi_users_select": ("selected_users", "initial_users", "list"),
    "conversations_select": ("selected_conversation", "initial_conversation", "plain"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations", "list"),
    "channels_select": ("selected_channel", "initial_channel", "plain"),
    "multi_channels_select": ("selected_channels", "initial_channels", "list"),
    "datepicker": ("selected_date", "initial_date", "plain"),
    "timepicker": ("selected_time", "initial_time", "plain"),
    "datetimepicker": ("selected_date_time", "initial_date_time", "plain"),
}
_EMPTY: dict[str, Any] = {"text": None, "plain": None, "option": None}
_MISSING = object()


def interactive_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(block_id, element) for every element a person can act on."""
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        elements = list(block.get("elements", [])) if block.get("type") == "actions" else []
        elements += [block[k] for k in ("accessory", "element") if isinstance(block.get(k), dict)]
        for element in elements:
            if isinstance(element, dict) and "action_id" in element:
                yield block_id, element


def find_element(
    blocks: list[dict[str, Any]], action_id: str, block_id: str | None, where: str
) -> tuple[str, dict[str, Any]]:
    found = [
        (bid, el)
        for bid, el in interactive_elements(blocks)
        if el["action_id"] == action_id and block_id in (None, bid)
    ]
    if not found:
        shown = [el["action_id"] for _, el in interactive_elements(blocks)]
        raise AssertionError(f"no element with action_id {action_id!r} in {where}; has {shown}")
    return found[0]


def action_entry(block_id: str, element: dict[str, Any], value: Any) -> dict[str, Any]:
    """One item of a block_actions payload's `actions`."""
    kind = element.get("type", "button")
    entry: dict[str, Any] = {"action_id": element["action_id"], "block_id": block_id}
    if kind == "button":
        entry.update(text=element.get("text"), type="button")
        chosen = element.get("value") if value is None else value
        if chosen is not None:
            entry["value"] = chosen
        if element.get("style"):
            entry["style"] = element["style"]
    else:
        entry.update(element_state(element, value))
    entry["action_ts"] = f"{time.time():.6f}"
    return entry


def state_values(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """view.state.values for a submission, from {block_id or action_id: simple value}."""
    out: dict[str, Any] = {}
    used: set[str] = set()
    for block in view.get("blocks", []):
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, dict):
            continue
        block_id, action_id = str(block.get("block_id")), str(element.get("action_id"))
        key = block_id if block_id in values else action_id
        used.add(key)
        given = values.get(key, _MISSING)
        shaped = element_state(element, None if given is _MISSING else given, given is _MISSING)
        out[block_id] = {action_id: shaped}
    unknown = set(values) - used
    if unknown:
        raise AssertionError(f"no input block for {sorted(unknown)} in view {view.get('id')}")
    return out


def element_state(element: dict[str, Any], value: Any, use_initial: bool = False) -> dict[str, Any]:
    kind = str(element.get("type"))
    state_key, initial_key, shape = ELEMENT_STATE.get(kind, ("value", "initial_value", "plain"))
    if use_initial and initial_key in element:
        return {"type": kind, state_key: element[initial_key]}
    if value is None:
        return {"type": kind, state_key: _EMPTY.get(shape, [])}
    if shape == "text":
        shaped: Any = str(value)
    elif shape == "option":
        shaped = option_for(element, value)
    elif shape == "options":
        shaped = [option_for(element, v) for v in _as_list(value)]
    elif shape == "list":
        shaped = _as_list(value)
    else:
        shaped = value
    return {"type": kind, state_key: shaped}


def option_for(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """The offered option with this value (Slack sends its text and value back)."""
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options += group.get("options", [])
    if not options and element.get("type", "").endswith("external_select"):
        return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}
    for option in options:
        if option.get("value") == value:
            return {k: option[k] for k in ("text", "value", "description") if k in option}
    offered = [o.get("value") for o in options]
    raise AssertionError(f"{element.get('action_id')!r} offers no option {value!r}; has {offered}")


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple | set) else [value]
