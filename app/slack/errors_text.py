"""Slack API errors, by name, in words a person in the war room understands."""

from __future__ import annotations

from app.slack.blocks.text import escape

EXPLAIN: dict[str, str] = {
    "name_taken": "a channel with that name already exists",
    "restricted_action": "this workspace only lets some people create channels; ask an admin",
    "invalid_name_specials": "the channel name has characters Slack does not allow",
    "invalid_name_maxlength": "the channel name is too long for Slack",
    "invalid_name_required": "the channel name is empty",
    "invalid_auth": "the bot's token is not valid; ask an admin to reinstall Crisis Room",
    "not_authed": "the bot has no token; ask an admin to check SLACK_BOT_TOKEN",
    "account_inactive": "the bot's token was revoked; ask an admin to reinstall Crisis Room",
    "token_revoked": "the bot's token was revoked; ask an admin to reinstall Crisis Room",
    "missing_scope": "the bot lacks a permission it needs; ask an admin to reinstall it",
    "ratelimited": "Slack is rate limiting the bot; try again in a minute",
    "not_in_channel": "the bot is not a member of that channel",
    "channel_not_found": "the bot cannot see that channel",
    "is_archived": "that channel is archived",
    "user_not_found": "not found in this workspace",
    "user_is_deactivated": "their account is deactivated",
    "user_is_restricted": "guests cannot be added to this channel",
    "user_is_ultra_restricted": "single-channel guests cannot be added",
    "cant_invite_self": "the bot is already there",
    "already_in_channel": "already in the channel",
    "expired_trigger_id": "Slack took too long to open the form; run the command again",
    "exchanged_trigger_id": "that form was already opened; run the command again",
    "invalid_trigger_id": "Slack did not recognise the form request; run the command again",
    "fatal_error": "Slack had an internal error; try again",
    "internal_error": "Slack had an internal error; try again",
    "service_unavailable": "Slack is unavailable right now; try again shortly",
    "request_timeout": "Slack did not answer in time; try again",
    "connection_failed": "the bot could not reach Slack; try again shortly",
}


def explain(error: str) -> str:
    return EXPLAIN.get(error, f"Slack answered `{escape(error)}`")
