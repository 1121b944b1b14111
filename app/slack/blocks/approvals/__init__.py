"""Block Kit for proposed actions: the approval card, its modals, replies and lists."""
