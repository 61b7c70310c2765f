"""Nothing lost, nothing doubled: Heard under load and faults, with exact counts.

    bash infra/reliability/run.sh [steady|pg-restart|two-instances|all] [--seconds 30]

Each scenario starts its own PostgreSQL (pgserver in a temporary directory)
and Heard exactly as `heard serve` runs it, on 127.0.0.1 only, then runs 64
concurrent submitters for --seconds seconds. A submitter behaves like a
careful browser: it opens the form, reads the hidden fields and the questions
from the HTML, answers (and writes in the text box one time in three, one in
four of those something that may disclose harm), and sends. On a 303 it opens
the thank-you page, which must be at /t/CODE/thanks and carry the thank-you
heading. On a 503 it checks that the page kept every answer and the same
submission id, waits, and sends the same answers again; on a broken connection
it sends again too (a 502 is never retried by the client: nginx must fail over
by itself). 10% of submitters send each accepted submission a second time: 7 of
the 64, 4 one after the other (a browser retry: "already sent" heading) and 3
as a double tap (the same answers on two connections at the same moment: both
thanked, at most one as new). When time is up, each submitter finishes the
submission it is on (bounded: at most 60 more seconds).

Then it checks, exactly:
  - no submission id was served by two form opens (else a second person's
    answers would be dropped as a "re-send");
  - the set of submissions accepted (303) == the set thanked (the right page)
    == the set stored, each stored once; nothing stored that was never sent;
  - every stored answer, the audience and the free text are what was sent, and
    flagged text is in the safeguarding queue;
  - every re-send got its thank-you page.
Exits 1 when anything fails. HEARD_PLANTED_FAULT (see infra/bench/faulty_app.py)
runs it against a deliberately broken Heard, to show that it fails.

Scenarios:
  steady         the above, nothing goes wrong
  pg-restart     PostgreSQL is stopped 10 s in and started again 4 s later
                 (pg_ctl, as pgserver runs it): requests meanwhile get the 503
                 "try again" page with answers kept; Heard recovers by itself:
                 no 503 from 3 s after PostgreSQL is back
  two-instances  two Heard instances behind nginx on 127.0.0.1 (Debian's
                 nginx; infra/nginx/heard-loopback.conf), one killed with
                 SIGKILL 10 s in: no accepted submission is lost, nginx's error
                 log shows it failed over (at least one upstream error) and no
                 submitter ever saw a 502
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import math
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import harness  # noqa: E402

SUBMITTERS = 64
RESENDERS = 0.10
RECOVERY_SECONDS = 3  # pg-restart: no 503 from this long after PostgreSQL is back
TEXT_SHARE, FLAGGED_SHARE = 1 / 3, 1 / 4
TEXTS = [
    "The worker listened and came back when she said she would.",
    "Meetings are too long for me.",
    "Thank you for explaining what happens next.",
]
FLAGGED_TEXTS = ["My dad hits me when he is angry.", "I am scared to go home."]
THANKS_HEADINGS = {"Thank you": "new", "You've already sent your answers — thank you": "again"}
FINISH_SECONDS = 60  # after the run, at most this long to finish submissions in hand
NGINX_TEMPLATE = harness.REPO / "infra" / "nginx" / "heard-loopback.conf"


@dataclass
class Sent:
    audience: str
    fields: dict[str, str]  # every q_ field as sent


@dataclass
class Tally:
    form_ids: list[str] = field(default_factory=list)  # the submission id of every form opened
    sent: dict[str, Sent] = field(default_factory=dict)
    accepted: set[str] = field(default_factory=set)  # got a 303
    thanked: set[str] = field(default_factory=set)  # got the thank-you page, at its path, with its heading
    headings: Counter = field(default_factory=Counter)  # "new" / "again" thank-you pages
    resends: int = 0  # second sends of an accepted submission, one after the other
    resends_thanked: int = 0
    double_taps: int = 0  # the same answers on two connections at the same moment
    double_taps_thanked: int = 0  # ... both thanked, at most one as new
    unavailable_pages: int = 0  # 503 answers to a POST
    unavailable_kept: int = 0  # ... that kept every answer and the submission id
    form_unavailable: int = 0  # 503 answers to opening the form
    retries: Counter = field(default_factory=Counter)  # why a POST was sent again
    unexpected: Counter = field(default_factory=Counter)  # anything else
    outage: list[float] = field(default_factory=list)  # times of 503s, seconds from start
    warm_ids: set[str] = field(default_factory=set)  # answers sent before the run to warm the workers
    first_503: float | None = None


class ConnectionBroken(Exception):
    """The connection failed before a whole response arrived."""


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status_code, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1, like one phone's
    browser: minimal, so that the load generator stays cheap next to the
    servers on a small machine."""

    def __init__(self, port: int, timeout: float = 10) -> None:
        self.port, self.timeout = port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> Response:
        return await self.request("GET", path)

    async def post(self, path: str, content: str, headers: dict[str, str]) -> Response:
        return await self.request("POST", path, content.encode(), headers)

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Response:
        try:
            return await asyncio.wait_for(self._request(method, path, body, headers or {}), self.timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            await self.close()
            raise ConnectionBroken(type(error).__name__) from error

    async def _request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        found = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                found[name.strip().lower()] = value.strip()
        if found.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                data += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readuntil(b"\r\n")
        else:
            data = await self.reader.readexactly(int(found.get("content-length", "0")))
        if found.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, found, data)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def submitter(
    number: int,
    client: Client,
    code: str,
    tally: Tally,
    start: float,
    stop_at: float,
    hard_stop: float,
    resender: str | None,
    port: int,
) -> None:
    rng = random.Random(number)
    audiences = ["under8", "8to12", "13to17", "parent"]
    second = Client(port) if resender == "double-tap" else None
    while time.monotonic() < stop_at:
        audience = rng.choice(audiences)
        scan = await open_form(client, f"/t/{code}/form/{audience}", tally, start, hard_stop)
        if scan is None:
            return
        fields = scan.filled()
        for name, values in scan.radios.items():
            fields[name] = rng.choice(values)
        if scan.texts and rng.random() < TEXT_SHARE:
            pick = FLAGGED_TEXTS if rng.random() < FLAGGED_SHARE else TEXTS
            for name in scan.texts:
                fields[name] = rng.choice(pick)
        submission_id = fields["submission_id"]
        tally.form_ids.append(submission_id)
        tally.sent[submission_id] = Sent(audience, {k: v for k, v in fields.items() if k.startswith("q_")})
        if resender == "double-tap" and second is not None:
            tally.double_taps += 1
            both = await asyncio.gather(
                send_until_accepted(client, code, scan.action, fields, tally, start, hard_stop),
                send_until_accepted(second, code, scan.action, fields, tally, start, hard_stop),
            )
            if all(both):
                if sum(1 for kind in both if kind == "new") <= 1:
                    tally.double_taps_thanked += 1
                else:
                    tally.unexpected["double tap: both thanked as new"] += 1
            continue
        if not await send_until_accepted(client, code, scan.action, fields, tally, start, hard_stop):
            tally.unexpected["gave up at the time limit"] += 1
            return
        if resender == "retry":
            tally.resends += 1
            if await send_until_accepted(client, code, scan.action, fields, tally, start, hard_stop) == "again":
                tally.resends_thanked += 1
    if second is not None:
        await second.close()


async def open_form(client, path, tally, start, hard_stop) -> harness.FormScan | None:
    while time.monotonic() < hard_stop:
        try:
            response = await client.get(path)
        except ConnectionBroken as error:
            tally.retries[f"GET form: {error}"] += 1
            await asyncio.sleep(0.2)
            continue
        if response.status_code == 200:
            scan = harness.FormScan()
            scan.feed(response.text)
            return scan
        if response.status_code == 503:
            tally.form_unavailable += 1
            tally.retries[f"GET form: {response.status_code}"] += 1
            note_outage(tally, start)
            await asyncio.sleep(0.5)
            continue
        tally.unexpected[f"GET form: {response.status_code}"] += 1
        return None
    return None


async def send_until_accepted(client, code, action, fields, tally, start, hard_stop) -> str | None:
    """POST; on 303 open the thank-you page. Once thanked, "new" or "again" (which heading); None if not."""
    submission_id = fields["submission_id"]
    body = urlencode(fields)
    headers = {"content-type": "application/x-www-form-urlencoded"}
    while time.monotonic() < hard_stop:
        try:
            response = await client.post(action, content=body, headers=headers)
        except ConnectionBroken as error:
            tally.retries[f"POST: {error}"] += 1
            await asyncio.sleep(0.2)
            continue
        if response.status_code == 303:
            tally.accepted.add(submission_id)
            location = response.headers["location"]
            if not location.startswith(f"/t/{code}/thanks?"):
                tally.unexpected[f"303 to {location.split('?')[0]}"] += 1
                return None
            kind = await open_thanks(client, location, tally, start, hard_stop)
            if kind is not None:
                tally.thanked.add(submission_id)
            return kind
        if response.status_code == 503:
            tally.unavailable_pages += 1
            note_outage(tally, start)
            page = harness.FormScan()
            page.feed(response.text)
            # Kept: the same submission id, and every answer either chosen in
            # the form again or carried along hidden (one question a screen).
            kept = page.hidden.get("submission_id") == submission_id and all(
                value in (page.checked.get(name), page.hidden.get(name), page.text_values.get(name))
                for name, value in fields.items()
                if name.startswith("q_")
            )
            tally.unavailable_kept += kept
            tally.retries["POST: 503 try again"] += 1
            await asyncio.sleep(0.5 + random.random())
            continue
        # A 502 is not retried: behind nginx, failing over is nginx's job (two-instances).
        tally.unexpected[f"POST: {response.status_code}"] += 1
        return None
    return None


async def open_thanks(client, location, tally, start, hard_stop) -> str | None:
    """The thank-you page: "new" or "again" from its heading, None if it is not one."""
    while time.monotonic() < hard_stop:
        try:
            response = await client.get(location)
        except ConnectionBroken as error:
            tally.retries[f"GET thanks: {error}"] += 1
            await asyncio.sleep(0.2)
            continue
        if response.status_code == 200:
            heading = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
            kind = THANKS_HEADINGS.get(html.unescape(heading.group(1)).strip()) if heading else None
            if kind is None:
                tally.unexpected[f"GET thanks: heading {heading.group(1)[:40] if heading else None!r}"] += 1
                return None
            tally.headings[kind] += 1
            return kind
        if response.status_code == 503:
            tally.retries[f"GET thanks: {response.status_code}"] += 1
            note_outage(tally, start)
            await asyncio.sleep(0.5)
            continue
        tally.unexpected[f"GET thanks: {response.status_code}"] += 1
        return None
    return None


def note_outage(tally: Tally, start: float) -> None:
    tally.outage.append(time.monotonic() - start)


def warm(port: int, code: str) -> set[str]:
    """A few free-text answers to every worker before the run, so it starts warm."""
    scan = harness.scan_form(f"http://127.0.0.1:{port}", code)
    return harness.warm_screening(f"http://127.0.0.1:{port}", scan, scan.texts[0], TEXTS[:1] + FLAGGED_TEXTS[:1], 2)


async def load(port: int, code: str, seconds: float, fault=None, warm_ids: set[str] | None = None) -> Tally:
    tally = Tally(warm_ids=warm_ids or set())
    start = time.monotonic()
    stop_at, hard_stop = start + seconds, start + seconds + FINISH_SECONDS
    chosen = random.Random(7).sample(range(SUBMITTERS), math.ceil(SUBMITTERS * RESENDERS))
    resenders = {n: ("retry" if i % 2 == 0 else "double-tap") for i, n in enumerate(chosen)}
    clients = [Client(port) for _ in range(SUBMITTERS)]
    tasks = [
        asyncio.create_task(submitter(n, clients[n], code, tally, start, stop_at, hard_stop, resenders.get(n), port))
        for n in range(SUBMITTERS)
    ]
    if fault is not None:
        tasks.append(asyncio.create_task(fault(start)))
    await asyncio.gather(*tasks)
    for client in clients:
        await client.close()
    tally.elapsed = time.monotonic() - start  # type: ignore[attr-defined]
    return tally


async def verify(dsn: str, code: str, tally: Tally) -> tuple[bool, list[str]]:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        touchpoint_id = await conn.fetchval("select id from touchpoints where code = $1", code)
        rows = await conn.fetch(
            "select r.submission_id::text as id, r.audience, r.answers::text as answers, "
            "coalesce((select jsonb_object_agg(f.question_id, f.body) from free_text_answers f "
            "          where f.response_id = r.id), '{}')::text as texts, "
            "exists (select 1 from safeguarding_items s where s.response_id = r.id) as queued "
            "from responses r where r.touchpoint_id = $1",
            touchpoint_id,
        )
    finally:
        await conn.close()
    rows = [row for row in rows if row["id"] not in tally.warm_ids]
    stored = Counter(row["id"] for row in rows)
    total_rows = len(rows)
    repeated_forms = [s for s, n in Counter(tally.form_ids).items() if n > 1]
    thanked_once = sum(1 for s in tally.thanked if stored.get(s) == 1)
    missing = [s for s in tally.accepted if s not in stored]
    doubled = [s for s, n in stored.items() if n > 1]
    unaccounted = [s for s in stored if s not in tally.accepted]
    never_sent = [s for s in stored if s not in tally.sent]
    wrong = []  # stored, but not what was sent
    with_text = flagged = 0
    for row in rows:
        sent = tally.sent.get(row["id"])
        if sent is None:
            continue
        answers, texts = json.loads(row["answers"]), json.loads(row["texts"])
        stored_fields = {f"q_{k}": str(v) for k, v in {**answers, **texts}.items()}
        should_queue = any(v in FLAGGED_TEXTS for v in sent.fields.values())
        with_text += bool(texts)
        flagged += row["queued"]
        if row["audience"] != sent.audience or stored_fields != sent.fields or row["queued"] != should_queue:
            wrong.append(row["id"])
    lines = [
        f"forms opened: {len(tally.form_ids)}; submission ids served twice: {len(repeated_forms)}",
        f"submissions that got a thank-you page:      {len(tally.thanked)} "
        f"(headings: {tally.headings['new']} new, {tally.headings['again']} already sent)",
        f"  ... stored exactly once:                   {thanked_once}",
        f"distinct submissions accepted (303):         {len(tally.accepted)}",
        f"rows stored for the touchpoint:              {total_rows} ({with_text} with free text, {flagged} of "
        f"them queued for safeguarding)",
        f"  ... answers, audience or text not as sent: {len(wrong)}",
        f"submission ids stored more than once:        {len(doubled)}",
        f"accepted but not stored (lost):              {len(missing)}",
        f"stored but never answered with a thank-you:  {len(unaccounted)} ({len(never_sent)} never sent)",
        f"re-sends one after the other:                {tally.resends} (thanked 'already sent': "
        f"{tally.resends_thanked})",
        f"double taps (two connections at once):       {tally.double_taps} (both thanked, at most one as new: "
        f"{tally.double_taps_thanked})",
    ]
    ok = (
        len(tally.thanked) > 0
        and not repeated_forms
        and tally.thanked == tally.accepted
        and thanked_once == len(tally.thanked) == total_rows
        and not doubled
        and not missing
        and not unaccounted
        and not wrong
        and with_text > 0
        and flagged > 0
        and tally.resends == tally.resends_thanked
        and tally.double_taps == tally.double_taps_thanked
        and not tally.unexpected
    )
    return ok, lines


def summary(name: str, tally: Tally, ok: bool, lines: list[str], extra: list[str]) -> bool:
    print(f"\n== {name}: {'PASS' if ok else 'FAIL'} ({tally.elapsed:.1f} s)")  # type: ignore[attr-defined]
    for line in lines + extra:
        print("  " + line)
    if tally.retries:
        print("  retries: " + ", ".join(f"{k} x{v}" for k, v in sorted(tally.retries.items())))
    if tally.unexpected:
        print("  UNEXPECTED: " + ", ".join(f"{k} x{v}" for k, v in sorted(tally.unexpected.items())))
    return ok


# --- scenarios ------------------------------------------------------------------


def setup(work: Path) -> tuple[harness.Postgres, str, str]:
    postgres = harness.Postgres(prefix="heard-reliability-pg-")
    dsn = postgres.create_database("heard_reliability")
    code = harness.run(harness.prepare_database(dsn))
    return postgres, dsn, code


def steady(work: Path, seconds: float) -> bool:
    _postgres, dsn, code = setup(work)
    port = harness.free_port()
    heard = harness.start_heard(dsn, port, work)
    with harness.running(heard):
        harness.wait_ready(port, heard)
        tally = asyncio.run(load(port, code, seconds, warm_ids=warm(port, code)))
    ok, lines = asyncio.run(verify(dsn, code, tally))
    return summary("steady: 64 submitters, 10% re-sending", tally, ok, lines, [])


def pg_restart(work: Path, seconds: float) -> bool:
    postgres, dsn, code = setup(work)
    port = harness.free_port()
    heard = harness.start_heard(dsn, port, work)
    events: dict[str, float] = {}

    async def restart(start: float) -> None:
        await asyncio.sleep(min(10, seconds / 3))
        events["stopping"] = time.monotonic() - start
        await asyncio.to_thread(postgres.stop)
        events["stopped"] = time.monotonic() - start
        await asyncio.sleep(4)
        await asyncio.to_thread(postgres.start)
        events["started"] = time.monotonic() - start

    with harness.running(heard):
        harness.wait_ready(port, heard)
        tally = asyncio.run(load(port, code, seconds, fault=restart, warm_ids=warm(port, code)))
        ready_after = harness.get(f"http://127.0.0.1:{port}/readyz")[0]
        alive = heard.handle.poll() is None
    ok, lines = asyncio.run(verify(dsn, code, tally))
    after_restart = [t for t in tally.outage if t > events["started"] + RECOVERY_SECONDS]
    # The load must go on long enough after PostgreSQL is back for "no 503 from then" to mean something.
    covered = seconds >= events["started"] + RECOVERY_SECONDS + 5
    extra = [
        f"PostgreSQL stopped at {events['stopped']:.1f} s, started again at {events['started']:.1f} s",
        f"POSTs answered 503 'try again':              {tally.unavailable_pages} "
        f"(answers and submission id kept: {tally.unavailable_kept})",
        f"form opens answered 503:                     {tally.form_unavailable}",
        f"last 503 at {max(tally.outage):.1f} s ({len(after_restart)} 503s from {RECOVERY_SECONDS} s after "
        f"PostgreSQL was back; must be 0)"
        if tally.outage
        else "no 503 seen",
        f"Heard process still the same one: {alive}; /readyz after: {ready_after}",
    ]
    if not covered:
        extra.append(
            f"FAIL: the load stopped at {seconds:.0f} s, too soon after PostgreSQL was back to show "
            f"recovery (use --seconds 30)"
        )
    ok = (
        ok
        and tally.unavailable_pages > 0
        and tally.unavailable_kept == tally.unavailable_pages
        and alive
        and ready_after == 200
        and not after_restart
        and covered
    )
    return summary("pg-restart: the same while PostgreSQL restarts", tally, ok, lines, extra)


def nginx_config(work: Path, port: int, upstreams: list[int]) -> Path:
    text = NGINX_TEMPLATE.read_text()
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;" for p in upstreams)
    text = text.replace("@PREFIX@", str(work)).replace("@PORT@", str(port)).replace("@UPSTREAMS@", servers)
    path = work / "nginx.conf"
    path.write_text(text)
    for sub in ("client_body", "proxy"):
        (work / sub).mkdir(exist_ok=True)
        (work / sub).chmod(0o777)
    work.chmod(0o755)
    return path


def two_instances(work: Path, seconds: float) -> bool:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    _postgres, dsn, code = setup(work)
    ports = [harness.free_port(), harness.free_port()]
    instances = [harness.start_heard(dsn, p, work, name=f"heard-{i + 1}", workers=1) for i, p in enumerate(ports)]
    lb_port = harness.free_port()
    config = nginx_config(work, lb_port, ports)
    balancer = harness.Process(
        "nginx", [nginx, "-p", str(work), "-c", str(config), "-g", "daemon off;"], {}, work / "nginx.out"
    )
    events: dict[str, float] = {}

    async def kill(start: float) -> None:
        await asyncio.sleep(min(10, seconds / 3))
        instances[0].kill_group()
        events["killed"] = time.monotonic() - start

    with harness.running(balancer, *instances):
        for p, instance in zip(ports, instances):
            harness.wait_ready(p, instance)
        harness.wait_ready(lb_port, balancer, path="/healthz")
        # Each instance directly, not through nginx: a first free-text answer can hold a worker longer than
        # nginx's proxy_read_timeout, and nginx would then mark the instance down (max_fails=1) for 30 s.
        warmed = set().union(*(warm(p, code) for p in ports))
        tally = asyncio.run(load(lb_port, code, seconds, fault=kill, warm_ids=warmed))
        survivor = instances[1].handle.poll() is None
    ok, lines = asyncio.run(verify(dsn, code, tally))
    log = (work / "nginx-error.log").read_text() if (work / "nginx-error.log").exists() else ""
    cut = sum(1 for line in log.splitlines() if "[error]" in line and "upstream" in line)
    seen_502 = sum(v for k, v in tally.unexpected.items() if "502" in k)
    extra = [
        f"instance 1 (pid {instances[0].pid}) killed with SIGKILL at {events['killed']:.1f} s; "
        f"instance 2 still serving: {survivor}",
        f"requests that failed on instance 1 and nginx sent to instance 2 (its error log): {cut} (must be >= 1); "
        f"502s seen by submitters: {seen_502} (must be 0; never retried by the client)",
    ]
    ok = ok and survivor and cut >= 1 and seen_502 == 0
    return summary("two-instances: two Heard behind nginx, one killed", tally, ok, lines, extra)


SCENARIOS = {"steady": steady, "pg-restart": pg_restart, "two-instances": two_instances}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=[*SCENARIOS, "all"], nargs="?", default="all")
    parser.add_argument("--seconds", type=float, default=30, help="seconds of load (default 30, at most 120)")
    args = parser.parse_args()
    if not 5 <= args.seconds <= 120:
        parser.error("--seconds must be between 5 and 120")
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    results = {}
    for name in names:
        work = Path(tempfile.mkdtemp(prefix=f"heard-{name}-"))
        print(f"-- {name} (logs in {work})", flush=True)
        results[name] = SCENARIOS[name](work, args.seconds)
    print("\n" + ", ".join(f"{name}: {'PASS' if ok else 'FAIL'}" for name, ok in results.items()))
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
