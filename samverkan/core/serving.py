"""The web server: several processes, never one (docs/operations.md, Produktion).

gunicorn with ``SAMVERKAN_WEB_WORKERS`` processes (default: one per core), each with
``THREADS`` threads, on Linux and other POSIX systems; waitress (one process, threads) where
gunicorn cannot run (Windows, or gunicorn not installed). The processes keep no state another
needs: sessions, stored results and the job queue are in the database. `samverkan serve` and
`samverkan demo` both start the server through ``serve``.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.db import connections

THREADS = 4  # per process: a slow page does not hold up the others


def web_workers() -> int:
    return settings.SAMVERKAN_WEB_WORKERS or os.cpu_count() or 1


def gunicorn_available() -> bool:
    if sys.platform == "win32":
        return False
    try:
        import gunicorn.app.base  # noqa: F401
    except ImportError:
        return False
    return True


def gunicorn_options(host: str, port: int, workers: int | None = None) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers or web_workers(),
        "worker_class": "gthread",
        "threads": THREADS,
        "accesslog": None,
        "errorlog": "-",
        "proc_name": "samverkan",
        "graceful_timeout": 30,
        "timeout": 120,
        # No keep-alive: each response closes its connection ("Connection: close"), so every
        # request is accepted by whichever process is free. With keep-alive a client's
        # connection stayed with the process that accepted it, and under the load test one
        # process had all four threads busy and a queue while the other's four sat idle
        # (py-spy): 28.6–37.4 requests/s and p95 0.9–1.3 s with keep-alive, 41.3 requests/s
        # and p95 0.64 s without (docs/performance.md). A client never reuses a connection the
        # server is closing, so the resets that a short keep-alive caused cannot happen.
        "keepalive": 0,
        # gunicorn 25+: no control socket in the home directory (several servers on one
        # machine would share it); older versions have none.
        "control_socket_disable": True,
    }


def serve(application, *, host: str, port: int, workers: int | None = None) -> str:
    """Serve ``application`` until stopped (SIGTERM, SIGINT); returns which server ran."""
    if gunicorn_available():
        from gunicorn.app.base import BaseApplication

        class Server(BaseApplication):
            def load_config(self):
                for key, value in gunicorn_options(host, port, workers).items():
                    if key in self.cfg.settings:
                        self.cfg.set(key, value)

            def load(self):
                return application

        # The processes are forked from this one: no database connection may be shared.
        connections.close_all()
        master = os.getpid()
        code = 1
        try:
            Server().run()
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
            raise
        finally:
            if os.getpid() != master:
                # A forked web process ends here with gunicorn's exit code, not in the
                # caller's clean-up (the demo's stops the worker): only the master returns.
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        return "gunicorn"
    from waitress import serve as waitress_serve

    waitress_serve(application, host=host, port=port, threads=8, ident="Samverkan")
    return "waitress"
