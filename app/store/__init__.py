"""Storage: engine, sessions, column types and migrations."""
