"""Rows claimed before a message is sent, so it is sent exactly once (issue 13).

`columns.ClaimColumns` is the claim's columns, `rules` its timings and the free-row rules,
`table.ClaimTable` the SQL on one table of claimed rows (update nudges: app/updates/claims.py;
approval reminders: app/approvals/reminders_claims.py).
"""
