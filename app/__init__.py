"""Crisis Room: a Slack war room for public crises."""

__version__ = "0.1.0"
