"""Where the bot token may go when the record downloads a shared file (pure functions).

A file's `url_private` is only as trustworthy as the event that carried it: a remote file
(`files.remote.*`, `is_external`) points at whatever host its app chose, and a forged event can
point anywhere. So the token is sent only over HTTPS to Slack's own hosts, and to the exact
origin of SLACK_API_URL (so a test double or a proxy that stands in for Slack still works):

- `slack.com` and every `*.slack.com` host: `files.slack.com` serves `url_private` and
  `url_private_download`; Enterprise Grid organisations use `<org>.enterprise.slack.com`.
- `slack-gov.com` and every `*.slack-gov.com` host: GovSlack's `files.slack-gov.com`.
- on port 443 only, with no user name or password in the link.

Slack's CDN domains (`slack-edge.com`, `slack-imgs.com`, `slack-files.com`) serve public assets
and image proxies, never `url_private`, so they do not get the token. Anything else is refused
before any request is made, and the reason says which host it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from yarl import URL

SLACK_DOMAINS = ("slack.com", "slack-gov.com")
HTTPS_PORT = 443
NOT_SENT = "not downloaded, so the bot token was not sent"


@dataclass(frozen=True)
class Verdict:
    """A link the token may follow (`url`), or why it may not (`reason`)."""

    url: URL | None = None
    reason: str | None = None

    @property
    def allowed(self) -> bool:
        return self.url is not None


def origin(url: str | URL) -> tuple[str, str, int | None] | None:
    """scheme, host and port of `url`, or None if it has no host."""
    try:
        parsed = url if isinstance(url, URL) else URL(url)
    except (ValueError, TypeError):
        return None
    if not parsed.host or not parsed.scheme:
        return None
    return parsed.scheme.lower(), parsed.host.lower(), parsed.port


def is_slack_host(host: str) -> bool:
    host = host.lower()
    return any(host == domain or host.endswith("." + domain) for domain in SLACK_DOMAINS)


def check_download(url: str | URL, *, api_url: str) -> Verdict:
    """May the bot token be sent to `url`? `api_url` is SLACK_API_URL: its origin is trusted
    exactly (scheme, host and port), whatever it is."""
    try:
        parsed = url if isinstance(url, URL) else URL(str(url))
    except (ValueError, TypeError):
        return Verdict(reason=f"the link could not be read; {NOT_SENT}")
    if not parsed.is_absolute() or not parsed.host:
        return Verdict(reason=f"the link names no host; {NOT_SENT}")
    where = _where(parsed)
    if parsed.user is not None or parsed.password is not None:
        return Verdict(reason=f"the link carries a user name or password ({where}); {NOT_SENT}")
    if origin(parsed) == origin(api_url):
        return Verdict(url=parsed)
    if not is_slack_host(parsed.host):
        return Verdict(reason=f"the link points outside Slack ({where}); {NOT_SENT}")
    if parsed.scheme.lower() != "https" or parsed.port != HTTPS_PORT:
        return Verdict(
            reason=f"the link is not plain HTTPS ({parsed.scheme}://{where}); {NOT_SENT}"
        )
    return Verdict(url=parsed)


def check_redirect(current: URL, location: str | None, *, api_url: str) -> Verdict:
    """Where a redirect from `current` leads, if the token may follow it there."""
    if not location:
        return Verdict(reason="Slack answered the download with a redirect to nowhere")
    try:
        target = current.join(URL(location))
    except (ValueError, TypeError):
        return Verdict(
            reason=f"Slack redirected the download to a link that could not be read; {NOT_SENT}"
        )
    verdict = check_download(target, api_url=api_url)
    if verdict.allowed:
        return verdict
    where = _where(target) if target.host else "an unreadable link"
    return Verdict(
        reason=f"Slack redirected the download to {where}, outside Slack; not followed, "
        "so the bot token was not sent there"
    )


def external_reason(item: Mapping[str, Any]) -> str | None:
    """Remote files (`files.remote.*`, Google Drive and the like) live outside Slack: their
    `url_private` is the external link, so they are recorded by their details only."""
    if not (item.get("is_external") or item.get("mode") == "external"):
        return None
    kind = item.get("external_type") or "remote"
    return f"an external ({kind}) file that Slack does not host; {NOT_SENT}"


def _where(url: URL) -> str:
    host = url.host or "?"
    return f"{host}:{url.explicit_port}" if url.explicit_port is not None else host
