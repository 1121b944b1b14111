"""Action, block and callback ids of the brief's buttons and the forms they open."""

from __future__ import annotations

BRIEF_BUTTONS = "brief_buttons"  # the actions block under the checklist
USE_STATEMENT = "brief_use_statement"  # button; value: the incident id
TICK_STEP = "brief_tick_step"  # select; each option's value: "<incident id>:<step>:<tick|untick>"

PICK_VIEW = "brief_statement_pick_view"  # the list of approved statements
PICK_STATEMENT = "brief_pick_statement"  # a statement's button in that list; value: its key
PICK_BLOCK = "brief_pick_"  # + the statement's key
