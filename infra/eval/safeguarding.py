"""Measure the safeguarding engines on the labelled sets in this folder.

    python infra/eval/safeguarding.py             # the tuned sets: figures and speed
    python infra/eval/safeguarding.py -v          # and every miss / false alarm / over-redaction
    python infra/eval/safeguarding.py --sealed    # the sealed sets instead (recorded in the ledger)
    python infra/eval/safeguarding.py --sealed E F

Flagger: recall (disclosures flagged / disclosures) and precision (flagged
disclosures / everything flagged), per language and overall. Redactor: recall
per kind of identifying detail (a labelled span counts as found when none of
its letters or digits survive; a span's optional "form" is reported too, e.g.
phone numbers written in words), staff names kept, and over-redaction (share of
words outside every labelled span that were redacted anyway). Then the mean and
worst time flag() and redact() take per text.

Every set measured by default was used to tune the engines after its first
measurement (README.md here tells each one's history): those figures guard
against regressions and say nothing about new text.

Sealed sets (written by people who saw neither the lists nor any other set, and
never tuned on) run only with --sealed, alone, and their texts are never printed:
not with -v (misses are counted by language and category instead) and not in
the speed line (which prints no text for any set). Each sealed measurement
appends a line to sealed_ledger.tsv (commit that file): a set with more than one
line is no longer measured at first sight, and the script warns before
measuring it again. Never tune on a sealed set, nor on what this prints for it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from service.safeguarding import flag, redact  # noqa: E402

# Sets that were tuned on after their first measurement (regression guards).
FLAG_SETS = {
    "development": "flagging_dev.jsonl",
    "held-out": "flagging_heldout.jsonl",
    "held-out 2": "flagging_heldout2.jsonl",
    "held-out 3": "flagging_heldout3.jsonl",
    "held-out 4": "flagging_heldout4.jsonl",
    "held-out 5": "flagging_heldout5.jsonl",
    "held-out 6": "flagging_heldout6.jsonl",
    "development 2": "flagging_dev2.jsonl",
    "tuned A": "flagging_tuned_a.jsonl",  # sealed once; round 13 was aimed at their misses
    "tuned B": "flagging_tuned_b.jsonl",
}
REDACTION_SETS = {
    "development": "redaction.jsonl",
    "held-out": "redaction_heldout.jsonl",
    "held-out 2": "redaction_heldout2.jsonl",
    "fresh": "redaction_fresh.jsonl",  # first sight recorded in README.md, then tuned on
    "fresh 2": "redaction_fresh2.jsonl",
}
# Sealed sets: only with --sealed. The key is what --sealed takes ("C", "E", "redaction A").
SEALED_FLAG_SETS = {
    "C": "flagging_sealed_c.jsonl",
    "D": "flagging_sealed_d.jsonl",
    "E": "flagging_sealed_e.jsonl",
    "F": "flagging_sealed_f.jsonl",
}
SEALED_REDACTION_SETS = {
    "redaction A": "redaction_sealed_a.jsonl",
}
LEDGER_COLUMNS = ("date", "commit", "set", "engine", "n", "recall", "precision", "note")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


# ---------------------------------------------------------------- flagger


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


def report_flagger(name: str, rows: list[dict], verbose: bool, *, sealed: bool = False) -> tuple[int, int, int]:
    """Print the figures; returns (true positives, false negatives, false positives) over all."""
    counts = flag_counts(rows)
    print(f"\nFlagger, {name} set ({len(rows)} texts)")
    print(f"  {'language':8} {'texts':>5} {'disclosures':>11} {'recall':>7} {'precision':>9}")
    for lang in sorted(counts, key=lambda k: (k == "ALL", k)):
        tp, fn, fp, n = counts[lang]
        print(f"  {lang:8} {n:5} {tp + fn:11} {ratio(tp, tp + fn):>7} {ratio(tp, tp + fp):>9}")
    if verbose:
        errors: dict[tuple[str, str, str], int] = defaultdict(int)
        for row in rows:
            result = flag(row["text"], row["language"])
            if (result is not None) == (row["label"] == "disclosure"):
                continue
            if sealed:  # never a sealed text: only what kind of error, where
                errors["missed" if result is None else "false alarm", row["language"], row["category"]] += 1
            else:
                kind = "missed" if result is None else "false alarm " + ",".join(result.indicators)
                print(f"    {kind}: [{row['language']}] {row['text']}")
        for (kind, lang, category), number in sorted(errors.items()):
            print(f"    {kind}: {number} [{lang}] {category}")
    tp, fn, fp, _ = counts["ALL"]
    return tp, fn, fp


# ---------------------------------------------------------------- redactor


def covered(redacted_spans: list[tuple[int, int]], start: int, end: int, text: str) -> bool:
    return all(any(a <= i < b for a, b in redacted_spans) for i in range(start, end) if text[i].isalnum())


def report_redactor(name: str, rows: list[dict], verbose: bool, *, sealed: bool = False) -> dict[str, list[int]]:
    """Print the figures; returns {"ALL": [found, spans], "kept": [...], "over": [redacted, words]}."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kept = [0, 0]
    words_outside = words_over = 0
    for row in rows:
        text = row["text"]
        result = redact(text, staff_names=row.get("staff", ()))
        spans = [(s.start, s.end) for s in result.spans]
        labelled: list[tuple[int, int]] = []
        for item in row["spans"]:
            keys = [item["kind"], "ALL"] + ([f"{item['kind']} ({item['form']})"] if item.get("form") else [])
            for m in re.finditer(re.escape(item["text"]), text):
                labelled.append((m.start(), m.end()))
                hit = covered(spans, m.start(), m.end(), text)
                for key in keys:
                    found[key][0] += hit
                    found[key][1] += 1
                if verbose and not hit:
                    shown = "" if sealed else f": {item['text']!r} in {text!r} -> {result.text!r}"
                    print(f"    missed {keys[-1] if item.get('form') else item['kind']}{shown}")
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
                print("    over-redacted a word" if sealed else f"    over-redacted: {m.group()!r} in {text!r}")
    print(f"\nRedactor, {name} set ({len(rows)} texts)")
    print(f"  {'kind':22} {'spans':>5} {'recall':>7}")
    for kind in sorted(found, key=lambda k: (k == "ALL", k)):
        hit, total = found[kind]
        print(f"  {kind:22} {total:5} {ratio(hit, total):>7}")
    print(f"  staff names kept: {kept[0]}/{kept[1]} ({ratio(*kept).strip()})")
    print(
        f"  over-redaction: {words_over}/{words_outside} non-identifying words redacted ({ratio(words_over, words_outside).strip()})"
    )
    return {"ALL": found["ALL"], "kept": kept, "over": [words_over, words_outside]}


# ---------------------------------------------------------------- speed


def _best_of_five(call) -> float:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        call()
        runs.append(time.perf_counter() - start)
    return min(runs)


def report_speed(flag_rows: list[dict], redaction_rows: list[dict]) -> None:
    """Mean and worst time per text, each text timed alone, best of 5 runs. Prints no text."""
    texts = [(row["text"], row["language"]) for row in flag_rows]
    for text, lang in texts:
        flag(text, lang)  # load every list first
        redact(text)
    flag_times = [_best_of_five(lambda text=text, lang=lang: flag(text, lang)) for text, lang in texts]
    redact_texts = [text for text, _ in texts] + [(row["text"], tuple(row.get("staff", ()))) for row in redaction_rows]
    redact_times = []
    for item in redact_texts:
        text, staff = item if isinstance(item, tuple) else (item, ())
        redact_times.append(_best_of_five(lambda text=text, staff=staff: redact(text, staff_names=staff)))
    print(
        f"\nSpeed: flag mean {sum(flag_times) / len(flag_times) * 1e6:.0f} µs, worst {max(flag_times) * 1e6:.0f} µs"
        f" per text over {len(flag_times)} texts; redact mean {sum(redact_times) / len(redact_times) * 1e6:.0f} µs,"
        f" worst {max(redact_times) * 1e6:.0f} µs per text over {len(redact_times)} texts"
    )


# ---------------------------------------------------------------- sealed sets and the ledger


def commit_id() -> str:
    """The commit measured; "+uncommitted" when the engines or their lists differ from it."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    commit = git("rev-parse", "--short=10", "HEAD") or "unknown"
    return commit + ("+uncommitted" if git("status", "--porcelain", "--", "service/safeguarding") else "")


def ledger_rows(ledger: Path) -> list[dict[str, str]]:
    if not ledger.exists():
        return []
    lines = [line for line in ledger.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    rows = [dict(zip(LEDGER_COLUMNS, line.split("\t"))) for line in lines]
    return [row for row in rows if row.get("date") != "date"]  # the header


def append_ledger(ledger: Path, values: dict[str, str]) -> None:
    new = not ledger.exists()
    with ledger.open("a", encoding="utf-8") as out:
        if new:
            out.write("\t".join(LEDGER_COLUMNS) + "\n")
        out.write("\t".join(values.get(column, "") for column in LEDGER_COLUMNS) + "\n")


def warn_if_measured(ledger: Path, file_name: str) -> bool:
    earlier = [row for row in ledger_rows(ledger) if row.get("set") == file_name]
    if earlier:
        print(
            f"\nWARNING: {file_name} has been measured {len(earlier)} time(s) before (first on {earlier[0]['date']}"
            f" at {earlier[0]['commit']}): the figures below are not first-sight figures."
        )
    return bool(earlier)


def run_sealed(folder: Path, ledger: Path, wanted: list[str], verbose: bool) -> int:
    known = {**SEALED_FLAG_SETS, **SEALED_REDACTION_SETS}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        print(f"unknown sealed set(s) {unknown}; known: {sorted(known)}", file=sys.stderr)
        return 2
    chosen = wanted or [name for name, file_name in known.items() if (folder / file_name).exists()]
    missing = [name for name in chosen if not (folder / known[name]).exists()]
    if missing:
        print(f"sealed set(s) {missing} not found in {folder}", file=sys.stderr)
        return 2
    commit = commit_id()
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    for name in chosen:
        file_name = known[name]
        warn_if_measured(ledger, file_name)
        rows = load(folder / file_name)
        if name in SEALED_FLAG_SETS:
            tp, fn, fp = report_flagger(f"sealed {name}", rows, verbose, sealed=True)
            english = [row for row in rows if row["language"] == "en"]
            etp, efn, efp = flag_counts(english)["ALL"][:3] if english else (0, 0, 0)
            values = {
                "engine": "flagger",
                "n": f"{len(rows)} ({tp + fn} disclosures)",
                "recall": ratio(tp, tp + fn).strip(),
                "precision": ratio(tp, tp + fp).strip(),
                "note": f"English {ratio(etp, etp + efn).strip()} / {ratio(etp, etp + efp).strip()}",
            }
        else:
            figures = report_redactor(f"sealed {name}", rows, verbose, sealed=True)
            found, over, kept = figures["ALL"], figures["over"], figures["kept"]
            values = {
                "engine": "redactor",
                "n": f"{len(rows)} ({found[1]} spans)",
                "recall": ratio(*found).strip(),
                "precision": "n/a",
                "note": f"over-redaction {ratio(*over).strip()}, staff names kept {kept[0]}/{kept[1]}",
            }
        append_ledger(ledger, {"date": now, "commit": commit, "set": file_name, **values})
    print(f"\nRecorded in {ledger.relative_to(ROOT) if ledger.is_relative_to(ROOT) else ledger}; commit it.")
    return 0


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print misses and false alarms")
    parser.add_argument(
        "--sealed",
        nargs="*",
        metavar="SET",
        help="measure the sealed sets (all, or those named: C D E F, 'redaction A') and record it",
    )
    parser.add_argument("--sets", type=Path, default=HERE, help="folder holding the sets (default: this one)")
    parser.add_argument("--ledger", type=Path, default=None, help="ledger file (default: sealed_ledger.tsv there)")
    args = parser.parse_args(argv)
    folder: Path = args.sets
    ledger: Path = args.ledger or folder / "sealed_ledger.tsv"
    if args.sealed is not None:
        return run_sealed(folder, ledger, args.sealed, args.verbose)

    sets = {name: load(folder / f) for name, f in FLAG_SETS.items() if (folder / f).exists()}
    for name, rows in sets.items():
        report_flagger(name, rows, args.verbose)
    report_flagger("combined", [row for rows in sets.values() for row in rows], False)
    redaction = {name: load(folder / f) for name, f in REDACTION_SETS.items() if (folder / f).exists()}
    for name, rows in redaction.items():
        report_redactor(name, rows, args.verbose)
    report_redactor("combined", [row for rows in redaction.values() for row in rows], False)
    report_speed([row for rows in sets.values() for row in rows], [row for rows in redaction.values() for row in rows])
    print(
        "\nNote: every set above was tuned on after its first measurement: these figures guard against"
        "\nregressions and say nothing about new text. The sealed sets (run with --sealed, recorded in"
        "\nsealed_ledger.tsv) and the first-sight history in infra/eval/README.md do."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
