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


@pytest.mark.parametrize("names", APPS)
def test_each_cycle_of_turns_puts_every_app_in_every_place_alike_and_holds_its_own_requests(openloop, names):
    """The 50% target is judged cycle by cycle: a cycle must be a fair comparison on its own, and a request
    must be counted in the cycle its window belongs to."""
    seconds = 4.0  # one draw of the benchmark's default at 50%: 12 s in three draws
    windows, each, _ = openloop.turns(names, seconds, 0.0)
    per_cycle = len(list(itertools.permutations(names)))
    order = [name for _, name in sorted((start, name) for name, starts in windows.items() for start in starts)]
    cycles = [order[i : i + per_cycle * len(names)] for i in range(0, len(order), per_cycle * len(names))]
    assert len(cycles) == (7 if len(names) == 3 else 20)  # at 50% (with the control) seven cycles a draw
    for cycle in cycles:
        places = Counter((i % len(names), name) for i, name in enumerate(cycle))
        assert len(set(places.values())) == 1 and len(places) == len(names) ** 2

    for starts in windows.values():
        # a request due at the start, in the middle and just before the end of each window
        due = [start + offset * each for start in starts for offset in (0.0, 0.5, 0.999)]
        expected = [index // per_cycle for index in range(len(starts)) for _ in range(3)]
        assert openloop.cycles_of(due, starts, per_cycle) == expected


def test_the_p99_is_taken_within_each_cycle(openloop):
    run = openloop.Run(rate=1.0, seconds=1.0)
    run.latency = [0.001] * 99 + [0.5] + [0.002] * 100 + [0.003] * 100
    run.cycle = [0] * 100 + [1] * 100 + [2] * 100

    assert run.percentile_by_cycle(99) == [0.001, 0.002, 0.003]
    assert run.percentile_by_cycle(100) == [0.5, 0.002, 0.003]


def test_draws_put_together_keep_every_request_and_id_and_number_their_cycles_on(openloop):
    first, second = openloop.Run(rate=10.0, seconds=2.0), openloop.Run(rate=10.0, seconds=2.0)
    first.due, first.latency, first.cycle = [1.0, 2.0, 3.0], [0.1, 0.2, 0.3], [0, 0, 1]
    second.due, second.latency, second.cycle = [9.0, 9.5], [0.4, 0.5], [0, 1]
    first.errors, second.errors = 1, 2
    first.late_start, second.late_start = 0.004, 0.002
    first.sent_ids, first.accepted, first.thanked = {"a", "b"}, {"a"}, {"a"}
    second.sent_ids, second.accepted, second.thanked = {"c"}, {"c"}, set()
    first.split, second.split = [[40, 24]], [[33, 31]]

    whole = openloop.merged([first, second])

    assert whole.latency == [0.1, 0.2, 0.3, 0.4, 0.5] and whole.due == [1.0, 2.0, 3.0, 9.0, 9.5]
    assert whole.cycle == [0, 0, 1, 2, 3]  # the second draw's cycles come after the first's
    assert whole.percentile_by_cycle(100) == [0.2, 0.3, 0.4, 0.5]
    assert (whole.errors, whole.late_start, whole.seconds) == (3, 0.004, 4.0)
    assert (whole.sent_ids, whole.accepted, whole.thanked) == ({"a", "b", "c"}, {"a", "c"}, {"a"})
    assert whole.split == [[40, 24], [33, 31]]  # how each draw's connections fell to the workers


def test_a_load_whose_connections_fell_unevenly_to_the_workers_is_started_again(openloop, monkeypatch):
    """Every app's connections spread alike over its workers (within SPREAD) before the first window."""
    readings = {"Heard": [[60, 4], [60, 4], [33, 31]], "bare": [[34, 30]]}
    started, stopped = Counter(), Counter()

    class Wrk:
        def __init__(self, name):
            self.name = name

        def kill(self):
            stopped[self.name] += 1

        def wait(self):
            return -9

    def start(target, *args, **kwargs):
        name = "Heard" if target.port == 1 else "bare"
        started[name] += 1
        return openloop._Load(Wrk(name), Path("unused"), 1.0, 1.0, "n", 1.0)

    def workers(pid, port):
        name = "Heard" if port == 1 else "bare"
        stream = readings[name]
        if stopped[name] == started[name] - 1:  # the live wrk's connections, as the workers hold them
            return stream[min(started[name] - 1, len(stream) - 1)]
        return []  # the stopped wrk's connections are closed

    monkeypatch.setattr(openloop, "_start", start)
    monkeypatch.setattr(openloop, "connections_per_worker", workers)
    monkeypatch.setattr(openloop, "_finish", lambda load: openloop.Run(rate=1.0, seconds=1.0))
    monkeypatch.setattr(openloop, "LEAD_SECONDS", 0.0)
    monkeypatch.setattr(openloop, "SPREAD_LEAD_SECONDS", 2.0)
    targets = {"Heard": openloop.Target(port=1), "bare": openloop.Target(port=2)}

    runs, _, _ = openloop.take_turns(
        targets,
        "form",
        10.0,
        0.2,
        work=Path("unused"),
        form_path="/",
        nonces={"Heard": "a", "bare": "b"},
        connections=64,
        server_pids={"Heard": 100, "bare": 200},
    )

    assert (started["Heard"], stopped["Heard"]) == (3, 2)  # 60/4 twice: stopped and started again
    assert (started["bare"], stopped["bare"]) == (1, 0)
    assert runs["Heard"].split == [[33, 31]] and runs["bare"].split == [[34, 30]]
