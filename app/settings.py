"""Configuration from the environment and an optional .env file."""

from __future__ import annotations

import re
import sys
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
WHERE_TO_SET = "set it in the environment or in .env (see .env.example)"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    # One workspace (an internal app): its bot token. Many workspaces: the app's OAuth client
    # id and secret instead, and each workspace installs it at /slack/install (issue 16).
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    # Where Slack sends people back after they allow the app (one of the manifest's
    # oauth_config.redirect_urls); unset, the one set in the app's settings is used.
    slack_redirect_uri: str | None = Field(default=None, alias="SLACK_REDIRECT_URI")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    database_url: str = Field(default="sqlite:///./data/crisisroom.db", alias="DATABASE_URL")
    host: str = Field(default="0.0.0.0", alias="HOST")
    port: int = Field(default=3000, ge=1, le=65535, alias="PORT")
    crisis_admins: Annotated[list[str], NoDecode] = Field(default=[], alias="CRISIS_ADMINS")
    crisis_stakeholder_channel: str | None = Field(default=None, alias="CRISIS_STAKEHOLDER_CHANNEL")
    cadence_sev1_minutes: int = Field(default=30, ge=1, alias="CRISIS_CADENCE_SEV1_MINUTES")
    cadence_sev2_minutes: int = Field(default=60, ge=1, alias="CRISIS_CADENCE_SEV2_MINUTES")
    cadence_sev3_minutes: int = Field(default=120, ge=1, alias="CRISIS_CADENCE_SEV3_MINUTES")
    tick_seconds: float = Field(default=1.0, ge=0, le=60, alias="CRISIS_TICK_SECONDS")
    policy_file: str | None = Field(default=None, alias="CRISIS_POLICY_FILE")
    # Playbooks per kind of crisis (YAML); empty: the ones shipped in app/playbooks/default.yml.
    playbook_file: str | None = Field(default=None, alias="CRISIS_PLAYBOOK_FILE")
    record_file_max_bytes: int = Field(
        default=20_000_000, ge=0, alias="CRISIS_RECORD_FILE_MAX_BYTES"
    )
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    log_content: bool = Field(default=False, alias="CRISIS_LOG_CONTENT")
    checkpoint_every: int = Field(default=100, ge=1, alias="CRISIS_CHECKPOINT_EVERY")
    checkpoint_channel: str | None = Field(default=None, alias="CRISIS_CHECKPOINT_CHANNEL")
    # Where the statement library's approval cards are posted too (besides approvers' DMs).
    library_channel: str | None = Field(default=None, alias="CRISIS_LIBRARY_CHANNEL")
    # Where an approved action's employee variant is announced (executives: the stakeholder
    # channel); unset, it is posted in the war room, copy-ready, like press and social.
    employee_channel: str | None = Field(default=None, alias="CRISIS_EMPLOYEE_CHANNEL")
    # None keeps every record forever; else resolved incidents are purged this many days on.
    retention_days: int | None = Field(default=None, ge=1, alias="CRISIS_RETENTION_DAYS")
    # Signs requests to POST /hooks/metrics (the install key) and derives each per-incident
    # feed key's secret (app/metrics/keys.py); None (unset or empty) turns the hook off.
    metrics_secret: SecretStr | None = Field(default=None, alias="CRISIS_METRICS_SECRET")
    # A SEV1 war room with people from other organisations (Slack Connect): `legal` opens it
    # with the internal people only until Legal allows the outside ones; `allow` invites them.
    sev1_external_members: Literal["legal", "allow"] = Field(
        default="legal", alias="SEV1_EXTERNAL_MEMBERS"
    )

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_client_id", "slack_redirect_uri")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("slack_client_secret")
    @classmethod
    def _client_secret(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_signing_secret")
    @classmethod
    def _signing_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """An empty secret is no secret: HTTP mode then refuses to start."""
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("metrics_secret")
    @classmethod
    def _metrics_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """An empty secret is no secret: the metrics hook stays off."""
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgres")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @field_validator("crisis_admins", mode="before")
    @classmethod
    def _admins(cls, value: object) -> list[str]:
        items = value.split(",") if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]
        ids = [str(item).strip() for item in items if str(item).strip()]
        bad = [item for item in ids if not USER_ID.match(item)]
        if bad:
            raise ValueError(f"must be comma-separated Slack user ids (U…); got {', '.join(bad)}")
        return ids

    @field_validator(
        "crisis_stakeholder_channel", "checkpoint_channel", "library_channel", "employee_channel"
    )
    @classmethod
    def _stakeholder_channel(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not CHANNEL_ID.match(value):
            raise ValueError("must be a Slack channel id such as C0123ABCD")
        return value

    @field_validator("retention_days", mode="before")
    @classmethod
    def _retention_days(cls, value: object) -> object:
        """Empty (or `forever`) keeps records forever; otherwise a whole number of days ≥ 1."""
        if value is None or (isinstance(value, str) and value.strip().lower() in {"", "forever"}):
            return None
        return value

    @field_validator("sev1_external_members", mode="before")
    @classmethod
    def _sev1_external_members(cls, value: object) -> object:
        """`legal` (also when empty) or `allow`, in any case; anything else stops the start."""
        word = str(value).strip().lower() if value is not None else ""
        if word in {"", "legal"}:
            return "legal"
        if word == "allow":
            return "allow"
        raise ValueError(
            "must be legal (outside people wait until Legal allows them into a SEV1 war "
            "room) or allow (they are invited at once)"
        )

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @model_validator(mode="after")
    def _one_install_mode(self) -> Settings:
        """A bot token (one workspace) or an OAuth client (many), never both, never neither."""
        oauth = self.slack_client_id is not None or self.slack_client_secret is not None
        if self.slack_bot_token is not None and oauth:
            raise ValueError(
                "set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                "(install for many workspaces), not both"
            )
        if self.slack_bot_token is None and not oauth:
            raise ValueError(
                f"SLACK_BOT_TOKEN is required: {WHERE_TO_SET}; or, to install for many "
                "workspaces, SLACK_CLIENT_ID and SLACK_CLIENT_SECRET instead"
            )
        if oauth and (self.slack_client_id is None or self.slack_client_secret is None):
            raise ValueError(
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together: set both to install for "
                "many workspaces (or SLACK_BOT_TOKEN alone for one)"
            )
        if oauth:
            self._one_workspace_only()
        return self

    def _one_workspace_only(self) -> None:
        """Settings that name one workspace's people or channel cannot serve many: a war room's
        hashes or summaries posted there would tell one workspace of another's incidents."""
        one_workspace = {
            "CRISIS_ADMINS": self.crisis_admins,
            "CRISIS_STAKEHOLDER_CHANNEL": self.crisis_stakeholder_channel,
            "CRISIS_CHECKPOINT_CHANNEL": self.checkpoint_channel,
            "CRISIS_LIBRARY_CHANNEL": self.library_channel,
            "CRISIS_EMPLOYEE_CHANNEL": self.employee_channel,
        }
        named = [name for name, value in one_workspace.items() if value]
        if named:
            raise ValueError(
                f"{named[0]} names one workspace's people or channel: leave it empty when the app "
                "is installed in many workspaces (SLACK_CLIENT_ID); each workspace's own admins "
                "manage it"
            )

    @property
    def oauth(self) -> bool:
        """Installed per workspace through OAuth (no SLACK_BOT_TOKEN)."""
        return self.slack_bot_token is None

    @model_validator(mode="after")
    def _http_needs_secret(self) -> Settings:
        if self.slack_app_token is None and self.slack_signing_secret is None:
            raise ValueError("SLACK_SIGNING_SECRET is required unless SLACK_APP_TOKEN is set")
        return self

    def cadence_minutes(self, severity: str) -> int:
        return {
            "SEV1": self.cadence_sev1_minutes,
            "SEV2": self.cadence_sev2_minutes,
            "SEV3": self.cadence_sev3_minutes,
        }[severity]

    def secrets(self) -> list[str]:
        values = [
            self.slack_bot_token,
            self.slack_client_secret,
            self.slack_signing_secret,
            self.slack_app_token,
            self.metrics_secret,
        ]
        return [v.get_secret_value() for v in values if v is not None]


class SettingsError(Exception):
    """Start-up configuration is missing or malformed; the message names the variable."""


def describe(error: ValidationError) -> str:
    first = error.errors()[0]
    fields = Settings.model_fields
    loc = str(first["loc"][0]) if first["loc"] else ""
    name = fields[loc].alias if loc in fields and fields[loc].alias else loc
    if first["type"] == "missing":
        return f"{name} is required: {WHERE_TO_SET}"
    message = str(first["msg"]).removeprefix("Value error, ")
    if not name:
        return message
    return f"{name}: {message[:1].lower()}{message[1:]}"


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(describe(error)) from None


def load_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        print(f"crisisroom: {error}", file=sys.stderr)
        raise SystemExit(2) from None
