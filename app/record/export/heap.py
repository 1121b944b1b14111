"""Exporting a large record without the cyclic garbage collector walking it over and over.

A document export of 100,000 entries holds about a million and a half small objects until it
is written (items, their lists, the parsed nodes of every message). Each full collection walks
every one of them, and building them set off ten: a second of a five-second export, measured by
bench/record_export_verify.py. Reference counting still frees everything the export lets go of
as it goes; only reference cycles wait, for the collection that follows.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside (the rest of the process pauses with it, for the seconds an
    export takes). Only the caller that turned the collector off turns it on again, so exports
    that overlap never leave it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
