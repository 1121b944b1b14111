"""Incidents: the war rooms."""
