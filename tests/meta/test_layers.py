"""The layering rules of STYLE.md, checked: a capability's service never imports
Litestar; one capability never reads another's queries; db/, web/ and i18n/
import no capability."""

import ast

from service.settings import REPO_ROOT

SERVICE = REPO_ROOT / "service"
CAPABILITIES = {
    "surveys",
    "touchpoints",
    "responses",
    "staff",
    "figures",
    "insights",
    "reviews",
    "safeguarding",
    "reading",
    "reflection",
    "culture",
    "debriefs",
}
FOUNDATIONS = {"db", "web", "i18n"}


def _imports(path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.ImportFrom) and node.level:
            yield "." * node.level + (node.module or "")


def _package(path) -> str:
    return path.relative_to(SERVICE).parts[0]


def test_services_do_not_import_the_web_framework():
    offenders = [
        str(p.relative_to(REPO_ROOT))
        for p in SERVICE.rglob("service.py")
        if any(name.startswith("litestar") for name in _imports(p))
    ]

    assert offenders == []


def test_a_capability_never_reads_another_capabilitys_queries():
    offenders = []
    for path in SERVICE.rglob("*.py"):
        own = _package(path)
        if own not in CAPABILITIES:
            continue
        for name in _imports(path):
            parts = name.split(".")
            if (
                len(parts) >= 3
                and parts[0] == "service"
                and parts[1] in CAPABILITIES
                and parts[1] != own
                and parts[2] == "queries"
            ):
                offenders.append(f"{path.relative_to(REPO_ROOT)} imports {name}")

    assert offenders == []


def test_foundations_import_no_capability():
    offenders = []
    for folder in FOUNDATIONS:
        for path in (SERVICE / folder).rglob("*.py"):
            for name in _imports(path):
                parts = name.split(".")
                if len(parts) >= 2 and parts[0] == "service" and parts[1] in CAPABILITIES:
                    offenders.append(f"{path.relative_to(REPO_ROOT)} imports {name}")

    assert offenders == []
