"""Everything that knows about Slack: Bolt wiring, listeners, Block Kit, the Web API gateway."""
