"""The benchmark's open loop lets the apps it compares take turns fairly (infra/bench/openloop.py):
every app gets the same windows, one app at a time, and each app runs first, second and last alike."""

import importlib.util
import itertools
import sys
from collections import Counter
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "infra" / "bench" / "openloop.py"


@pytest.fixture(scope="module")
def openloop():
    spec = importlib.util.spec_from_file_location("bench_openloop", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.mark.parametrize("names", [["Heard", "bare"], ["Heard", "bare", "bare again"]])
def test_each_app_has_as_many_windows_of_the_same_length_and_none_overlap(openloop, names):
    windows, each, end = openloop.turns(names, 8.0, 1000.0)

    assert each == pytest.approx(8.0 / openloop.TURNS)
    assert all(len(starts) == openloop.TURNS for starts in windows.values())
    spans = sorted((start, start + each) for starts in windows.values() for start in starts)
    assert spans[0][0] == 1000.0
    for (_, ends), (starts, _) in itertools.pairwise(spans):
        assert starts == pytest.approx(ends + openloop.GAP_SECONDS)  # one app at a time, a gap between
    assert end == pytest.approx(spans[-1][1] + openloop.GAP_SECONDS)


@pytest.mark.parametrize("names", [["Heard", "bare"], ["Heard", "bare", "bare again"]])
def test_every_app_comes_in_every_place_of_a_turn_equally_often(openloop, names):
    windows, _, _ = openloop.turns(names, 8.0, 0.0)

    order = [name for _, name in sorted((start, name) for name, starts in windows.items() for start in starts)]
    places = Counter((i % len(names), name) for i, name in enumerate(order))
    assert set(places.values()) == {openloop.TURNS // len(names)}
    assert len(places) == len(names) ** 2
