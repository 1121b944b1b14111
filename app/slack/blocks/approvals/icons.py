"""The emoji that show an action's and an approval's state at a glance."""

from __future__ import annotations

from app.approvals.models import ActionState, DecisionState

ACTION_ICON: dict[ActionState, str] = {
    ActionState.PENDING: ":hourglass_flowing_sand:",
    ActionState.CHANGES_REQUESTED: ":pencil2:",
    ActionState.APPROVED: ":white_check_mark:",
    ActionState.REJECTED: ":no_entry:",
    ActionState.DONE: ":checkered_flag:",
}
DECISION_ICON: dict[DecisionState, str] = {
    DecisionState.PENDING: ":hourglass_flowing_sand:",
    DecisionState.APPROVED: ":white_check_mark:",
    DecisionState.CHANGES_REQUESTED: ":pencil2:",
    DecisionState.REJECTED: ":no_entry:",
}
DECISION_WORDS: dict[DecisionState, str] = {
    DecisionState.PENDING: "waiting",
    DecisionState.APPROVED: "approved",
    DecisionState.CHANGES_REQUESTED: "requested changes",
    DecisionState.REJECTED: "rejected",
}
