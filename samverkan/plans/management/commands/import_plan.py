from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samverkan.plans.planfile import PlanFileInvalid, parse_plan_file
from samverkan.plans.services import plan_create_from_file


class Command(BaseCommand):
    help = "Läser in en verksamhetsplan från en planfil (YAML) som ett utkast."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="Ersätt ett befintligt utkast med samma rubrik."
        )

    def handle(self, *args, file: Path, replace: bool, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Kan inte läsa {file}: {exc}") from None
        try:
            plan_file, lines = parse_plan_file(text)
            plan = plan_create_from_file(plan_file=plan_file, lines=lines, replace=replace)
        except PlanFileInvalid as exc:
            details = "\n".join(f"  {file}: {problem}" for problem in exc.problems)
            raise CommandError(f"Planen lästes inte in, inget sparades:\n{details}") from None
        counts = {
            "avsnitt": plan.sections.count(),
            "mål": sum(s.goals.count() for s in plan.sections.all()),
            "åtaganden": sum(s.commitments.count() for s in plan.sections.all()),
        }
        summary = ", ".join(f"{n} {k}" for k, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Inläst: {plan.title} (id {plan.pk}): {summary}."))
