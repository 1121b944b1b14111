"""Flows: the only code that talks to Slack and the database together, one module per use case."""
