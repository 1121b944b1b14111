"""The /crisis command language: parsing text into typed commands (pure, no Slack)."""
