"""The benchmark's open loop lets the apps it compares take turns fairly (infra/bench/openloop.py):
every app gets the same windows, one app at a time, each app runs first, second and last alike, and no
app waits so long between its windows that the server closes its idle connections."""

import importlib.util
import itertools
import sys
from collections import Counter
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "infra" / "bench" / "openloop.py"
APPS = [["Heard", "bare"], ["Heard", "bare", "bare again"]]


@pytest.fixture(scope="module")
def openloop():
    spec = importlib.util.spec_from_file_location("bench_openloop", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.mark.parametrize("seconds", [2.0, 8.0, 30.0])
@pytest.mark.parametrize("names", APPS)
def test_each_app_has_as_many_windows_of_the_same_length_and_none_overlap(openloop, names, seconds):
    windows, each, end = openloop.turns(names, seconds, 1000.0)

    counts = {len(starts) for starts in windows.values()}
    assert len(counts) == 1 and each * counts.pop() == pytest.approx(seconds)
    assert each <= openloop.WINDOW_SECONDS
    spans = sorted((start, start + each) for starts in windows.values() for start in starts)
    assert spans[0][0] == 1000.0
    for (_, ends), (starts, _) in itertools.pairwise(spans):
        assert starts == pytest.approx(ends + openloop.GAP_SECONDS)  # one app at a time, a gap between
    assert end == pytest.approx(spans[-1][1] + openloop.GAP_SECONDS)


@pytest.mark.parametrize("seconds", [2.0, 8.0, 30.0])
@pytest.mark.parametrize("names", APPS)
def test_every_app_comes_in_every_place_of_a_turn_equally_often(openloop, names, seconds):
    windows, _, _ = openloop.turns(names, seconds, 0.0)

    order = [name for _, name in sorted((start, name) for name, starts in windows.items() for start in starts)]
    places = Counter((i % len(names), name) for i, name in enumerate(order))
    assert len(set(places.values())) == 1
    assert len(places) == len(names) ** 2


@pytest.mark.parametrize("seconds", [2.0, 8.0, 30.0])
@pytest.mark.parametrize("names", APPS)
def test_no_app_waits_for_its_next_window_as_long_as_the_servers_keep_an_idle_connection(openloop, names, seconds):
    windows, each, _ = openloop.turns(names, seconds, 0.0)

    for starts in windows.values():
        longest_wait = max(later - (earlier + each) for earlier, later in itertools.pairwise(starts))
        assert longest_wait < openloop.KEEP_ALIVE_SECONDS - 1
