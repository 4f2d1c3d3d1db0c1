import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from samverkan.core.tasks import database_optimize
from samverkan.demo.load import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Skapar datakatalogen, laddar Luleå-demot och startar Samverkan.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help=_("Förbered data men starta varken webbserver eller worker."),
        )

    def handle(self, *args, host: str, port: int, no_serve: bool, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write(_("Datakatalog: %(path)s") % {"path": settings.DATA_DIR})
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        logins = load_demo()
        database_optimize()  # fresh planner statistics after loading a year of reports
        url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/"
        self.stdout.write("\n" + _("Samverkan körs på %(url)s") % {"url": url} + "\n")
        self.stdout.write(
            _("Demoinloggningar (lösenord för alla: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for username, description in logins:
            self.stdout.write(f"  {username:<12} {description}")
        if no_serve:
            return
        from samverkan.core.serving import gunicorn_available, serve, web_workers
        from samverkan.wsgi import application

        # Links in the worker's e-mails point at this server unless configured otherwise.
        os.environ.setdefault("SAMVERKAN_BASE_URL", url.rstrip("/"))
        worker = self._start_worker()
        # The lägesbild's standard periods, computed by the worker before the first visit.
        from samverkan.lagesbild.tasks import precompute_lagesbild

        precompute_lagesbild.enqueue()
        if gunicorn_available():
            self.stdout.write(_("Webbservern: gunicorn med %(n)s processer") % {"n": web_workers()})
        else:
            self.stdout.write(_("Webbservern: waitress (en process)"))
        self.stdout.write("\n" + _("Avsluta med Ctrl+C."))
        # SIGTERM (from systemd, a test, `kill`) stops the server the way Ctrl+C does, so
        # the worker is stopped below instead of being left behind (gunicorn handles both
        # signals itself and returns through SystemExit).
        signal.signal(signal.SIGTERM, _raise_system_exit)
        try:
            serve(application, host=host, port=port)
        finally:
            self._stop_worker(worker)

    def _start_worker(self) -> subprocess.Popen:
        self.stdout.write(
            _("Startar bakgrundsjobben (samverkan worker); e-post sparas i %(path)s")
            % {"path": settings.EMAIL_FILE_PATH}
        )
        # A session of its own: Ctrl+C reaches only the demo, which then stops the worker
        # with one SIGTERM, letting a running task finish.
        return subprocess.Popen(
            [sys.executable, "-m", "samverkan", "worker", "--no-startup-delay"],
            start_new_session=True,
        )

    def _stop_worker(self, worker: subprocess.Popen) -> None:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.stdout.write(_("Webbserver och worker har stoppats."))


def _raise_system_exit(signum, frame) -> None:
    raise SystemExit(0)
