"""Exports that open right in a spreadsheet: CSV with a UTF-8 byte-order mark
(Excel otherwise reads Welsh and Arabic as mojibake) and one charset, and an
XLSX workbook of the same figures with a sheet per table and the notes.

Both take what the CSV writer wrote, so the figures (aggregated, suppressed,
guarded against formulas) are decided in one place only.
"""

from __future__ import annotations

import csv
import io
import re

import msgspec
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

BOM = "\ufeff"
# Litestar adds "; charset=utf-8" to text/ media types itself: give it none, so there is one.
CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NUMBER = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,6})?", re.ASCII)
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


class Table(msgspec.Struct, frozen=True):
    sheet: str
    header: list[str]
    rows: list[list[str]]


def csv_bytes(text: str) -> bytes:
    return (BOM + text.removeprefix(BOM)).encode("utf-8")


def tables_from_csv(text: str, *, group_by: str = "figure") -> list[Table]:
    """The CSV's rows as tables: one per value of its `group_by` column (one table if it has none)."""
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    if group_by not in header:
        return [Table("figures", header, body)]
    column = header.index(group_by)
    tables: dict[str, list[list[str]]] = {}
    for row in body:
        tables.setdefault(row[column] if column < len(row) else "", []).append(row)
    return [Table(name, header, grouped) for name, grouped in tables.items()]


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_UNSAFE.sub(" ", name).strip("' ")[:31] or "sheet"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def _cell(sheet, value: str) -> WriteOnlyCell:
    """Numbers as numbers (so the sheet can add them up); everything else as text, never a formula."""
    if _NUMBER.fullmatch(value):
        return WriteOnlyCell(sheet, value=float(value) if "." in value else int(value))
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def xlsx_bytes(tables: list[Table], *, notes: list[str]) -> bytes:
    """A workbook: "notes" first (what the figures are, what "hidden" means), then a sheet per table."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    about = book.create_sheet(_sheet_name("notes", taken))
    for note in notes:
        about.append([_cell(about, note)])
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.sheet, taken))
        sheet.append([_cell(sheet, h) for h in table.header])
        for row in table.rows:
            sheet.append([_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
