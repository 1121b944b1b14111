"""The legal record: every incident channel archived, hash-chained and exportable."""
