"""Who signed a request to `POST /hooks/metrics`, or why it is refused.

The signature is Slack's scheme with our own headers: `X-Crisis-Signature: v0=` + hex
HMAC-SHA256(secret, "v0:" + timestamp + ":" + body), timestamp in unix seconds within five
minutes of the server's wall clock. A replay inside that window stores nothing new, because a
point is stored once per (incident, metric, at, source) and a point without `at` takes the
signed timestamp as its time.

A request breaking any rule of the hook raises `Refused`: a 4xx status, one line naming the
problem, and the index of the point at fault.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from app.metrics.keys import feed_secret, looks_like_key_id

KEY = "X-Crisis-Key"
TIMESTAMP = "X-Crisis-Request-Timestamp"
SIGNATURE = "X-Crisis-Signature"
INSTALL_KEY = "install"  # the key whose secret is CRISIS_METRICS_SECRET itself
WINDOW_SECONDS = 5 * 60  # Slack's: a request signed further from now is stale


class Refused(Exception):
    """What the hook answers instead of storing anything."""

    def __init__(self, status: int, error: str, *, point: int | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.point = point

    def answer(self) -> dict[str, object]:
        found: dict[str, object] = {"error": self.error}
        if self.point is not None:
            found["point"] = self.point
        return found


@dataclass(frozen=True)
class Signed:
    """A request whose signature checked out: the key that signed it, and when."""

    key_id: str
    signed_at: int

    @property
    def by(self) -> str:
        """Who the record says gave the points."""
        return f"hook:{self.key_id}"


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """The `X-Crisis-Signature` value of a body signed at `timestamp` (unix seconds)."""
    message = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def authenticate(
    headers: Mapping[str, str], body: bytes, *, install_secret: str, now: float
) -> Signed:
    """The request's key and timestamp, once its signature is good; 401 otherwise."""
    key, stamp, given = (headers.get(name, "").strip() for name in (KEY, TIMESTAMP, SIGNATURE))
    for name, value in ((KEY, key), (TIMESTAMP, stamp), (SIGNATURE, given)):
        if not value:
            raise Refused(401, f"missing {name} header")
    if not stamp.isdigit() or len(stamp) > 12:
        raise Refused(401, f"{TIMESTAMP} must be unix seconds, like {int(now)}")
    if abs(now - int(stamp)) > WINDOW_SECONDS:
        raise Refused(
            401,
            "stale timestamp: more than 5 minutes from the server's clock; sign each request "
            "with the time you send it",
        )
    if key != INSTALL_KEY and not looks_like_key_id(key):
        raise Refused(401, f"unknown key: {KEY} is `install` or a feed key id (mf_…)")
    secret = install_secret if key == INSTALL_KEY else feed_secret(install_secret, key)
    if not hmac.compare_digest(signature(secret, stamp, body).encode(), given.encode()):
        raise Refused(401, "bad signature: v0= + hex HMAC-SHA256(secret, v0:timestamp:body)")
    return Signed(key_id=key, signed_at=int(stamp))
