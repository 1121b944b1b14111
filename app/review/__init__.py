"""The post-incident review: what happened, what we learn, and the figures behind it."""
