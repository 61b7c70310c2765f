"""infra/eval/safeguarding.py keeps sealed sets sealed: read only with --sealed, never printed, every run recorded."""

import builtins
import importlib.util
import io
import json
import pathlib
from contextlib import redirect_stdout
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "infra" / "eval" / "safeguarding.py"

# Texts nobody may see: a missed disclosure, a false alarm, a caught one, a non-disclosure;
# and redaction rows with a missed span, an over-redacted word and a kept staff name.
SEALED_FLAGGING = [
    {
        "text": "zephyr marmalade quietly orbiting nine lanterns",
        "language": "en",
        "label": "disclosure",
        "category": "unsafe",
    },
    {"text": "my dad hits me when he is drunk", "language": "en", "label": "none", "category": "tricky"},
    {"text": "i want to kill myself tonight", "language": "en", "label": "disclosure", "category": "suicide"},
    {"text": "the worker was kind and brought biscuits", "language": "en", "label": "none", "category": "positive"},
]
SEALED_REDACTION = [
    {
        "text": "ask Quixotel Brambleworth about it",
        "spans": [{"kind": "name", "text": "lowercase-never-found"}],
        "staff": [],
        "keep": [],
    },
    {
        "text": "we visited Xylophonia yesterday with Mr Zarquon",
        "spans": [{"kind": "name", "text": "Zarquon"}],
        "staff": ["Petronella Vasquez"],
        "keep": [],
    },
]
# Words of those texts that appear nowhere else (the output's headings share ordinary words).
MARKERS = [
    "zephyr",
    "marmalade",
    "lanterns",
    "drunk",
    "tonight",
    "biscuits",
    "Quixotel",
    "Brambleworth",
    "Xylophonia",
    "Zarquon",
    "Petronella",
    "lowercase-never-found",
]
TUNED = [{"text": "he punches me every night", "language": "en", "label": "disclosure", "category": "harm"}]


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("eval_safeguarding", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


@pytest.fixture
def sets(tmp_path):
    _write(tmp_path / "flagging_dev.jsonl", TUNED)
    _write(
        tmp_path / "redaction.jsonl",
        [{"text": "my son Kai", "spans": [{"kind": "name", "text": "Kai"}], "staff": [], "keep": []}],
    )
    _write(tmp_path / "flagging_sealed_c.jsonl", SEALED_FLAGGING)
    _write(tmp_path / "redaction_sealed_a.jsonl", SEALED_REDACTION)
    return tmp_path


def _run(script, argv: list[str]) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert script.main(argv) == 0
    return out.getvalue()


def _opened_while(monkeypatch, call) -> list[str]:
    """Every file opened (by open(), Path.open or Path.read_text) while `call` runs."""
    opened: list[str] = []
    real_open, real_path_open = builtins.open, pathlib.Path.open

    def spy_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_path_open(self, *args, **kwargs):
        opened.append(str(self))
        return real_path_open(self, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(pathlib.Path, "open", spy_path_open)
    call()
    monkeypatch.undo()
    return opened


def test_without_sealed_the_real_sealed_files_are_never_opened(script, monkeypatch):
    opened = _opened_while(monkeypatch, lambda: _run_quietly(script))

    assert any("flagging_dev.jsonl" in path for path in opened)  # the spy sees the tuned sets being read
    assert not [path for path in opened if "sealed" in Path(path).name]


def _run_quietly(script):
    """The real default run, over the real folder, with the slow speed check stubbed out."""
    original = script.report_speed
    script.report_speed = lambda *args: None
    try:
        with redirect_stdout(io.StringIO()):
            script.main(["-v"])
    finally:
        script.report_speed = original


def test_without_sealed_fake_sealed_sets_are_not_read_or_printed(script, sets, monkeypatch):
    output: list[str] = []
    opened = _opened_while(monkeypatch, lambda: output.append(_run(script, ["--sets", str(sets), "-v"])))

    assert not [path for path in opened if "sealed" in Path(path).name]
    assert "he punches me every night" not in output[0]  # caught, so not listed; and the speed line has no text
    assert "Speed: flag mean" in output[0]
    assert not (sets / "sealed_ledger.tsv").exists()


def test_sealed_verbose_prints_no_sealed_text_and_records_each_measurement(script, sets):
    output = _run(script, ["--sets", str(sets), "--sealed", "-v"])

    for row in SEALED_FLAGGING + SEALED_REDACTION:
        assert row["text"] not in output
    for word in MARKERS:
        assert word.casefold() not in output.casefold(), word
    assert "missed: 1 [en] unsafe" in output and "false alarm: 1 [en] tricky" in output
    assert "Flagger, sealed C set (4 texts)" in output and "Redactor, sealed redaction A set (2 texts)" in output
    ledger = (sets / "sealed_ledger.tsv").read_text(encoding="utf-8").splitlines()
    assert ledger[0].split("\t") == ["date", "commit", "set", "engine", "n", "recall", "precision", "note"]
    first = dict(zip(ledger[0].split("\t"), ledger[1].split("\t")))
    assert (first["set"], first["engine"], first["n"]) == ("flagging_sealed_c.jsonl", "flagger", "4 (2 disclosures)")
    assert (first["recall"], first["precision"]) == ("50.0%", "50.0%")
    assert first["commit"] and first["date"].endswith("UTC")
    assert ledger[2].split("\t")[2:4] == ["redaction_sealed_a.jsonl", "redactor"]
    assert "WARNING" not in output

    again = _run(script, ["--sets", str(sets), "--sealed", "C"])

    assert "WARNING: flagging_sealed_c.jsonl has been measured 1 time(s) before" in again
    assert len((sets / "sealed_ledger.tsv").read_text(encoding="utf-8").splitlines()) == 4


def test_sealed_refuses_an_unknown_or_missing_set(script, sets):
    with redirect_stdout(io.StringIO()):
        assert script.main(["--sets", str(sets), "--sealed", "Z"]) == 2
        assert script.main(["--sets", str(sets), "--sealed", "E"]) == 2
    assert not (sets / "sealed_ledger.tsv").exists()
