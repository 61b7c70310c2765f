"""The differencing audit: can anything a role may see be combined to read a
small group of answers, or a practitioner's results they have not shared?

Every figure a role can obtain is the count of one measure ("responses" or
"<question_id>:<level>") summed over a set of atoms, the finest cells of the
grid (team x month x touchpoint x practitioner at answer time x contact kind x
audience x survey). A determined insider can add and subtract figures at will.
Given the true count of every (atom, measure) and the figures one role can
see, `audit` decides for each *protected target* whether the figures pin it
down:

- a small cell: an atom holding 1..k-1 (k is the team's k, or the
  practitioner's k when the atom is one practitioner's touchpoint);
- a small group: the atoms no figure tells apart ("blocks"), together holding
  1..k-1: the finest groups the figures themselves single out;
- a closed practitioner's results (one the role may not see): their total of
  a measure in any single month, and over all months;
- an isolated practitioner: any shown figure counting only a closed
  practitioner's answers, and (exact test) any combination of exact figures
  in which only a closed practitioner's cells are left.

Two tests, both over the figures of one measure at a time (measures never mix
in a sum):

- exact: figures published without adjustment (noise 0, or the value 0,
  which perturbation never moves) are linear equations; a target is disclosed
  if its indicator vector lies in their row space (Gaussian elimination in
  exact rational arithmetic over the blocks);
- bounds: with SciPy's HiGHS, minimise and maximise the target subject to
  every shown figure (value - noise <= sum <= value + noise, counts >= 0;
  hidden figures give no equation). With `knows_rules` (the engine's largest
  adjustment D) the attacker also knows the publishing rules and learns from
  what is shown and what is hidden: a shown figure holds at least its k, and
  a figure hidden for its size (it has no closed practitioner's cells) at
  most k - 1 + D. Counts are whole numbers, so a target is
  disclosed when its feasible interval holds one whole number; an interval
  that excludes 0 and is narrower than the target's k is reported as
  "narrowed", for information.

Pure Python apart from SciPy; nothing here imports Heard beyond the Figure
and AtomKey shapes, so the same audit runs against any engine (and against
the engines it replaced: tests/privacy/legacy_audit_report.txt).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from fractions import Fraction

import msgspec

from service.figures.model import AtomKey, Figure

Truth = Mapping[tuple[AtomKey, str], int]

SMALL_CELL = "small cell"
SMALL_GROUP = "small group"
CLOSED_MONTH = "closed practitioner, one month"
CLOSED_ALL = "closed practitioner, all months"
ISOLATED = "closed practitioner isolated"
CLOSED_PART = "closed practitioner, part of their results"


class Target(msgspec.Struct, frozen=True):
    kind: str
    measure: str
    atoms: frozenset[AtomKey]
    true: int
    k: int | None = None  # for small cells and groups
    practitioner_id: int | None = None  # for closed practitioners


class Finding(msgspec.Struct, frozen=True):
    target: Target
    how: str  # "exact" (row space), "bounds" (linear programming), or "shown" (one figure shows it)
    low: float
    high: float
    figures: list[str]  # the figures that disclose it, with their coefficients where known


class Report(msgspec.Struct):
    disclosed: list[Finding]
    narrowed: list[Finding]
    inconsistent: list[str]  # figures whose published value cannot come from the true counts
    targets: int = 0
    figures: int = 0

    @property
    def clean(self) -> bool:
        return not self.disclosed and not self.inconsistent

    def text(self, each: int = 6) -> str:
        """A summary, then up to `each` disclosures of every kind (counts of responses first)."""
        lines = [
            f"{self.figures} published figures, {self.targets} protected targets: "
            f"{len(self.disclosed)} disclosed, {len(self.narrowed)} narrowed, "
            f"{len(self.inconsistent)} inconsistent figures"
        ]
        by_kind: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.disclosed:
            by_kind[finding.target.kind].append(finding)
        lines += [f"  disclosed {kind}: {len(found)}" for kind, found in sorted(by_kind.items())]
        for kind, found in sorted(by_kind.items()):
            found = sorted(
                found, key=lambda f: (f.target.measure != "responses", f.target.measure, sorted(f.target.atoms)[0])
            )
            lines += ["DISCLOSED " + describe(finding) for finding in found[:each]]
            if len(found) > each:
                lines.append(f"... and {len(found) - each} more {kind}")
        lines += ["narrowed " + describe(finding) for finding in self.narrowed[:each]]
        lines += ["INCONSISTENT " + text for text in self.inconsistent[:each]]
        return "\n".join(lines)


def atom_label(atom: AtomKey) -> str:
    month = atom.month.isoformat() if atom.month.day != 1 else atom.month.strftime("%Y-%m")
    who = f"p{atom.practitioner_id}" if atom.practitioner_id is not None else "no practitioner"
    return f"[team {atom.team_id} {month} touchpoint {atom.touchpoint_id} ({who}, {atom.contact_kind}) {atom.audience}]"


def target_label(target: Target) -> str:
    atoms = sorted(target.atoms)
    where = atom_label(atoms[0]) if len(atoms) == 1 else _span(atoms)
    extra = f" (k={target.k})" if target.k is not None else ""
    extra += f" practitioner {target.practitioner_id}" if target.practitioner_id is not None else ""
    return f"{target.kind}{extra}: {target.measure} = {target.true} over {where}"


def _span(atoms: list[AtomKey]) -> str:
    months = sorted({a.month for a in atoms})
    touchpoints = sorted({a.touchpoint_id for a in atoms})
    audiences = sorted({a.audience for a in atoms})
    kinds = sorted({a.contact_kind for a in atoms})
    first, last = months[0].isoformat(), months[-1].isoformat()
    return (
        f"{len(atoms)} atoms [{first}..{last}, touchpoints {touchpoints}, {', '.join(kinds)}, {', '.join(audiences)}]"
    )


def describe(finding: Finding) -> str:
    interval = f"{finding.low:g}" if finding.low == finding.high else f"[{finding.low:g}, {finding.high:g}]"
    used = "; ".join(finding.figures[:8]) + (
        f"; ... ({len(finding.figures)} figures)" if len(finding.figures) > 8 else ""
    )
    return f"{target_label(finding.target)} -> {finding.how} {interval} from: {used}"


def audit(
    truth: Truth,
    figures: Sequence[Figure],
    *,
    k_team: int,
    k_practitioner: int,
    closed: Collection[int] = (),
    labels: Sequence[str] | None = None,
    bounds: bool = True,
    groups: bool = True,
    knows_rules: int | None = None,
) -> Report:
    """Audit one role's figures. `closed`: the practitioners whose results this
    role may not read. `labels`: a readable name per figure (same order).
    `bounds`: also run the linear-programming test; `groups`: also protect
    blocks of atoms the figures never tell apart; `knows_rules`: the largest
    adjustment D of an engine that hides every count below k, empty ones
    included, so shown means at least k and hidden-for-size at most k - 1 + D."""
    labels = list(labels) if labels is not None else [f"figure {i}" for i in range(len(figures))]
    report = Report([], [], [], figures=sum(1 for f in figures if f.value is not None))
    by_measure: dict[str, list[int]] = defaultdict(list)
    for index, figure in enumerate(figures):
        by_measure[figure.measure].append(index)
    truth_by_measure: dict[str, dict[AtomKey, int]] = defaultdict(dict)
    for (atom, measure), n in truth.items():
        if n:
            truth_by_measure[measure][atom] = n
    for measure in sorted(set(by_measure) | set(truth_by_measure)):
        if measure.endswith(":" + ANSWERED):
            continue  # a sum over a question's answers: audited with them, below
        _audit_measure(
            measure,
            truth_by_measure.get(measure, {}),
            [(i, figures[i]) for i in by_measure[measure]],
            labels,
            report,
            k_team=k_team,
            k_practitioner=k_practitioner,
            closed=set(closed),
            bounds=bounds,
            groups=groups,
            knows_rules=knows_rules,
        )
    # One question's counts per answer and its count of everyone who answered ("<question>:answered") are sums
    # over the same responses, so they can be subtracted from one another: audit them together too, in one
    # system whose cells are (atom, answer).
    for question, (joint_truth, joint_figures) in sorted(_answers_together(truth_by_measure, figures).items()):
        _audit_measure(
            f"{question}:*",
            joint_truth,
            joint_figures,
            labels,
            report,
            k_team=k_team,
            k_practitioner=k_practitioner,
            closed=set(closed),
            bounds=bounds,
            groups=groups,
            knows_rules=knows_rules,
        )
    return report


ANSWERED = "answered"  # "<question>:answered" counts every answer of the question's other measures but no_answer


def _answers_together(
    truth_by_measure: Mapping[str, Mapping[AtomKey, int]], figures: Sequence[Figure]
) -> dict[str, tuple[dict[AtomKey, int], list[tuple[int, Figure]]]]:
    """Per question with an "answered" figure: the truth and figures over cells (atom, answer), each cell an
    atom whose survey is tagged with the answer (so practitioner, month and the rest still read as before)."""
    questions = {f.measure.rsplit(":", 1)[0] for f in figures if f.measure.endswith(":" + ANSWERED)}
    found = {}
    for question in questions:
        answers = sorted(
            {
                m.rsplit(":", 1)[1]
                for m in [*truth_by_measure, *(f.measure for f in figures)]
                if m.rsplit(":", 1)[0] == question and m.rsplit(":", 1)[-1] not in (ANSWERED, "no_answer") and ":" in m
            }
        )
        truth = {
            _tagged(atom, answer): n
            for answer in answers
            for atom, n in truth_by_measure.get(f"{question}:{answer}", {}).items()
        }
        joint = []
        for index, figure in enumerate(figures):
            if not figure.measure.startswith(question + ":"):
                continue
            answer = figure.measure.rsplit(":", 1)[1]
            covers = answers if answer == ANSWERED else [answer] if answer in answers else []
            if covers:
                atoms = frozenset(_tagged(atom, a) for atom in figure.atoms for a in covers)
                joint.append((index, Figure(f"{question}:*", atoms, figure.value, figure.noise)))
        found[question] = (truth, joint)
    return found


def _tagged(atom: AtomKey, answer: str) -> AtomKey:
    return msgspec.structs.replace(atom, survey_id=f"{atom.survey_id}#{answer}")


def _k_of(atoms: Iterable[AtomKey], k_team: int, k_practitioner: int) -> int:
    practitioners = {a.practitioner_id for a in atoms}
    return k_practitioner if len(practitioners) == 1 and None not in practitioners else k_team


def _targets(
    measure: str,
    truth: dict[AtomKey, int],
    blocks: list[frozenset[AtomKey]],
    universe: set[AtomKey],
    *,
    k_team: int,
    k_practitioner: int,
    closed: set[int],
    groups: bool,
) -> list[Target]:
    """`universe`: every atom known, empty ones included (a practitioner's month is all of its atoms)."""
    found: dict[tuple[str, frozenset[AtomKey]], Target] = {}
    for atom, n in truth.items():
        k = _k_of([atom], k_team, k_practitioner)
        if 0 < n < k:
            found[(SMALL_CELL, frozenset([atom]))] = Target(SMALL_CELL, measure, frozenset([atom]), n, k=k)
    if groups:
        for block in blocks:
            n = sum(truth.get(a, 0) for a in block)
            k = _k_of(block, k_team, k_practitioner)
            if len(block) > 1 and 0 < n < k:
                found[(SMALL_GROUP, block)] = Target(SMALL_GROUP, measure, block, n, k=k)
    for practitioner in sorted(closed):
        theirs = [a for a in universe if a.practitioner_id == practitioner]
        months: dict[tuple[int, int], list[AtomKey]] = defaultdict(list)
        for atom in theirs:
            months[(atom.month.year, atom.month.month)].append(atom)
        for atoms in months.values():
            target = Target(
                CLOSED_MONTH,
                measure,
                frozenset(atoms),
                sum(truth.get(a, 0) for a in atoms),
                practitioner_id=practitioner,
            )
            found[(CLOSED_MONTH, target.atoms)] = target
        if len(months) > 1:
            target = Target(
                CLOSED_ALL,
                measure,
                frozenset(theirs),
                sum(truth.get(a, 0) for a in theirs),
                practitioner_id=practitioner,
            )
            found[(CLOSED_ALL, target.atoms)] = target
    return [t for t in found.values() if t.true > 0]


class _Basis:
    """Row space of the exact equations, kept in echelon form: each vector has
    a distinct leading (smallest) column; `combos` records how each one is
    made from the original figures, so a disclosure can name its figures."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[int, Fraction]] = {}
        self.combos: dict[int, dict[int, Fraction]] = {}

    def _reduce(self, vector: dict[int, Fraction], combo: dict[int, Fraction]) -> None:
        while vector:
            column = min(vector)
            pivot = self.rows.get(column)
            if pivot is None:
                return
            factor = vector[column]
            for c, value in pivot.items():
                updated = vector.get(c, 0) - factor * value
                if updated:
                    vector[c] = updated
                else:
                    vector.pop(c, None)
            for f, value in self.combos[column].items():
                updated = combo.get(f, 0) - factor * value
                if updated:
                    combo[f] = updated
                else:
                    combo.pop(f, None)

    def add(self, columns: Iterable[int], figure: int) -> None:
        vector = {c: Fraction(1) for c in columns}
        combo = {figure: Fraction(1)}
        self._reduce(vector, combo)
        if not vector:
            return
        column = min(vector)
        lead = vector[column]
        self.rows[column] = {c: v / lead for c, v in vector.items()}
        self.combos[column] = {f: v / lead for f, v in combo.items()}

    def express(self, columns: Iterable[int]) -> dict[int, Fraction] | None:
        """The figures (with coefficients) adding up to this indicator vector, or None if none do."""
        vector = {c: Fraction(1) for c in columns}
        combo: dict[int, Fraction] = {}
        self._reduce(vector, combo)
        if vector:
            return None
        return {f: -v for f, v in combo.items()}  # reduction subtracted the combination


def _audit_measure(
    measure: str,
    truth: dict[AtomKey, int],
    figures: list[tuple[int, Figure]],
    labels: list[str],
    report: Report,
    *,
    k_team: int,
    k_practitioner: int,
    closed: set[int],
    bounds: bool,
    groups: bool,
    knows_rules: int | None,
) -> None:
    shown = [(i, f) for i, f in figures if f.value is not None]
    for i, figure in shown:
        true = sum(truth.get(a, 0) for a in figure.atoms)
        noise = 0 if figure.value == 0 else figure.noise
        if abs(true - figure.value) > noise:
            report.inconsistent.append(f"{labels[i]}: {measure} published {figure.value} +-{figure.noise}, true {true}")
    zero: set[AtomKey] = set()
    for _, figure in shown:
        if figure.value == 0:
            zero |= figure.atoms
    live = [(i, f, frozenset(f.atoms - zero)) for i, f in shown if f.value != 0]
    live = [(i, f, atoms) for i, f, atoms in live if atoms]

    # Blocks: atoms in exactly the same figures are never told apart; they are the columns.
    membership: dict[AtomKey, list[int]] = defaultdict(list)
    for position, (_, _, atoms) in enumerate(live):
        for atom in atoms:
            membership[atom].append(position)
    signature_block: dict[tuple[int, ...], int] = {}
    block_of: dict[AtomKey, int] = {}
    for atom in sorted(membership):
        block_of[atom] = signature_block.setdefault(tuple(membership[atom]), len(signature_block))
    blocks: list[set[AtomKey]] = [set() for _ in signature_block]
    for atom, block in block_of.items():
        blocks[block].add(atom)
    figure_blocks = [sorted({block_of[a] for a in atoms}) for _, _, atoms in live]

    basis = _Basis()
    seen: set[tuple[int, ...]] = set()
    for position, (_, figure, _) in enumerate(live):
        key = tuple(figure_blocks[position])
        if figure.noise == 0 and key not in seen:
            seen.add(key)
            basis.add(key, position)

    # What an attacker who knows the rules learns from showing and hiding: a shown figure holds at least its k
    # (a count below k is never published); one hidden for its size, at most k - 1 + D, so the blocks wholly
    # inside it hold no more. A figure with a closed practitioner's cells may be hidden whatever its size.
    floors = [_k_of(f.atoms, k_team, k_practitioner) if knows_rules is not None else 0 for _, f, _ in live]
    ceilings: list[tuple[str, list[int], int]] = []
    for i, f in figures:
        if knows_rules is None or f.value is not None or any(a.practitioner_id in closed for a in f.atoms):
            continue
        inside = sorted(b for b in {block_of[a] for a in f.atoms - zero if a in block_of} if blocks[b] <= f.atoms)
        if inside:
            k = k_practitioner if any(a.practitioner_id is not None for a in f.atoms) else k_team
            ceilings.append((labels[i], inside, k - 1 + knows_rules))
    components = _components(len(blocks), figure_blocks + [b for _, b, _ in ceilings])
    bounder = (
        _Bounds(
            live, figure_blocks, floors, components, [sum(truth.get(a, 0) for a in b) for b in blocks], ceilings, labels
        )
        if bounds
        else None
    )
    universe = set(truth).union(*(f.atoms for _, f in figures))
    targets = _targets(
        measure,
        truth,
        [frozenset(b) for b in blocks],
        universe,
        k_team=k_team,
        k_practitioner=k_practitioner,
        closed=closed,
        groups=groups,
    )
    report.targets += len(targets)
    for target in targets:
        finding = _examine(target, zero, block_of, blocks, basis, live, labels, bounder, k_practitioner=k_practitioner)
        if finding is None:
            continue
        if finding.low == finding.high:
            report.disclosed.append(finding)
        else:
            report.narrowed.append(finding)
    for practitioner in sorted(closed):
        theirs = {b for b, block in enumerate(blocks) if all(a.practitioner_id == practitioner for a in block)}
        isolated: set[frozenset[AtomKey]] = set()
        for i, figure in shown:
            atoms = figure.atoms - zero
            if figure.value and atoms and all(a.practitioner_id == practitioner for a in atoms):
                true = sum(truth.get(a, 0) for a in atoms)
                target = Target(ISOLATED, measure, frozenset(atoms), true, practitioner_id=practitioner)
                report.targets += 1
                low, high = max(0, figure.value - figure.noise), figure.value + figure.noise
                report.disclosed.append(Finding(target, "shown", low, high, [labels[i]]))
                isolated.add(target.atoms)
        if theirs:
            _subtotals(measure, practitioner, theirs, truth, blocks, live, figure_blocks, labels, report, isolated)


def _subtotals(
    measure: str,
    practitioner: int,
    theirs: set[int],
    truth: dict[AtomKey, int],
    blocks: list[set[AtomKey]],
    live: list[tuple[int, Figure, frozenset[AtomKey]]],
    figure_blocks: list[list[int]],
    labels: list[str],
    report: Report,
    isolated: set[frozenset[AtomKey]],
) -> None:
    """Exact equations combined so that only a closed practitioner's cells are
    left: eliminate everyone else's columns first; what remains is every
    combination of their results the figures determine."""
    offset = len(blocks)
    basis = _Basis()
    seen: set[tuple[int, ...]] = set()
    for position, (_, figure, _) in enumerate(live):
        key = tuple(figure_blocks[position])
        if figure.noise == 0 and key not in seen:
            seen.add(key)
            basis.add([b + offset if b in theirs else b for b in key], position)
    for column, vector in sorted(basis.rows.items()):
        if column < offset:
            continue
        value = sum(v * sum(truth.get(a, 0) for a in blocks[c - offset]) for c, v in vector.items())
        if not value:
            continue
        atoms = frozenset(a for c in vector for a in blocks[c - offset])
        if atoms in isolated:
            continue  # one figure shows it: already reported
        sign = "" if all(v > 0 for v in vector.values()) else " (with signs)"
        target = Target(
            CLOSED_PART + sign,
            measure,
            atoms,
            int(value) if value.denominator == 1 else -1,
            practitioner_id=practitioner,
        )
        report.targets += 1
        used = [
            f"{_coefficient(v)}{labels[live[p][0]]} (={live[p][1].value})"
            for p, v in sorted(basis.combos[column].items(), key=lambda item: (-item[1], item[0]))
        ]
        report.disclosed.append(Finding(target, "exact", float(value), float(value), used))


def _components(count: int, figure_blocks: list[list[int]]) -> list[int]:
    parent = list(range(count))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for columns in figure_blocks:
        for c in columns[1:]:
            parent[find(c)] = find(columns[0])
    return [find(c) for c in range(count)]


def _examine(
    target: Target,
    zero: set[AtomKey],
    block_of: dict[AtomKey, int],
    blocks: list[set[AtomKey]],
    basis: _Basis,
    live: list[tuple[int, Figure, frozenset[AtomKey]]],
    labels: list[str],
    bounder: _Bounds | None,
    *,
    k_practitioner: int,
) -> Finding | None:
    atoms = target.atoms - zero
    if not atoms or any(a not in block_of for a in atoms):
        return None  # an atom no figure counts: unbounded (and zeros are not protected)
    touched: dict[int, int] = defaultdict(int)
    for atom in atoms:
        touched[block_of[atom]] += 1
    full = sorted(b for b, n in touched.items() if n == len(blocks[b]))
    if len(full) == len(touched):
        combo = basis.express(full)
        if combo is not None:
            used = [
                f"{_coefficient(v)}{labels[live[p][0]]} (={live[p][1].value})"
                for p, v in sorted(combo.items(), key=lambda item: (-item[1], item[0]))
            ]
            return Finding(target, "exact", target.true, target.true, used)
    if bounder is None:
        return None
    return bounder.examine(target, full, sorted(touched), target.k or k_practitioner)


def _coefficient(value: Fraction) -> str:
    if value == 1:
        return "+"
    if value == -1:
        return "-"
    return f"{'+' if value > 0 else ''}{value}*"


class _Bounds:
    """Linear programming over one measure's shown figures, one model per
    connected component of blocks. Every solution found is kept: a target
    whose value already differs by k or more between two known feasible
    solutions (the truth among them) can be neither disclosed nor narrowed,
    so most targets need no solve at all."""

    def __init__(
        self,
        live: list[tuple[int, Figure, frozenset[AtomKey]]],
        figure_blocks: list[list[int]],
        floors: list[int],
        components: list[int],
        block_truth: list[int],
        ceilings: list[tuple[str, list[int], int]],
        labels: list[str],
    ) -> None:
        self.live, self.figure_blocks, self.components, self.block_truth = live, figure_blocks, components, block_truth
        self.floors, self.ceilings, self.labels = floors, ceilings, labels
        self.models: dict[int, dict] = {}

    def _model(self, component: int) -> dict:
        import numpy as np

        if component in self.models:
            return self.models[component]
        columns = [b for b in range(len(self.components)) if self.components[b] == component]
        index = {b: i for i, b in enumerate(columns)}
        rows = [p for p, blocks in enumerate(self.figure_blocks) if blocks and self.components[blocks[0]] == component]
        equal, equal_b, upper, upper_b, equal_of, upper_of = [], [], [], [], [], []
        for p in rows:
            figure = self.live[p][1]
            name = f"{self.labels[self.live[p][0]]} (={figure.value}+-{figure.noise})"
            vector = np.zeros(len(columns))
            vector[[index[b] for b in self.figure_blocks[p]]] = 1
            if figure.noise == 0:
                equal.append(vector), equal_b.append(figure.value), equal_of.append(name)
            else:
                upper.append(vector), upper_b.append(figure.value + figure.noise), upper_of.append(name)
                low = max(0, figure.value - figure.noise, self.floors[p])
                upper.append(-vector), upper_b.append(-low), upper_of.append(name)
        for name, blocks, ceiling in self.ceilings:
            if self.components[blocks[0]] == component:
                vector = np.zeros(len(columns))
                vector[[index[b] for b in blocks]] = 1
                upper.append(vector), upper_b.append(ceiling), upper_of.append(f"{name} (hidden: at most {ceiling})")
        model = dict(
            index=index,
            size=len(columns),
            A_ub=np.array(upper) if upper else None,
            b_ub=upper_b or None,
            upper_of=upper_of,
            A_eq=np.array(equal) if equal else None,
            b_eq=equal_b or None,
            equal_of=equal_of,
            points=[np.array([self.block_truth[b] for b in columns], dtype=float)],
        )
        self.models[component] = model
        return model

    def _solve(self, model: dict, cost):
        from scipy.optimize import linprog

        result = linprog(
            cost,
            A_ub=model["A_ub"],
            b_ub=model["b_ub"],
            A_eq=model["A_eq"],
            b_eq=model["b_eq"],
            bounds=(0, None),
            method="highs",
        )
        if result.status == 0:
            model["points"].append(result.x)
        return result

    def examine(self, target: Target, full: list[int], touched: list[int], k: int) -> Finding | None:
        """Smallest and largest value of the target consistent with every shown figure."""
        import numpy as np

        used: set[str] = set()
        known_low = known_high = 0.0  # the target's smallest and largest value among known solutions
        for component in sorted({self.components[b] for b in touched}):
            model = self._model(component)
            low_cost, high_cost = np.zeros(model["size"]), np.zeros(model["size"])
            low_cost[[model["index"][b] for b in full if self.components[b] == component]] = 1
            high_cost[[model["index"][b] for b in touched if self.components[b] == component]] = 1
            known_low += min(float(low_cost @ x) for x in model["points"])
            known_high += max(float(high_cost @ x) for x in model["points"])
        if known_high - known_low >= k or (known_high - known_low >= 1 and known_low <= 1e-9):
            return None  # known solutions already show it is neither pinned down nor narrowed
        outcome = [0.0, 0.0]
        for component in sorted({self.components[b] for b in touched}):
            model = self._model(component)
            for side, (sign, chosen) in enumerate(((1, full), (-1, touched))):
                cost = np.zeros(model["size"])
                cost[[model["index"][b] for b in chosen if self.components[b] == component]] = sign
                if not cost.any():
                    continue
                result = self._solve(model, cost)
                if result.status == 3:
                    return None  # unbounded above: nothing learnt worth reporting
                if result.status != 0:
                    return Finding(target, f"bounds failed ({result.message})", math.nan, math.nan, [])
                outcome[side] += sign * result.fun
                for marginals, of in (
                    (result.ineqlin.marginals if model["A_ub"] is not None else [], model["upper_of"]),
                    (result.eqlin.marginals if model["A_eq"] is not None else [], model["equal_of"]),
                ):
                    used |= {of[j] for j, m in enumerate(marginals) if abs(m) > 1e-9}
        low, high = math.ceil(outcome[0] - 1e-6), math.floor(outcome[1] + 1e-6)
        if low < high and (low < 1 or high - low >= k):
            return None  # not pinned down, and not known to be non-empty within less than k
        return Finding(target, "bounds", low, high, sorted(used))
