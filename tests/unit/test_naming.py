import re
from datetime import date

import pytest

from app.incidents.naming import MAX_NAME, channel_name

VALID = re.compile(r"^[a-z0-9_-]{1,80}$")
DAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Customer-service video going viral",
            "crisis-20261121-customer-service-video-going-viral",
        ),
        ("🔥🔥 CEO apology!!! (urgent)", "crisis-20261121-ceo-apology-urgent"),
        ("Café crème: rappel du lot 42", "crisis-20261121-cafe-creme-rappel-du-lot-42"),
        ("Отзыв продукции", "crisis-20261121-otzyv-produktsii"),
        ("炎上した動画", "crisis-20261121-yan-shang-shita-dong-hua"),
        ("한국어 뉴스", "crisis-20261121-han-gug-eo-nyu-seu"),
        ("The CEO's 🔥 post™ — día 2", "crisis-20261121-the-ceos-post-dia-2"),
        ("🔥🔥🔥", "crisis-20261121-incident"),
        ("   ", "crisis-20261121-incident"),
    ],
)
def test_channel_names_are_valid_and_readable(title: str, expected: str) -> None:
    name = channel_name(DAY, title)
    assert name == expected
    assert VALID.match(name)


def test_a_300_character_title_fits_with_room_for_numbered_variants() -> None:
    title = "word " * 60
    for attempt in (1, 2, 99, 999):
        name = channel_name(DAY, title, attempt=attempt)
        assert VALID.match(name), name
        assert len(name) <= MAX_NAME
        assert not name.endswith("-") or attempt > 1
    assert channel_name(DAY, title).endswith("word")


def test_numbered_variants_differ_and_keep_the_stem() -> None:
    first, second = channel_name(DAY, "Recall"), channel_name(DAY, "Recall", attempt=2)
    assert first == "crisis-20261121-recall"
    assert second == "crisis-20261121-recall-2"


def test_one_long_word_is_cut_not_dropped() -> None:
    name = channel_name(DAY, "x" * 300)
    assert VALID.match(name)
    assert name.startswith("crisis-20261121-xxx")
