"""The web server: gunicorn with SAMVERKAN_WEB_WORKERS processes, waitress where gunicorn
cannot run. (tests/core/test_commands.py starts the demo and finds two web processes.)"""

import os
import sys
from unittest import mock

import waitress

from samverkan.core import serving


def test_one_process_per_core_unless_configured(settings):
    settings.SAMVERKAN_WEB_WORKERS = 0
    assert serving.web_workers() == (os.cpu_count() or 1)
    settings.SAMVERKAN_WEB_WORKERS = 3
    assert serving.web_workers() == 3
    options = serving.gunicorn_options("127.0.0.1", 8123)
    assert options["workers"] == 3 and options["bind"] == "127.0.0.1:8123"
    assert options["worker_class"] == "gthread" and options["threads"] == serving.THREADS
    # Every request goes to a free process: no connection stays with one (serving.py).
    assert options["keepalive"] == 0


def test_gunicorn_on_linux_waitress_where_it_cannot_run(monkeypatch):
    assert serving.gunicorn_available() is (sys.platform != "win32")
    monkeypatch.setattr(serving.sys, "platform", "win32")
    assert not serving.gunicorn_available()
    with mock.patch.object(waitress, "serve") as served:
        assert serving.serve(object(), host="127.0.0.1", port=8123) == "waitress"
    assert served.call_args.kwargs["port"] == 8123


def test_waitress_when_gunicorn_is_not_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "gunicorn.app.base", None)
    assert not serving.gunicorn_available()
