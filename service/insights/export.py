"""CSV of the figures engine's protected figures: never raw rows, never a
hidden count, and no cell a spreadsheet could run as a formula."""

from __future__ import annotations

import csv
import io

from service.figures.results import Summary

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def summary_csv(summary: Summary, *, team_name: str, hidden_label: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(v) for v in ("team", "from", "to", "figure", "group", "count", "percent")])
    base = [team_name, summary.first_month.isoformat(), summary.last_day.isoformat()]
    if summary.hidden:
        writer.writerow([_safe(v) for v in [*base, "responses", "all", hidden_label, ""]])
        return out.getvalue()
    writer.writerow([_safe(v) for v in [*base, "responses", "all", summary.responses, ""]])
    for cell in summary.by_audience:
        writer.writerow(
            [
                _safe(v)
                for v in [
                    *base,
                    "responses by audience",
                    cell.key,
                    hidden_label if cell.count is None else cell.count,
                    cell.percent,
                ]
            ]
        )
    for view in summary.questions:
        for cell in view.cells:
            writer.writerow(
                [
                    _safe(v)
                    for v in [
                        *base,
                        f"question {view.question.id}",
                        cell.key,
                        hidden_label if cell.count is None else cell.count,
                        cell.percent,
                    ]
                ]
            )
    return out.getvalue()
