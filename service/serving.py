"""How `heard serve` runs its uvicorn workers: each on a listening socket of its own.

uvicorn binds one socket and hands it to every worker, and the worker that
wakes first takes whatever connections are waiting. Measured with two idle
workers and 64 connections opened at once: 64/0, 57/7, 63/1; opened 5 ms apart,
0/64 three times out of three. Connections that stay open (nginx's kept-alive
upstream connections, a benchmark's) then keep one worker busy while the other
idles. With SO_REUSEPORT the kernel gives each worker's socket its own share of
new connections, by a hash of the connection (two such sockets took 32/32,
30/34, 32/32 and 35/29 of 64).

uvicorn has no option for it, so the list of sockets its supervisor hands to
each worker holds a stand-in (`_OwnSocket`) that each worker, when it unpacks
it, turns into a socket it binds itself. Everything else is uvicorn's own:
its supervisor restarts a worker that dies, answers SIGTERM and SIGHUP, and
stops when a worker cannot start. The supervisor binds the address once
first (without listening, so it is never handed a connection) to fail at once,
with uvicorn's message, when the address is taken.

The price: a connection the kernel has queued for a worker that then dies or is
replaced (SIGHUP) is reset instead of being taken by another worker, as the one
shared socket allowed. Linux 5.14 and later can hand those to another worker
(`sysctl net.ipv4.tcp_migrate_req=1`). With two instances behind nginx
(infra/nginx/heard-loopback.conf), nginx sends such a request, POSTs included,
to the other instance.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

STARTUP_FAILURE = 3  # uvicorn's exit code for a worker that could not start: its supervisor then stops


def run(app: str, options: dict[str, Any], *, app_dir: str | None = None) -> None:
    """uvicorn.run(app, factory=True, **options), each worker on its own SO_REUSEPORT socket when there are
    several (one worker, or a system without SO_REUSEPORT: uvicorn's usual single socket)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    workers = options.get("workers") or 1
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(app, factory=True, app_dir=app_dir, **options)
        return
    if app_dir is not None:  # where uvicorn.run would look for the app, for the workers too
        sys.path.insert(0, app_dir)
    config = uvicorn.Config(app, factory=True, **options)
    host, port = config.host, config.port
    held = _bound(host, port)  # the address is ours, or we stop here
    if held is None:
        sys.exit(STARTUP_FAILURE)
    logging.getLogger("uvicorn.error").info(
        "Uvicorn running on http://%s:%d, a socket for each of %d workers", host, port, workers
    )
    try:
        Multiprocess(config, sockets=[_OwnSocket(host, port)]).run()  # type: ignore[list-item]
    except KeyboardInterrupt:
        pass
    finally:
        held.close()


class _OwnSocket:
    """In the supervisor's list of sockets: unpacked in each worker as a listening socket of its own."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return _worker_socket, (self.host, self.port)


def _bound(host: str, port: int) -> socket.socket | None:
    """A SO_REUSEPORT socket bound to the address (not listening), or None and the reason logged."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        logging.getLogger("uvicorn.error").error(error)
        sock.close()
        return None
    return sock


def _worker_socket(host: str, port: int) -> socket.socket:
    sock = _bound(host, port)
    if sock is None:
        sys.exit(STARTUP_FAILURE)
    return sock
