"""The /crisis command language: its grammar and parser (pure)."""
