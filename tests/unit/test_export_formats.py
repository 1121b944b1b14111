"""One list of export formats: the command, the CLI, the runner and the upload agree."""

from __future__ import annotations

import argparse

import pytest

from app.cli import record as cli_record
from app.errors import BadCommand
from app.record.export.formats import (
    ALL_FORMATS,
    CLI_FORMATS,
    EXPORT_FORMATS,
    LABELS,
    MEDIA_TYPES,
)
from app.slack.commands.grammar import USAGE_AS_TYPED, Export
from app.slack.commands.parse import parse


def test_every_format_has_a_label_and_a_media_type() -> None:
    assert EXPORT_FORMATS == ("html", "md", "jsonl", "csv")
    assert tuple(LABELS) == tuple(MEDIA_TYPES) == CLI_FORMATS
    assert set(EXPORT_FORMATS) <= set(CLI_FORMATS)
    assert LABELS["md"] == "Markdown" and MEDIA_TYPES["jsonl"] == "application/jsonl"
    assert len({f.name for f in ALL_FORMATS}) == len(ALL_FORMATS)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_the_command_takes_each_format(fmt: str) -> None:
    assert parse(f"export {fmt}") == Export(fmt)


def test_the_command_refuses_others_and_its_usage_lists_the_same_formats() -> None:
    with pytest.raises(BadCommand, match="is not an export format"):
        parse("export pdf")
    assert "`/crisis export [html|md|jsonl|csv]`" in USAGE_AS_TYPED["export"]


def test_the_cli_offers_the_same_formats() -> None:
    parser = argparse.ArgumentParser()
    cli_record.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["export", "1", "--format", "csv"])
    assert args.format == "csv"
    with pytest.raises(SystemExit):
        parser.parse_args(["export", "1", "--format", "docx"])
    assert parser.parse_args(["export", "1", "--format", "rsmf"]).format == "rsmf"
