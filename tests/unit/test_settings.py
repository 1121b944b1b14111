import subprocess
import sys

import pytest

from app.settings import SettingsError, load_settings

BASE = {"SLACK_BOT_TOKEN": "xoxb-1-abc", "SLACK_SIGNING_SECRET": "shh"}
OAUTH = {"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in [
        *BASE,
        "SLACK_APP_TOKEN",
        "CRISIS_ADMINS",
        "PORT",
        "DATABASE_URL",
        "SLACK_API_URL",
        "CRISIS_STAKEHOLDER_CHANNEL",
    ]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in BASE.items():
        monkeypatch.setenv(key, value)
    settings = load_settings()
    assert settings.port == 3000 and settings.host == "0.0.0.0"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url.startswith("sqlite:///")
    assert settings.cadence_minutes("SEV1") == 30


def test_admins_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in BASE.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CRISIS_ADMINS", " U0ADMIN1, U0ADMIN2 ,")
    assert load_settings().crisis_admins == ["U0ADMIN1", "U0ADMIN2"]


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN is required"),
        ({**BASE, "SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN: must be a bot token"),
        ({**BASE, "PORT": "http"}, "PORT:"),
        ({**BASE, "CRISIS_ADMINS": "maria"}, "CRISIS_ADMINS: must be comma-separated"),
        ({**BASE, "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN: must be an app-level"),
        ({**BASE, "DATABASE_URL": "mysql://x"}, "DATABASE_URL:"),
        ({**BASE, "CRISIS_STAKEHOLDER_CHANNEL": "#execs"}, "CRISIS_STAKEHOLDER_CHANNEL:"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is required unless SLACK_APP_TOKEN"),
        ({**BASE, "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"}, "not both"),
        (
            {"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2"},
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together",
        ),
        (
            {**OAUTH, "CRISIS_CHECKPOINT_CHANNEL": "C0HASHES"},
            "CRISIS_CHECKPOINT_CHANNEL names one workspace's people or channel",
        ),
        ({**OAUTH, "CRISIS_ADMINS": "U0ADMIN1"}, "CRISIS_ADMINS names one workspace's"),
    ],
)
def test_bad_configuration_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], says: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert says in str(caught.value)


def test_an_oauth_client_installs_for_many_workspaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_CLIENT_ID", "4242.1717")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "client-secret")
    settings = load_settings()
    assert settings.oauth and settings.slack_bot_token is None
    assert "client-secret" in settings.secrets()  # kept out of logs like the others


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert load_settings().slack_signing_secret is None


def test_serve_without_token_exits_2_with_one_line(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "app", "serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "crisisroom: SLACK_BOT_TOKEN is required: set it in the environment or in .env "
        "(see .env.example); or, to install for many workspaces, SLACK_CLIENT_ID and "
        "SLACK_CLIENT_SECRET instead"
    ]
    assert "Traceback" not in result.stderr
