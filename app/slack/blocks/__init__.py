"""Pure Block Kit builders on slack_sdk.models.blocks."""
