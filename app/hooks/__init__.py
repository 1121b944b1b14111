"""HTTP doors other than Slack's: thin aiohttp handlers that check a request and call a flow."""
