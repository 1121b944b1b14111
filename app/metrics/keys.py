"""Feed keys of the metrics hook: a public key id and a secret derived from it.

The secret is never stored: it is HMAC-SHA256(CRISIS_METRICS_SECRET, "feed:" + key id), so the
database alone cannot sign a request, and rotating the install secret ends every key at once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

KEY_PREFIX = "mf_"
KEY_CHARS = 16  # url-safe characters after the prefix
KEY_ID = re.compile(rf"{KEY_PREFIX}[A-Za-z0-9_-]{{{KEY_CHARS}}}")


def new_key_id() -> str:
    """A fresh key id, "mf_" + 16 url-safe characters (96 random bits)."""
    return KEY_PREFIX + secrets.token_urlsafe(KEY_CHARS * 3 // 4)


def feed_secret(install_secret: str, key_id: str) -> str:
    """The secret a feed signs its requests with (hex HMAC-SHA256 of "feed:" + key id)."""
    return hmac.new(install_secret.encode(), f"feed:{key_id}".encode(), hashlib.sha256).hexdigest()


def looks_like_key_id(text: str) -> bool:
    """Cheap shape check before any database look-up."""
    return KEY_ID.fullmatch(text) is not None
