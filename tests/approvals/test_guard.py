"""The wording guard: finding fault phrases and showing them to Legal safely."""

from __future__ import annotations

from app.approvals.guard import FaultMatch, find_fault_phrases
from app.approvals.policy import DEFAULT_FAULT_PHRASES
from app.slack.blocks.approvals.highlight import highlight

PHRASES = DEFAULT_FAULT_PHRASES


def found(text: str, phrases: tuple[str, ...] = PHRASES) -> list[str]:
    return [text[m.start : m.end] for m in find_fault_phrases(text, phrases)]


def test_case_does_not_matter() -> None:
    assert found("This was OUR FAULT. Our Mistake too.") == ["OUR FAULT", "Our Mistake"]


def test_curly_and_straight_apostrophes_match_each_other() -> None:
    assert found("We’re liable for this.") == ["We’re liable"]
    assert found("We're liable", ("we’re liable",)) == ["We're liable"]


def test_whole_words_only() -> None:
    assert found("We administer refunds fairly.") == []
    assert found("Our faultless team") == []
    assert found("We admit, we admitted") == ["We admit"]
    assert found("Negligent conduct") == ["Negligent"]
    assert found("we acted negligently") == []


def test_a_trailing_star_matches_any_ending() -> None:
    assert found("negligently, negligence", ("negligen*",)) == ["negligently", "negligence"]


def test_line_breaks_and_runs_of_spaces_still_match() -> None:
    assert found("we take full\nresponsibility") == ["we take full\nresponsibility"]
    assert found("it  was our   error") == ["it  was our   error"]


def test_matches_do_not_overlap_and_the_longest_wins() -> None:
    matches = find_fault_phrases("our fault, our fault line", ("our fault", "our fault line"))
    assert [(m.start, m.end, m.phrase) for m in matches] == [
        (0, 9, "our fault"),
        (11, 25, "our fault line"),
    ]


def test_no_phrases_finds_nothing() -> None:
    assert find_fault_phrases("our fault", ()) == []
    assert find_fault_phrases("our fault", ("  ", "*")) == []


def test_highlight_escapes_user_text_and_marks_each_match() -> None:
    text = "<!channel> It was our fault & <@U0BOSS> agrees"
    out = highlight(text, find_fault_phrases(text, PHRASES), limit=3000)
    assert out == ("&lt;!channel&gt; It was *:warning: our fault* &amp; &lt;@U0BOSS&gt; agrees")
    assert "<" not in out and ">" not in out


def test_highlight_without_matches_is_just_escaped() -> None:
    assert highlight("a < b", [], limit=100) == "a &lt; b"


def test_clipping_never_cuts_an_entity_or_a_highlight() -> None:
    text = "&" * 10 + " our fault"
    matches = find_fault_phrases(text, PHRASES)
    for limit in range(1, 80):
        out = highlight(text, matches, limit=limit)
        assert len(out) <= limit
        body = out.removesuffix("…")
        assert body.replace("&amp;", "").strip(" ").count("&") == 0
        assert "*:warning:" not in body or body.endswith("our fault*")


def test_clipping_a_long_draft_stays_within_the_limit() -> None:
    text = ("<&> our fault; we are liable. " * 200)[:3000]
    matches = find_fault_phrases(text, PHRASES)
    out = highlight(text, matches, limit=2984)
    assert len(out) <= 2984 and out.endswith("…")
    assert out.count("*:warning:") == out.count("*") // 2


def test_fault_match_carries_the_configured_phrase() -> None:
    assert find_fault_phrases("We're LIABLE", PHRASES) == [FaultMatch(0, 12, "we're liable")]
