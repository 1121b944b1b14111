"""The export formats, in one place: the name people type, what it is called, its media type.

`/crisis export`, the CLI's `--format`, the export runner and the upload all read them from here;
a new format starts with a line below (then a sink in `run.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    media_type: str
    in_slack: bool = True  # `/crisis export` can upload it (RSMF is a production: CLI only)


ALL_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("html", "HTML", "text/html"),
    ExportFormat("md", "Markdown", "text/markdown"),
    ExportFormat("jsonl", "JSONL", "application/jsonl"),
    ExportFormat("csv", "CSV", "text/csv"),
    ExportFormat("pdf", "PDF", "application/pdf", in_slack=False),
    ExportFormat("rsmf", "RSMF 2.0", "message/rfc822", in_slack=False),
)
EXPORT_FORMATS: tuple[str, ...] = tuple(f.name for f in ALL_FORMATS if f.in_slack)
CLI_FORMATS: tuple[str, ...] = tuple(f.name for f in ALL_FORMATS)
LABELS: Mapping[str, str] = MappingProxyType({f.name: f.label for f in ALL_FORMATS})
MEDIA_TYPES: Mapping[str, str] = MappingProxyType({f.name: f.media_type for f in ALL_FORMATS})
