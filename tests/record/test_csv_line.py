"""The CSV export writes each record as `csv.writer` would, byte for byte (`csv_line`)."""

from __future__ import annotations

import csv
import io
import random

from app.record.export.rows import CSV_COLUMNS, csv_line

ALPHABET = ['"', ",", "\r", "\n", " ", "\t", "'", "=", "a", "é", "\u2028", ";", "\\", "{}"]


def written(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


def test_records_are_written_as_the_csv_module_writes_them() -> None:
    rng = random.Random(7)
    rows = [[""], ['"'], [" "], ["", ""], list(CSV_COLUMNS), ['{"a":"b, c"}', "=1+2", "\r\n"]]
    for _ in range(20_000):
        width = rng.choice([1, 2, 3, len(CSV_COLUMNS)])
        rows.append(["".join(rng.choices(ALPHABET, k=rng.randrange(6))) for _ in range(width)])
    for cells in rows:
        assert csv_line(cells) == written(cells), cells


def test_what_is_written_reads_back_as_the_same_cells() -> None:
    cells = ['{"text":"a, \\"b\\"\\nc"}', "line one\r\nline two", "", "'=SUM(A1)"]
    assert next(csv.reader(io.StringIO(csv_line(cells), newline=""))) == cells
