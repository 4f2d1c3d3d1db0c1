"""How the plan start page and the plan API scale with the size of the plan.

Prints, for the Luleå demo plan and for plans grown to N commitments: the number of
database queries and the median time of the start page and of GET /api/plans/{id}, next to
the floor — one raw SQL query that reads the same rows the page shows (commitments with
their latest follow-up status) straight from the database with no ORM or template.

    python benchmarks/plan_page.py [--sizes 0,100,400] [--repeat 15]

Runs on a throwaway SQLite database in a temporary data directory (or on DATABASE_URL).
"""

import argparse
import os
import sys
import tempfile

os.environ.setdefault("SAMVERKAN_DATA_DIR", tempfile.mkdtemp(prefix="samverkan-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django  # noqa: E402

django.setup()

from common import count_queries, median_ms  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

RAW_SQL = """
SELECT c.id, c.text, c.due_date, s.number,
       (SELECT f.status FROM plans_followup f WHERE f.commitment_id = c.id
        ORDER BY f.period_end DESC, f.reported_at DESC, f.id DESC LIMIT 1) AS latest
FROM plans_commitment c JOIN plans_section s ON s.id = c.section_id
WHERE s.plan_id = %s ORDER BY s.position, c.position
"""


def grow(plan, extra: int) -> None:
    from samverkan.core.models import User
    from samverkan.organisations.models import Group, Organisation
    from samverkan.plans.models import Commitment, FollowUp

    section = plan.sections.get(number="6.1")
    orgs = list(Organisation.objects.filter(slug__in=["kommunstaben", "lpo-lulea-boden"]))
    group = Group.objects.get(agreement=plan.agreement, slug="beredningsgrupp")
    author = User.objects.get(username="samordnare")
    start = section.commitments.count()
    for i in range(extra):
        c = Commitment.objects.create(section=section, position=start + i, text=f"Åtagande {i}")
        c.responsible_organisations.set(orgs)
        c.responsible_groups.set([group])
        for month in (3, 7, 11):
            FollowUp.objects.create(
                commitment=c,
                period_kind="tertial",
                period_start=f"2020-{month:02d}-01",
                period_end=f"2020-{month:02d}-28",
                status="pagar",
                author=author,
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="0,100,400")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from samverkan.demo.load import load_demo
    from samverkan.plans.models import Plan

    load_demo()
    plan = Plan.objects.get(title="Styrgruppens verksamhetsplan 2020–2021")
    from samverkan.core.models import APIToken, User

    user = User.objects.get(username="samordnare")
    token = APIToken.issue(user=user)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    page = f"/overenskommelser/{plan.agreement_id}/"
    api = f"/api/plans/{plan.pk}"

    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
        f"median of {args.repeat} runs"
    )
    print(
        f"{'commitments':>11} {'page q':>7} {'page ms':>8} {'api q':>6} {'api ms':>7} "
        f"{'raw SQL ms':>10} {'page/raw':>9}"
    )
    grown = 0
    for size in [int(s) for s in args.sizes.split(",")]:
        if size > grown:
            grow(plan, size - grown)
            grown = size
        total = plan.sections.model.objects.filter(plan=plan).values("commitments").count()
        assert client.get(page).status_code == 200
        assert client.get(api, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
        page_q = count_queries(lambda: client.get(page))
        api_q = count_queries(lambda: client.get(api, HTTP_AUTHORIZATION=f"Bearer {token}"))
        page_ms = median_ms(lambda: client.get(page), args.repeat)
        api_ms = median_ms(
            lambda: client.get(api, HTTP_AUTHORIZATION=f"Bearer {token}"), args.repeat
        )

        def raw():
            with connection.cursor() as cursor:
                cursor.execute(RAW_SQL, [plan.pk])
                cursor.fetchall()

        raw_ms = median_ms(raw, args.repeat)
        print(
            f"{total:>11} {page_q:>7} {page_ms:>8.1f} {api_q:>6} {api_ms:>7.1f} "
            f"{raw_ms:>10.2f} {page_ms / raw_ms:>9.0f}"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
