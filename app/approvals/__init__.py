"""Proposed actions, the approvals the policy routes them to, and the wording guard."""
