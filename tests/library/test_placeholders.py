"""Placeholders and the origin an action keeps: pure functions."""

from __future__ import annotations

from app.library.origin import Origin, PreApproval, load_origin
from app.library.placeholders import fill, names
from app.slack.blocks.library_origin import origin_text


def test_names_are_found_once_in_reading_order() -> None:
    assert names("Dear {customer}, on {date}", "{customer} again {x_1} {1bad} {}") == [
        "customer",
        "date",
        "x_1",
    ]


def test_fill_leaves_unknown_placeholders_as_typed() -> None:
    assert fill("{customer} on {date}", {"customer": "Jane"}) == "Jane on {date}"


def test_the_origin_survives_its_json_and_reads_on_the_card() -> None:
    origin = Origin(
        key="apology",
        version=2,
        title="Apology",
        text="Sorry, Jane.",
        unchanged=True,
        values={"customer": "Jane <@U1>"},
        approvals=(PreApproval("Legal", "U0DAVID", "David Kim", "2026-10-02"),),
    )
    again = load_origin(origin.dump())
    assert again == origin
    text = origin_text(again, details="Sorry, Jane.", unchanged=True)
    assert "pre-approved by Legal (David Kim) on 2026-10-02, used unchanged" in text
    assert "Jane &lt;@U1&gt;" in text  # user text is escaped where Slack parses it
