"""The transcript a lawyer reads: Slack formatting rendered, the bot's edited posts once with
their versions in an appendix, entry numbers and hashes, updates as they were posted."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from app.record.export.mrkdwn import as_plain, parse
from app.record.export.styled import to_html, to_markdown
from tests.record.transcript_demo import demo_exports

NAMES = {"U0MARIA": "Maria Rodriguez", "C0WAR": "war-room"}


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_exports(tmp_path_factory.mktemp("demo"))


def visible(page: str) -> str:
    """The words a reader sees: no style sheet, no tags, entities decoded."""
    body = re.sub(r"<(style|title)>.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_mrkdwn_is_rendered_and_what_was_typed_stays_escaped() -> None:
    text = (
        "*A-1 <@U0MARIA> approved* _now_ ~old~ `x*y` <https://ex.example/a?b=1|the post> "
        "<#C0WAR> <!here> :white_check_mark: :+1::skin-tone-3: &lt;script&gt; 5*3*2"
    )
    nodes = parse(text, NAMES)
    shown = str(to_html(nodes))
    assert '<strong>A-1 <span class="mention">@Maria Rodriguez</span>' in shown
    assert '<span class="id">(U0MARIA)</span> approved</strong>' in shown
    assert "<em>now</em>" in shown and "<del>old</del>" in shown and "<code>x*y</code>" in shown
    assert 'the post <span class="url">(https://ex.example/a?b=1)</span>' in shown
    assert "#war-room" in shown and "@here" in shown and "✅" in shown and "👍🏼" in shown
    assert "&lt;script&gt;" in shown and "<script>" not in shown and "5*3*2" in shown
    plain = as_plain(nodes)
    assert plain.startswith("A-1 @Maria Rodriguez (U0MARIA) approved now old x*y the post (")
    markdown = to_markdown(nodes)
    assert "**A\\-1 @Maria Rodriguez \\(U0MARIA\\) approved**" in markdown
    assert "_now_" in markdown and "~~old~~" in markdown and "&lt;script&gt;" in markdown


def test_styles_need_their_edges_and_unknown_emoji_stay_as_typed() -> None:
    assert str(to_html(parse("snake_case_name and 2*3*4", {}))) == "snake_case_name and 2*3*4"
    assert str(to_html(parse("*a _b_ c*", {}))) == "<strong>a <em>b</em> c</strong>"
    assert as_plain(parse(":partyparrot: <@U0NOBODY>", {})) == ":partyparrot: @U0NOBODY"
    assert str(to_html(parse("```*not bold* <b>```", {}))) == "<pre>*not bold* &lt;b&gt;</pre>"


def test_the_demo_transcript_shows_no_raw_mrkdwn(exports: Path) -> None:
    page = (exports / "INC-1-record.html").read_text(encoding="utf-8")
    words = visible(page)
    assert not re.search(r"<@U|<#C|<!here>", words)
    assert not re.findall(r":[a-z0-9_+\-]+:(?!\d)", words), "an emoji code left raw"
    assert not re.search(r"(?<![\w*])\*[^\s*][^*\n]*\*(?![\w*])", words), "a *bold* left raw"
    assert "@Maria Rodriguez (U0MARIA)" in words


def test_the_bots_edited_posts_appear_once_with_their_versions_in_the_appendix(
    exports: Path,
) -> None:
    page = (exports / "INC-1-record.html").read_text(encoding="utf-8")
    lines = [json.loads(x) for x in (exports / "INC-1-record.jsonl").read_text().splitlines()]
    brief = next(x for x in lines if x["kind"] == "message" and "brief_header" in str(x))
    brief_ts = brief["ts"]
    edits = [x for x in lines if x["kind"] == "edit" and x["ts"] == brief_ts]
    assert len(edits) >= 10  # every version is still in the record and in JSONL
    transcript = page[page.index('id="transcript"') : page.index('id="appendix"')]
    appendix = page[page.index('id="appendix"') :]
    start = transcript.index(f'id="seq-{brief["seq"]}"')
    entry = transcript[start : transcript.index('id="seq-', start + 10)]
    assert f"edited {len(edits)} times" in entry
    assert "Version" not in entry  # no full copies of the brief in the transcript
    assert "Version 2 · " in transcript  # a person's edit still shows both versions in place
    assert f"Version {len(edits) + 1} ·" in appendix
    assert 'class="add">+' in appendix and 'class="del">-' in appendix
    last = edits[-1]
    assert f"#{last['seq']} · {last['hash'][:10]}" in appendix


def test_each_entry_shows_its_number_and_short_hash(exports: Path) -> None:
    page = (exports / "INC-1-record.html").read_text(encoding="utf-8")
    lines = [json.loads(x) for x in (exports / "INC-1-record.jsonl").read_text().splitlines()]
    shown = [x for x in lines if x["kind"] in ("message", "action", "join")]
    for entry in shown:
        assert f'id="seq-{entry["seq"]}"' in page
        assert f"#{entry['seq']} · {entry['hash'][:10]}" in page


def test_updates_read_as_posted_and_one_clock_covers_the_cover(exports: Path) -> None:
    page = (exports / "INC-1-record.html").read_text(encoding="utf-8")
    updates = visible(page[page.index('id="updates"') : page.index('id="transcript"')])
    assert "What changed" in updates and "Actions taken" in updates
    assert "Next steps" in updates and "Key metrics" in updates and "(was Investigating)" in updates
    assert "update id" not in updates and "previous status:" not in updates
    period = re.search(r"Period covered</th><td>(\S+ \S+) UTC to (\S+ \S+) UTC", page)
    exported = re.search(r"Exported</th><td>(\S+ \S+) UTC", page)
    assert period is not None and exported is not None
    assert period.group(1) <= period.group(2) <= exported.group(1)
    assert period.group(1).startswith("2026-11-21 14:00")  # the demo's clock, not the machine's
