"""The garbage collector, tuned for a server that has finished starting (issue 12).

CPython's cycle collector runs a young collection every 700 net container allocations, and
every tenth of those a middle one. Serving an event allocates hundreds (Bolt's request and
context, our draft and its futures), so under a burst the collector ran about once per event,
each time walking whatever the requests in flight held; and each old collection walked all
150,000 objects the imports left behind (SQLAlchemy's metadata, Bolt, our modules), none of
which ever becomes garbage. Measured (the bot's own gc callbacks, 6,600 events): 0.47 s of
collections, about a tenth of the CPU of ingest.

Once started, the bot moves everything alive into the permanent generation (`gc.freeze`: the
old collections never walk it again) and lets the young generation grow to 10,000 objects
before collecting. Plain reference counting still frees what a request leaves behind at once;
only cycles wait a little longer, and they are few.
"""

from __future__ import annotations

import gc

YOUNG_OBJECTS = 10_000  # CPython's default is 700
MIDDLE_EVERY = 10  # (the defaults)
OLD_EVERY = 10


def settle() -> int:
    """Collect what start-up left, freeze the rest, collect young objects less often: call
    once the server is serving. How many objects were frozen."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, MIDDLE_EVERY, OLD_EVERY)
    return gc.get_freeze_count()
