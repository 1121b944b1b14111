"""The one random source behind every id the double invents, seedable for reproducible runs.

Slack picks event ids, block ids, client message ids, trigger ids and response URL tokens at
random. The double draws all of them from one seed: by default from os.urandom, so tests stay
independent; the demo passes a fixed seed, so its record is the same on every run. Each kind
of id has its own stream derived from that seed, so that how many Home tabs a run happens to
publish cannot shift the ids its messages and events get. These ids name things in a test
double; none of them guards anything real.
"""

from __future__ import annotations

import base64
import hashlib
import os
import random
import uuid


class IdStream:
    """Random ids in the shapes Slack uses, from one generator."""

    def __init__(self, seed: bytes) -> None:
        self._random = random.Random(seed)

    def token_hex(self, nbytes: int) -> str:
        return self._random.randbytes(nbytes).hex()

    def token_urlsafe(self, nbytes: int) -> str:
        """Like secrets.token_urlsafe: base64url without padding."""
        raw = self._random.randbytes(nbytes)
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    def uuid4(self) -> str:
        return str(uuid.UUID(bytes=self._random.randbytes(16), version=4))


class IdSource:
    """One seed; a stream of ids per kind (`ids.of("event")`), each derived from the seed."""

    def __init__(self, seed: int | None = None) -> None:
        self._seed = os.urandom(16) if seed is None else str(seed).encode("ascii")
        self._streams: dict[str, IdStream] = {}

    def of(self, kind: str) -> IdStream:
        if kind not in self._streams:
            derived = hashlib.sha256(self._seed + b"\0" + kind.encode("utf-8")).digest()
            self._streams[kind] = IdStream(derived)
        return self._streams[kind]
