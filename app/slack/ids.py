"""Every slash command, action_id, callback_id and block_id the app uses, in one place."""

COMMAND = "/crisis"
COMMANDS: tuple[str, ...] = (COMMAND,)

# Modals
OPEN_INCIDENT_VIEW = "crisis_open_incident"

# Blocks and inputs of the open-incident modal
OPEN_TITLE = "open_title"
OPEN_SEVERITY = "open_severity"
OPEN_KIND = "open_kind"
OPEN_SUMMARY = "open_summary"
OPEN_INVITEES = "open_invitees"

# Block ids on the incident brief
BRIEF_HEADER = "brief_header"
BRIEF_FACTS = "brief_facts"
BRIEF_ROLES = "brief_roles"
BRIEF_NEXT = "brief_next_update"

# Bot events the app subscribes to (the manifest lists exactly these) and the Bolt event
# type each arrives as.
BOT_EVENTS: dict[str, str] = {"message.channels": "message", "message.groups": "message"}
