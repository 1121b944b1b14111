"""`/crisis library …` and `/crisis propose --from-library <key>` as typed."""

from __future__ import annotations

import pytest

from app.errors import BadCommand
from app.slack.commands.grammar import (
    LibraryAdd,
    LibraryEdit,
    LibraryList,
    LibraryShow,
    Propose,
    ProposeFromLibrary,
)
from app.slack.commands.parse import parse


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("library", LibraryList()),
        ("library add", LibraryAdd()),
        ("library show apology", LibraryShow("apology")),
        ("LIBRARY Edit apology", LibraryEdit("apology")),
        ("propose --from-library apology", ProposeFromLibrary("apology")),
        ("propose --from-librarian x", Propose("--from-librarian x")),
    ],
)
def test_library_commands(typed: str, parsed: object) -> None:
    assert parse(typed) == parsed


@pytest.mark.parametrize(
    "typed", ["library show", "library edit a b", "library delete x", "propose --from-library"]
)
def test_library_mistakes_say_what_to_type(typed: str) -> None:
    with pytest.raises(BadCommand, match="library"):
        parse(typed)
