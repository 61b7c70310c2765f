"""Handlers stay "parse -> call the capability's service -> render" (STYLE.md, issue 19): no handler over
15 lines (its docstring not counted), and no route module opens its own connection or transaction: a
request's one connection comes from the `conn`/`db` dependency (service/db/request.py)."""

import ast

from service.settings import REPO_ROOT

SERVICE = REPO_ROOT / "service"
LONGEST = 15
ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete", "route", "head"}
NOT_YET: set[str] = set()  # route modules not yet in this shape (service/reviews/ is, since its branch)
OWN_CONNECTION_ALLOWED = {
    # Staff figures may be read from a replica (HEARD_READ_DATABASE_URL): a second connection by design.
    ("service/insights/routes.py", "_published"),
}


def _is_route(function: ast.AsyncFunctionDef | ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = call.id if isinstance(call, ast.Name) else call.attr if isinstance(call, ast.Attribute) else ""
        if name in ROUTE_DECORATORS:
            return True
    return False


def _body_lines(function: ast.AsyncFunctionDef | ast.FunctionDef) -> int:
    """A handler's lines of code: its statements (those inside an `if`, `try` or `with` too), not counting a
    docstring. Counted from the syntax tree rather than the file, so a call that `ruff format` lays out one
    argument a line is still one line."""
    body = function.body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and len(body) > 1:
        body = body[1:]  # the docstring
    return sum(1 for statement in body for node in ast.walk(statement) if isinstance(node, ast.stmt))


def long_handlers(source: str, origin: str) -> list[str]:
    tree = ast.parse(source, origin)
    return [
        f"{origin}:{node.lineno} {node.name} ({_body_lines(node)} lines)"
        for node in ast.walk(tree)
        if isinstance(node, (ast.AsyncFunctionDef, ast.FunctionDef)) and _is_route(node) and _body_lines(node) > LONGEST
    ]


def own_connections(source: str, origin: str) -> list[str]:
    """`transaction(...)`/`statements(...)` from service.db.pool, or a pool's acquire(), in a route module."""
    tree = ast.parse(source, origin)
    if not any(isinstance(n, (ast.AsyncFunctionDef, ast.FunctionDef)) and _is_route(n) for n in ast.walk(tree)):
        return []
    found = []
    for function in (n for n in ast.walk(tree) if isinstance(n, (ast.AsyncFunctionDef, ast.FunctionDef))):
        if (origin, function.name) in OWN_CONNECTION_ALLOWED:
            continue
        for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
            name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
            if (name in ("transaction", "statements") and call.args) or name == "acquire":
                found.append(f"{origin}:{call.lineno} {function.name} calls {name}()")
    return sorted(set(found))


# The app's dependencies (service/app.py).
DEPENDENCIES = {"db", "conn", "viewer", "signing_in", "lang"}


def lang_beside_others(source: str, origin: str) -> list[str]:
    """A handler that declares `lang` and another dependency: Litestar resolves them in tasks of their own,
    and the language the `lang` dependency sets would not reach the page (service/web/language.py)."""
    found = []
    for node in ast.walk(ast.parse(source, origin)):
        if isinstance(node, (ast.AsyncFunctionDef, ast.FunctionDef)) and _is_route(node):
            declared = {a.arg for a in node.args.args + node.args.kwonlyargs} & DEPENDENCIES
            if "lang" in declared and len(declared) > 1:
                found.append(f"{origin}:{node.lineno} {node.name} declares {sorted(declared)}")
    return found


def _route_modules():
    for path in sorted(SERVICE.rglob("*.py")):
        origin = str(path.relative_to(REPO_ROOT))
        if origin not in NOT_YET:
            yield origin, path.read_text(encoding="utf-8")


def test_no_handler_is_longer_than_fifteen_lines():
    offenders = [line for origin, source in _route_modules() for line in long_handlers(source, origin)]

    assert offenders == []


def test_no_route_module_opens_its_own_connection():
    offenders = [line for origin, source in _route_modules() for line in own_connections(source, origin)]

    assert offenders == []


def test_a_handler_that_declares_lang_declares_no_other_dependency():
    offenders = [line for origin, source in _route_modules() for line in lang_beside_others(source, origin)]

    assert offenders == []


def test_the_lang_check_finds_lang_beside_conn():
    source = '@get("/a")\nasync def page(lang, conn):\n    return 1\n\n@get("/b")\nasync def alone(lang, request):\n    return 2\n'

    assert lang_beside_others(source, "x.py") == ["x.py:2 page declares ['conn', 'lang']"]


def test_the_checks_find_a_long_handler_and_a_connection_of_its_own():
    body = "\n".join(f"    x{n} = {n}" for n in range(LONGEST + 1))
    source = (
        f'@get("/a")\nasync def long(state):\n    """Words."""\n{body}\n\n'
        '@router.post("/b")\nasync def short(state):\n'
        "    async with transaction(state.pool) as conn:\n        return 1\n"
    )

    assert long_handlers(source, "x.py") == [f"x.py:2 long ({LONGEST + 1} lines)"]
    assert own_connections(source, "x.py") == ["x.py:23 short calls transaction()"]
