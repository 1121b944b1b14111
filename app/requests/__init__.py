"""Slack's HTTP requests before Bolt sees them: signature, shape, and replay refusal."""
