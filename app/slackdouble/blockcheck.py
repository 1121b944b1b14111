"""Block Kit limit checks, reporting problems in Slack's "[ERROR] ... [json-pointer:...]" form."""

from __future__ import annotations

import copy
from typing import Any

from app.slackdouble.ids import IdStream

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
BLOCK_TYPES = frozenset(
    {"section", "header", "context", "divider", "actions", "image", "input", "rich_text"}
    | {"file", "video", "markdown", "table", "context_actions"}
)
SELECT_OPTION_LIMITS = {"overflow": 5, "checkboxes": 10, "radio_buttons": 10}


def message_block_errors(blocks: Any) -> list[str]:
    """Problems with a message's `blocks`; empty when Slack would accept them."""
    checker = _Checker()
    checker.blocks(blocks, "/blocks", MAX_MESSAGE_BLOCKS)
    return checker.errors


def view_errors(view: Any) -> list[str]:
    """Problems with a modal or Home tab view; empty when Slack would accept it."""
    checker = _Checker()
    if not isinstance(view, dict):
        checker.fail("must be an object", "/view")
        return checker.errors
    checker.view(view)
    return checker.errors


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.block_ids: set[str] = set()

    def fail(self, message: str, pointer: str) -> None:
        self.errors.append(f"[ERROR] {message} [json-pointer:{pointer}]")

    def max_len(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.fail(f"must be less than {limit + 1} characters", pointer)

    def max_items(self, items: Any, limit: int, pointer: str) -> None:
        if isinstance(items, list) and len(items) > limit:
            self.fail(f"no more than {limit} items allowed", pointer)

    def text_obj(self, obj: Any, pointer: str, limit: int, *, plain: bool = False) -> None:
        allowed = ("plain_text",) if plain else ("plain_text", "mrkdwn")
        if not isinstance(obj, dict) or obj.get("type") not in allowed:
            self.fail(f"must be a {' or '.join(allowed)} text object", pointer)
            return
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            self.fail("must be more than 0 characters", pointer + "/text")
        self.max_len(text, limit, pointer + "/text")

    def view(self, view: dict[str, Any]) -> None:
        kind = view.get("type")
        if kind not in ("modal", "home", "workflow_step"):
            self.fail("must be one of modal, home", "/view/type")
        if kind == "modal":
            self.modal_chrome(view)
        self.max_len(view.get("private_metadata"), 3000, "/view/private_metadata")
        self.max_len(view.get("callback_id"), 255, "/view/callback_id")
        self.max_len(view.get("external_id"), 255, "/view/external_id")
        self.blocks(view.get("blocks"), "/view/blocks", MAX_VIEW_BLOCKS)

    def modal_chrome(self, view: dict[str, Any]) -> None:
        if "title" not in view:
            self.fail("missing required field: title", "/view/title")
        for name in ("title", "submit", "close"):
            if name in view:
                self.text_obj(view[name], f"/view/{name}", 24, plain=True)
        found = view.get("blocks")
        blocks: list[Any] = found if isinstance(found, list) else []
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and "submit" not in view:
            self.fail("submit is required when an input block is present", "/view/submit")

    def blocks(self, blocks: Any, pointer: str, limit: int) -> None:
        if not isinstance(blocks, list):
            self.fail("must be an array", pointer)
            return
        self.max_items(blocks, limit, pointer)
        for index, block in enumerate(blocks):
            self.block(block, f"{pointer}/{index}")

    def block(self, block: Any, pointer: str) -> None:
        if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
            self.fail("unsupported block type", pointer + "/type")
            return
        block_id = block.get("block_id")
        if block_id is not None:
            self.max_len(block_id, 255, pointer + "/block_id")
            if block_id in self.block_ids:
                self.fail(f"duplicate block_id: {block_id}", pointer + "/block_id")
            self.block_ids.add(block_id)
        check = getattr(self, f"_{block['type']}", None)
        if check is not None:
            check(block, pointer)

    def _section(self, block: dict[str, Any], pointer: str) -> None:
        if "text" not in block and "fields" not in block:
            self.fail("must provide either text or fields", pointer)
        if "text" in block:
            self.text_obj(block["text"], pointer + "/text", 3000)
        fields = block.get("fields", [])
        self.max_items(fields, 10, pointer + "/fields")
        for index, field in enumerate(fields if isinstance(fields, list) else []):
            self.text_obj(field, f"{pointer}/fields/{index}", 2000)
        if "accessory" in block:
            self.element(block["accessory"], pointer + "/accessory")

    def _header(self, block: dict[str, Any], pointer: str) -> None:
        self.text_obj(block.get("text"), pointer + "/text", 150, plain=True)

    def _context(self, block: dict[str, Any], pointer: str) -> None:
        elements = block.get("elements")
        self.max_items(elements, 10, pointer + "/elements")
        for index, element in enumerate(elements if isinstance(elements, list) else []):
            self.element(element, f"{pointer}/elements/{index}")

    def _actions(self, block: dict[str, Any], pointer: str) -> None:
        elements = block.get("elements")
        self.max_items(elements, 25, pointer + "/elements")
        for index, element in enumerate(elements if isinstance(elements, list) else []):
            self.element(element, f"{pointer}/elements/{index}")

    def _image(self, block: dict[str, Any], pointer: str) -> None:
        self.image_fields(block, pointer)
        if "title" in block:
            self.text_obj(block["title"], pointer + "/title", 2000, plain=True)

    def _input(self, block: dict[str, Any], pointer: str) -> None:
        self.text_obj(block.get("label"), pointer + "/label", 2000, plain=True)
        if "hint" in block:
            self.text_obj(block["hint"], pointer + "/hint", 2000, plain=True)
        if not isinstance(block.get("element"), dict):
            self.fail("missing required field: element", pointer + "/element")
            return
        self.element(block["element"], pointer + "/element")

    def image_fields(self, obj: dict[str, Any], pointer: str) -> None:
        alt = obj.get("alt_text")
        if not isinstance(alt, str) or not alt:
            self.fail("missing required field: alt_text", pointer + "/alt_text")
        self.max_len(alt, 2000, pointer + "/alt_text")
        self.max_len(obj.get("image_url"), 3000, pointer + "/image_url")

    def element(self, element: Any, pointer: str) -> None:
        if not isinstance(element, dict):
            self.fail("must be an object", pointer)
            return
        kind = element.get("type")
        if kind in ("plain_text", "mrkdwn"):
            self.text_obj(element, pointer, 3000)
            return
        if kind == "image":
            self.image_fields(element, pointer)
            return
        self.max_len(element.get("action_id"), 255, pointer + "/action_id")
        if "placeholder" in element:
            self.text_obj(element["placeholder"], pointer + "/placeholder", 150, plain=True)
        if kind == "button":
            self.button(element, pointer)
        elif kind == "plain_text_input":
            self.text_input(element, pointer)
        self.options(element, pointer, SELECT_OPTION_LIMITS.get(str(kind), 100))

    def button(self, element: dict[str, Any], pointer: str) -> None:
        self.text_obj(element.get("text"), pointer + "/text", 75, plain=True)
        self.max_len(element.get("value"), 2000, pointer + "/value")
        self.max_len(element.get("url"), 3000, pointer + "/url")
        if element.get("style") not in (None, "primary", "danger"):
            self.fail("must be one of primary, danger", pointer + "/style")

    def text_input(self, element: dict[str, Any], pointer: str) -> None:
        for name in ("max_length", "min_length"):
            value = element.get(name)
            if isinstance(value, int) and value > 3000:
                self.fail("must be less than or equal to 3000", f"{pointer}/{name}")

    def options(self, element: dict[str, Any], pointer: str, limit: int) -> None:
        options = element.get("options")
        if not isinstance(options, list):
            return
        self.max_items(options, limit, pointer + "/options")
        for index, option in enumerate(options):
            opt_pointer = f"{pointer}/options/{index}"
            text = option.get("text") if isinstance(option, dict) else None
            self.text_obj(text, opt_pointer + "/text", 75)
            value = option.get("value") if isinstance(option, dict) else None
            self.max_len(value, 150, opt_pointer + "/value")


def assign_missing_ids(blocks: list[dict[str, Any]], ids: IdStream) -> list[dict[str, Any]]:
    """Copy of blocks where each block has a block_id and each element an action_id.

    Slack fills these in with random ids when the app leaves them out.
    """
    out = copy.deepcopy(blocks)
    for block in out:
        block.setdefault("block_id", ids.token_urlsafe(4))
        elements = list(block.get("elements", [])) if block.get("type") == "actions" else []
        elements += [block[k] for k in ("accessory", "element") if isinstance(block.get(k), dict)]
        for element in elements:
            if isinstance(element, dict) and element.get("type") not in _NON_INTERACTIVE:
                element.setdefault("action_id", ids.token_urlsafe(4))
    return out


_NON_INTERACTIVE = frozenset({"image", "plain_text", "mrkdwn"})
