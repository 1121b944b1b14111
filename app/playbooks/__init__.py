"""Playbooks per kind of crisis: what a war room starts with, and its checklist (issue 14)."""
