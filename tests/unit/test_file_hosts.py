"""Where the bot token may go: Slack's HTTPS file hosts and SLACK_API_URL's origin, nowhere else."""

from __future__ import annotations

import pytest
from yarl import URL

from app.slack.file_hosts import check_download, check_redirect, external_reason

SLACK_API = "https://slack.com/api/"
DOUBLE_API = "http://127.0.0.1:4100/api/"


@pytest.mark.parametrize(
    "url",
    [
        "https://files.slack.com/files-pri/T1-F1/memo.pdf",
        "https://files.slack.com/files-pri/T1-F1/download/memo.pdf",
        "https://FILES.Slack.com/files-pri/T1-F1/memo.pdf",
        "https://files.slack.com:443/files-pri/T1-F1/memo.pdf",
        "https://acme.enterprise.slack.com/files/U1/F1/memo.pdf",
        "https://files.slack-gov.com/files-pri/T1-F1/memo.pdf",
        "https://slack.com/files-pri/T1-F1/memo.pdf",
    ],
)
def test_slack_file_hosts_over_https_get_the_token(url: str) -> None:
    verdict = check_download(url, api_url=SLACK_API)
    assert verdict.allowed and verdict.reason is None
    assert str(verdict.url).lower() == url.lower().replace(":443", "")


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("https://evil.example/files-pri/T1-F1/memo.pdf", "outside Slack (evil.example)"),
        ("https://files.slack.com.evil.example/x", "outside Slack (files.slack.com.evil.example)"),
        ("https://notslack.com/x", "outside Slack (notslack.com)"),
        ("https://evilslack.com/x", "outside Slack (evilslack.com)"),
        ("https://files.slack.com@evil.example/x", "user name or password (evil.example)"),
        ("https://u:p@files.slack.com/x", "user name or password (files.slack.com)"),
        ("https://evil.example#@files.slack.com", "outside Slack (evil.example)"),
        ("https://slack-edge.com/x", "outside Slack (slack-edge.com)"),
        ("https://slack-files.com/T1-F1-abc", "outside Slack (slack-files.com)"),
        ("https://docs.google.com/document/d/1", "outside Slack (docs.google.com)"),
        ("http://files.slack.com/files-pri/T1-F1/a", "not plain HTTPS (http://files.slack.com)"),
        ("https://files.slack.com:8443/x", "not plain HTTPS (https://files.slack.com:8443)"),
        ("http://127.0.0.1:4101/files/F1/a", "outside Slack (127.0.0.1:4101)"),
        ("https://files.slack.com\\@evil.example/", "could not be read"),
        ("/files-pri/T1-F1/a", "names no host"),
        ("javascript:alert(1)", "names no host"),
    ],
)
def test_anything_else_is_refused_with_the_host_named(url: str, named: str) -> None:
    verdict = check_download(url, api_url=DOUBLE_API)
    assert not verdict.allowed and verdict.url is None
    assert named in str(verdict.reason)
    assert str(verdict.reason).endswith("not downloaded, so the bot token was not sent")


def test_the_origin_of_slack_api_url_is_trusted_exactly() -> None:
    assert check_download("http://127.0.0.1:4100/files/F1/a.txt", api_url=DOUBLE_API).allowed
    for other in (
        "http://127.0.0.1:4101/files/F1/a",
        "https://127.0.0.1:4100/f",
        "http://localhost:4100/f",
    ):
        assert not check_download(other, api_url=DOUBLE_API).allowed
    assert not check_download("http://127.0.0.1:4100/files/F1/a.txt", api_url=SLACK_API).allowed


def test_a_redirect_is_followed_only_to_an_allowed_host() -> None:
    here = URL("https://files.slack.com/files-pri/T1-F1/a.txt")
    same = check_redirect(here, "/files-pri/T1-F1/download/a.txt", api_url=SLACK_API)
    assert same.url == URL("https://files.slack.com/files-pri/T1-F1/download/a.txt")
    away = check_redirect(here, "https://evil.example:8080/steal", api_url=SLACK_API)
    assert not away.allowed
    assert "redirected the download to evil.example:8080, outside Slack" in str(away.reason)
    assert "not sent there" in str(away.reason)
    assert not check_redirect(here, None, api_url=SLACK_API).allowed
    assert not check_redirect(here, "//evil.example/x", api_url=SLACK_API).allowed


def test_remote_files_are_never_fetched() -> None:
    remote = {"id": "F1", "is_external": True, "external_type": "gdrive", "mode": "external"}
    assert "external (gdrive) file" in str(external_reason(remote))
    assert external_reason({"id": "F2", "mode": "external"}) is not None
    assert external_reason({"id": "F3", "is_external": False, "mode": "hosted"}) is None
