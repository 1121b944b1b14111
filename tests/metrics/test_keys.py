"""Feed keys: the id's shape and the secret derived from it (never stored)."""

from __future__ import annotations

import hashlib
import hmac

from app.metrics.keys import KEY_PREFIX, feed_secret, looks_like_key_id, new_key_id


def test_a_key_id_is_the_prefix_and_16_url_safe_characters_and_never_repeats() -> None:
    made = {new_key_id() for _ in range(200)}
    assert len(made) == 200
    for key in made:
        assert key.startswith(KEY_PREFIX) and len(key) == len(KEY_PREFIX) + 16
        assert looks_like_key_id(key)


def test_the_secret_is_the_hex_hmac_of_feed_and_the_key_id() -> None:
    expected = hmac.new(b"install-secret", b"feed:mf_abcdefghijklmnop", hashlib.sha256)
    assert feed_secret("install-secret", "mf_abcdefghijklmnop") == expected.hexdigest()


def test_the_secret_changes_with_the_key_and_with_the_install_secret() -> None:
    secrets = {
        feed_secret("one", "mf_aaaaaaaaaaaaaaaa"),
        feed_secret("one", "mf_aaaaaaaaaaaaaaab"),
        feed_secret("two", "mf_aaaaaaaaaaaaaaaa"),
    }
    assert len(secrets) == 3
    assert all(len(secret) == 64 and int(secret, 16) >= 0 for secret in secrets)


def test_shapes_that_are_not_key_ids() -> None:
    for text in (
        "",
        "install",
        "mf_short",
        "mf_aaaaaaaaaaaaaaaa\n",
        "xx_aaaaaaaaaaaaaaaa",
        "mf_aaaaaaaaaaaaaa/+",
        "mf_aaaaaaaaaaaaaaéa",
    ):
        assert not looks_like_key_id(text), text
