"""Stakeholder updates and their cadence: posting, nudges, escalation, resolve and reopen."""
