"""`credit-advisor serve`: the HTTP service (advisor/service/http_app.py) on uvicorn.

It listens on 127.0.0.1 unless told otherwise: another address needs `--allow-remote`,
and then a warning that situations are sensitive data is printed.  The socket is bound
here, before uvicorn starts, so `--port 0` (a free port) works and the address printed
is the one bound.  Logging: uvicorn's warnings and errors only; its access log (which
names paths and clients, never bodies) only with `--access-log`.  Nothing of a request
body is ever logged.

Workers: `--workers 1` (the default) runs the CPU work in one thread of this process,
beside the event loop; `--workers N` in N processes, each with its own engine (the
batch command's workers: they die with the service).  The engines are built and the
caches filled before the port is opened, so the first request is not slow.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from advisor.texts.catalog import catalog

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
BACKLOG = 2048  # uvicorn's default
EXIT_OK, EXIT_BAD_INPUT = 0, 2


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not 0: asyncio then sets TCP_NODELAY on each connection it accepts
    # (it checks the protocol), so a keep-alive answer is not held back 40 ms by Nagle's
    # algorithm waiting on the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError:
        sock.close()
        raise
    # Listening from here on: connections wait in the backlog until uvicorn accepts them,
    # so the address printed below answers as soon as it is printed.
    sock.listen(BACKLOG)
    sock.set_inheritable(True)
    return sock


def _executor(workers: int, lang: str) -> Executor:
    """The pool the CPU work runs in, its engines built and caches filled."""
    from advisor.service import http_work

    if workers == 1:
        pool: Executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="advisor")
        pool.submit(http_work.warm_up, lang).result()
        return pool
    import os

    from advisor.service.batch import _mp_context

    # The batch's choice: fork while this process has one thread (it has: the pool is made
    # before uvicorn starts, and a forking pool starts all its workers at the first submit).
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_mp_context(), initializer=_worker_start, initargs=(lang, os.getpid())
    )
    for future in [pool.submit(http_work.warm_up, lang) for _ in range(workers)]:
        future.result()
    return pool


def _worker_start(lang: str, parent: int) -> None:
    """A worker process's start: the batch workers' (signals left to the service, die with
    it, engine built); `parent` is the service, which forked or spawned it."""
    from advisor.service.batch import _worker_init

    _worker_init(lang, parent)


def run_server(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    allow_remote: bool = False,
    workers: int = 1,
    access_log: bool = False,
    lang: str = "zh",
) -> int:
    """Serve until Ctrl-C or SIGTERM; the exit status (2: refused to start)."""
    text = catalog(lang)
    if workers < 1:
        _say(text.text("service", "err_workers", value=workers))
        return EXIT_BAD_INPUT
    if not 0 <= port <= 65535:
        _say(text.text("service", "err_port", value=port))
        return EXIT_BAD_INPUT
    if not is_loopback(host):
        if not allow_remote:
            _say(text.text("service", "err_remote", host=host))
            return EXIT_BAD_INPUT
        _say(text.text("service", "warn_remote", host=host))
    try:
        sock = _bind(host, port)
    except OSError as error:
        _say(text.text("service", "err_bind", host=host, port=port, detail=error.strerror or str(error)))
        return EXIT_BAD_INPUT

    import uvicorn

    from advisor.service.http_app import create_app

    executor = _executor(workers, lang)
    try:
        app = create_app(executor, workers)
        config = uvicorn.Config(
            app,
            log_level="info" if access_log else "warning",
            access_log=access_log,
            server_header=False,
            proxy_headers=False,
            timeout_graceful_shutdown=5,
            backlog=BACKLOG,
        )
        server = uvicorn.Server(config)
        bound_host, bound_port = sock.getsockname()[:2]
        shown_host = f"[{bound_host}]" if ":" in bound_host else bound_host
        _say(text.text("service", "listening", url=f"http://{shown_host}:{bound_port}"))
        server.run(sockets=[sock])
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
        sock.close()
    return EXIT_OK
