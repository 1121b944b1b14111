"""The outbox: what Slack must end up showing (card copies, briefs, topics, Home tabs), one row
per copy with the version wanted and the version shown. No Slack here: app/flows/outbox_worker.py
brings each copy up to date."""
