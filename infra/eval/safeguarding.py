"""Measure the safeguarding engines on the labelled sets in this folder.

    python infra/eval/safeguarding.py

Flagger: recall (disclosures flagged / disclosures) and precision (flagged
disclosures / everything flagged), per language and overall, for the
development set (used while writing the indicator lists), the held-out sets
(each written before it was first measured; README.md says what was tuned on
them afterwards), the second development set (written in rounds, each measured
once before the lists were tuned on it) and all together; then the mean and
worst time flag() takes per text.

Redactor (development and held-out sets, and both): recall per kind of identifying detail (a labelled span counts as
found when none of its letters or digits survive), staff names kept, and the
over-redaction rate (share of words outside every labelled span that were
redacted anyway).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from service.safeguarding import flag, redact  # noqa: E402

FLAG_SETS = {
    "development": HERE / "flagging_dev.jsonl",
    "held-out": HERE / "flagging_heldout.jsonl",
    "held-out 2": HERE / "flagging_heldout2.jsonl",
    "held-out 3": HERE / "flagging_heldout3.jsonl",
    "held-out 4": HERE / "flagging_heldout4.jsonl",
    "held-out 5": HERE / "flagging_heldout5.jsonl",
    "held-out 6": HERE / "flagging_heldout6.jsonl",
    "development 2": HERE / "flagging_dev2.jsonl",
    "sealed A": HERE / "flagging_sealed_a.jsonl",
    "sealed B": HERE / "flagging_sealed_b.jsonl",
    "sealed C": HERE / "flagging_sealed_c.jsonl",
    "sealed D": HERE / "flagging_sealed_d.jsonl",
}
REDACTION_SETS = {
    "development": HERE / "redaction.jsonl",
    "held-out": HERE / "redaction_heldout.jsonl",
    "held-out 2": HERE / "redaction_heldout2.jsonl",
    "sealed A": HERE / "redaction_sealed_a.jsonl",
}


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def flag_counts(rows: list[dict]) -> dict[str, list[int]]:
    """language -> [true positives, false negatives, false positives, texts]"""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        flagged = flag(row["text"], row["language"]) is not None
        disclosure = row["label"] == "disclosure"
        for key in (row["language"], "ALL"):
            c = counts[key]
            c[0] += flagged and disclosure
            c[1] += disclosure and not flagged
            c[2] += flagged and not disclosure
            c[3] += 1
    return counts


def report_flagger(name: str, rows: list[dict], verbose: bool) -> None:
    counts = flag_counts(rows)
    print(f"\nFlagger, {name} set ({len(rows)} texts)")
    print(f"  {'language':8} {'texts':>5} {'disclosures':>11} {'recall':>7} {'precision':>9}")
    for lang in sorted(counts, key=lambda k: (k == "ALL", k)):
        tp, fn, fp, n = counts[lang]
        print(f"  {lang:8} {n:5} {tp + fn:11} {ratio(tp, tp + fn):>7} {ratio(tp, tp + fp):>9}")
    if verbose:
        for row in rows:
            result = flag(row["text"], row["language"])
            if (result is not None) != (row["label"] == "disclosure"):
                kind = "missed" if result is None else "false alarm " + ",".join(result.indicators)
                print(f"    {kind}: [{row['language']}] {row['text']}")


def covered(redacted_spans: list[tuple[int, int]], start: int, end: int, text: str) -> bool:
    return all(
        any(a <= i < b for a, b in redacted_spans) for i in range(start, end) if text[i].isalnum()
    )


def report_redactor(name: str, rows: list[dict], verbose: bool) -> None:
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kept = [0, 0]
    words_outside = words_over = 0
    for row in rows:
        text = row["text"]
        result = redact(text, staff_names=row.get("staff", ()))
        spans = [(s.start, s.end) for s in result.spans]
        labelled: list[tuple[int, int]] = []
        for item in row["spans"]:
            for m in re.finditer(re.escape(item["text"]), text):
                labelled.append((m.start(), m.end()))
                hit = covered(spans, m.start(), m.end(), text)
                for key in (item["kind"], "ALL"):
                    found[key][0] += hit
                    found[key][1] += 1
                if verbose and not hit:
                    print(f"    missed {item['kind']}: {item['text']!r} in {text!r} -> {result.text!r}")
        for staff_name in row.get("keep", ()):
            for m in re.finditer(re.escape(staff_name), text):
                kept[1] += 1
                kept[0] += not any(a < m.end() and m.start() < b for a, b in spans)
        for m in re.finditer(r"\w+", text):
            if any(a < m.end() and m.start() < b for a, b in labelled):
                continue
            words_outside += 1
            over = any(a < m.end() and m.start() < b for a, b in spans)
            words_over += over
            if verbose and over:
                print(f"    over-redacted: {m.group()!r} in {text!r}")
    print(f"\nRedactor, {name} set ({len(rows)} texts)")
    print(f"  {'kind':14} {'spans':>5} {'recall':>7}")
    for kind in sorted(found, key=lambda k: (k == "ALL", k)):
        hit, total = found[kind]
        print(f"  {kind:14} {total:5} {ratio(hit, total):>7}")
    print(f"  staff names kept: {kept[0]}/{kept[1]} ({ratio(*kept).strip()})")
    print(f"  over-redaction: {words_over}/{words_outside} non-identifying words redacted ({ratio(words_over, words_outside).strip()})")


def report_speed(rows: list[dict]) -> None:
    """Mean and worst time per text: each text is timed alone, best of 5 runs (warm lists, a quiet moment)."""
    texts = [(row["text"], row["language"]) for row in rows]
    for text, lang in texts:
        flag(text, lang)  # load every list first
    per_text = []
    for text, lang in texts:
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            flag(text, lang)
            runs.append(time.perf_counter() - start)
        per_text.append((min(runs), text, lang))
    mean_us = sum(t for t, _, _ in per_text) / len(per_text) * 1e6
    worst, worst_text, worst_lang = max(per_text)
    start = time.perf_counter()
    for text, _ in texts * 10:
        redact(text)
    redact_us = (time.perf_counter() - start) / (len(texts) * 10) * 1e6
    print(f"\nSpeed over {len(texts)} texts: flag mean {mean_us:.0f} µs, worst {worst * 1e6:.0f} µs per text "
          f"([{worst_lang}] {worst_text[:40]!r}...); redact mean {redact_us:.0f} µs per text")


def main() -> None:
    verbose = "-v" in sys.argv
    sets = {name: load(path) for name, path in FLAG_SETS.items() if path.exists()}
    for name, rows in sets.items():
        report_flagger(name, rows, verbose)
    report_flagger("combined", [row for rows in sets.values() for row in rows], False)
    redaction = {name: load(path) for name, path in REDACTION_SETS.items() if path.exists()}
    for name, rows in redaction.items():
        report_redactor(name, rows, verbose)
    report_redactor("combined", [row for rows in redaction.values() for row in rows], False)
    report_speed([row for rows in sets.values() for row in rows])
    print(
        "\nNote: every set above except the two sealed ones was used to tune the lists after its first"
        "\nmeasurement, so only the sealed sets (and the combined figures' shortfall) show how the flagger"
        "\ndoes on text nobody tuned it on. The history of first-sight figures is in infra/eval/README.md."
    )


if __name__ == "__main__":
    main()
