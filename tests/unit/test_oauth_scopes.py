"""The scopes the OAuth install asks for are the manifest's."""

from pathlib import Path

import yaml

from app.slack.oauth import BOT_SCOPES, authorization_url

ROOT = Path(__file__).resolve().parents[2]


def test_the_install_asks_for_the_manifests_bot_scopes() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert sorted(BOT_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])


def test_the_consent_page_sits_beside_the_web_api() -> None:
    assert authorization_url("https://slack.com/api/") == "https://slack.com/oauth/v2/authorize"
    assert authorization_url("http://127.0.0.1:5000/api/") == (
        "http://127.0.0.1:5000/oauth/v2/authorize"
    )
