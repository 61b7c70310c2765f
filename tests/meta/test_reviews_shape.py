"""Learning reviews stay a package a newcomer can hold (issue 19): a real package, one module per job with no
web code outside the route modules, who-may-do-what asked of rules.py only, and every handler short enough to read
as "parse, call the service, render"."""

import ast

from service.settings import REPO_ROOT

REVIEWS = REPO_ROOT / "service" / "reviews"
WEB = {"pages.py", "routes.py"}  # and routes_*.py
HANDLER_LINES = 15  # the body of a handler, its docstring left out


def _is_web(path) -> bool:
    return path.name in WEB or path.name.startswith("routes_")


def _tree(path):
    return ast.parse(path.read_text(), str(path))


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_reviews_is_a_package_with_no_web_code_outside_its_route_modules():
    offenders = [
        p.name
        for p in REVIEWS.glob("*.py")
        if not _is_web(p)
        if any(name.startswith("litestar") for name in _imports(_tree(p)))
    ]

    assert (REVIEWS / "__init__.py").exists()
    assert offenders == []
    assert not (REVIEWS / "service.py").read_text().count("def add_action")  # each job has its own module


def test_review_handlers_are_short():
    long = []
    for path in REVIEWS.glob("routes_*.py"):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.AsyncFunctionDef) and any(
                isinstance(d, ast.Call) and getattr(d.func, "id", "") in ("get", "post") for d in node.decorator_list
            ):
                body = (
                    node.body[1:]
                    if isinstance(node.body[0], ast.Expr)
                    and isinstance(getattr(node.body[0], "value", None), ast.Constant)
                    else node.body
                )
                lines = body[-1].end_lineno - body[0].lineno + 1
                if lines > HANDLER_LINES:
                    long.append(f"{path.name}:{node.name} has {lines} lines")

    assert long == []


def test_who_may_do_what_is_decided_in_rules_only():
    """Outside rules.py, reviews ask rules.py: no module reads the viewer's roles itself."""
    offenders = [
        p.name
        for p in REVIEWS.glob("*.py")
        if p.name != "rules.py"
        for text in [p.read_text()]
        if "viewer.manages(" in text or "viewer.is_member(" in text or "staff.is_admin" in text
    ]

    assert offenders == []
