from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samverkan.plans.models import Plan
from samverkan.plans.planfile import dump_plan_file, plan_to_data


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Skriver ut en verksamhetsplan i planfilsformatet (YAML).")

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)

    def handle(self, *args, plan_id: int, **options):
        plan = Plan.objects.select_related("agreement").filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(_("Det finns ingen plan med id %(id)s.") % {"id": plan_id})
        self.stdout.write(dump_plan_file(plan_to_data(plan)), ending="")
