"""Metrics from social listening (issue 15): points, feeds, thresholds, figures. No Slack."""
