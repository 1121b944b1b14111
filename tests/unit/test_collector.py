"""The collector is settled for serving: start-up objects frozen, young collections rarer."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from app import collector


@pytest.fixture
def restored() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored")
def test_settle_freezes_what_is_alive_and_collects_young_objects_less_often() -> None:
    kept = [object() for _ in range(10)]
    assert gc.get_freeze_count() == 0
    frozen = collector.settle()
    assert frozen == gc.get_freeze_count() > len(kept)
    assert gc.get_threshold() == (collector.YOUNG_OBJECTS, 10, 10)
    assert collector.YOUNG_OBJECTS > 700  # CPython's default, which it is tuned away from


@pytest.mark.usefixtures("restored")
def test_garbage_cycles_made_after_settling_are_still_collected() -> None:
    collector.settle()

    class Node:
        other: object = None

    first, second = Node(), Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    del first, second
    assert gone() is not None  # (a cycle: reference counting alone never frees it)
    gc.collect()
    assert gone() is None
