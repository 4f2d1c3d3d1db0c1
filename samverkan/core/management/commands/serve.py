from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from samverkan.core.serving import gunicorn_available, serve, web_workers


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Startar webbservern: gunicorn med SAMVERKAN_WEB_WORKERS processer (standard en "
            "per kärna), waitress där gunicorn inte kan köras."
        )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=_("Antal processer (standard SAMVERKAN_WEB_WORKERS eller antalet kärnor)."),
        )

    def handle(self, *args, host: str, port: int, workers: int | None, **options):
        from samverkan.wsgi import application

        if gunicorn_available():
            self.stdout.write(
                _("gunicorn med %(n)s processer på %(host)s:%(port)s")
                % {"n": workers or web_workers(), "host": host, "port": port}
            )
        else:
            self.stdout.write(
                _("waitress (en process) på %(host)s:%(port)s") % {"host": host, "port": port}
            )
        serve(application, host=host, port=port, workers=workers)
