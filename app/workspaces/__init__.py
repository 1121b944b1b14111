"""Workspaces: which Slack team each workspace-owned row belongs to (issue 16)."""
