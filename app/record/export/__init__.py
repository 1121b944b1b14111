"""Exporting a record: HTML and Markdown documents for people, JSONL and CSV for machines."""
