"""Per-key asyncio locks: one card refresh at a time per action, in this process."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Hashable


class KeyedLocks:
    def __init__(self) -> None:
        self._locks: defaultdict[Hashable, asyncio.Lock] = defaultdict(asyncio.Lock)

    def __call__(self, key: Hashable) -> asyncio.Lock:
        return self._locks[key]
