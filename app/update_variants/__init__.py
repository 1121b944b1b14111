"""Audience variants on status updates: stored with the update, posted where each belongs."""
