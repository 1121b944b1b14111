"""The demo: the seed crisis played against the Slack test double."""
