"""Block Kit for updates: the update and resolve modals, posts, summaries, nudges, escalations."""
