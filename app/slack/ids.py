"""Every slash command, action_id, callback_id and block_id the app uses, in one place."""

COMMAND = "/crisis"
COMMANDS: tuple[str, ...] = (COMMAND,)

# Modals
OPEN_INCIDENT_VIEW = "crisis_open_incident"

# Blocks and inputs of the open-incident modal
OPEN_TITLE = "open_title"
OPEN_SEVERITY = "open_severity"
OPEN_KIND = "open_kind"
OPEN_PLAYBOOK = "open_playbook"  # the kind of crisis: which playbook the war room starts from
OPEN_SUMMARY = "open_summary"
OPEN_INVITEES = "open_invitees"

# Block ids on the incident brief
BRIEF_HEADER = "brief_header"
BRIEF_FACTS = "brief_facts"
BRIEF_ROLES = "brief_roles"
BRIEF_ACTIONS = "brief_actions"
BRIEF_NEXT = "brief_next_update"

# Bot events the app subscribes to (the manifest lists exactly these) and the Bolt event
# type each arrives as.
BOT_EVENTS: dict[str, str] = {
    "message.channels": "message",
    "message.groups": "message",
    "app_home_opened": "app_home_opened",
    "reaction_added": "reaction_added",  # the legal record: who reacted to what, and when
    "reaction_removed": "reaction_removed",
    "pin_added": "pin_added",
    "pin_removed": "pin_removed",
}

# The Home tab
HOME_VIEW = "crisis_home"
HOME_HEADER = "home_header"
HOME_WAITING = "home_waiting"
HOME_ACTIVE = "home_active"
HOME_RESOLVED = "home_resolved"
HOME_DECIDE = "home_decide_"  # + "<action id>_<role>"

# Approvals
# Buttons on an approval card. Decision buttons carry "<action id>:<revision>:<role>" as their
# value; REVISE and MARK_DONE carry the action id.
APPROVE = "approval_approve"
REQUEST_CHANGES = "approval_request_changes"
REJECT = "approval_reject"
REVISE = "approval_revise"
MARK_DONE = "approval_mark_done"

# Modals of the approvals flow
PROPOSE_VIEW = "approval_propose_view"
REASON_VIEW = "approval_reason_view"
REVISE_VIEW = "approval_revise_view"
DONE_VIEW = "approval_done_view"

# Inputs of those modals (each input block and its element share the id)
PROPOSE_TITLE = "propose_title"
PROPOSE_DETAILS = "propose_details"
PROPOSE_CATEGORY = "propose_category"
PROPOSE_OWNER = "propose_owner"
REASON_INPUT = "reason_text"
REVISE_TITLE = "revise_title"
REVISE_DETAILS = "revise_details"
DONE_NOTE = "done_note"

# Block ids on an approval card; one decision block per pending role: CARD_DECIDE + role
CARD_HEADER = "approval_header"
CARD_FACTS = "approval_facts"
CARD_WARNING = "approval_warning"
CARD_DRAFT = "approval_draft"
CARD_ROLES = "approval_roles"
CARD_WAITING = "approval_waiting"
CARD_DECIDE = "approval_decide_"
CARD_FOLLOW_UP = "approval_follow_up"
CARD_FOOTER = "approval_footer"

# Updates
# The Post update button on a nudge carries the incident id as its value.
POST_UPDATE = "update_post_button"

# Modals of the updates flow
UPDATE_VIEW = "update_post_view"
RESOLVE_VIEW = "update_resolve_view"

# Inputs of those modals (each input block and its element share the id)
UPDATE_STATUS = "update_status"
UPDATE_CHANGED = "update_changed"
UPDATE_ACTIONS = "update_actions"
UPDATE_NEXT_STEPS = "update_next_steps"
UPDATE_METRICS = "update_metrics"
UPDATE_NEXT_DUE = "update_next_due"
RESOLVE_SUMMARY = "resolve_summary"

# Block ids on a posted update, its executive summary, a nudge and an escalation
UPDATE_HEADER = "update_header"
UPDATE_FACTS = "update_facts"
UPDATE_NEXT = "update_next"
SUMMARY_HEADLINE = "summary_headline"
SUMMARY_FACTS = "summary_facts"
SUMMARY_LINK = "summary_link"
NUDGE_TEXT = "nudge_text"
NUDGE_OPEN = "nudge_open"
NUDGE_ACTIONS = "nudge_actions"
ESCALATION_TEXT = "escalation_text"
ESCALATION_FACTS = "escalation_facts"

# Post-incident review and archive
REVIEW_VIEW = "review_view"
REVIEW_WHAT = "review_what_happened"
REVIEW_WELL = "review_went_well"
REVIEW_BADLY = "review_went_badly"
REVIEW_FOLLOW_UP = "review_follow_up_"  # + n
REVIEW_OWNER = "review_owner_"  # + n
REVIEW_DUE = "review_due_"  # + n
REVIEW_FIGURES = "review_figures"
ARCHIVE_CONFIRM = "archive_confirm"

# Approval reminders and escalations (issue 14)
APPROVAL_REMINDER_TEXT = "approval_reminder_text"
APPROVAL_BACKUP_TEXT = "approval_backup_text"

# Metric alerts (issue 15): the alert's text, and the lead's "Raise to SEVn" button (its value
# is the alert id)
METRIC_ALERT_TEXT = "metric_alert_text"
METRIC_ALERT_ACTIONS = "metric_alert_actions"
METRIC_ALERT_RAISE = "metric_alert_raise"
METRIC_ALERT_DM = "metric_alert_dm"
