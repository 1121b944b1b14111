"""Standing roles: who is lead, exec, legal, marketing and social."""
