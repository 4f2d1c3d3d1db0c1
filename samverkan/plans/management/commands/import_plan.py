from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samverkan.plans.planfile import MAX_PLAN_FILE_CHARACTERS, PlanFileInvalid, parse_plan_file
from samverkan.plans.services import plan_create_from_file


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Läser in en verksamhetsplan från en planfil (YAML) som ett utkast.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("Ersätt ett befintligt utkast med samma rubrik."),
        )

    def handle(self, *args, file: Path, replace: bool, **options):
        try:
            # Bytes of UTF-8 are at least as many as characters: a bigger file is refused unread.
            if file.stat().st_size > 4 * MAX_PLAN_FILE_CHARACTERS:
                raise CommandError(
                    _("%(file)s är %(mb)s MB; en planfil får ha högst %(max)s tecken.")
                    % {
                        "file": file,
                        "mb": file.stat().st_size // 1_000_000,
                        "max": MAX_PLAN_FILE_CHARACTERS,
                    }
                )
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                _("Kan inte läsa %(file)s: %(error)s") % {"file": file, "error": exc}
            ) from None
        try:
            plan_file, lines = parse_plan_file(text)
            plan = plan_create_from_file(plan_file=plan_file, lines=lines, replace=replace)
        except PlanFileInvalid as exc:
            details = "\n".join(f"  {file}: {problem}" for problem in exc.problems)
            raise CommandError(
                _("Planen lästes inte in, inget sparades:") + "\n" + details
            ) from None
        sections = plan.sections.count()
        goals = sum(s.goals.count() for s in plan.sections.all())
        commitments = sum(s.commitments.count() for s in plan.sections.all())
        summary = ", ".join(
            [
                ngettext("%(count)d avsnitt", "%(count)d avsnitt", sections) % {"count": sections},
                ngettext("%(count)d mål", "%(count)d mål", goals) % {"count": goals},
                ngettext("%(count)d åtagande", "%(count)d åtaganden", commitments)
                % {"count": commitments},
            ]
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Inläst: %(title)s (id %(id)s): %(summary)s.")
                % {"title": plan.title, "id": plan.pk, "summary": summary}
            )
        )
