"""The Luleå demo: organisations, agreements, groups, one user per role, the plans.

The Luleå plan 2020–2021 stays as it was decided (history, with its follow-ups). From it the
demo derives one yearly revision after the other, as "Ny årsversion" does, up to the plan
that covers this year and the next; that plan is decided and has follow-ups in the current
tertial, so the follow-up pages open on something.

Loading is idempotent: everything is keyed by slug or username, so running `samverkan demo`
again reuses what is there. The people and the private companies are invented.
"""

import datetime as dt
from importlib import resources

from django.db import transaction
from django.utils import timezone

from samverkan.core.models import Classification, Role, User
from samverkan.demo.andts import load_andts
from samverkan.demo.collaboration import load_collaborations
from samverkan.demo.est import load_est_week
from samverkan.demo.figures import load_synthetic_figures
from samverkan.demo.incidents import load_incidents
from samverkan.demo.places import load_places
from samverkan.demo.prevention import load_prevention
from samverkan.demo.year import load_year
from samverkan.indicators.seed_figures import load_seed_figures
from samverkan.organisations.models import Group, Membership, Organisation
from samverkan.plans.models import Agreement, CommunicationActivity, FollowUp, Goal, Plan
from samverkan.plans.periods import period_bounds
from samverkan.plans.planfile import parse_plan_file
from samverkan.plans.services import (
    follow_up_create,
    plan_create_from_file,
    plan_decide,
    plan_revise,
)

DEMO_PASSWORD = "samverkan"

ORGANISATIONS = [
    # slug, name, kind, parent
    ("lulea-kommun", "Luleå kommun", "kommun", None),
    ("kommunstaben", "Kommunstaben", "forvaltning", "lulea-kommun"),
    ("socialforvaltningen", "Socialförvaltningen", "forvaltning", "lulea-kommun"),
    ("barn-och-utbildning", "Barn- och utbildningsförvaltningen", "forvaltning", "lulea-kommun"),
    ("kultur-och-fritid", "Kultur- och fritidsförvaltningen", "forvaltning", "lulea-kommun"),
    ("stadsbyggnad", "Stadsbyggnadsförvaltningen", "forvaltning", "lulea-kommun"),
    ("miljoforvaltningen", "Miljöförvaltningen (alkoholtillstånd)", "forvaltning", "lulea-kommun"),
    ("raddningstjansten", "Räddningstjänsten", "forvaltning", "lulea-kommun"),
    ("lulebo", "Lulebo AB", "bostadsbolag", "lulea-kommun"),
    ("lpo-lulea-boden", "Lokalpolisområde Luleå-Boden", "polis", None),
    ("boden-kommun", "Bodens kommun", "kommun", None),
    ("region-norrbotten", "Region Norrbotten", "region", None),
    ("norrsken-bevakning", "Norrsken Bevakning AB (demo)", "bevakning", None),
    ("centrumforeningen", "Centrumföreningen (demo)", "naringsliv", None),
    ("nattvandrarna", "Nattvandrarna Luleå (demo)", "civilsamhalle", None),
]

AGREEMENTS = [
    {
        "slug": "lulea-polisen-2020-2023",
        "title": "Samverkansöverenskommelse mellan Luleå kommun och "
        "Lokalpolisområde Luleå-Boden 2020–2023",
        "kind": Agreement.Kind.COLLABORATION,
        "parties": ["lulea-kommun", "lpo-lulea-boden"],
        "start": dt.date(2020, 1, 1),
        "end": dt.date(2023, 12, 31),
        "overall_goal": "Öka den upplevda tryggheten bland Luleborna och minska Lulebornas "
        "utsatthet för brott.",
        "public_page": True,
        "groups": [
            ("styrgrupp", "Styrgrupp", Group.Kind.STEERING),
            ("beredningsgrupp", "Beredningsgrupp", Group.Kind.PREPARATION),
            ("est-grupp", "EST-grupp Luleå", Group.Kind.EST),
            ("arbetsgrupp-andts", "Arbetsgrupp ANDT(S)", Group.Kind.WORKING),
        ],
    },
    {
        "slug": "lulea-medborgarloften-2020",
        "title": "Medborgarlöften Luleå 2020",
        "kind": Agreement.Kind.CITIZEN_PROMISE,
        "main": "lulea-polisen-2020-2023",
        "parties": ["lulea-kommun", "lpo-lulea-boden"],
        "start": dt.date(2020, 1, 1),
        "end": dt.date(2020, 12, 31),
        "groups": [],
    },
    {
        "slug": "boden-polisen-2020-2023",
        "title": "Samverkansöverenskommelse mellan Bodens kommun och "
        "Lokalpolisområde Luleå-Boden 2020–2023",
        "kind": Agreement.Kind.COLLABORATION,
        "parties": ["boden-kommun", "lpo-lulea-boden"],
        "start": dt.date(2020, 1, 1),
        "end": dt.date(2023, 12, 31),
        "groups": [("styrgrupp", "Styrgrupp Boden", Group.Kind.STEERING)],
    },
]

USERS = [
    # username, first, last, organisation, role, title, groups as (agreement, group, role)
    ("admin", "Alva", "Admin", "kommunstaben", Role.ADMIN, "Systemförvaltare", []),
    (
        "styrgrupp",
        "Stig",
        "Styrsson",
        "lpo-lulea-boden",
        Role.STEERING,
        "Lokalpolisområdeschef",
        [("lulea-polisen-2020-2023", "styrgrupp", "ordforande")],
    ),
    (
        "samordnare",
        "Sara",
        "Samordnare",
        "kommunstaben",
        Role.COORDINATOR,
        "Brottsförebyggande samordnare",
        [
            ("lulea-polisen-2020-2023", "beredningsgrupp", "sammankallande"),
            ("lulea-polisen-2020-2023", "est-grupp", "sammankallande"),
        ],
    ),
    (
        "kommunpolis",
        "Kim",
        "Polis",
        "lpo-lulea-boden",
        Role.COORDINATOR,
        "Kommunpolis",
        [
            ("lulea-polisen-2020-2023", "beredningsgrupp", "ledamot"),
            ("lulea-polisen-2020-2023", "est-grupp", "ledamot"),
            ("boden-polisen-2020-2023", "styrgrupp", "ledamot"),
        ],
    ),
    (
        "rapportor",
        "Rut",
        "Rapportör",
        "lulebo",
        Role.REPORTER,
        "Bovärd",
        [("lulea-polisen-2020-2023", "est-grupp", "ledamot")],
    ),
    (
        "lasare",
        "Leo",
        "Läsare",
        "socialforvaltningen",
        Role.READER,
        "Enhetschef",
        [("lulea-polisen-2020-2023", "arbetsgrupp-andts", "ledamot")],
    ),
    (
        "boden",
        "Bo",
        "Bodensson",
        "boden-kommun",
        Role.COORDINATOR,
        "Trygghetssamordnare",
        [("boden-polisen-2020-2023", "styrgrupp", "sekreterare")],
    ),
]

PLAN_FILES = [
    ("lulea-2020-2021.yaml", dt.date(2020, 2, 20)),
    ("boden-2021.yaml", dt.date(2021, 1, 28)),
]

# Follow-ups reported in the demo: (section number, period date, status, progress, comment).
FOLLOW_UPS = [
    ("1", dt.date(2020, 6, 15), "pagar", 50, "Styrgrupp och beredningsgrupp bemannade."),
    ("1", dt.date(2020, 10, 20), "klar", 100, "Strukturen kommunicerad på intranäten."),
    ("2", dt.date(2020, 12, 10), "pagar", 40, "Grunddata fastställd; EST startar i februari."),
    ("3", dt.date(2020, 12, 10), "pagar", 60, "Rutin för koppling till budgetprocessen på remiss."),
    (
        "6.1",
        dt.date(2020, 12, 10),
        "klar",
        100,
        "Lägesbild och orsaksanalys våld i offentlig miljö.",
    ),
]


def _plan_text(name: str) -> str:
    return resources.files("samverkan.plans.data").joinpath(name).read_text(encoding="utf-8")


@transaction.atomic
def load_demo(present: bool = True) -> list[tuple[str, str]]:
    """Create or reuse the demo data. Returns the demo logins as (username, description).

    `present=False` loads the cast the test suite starts from: the decided 2020–2021 plans
    without the yearly versions up to this year, the thirty quick reports without the years of
    synthetic ones, and the real figures of the operational plan without the synthetic series.
    `samverkan demo` loads the present as well."""
    orgs: dict[str, Organisation] = {}
    for slug, name, kind, parent in ORGANISATIONS:
        orgs[slug], _ = Organisation.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "parent": orgs.get(parent)}
        )
    groups: dict[tuple[str, str], Group] = {}
    for spec in AGREEMENTS:
        agreement, _ = Agreement.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "kind": spec["kind"],
                "main_agreement": Agreement.objects.filter(slug=spec.get("main")).first(),
                "start": spec["start"],
                "end": spec["end"],
                "overall_goal": spec.get("overall_goal", ""),
                "public_page": spec.get("public_page", False),
            },
        )
        agreement.parties.set([orgs[s] for s in spec["parties"]])
        for slug, name, kind in spec["groups"]:
            groups[(spec["slug"], slug)], _ = Group.objects.update_or_create(
                agreement=agreement, slug=slug, defaults={"name": name, "kind": kind}
            )

    logins = []
    for username, first, last, org, role, title, memberships in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "organisation": orgs[org],
                "role": role,
                "title": title,
                "email": f"{username}@example.org",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        for agreement_slug, group_slug, member_role in memberships:
            Membership.objects.get_or_create(
                group=groups[(agreement_slug, group_slug)],
                person=user,
                defaults={
                    "organisation": orgs[org],
                    "role": member_role,
                    "start": dt.date(2020, 1, 1),
                },
            )
        logins.append((username, f"{Role(role).label}, {orgs[org].name}"))

    # The head of the police area sits in both steering groups and adopts both plans.
    steering = User.objects.get(username="styrgrupp")
    for file_name, decided_on in PLAN_FILES:
        plan_file, lines = parse_plan_file(_plan_text(file_name))
        if Plan.objects.filter(agreement__slug=plan_file.agreement, title=plan_file.title).exists():
            continue
        plan = plan_create_from_file(plan_file=plan_file, lines=lines)
        plan_decide(plan=plan, by=steering, held_on=decided_on)
        if file_name.startswith("lulea"):
            _demo_follow_ups(plan)
            # Luleå's plan is published on the agreement's public page (docs/oppet.md).
            Plan.objects.filter(pk=plan.pk).update(classification=Classification.OPEN)
    if present:
        load_current_plan()
    load_places()
    load_incidents()
    if present:
        load_year()
        load_est_week()
    load_seed_figures()
    if present:
        load_synthetic_figures()
    load_prevention()
    load_collaborations()
    load_andts()
    return logins


def _demo_follow_ups(plan: Plan) -> None:
    author = User.objects.get(username="samordnare")
    if FollowUp.objects.filter(commitment__section__plan=plan).exists():
        return
    for number, day, status, progress, comment in FOLLOW_UPS:
        commitment = plan.sections.get(number=number).commitments.first()
        follow_up = follow_up_create(
            author=author,
            commitment=commitment,
            status=status,
            progress=progress,
            comment=comment,
            period_date=day,
        )
        # Demo history reads as if reported at the time, not today.
        FollowUp.objects.filter(pk=follow_up.pk).update(
            reported_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)
        )


LULEA_PLAN_FILE = "lulea-2020-2021.yaml"

# Follow-ups of the current plan: (section number, status, progress, comment), reported in the
# current tertial and, where the plan's period allows, in the tertial before it.
CURRENT_FOLLOW_UPS = [
    ("1", "klar", 100, "Styrgrupp och beredningsgrupp möts enligt årshjulet."),
    ("2", "pagar", 70, "EST-gruppen träffas varje vecka; veckans bild används på mötet."),
    ("3", "pagar", 50, "Budgetkopplingen prövas i årets verksamhetsplanering."),
    ("6.1", "pagar", 60, "Åtgärder i Stadsparken och vid Smedjegatan följs upp."),
]


# The current plan's communication plan: (months from now, day, audience, message, channel,
# owner, status). Months are clamped to the plan's period.
COMMUNICATION = [
    (-1, 15, "politiker", "Tertialrapporten om överenskommelsens åtaganden till kommunstyrelsen "
     "och polisområdets ledning.", "mote", "kommunstaben", "genomford"),
    (0, 10, "invanare", "Medborgarlöftet: vad polisen och kommunen gör i Centrum i vinter, och "
     "hur man hör av sig.", "webbplats", "lpo-lulea-boden", "planerad"),
    (0, 20, "personal", "EST: så rapporterar du en händelse från telefonen på en halv minut.",
     "intranat", "kommunstaben", "planerad"),
    (1, 5, "media", "Den samlade lägesbilden för året och vad styrgruppen prioriterar.",
     "press", "kommunstaben", "planerad"),
    (1, 25, "partner", "Återkoppling till bostadsbolag och bevakningsföretag om veckans "
     "åtgärder.", "e-post", "lpo-lulea-boden", "planerad"),
]


def _demo_communication(plan: Plan, today: dt.date) -> None:
    if plan.communication.exists():
        return
    goal = Goal.objects.filter(section__plan=plan, section__number="3").first()
    for months, day, audience, message, channel, owner, status in COMMUNICATION:
        month = today.month - 1 + months
        when = dt.date(today.year + month // 12, month % 12 + 1, day)
        when = min(max(when, plan.period_start), plan.period_end)
        CommunicationActivity.objects.create(
            plan=plan,
            when=when,
            audience=audience,
            message=message,
            channel=channel,
            owner_organisation=Organisation.objects.get(slug=owner),
            status=status,
            goal=goal,
        )


def load_current_plan() -> Plan | None:
    """Revise the Luleå plan year by year up to the one that starts this year; decide each
    version, give the current one its follow-ups. The 2020–2021 plan stays fastställd."""
    steering = User.objects.get(username="styrgrupp")
    plan_file, _lines = parse_plan_file(_plan_text(LULEA_PLAN_FILE))
    first = Plan.objects.filter(agreement__slug=plan_file.agreement, title=plan_file.title).first()
    if first is None:
        return None
    coordinator = User.objects.get(username="samordnare")
    today = timezone.localdate()
    plan = first
    while plan.period_start.year < today.year:
        following = Plan.objects.filter(previous=plan).first()
        if following is None:
            following = plan_revise(plan=plan, by=coordinator)
            held_on = min(today, dt.date(following.period_start.year, 1, 28))
            plan_decide(plan=following, by=steering, held_on=held_on)
        plan = following
    if plan.pk != first.pk and first.status != Plan.Status.DECIDED:
        # Deciding the first revision archived it; the demo keeps it as decided history.
        Plan.objects.filter(pk=first.pk).update(status=Plan.Status.DECIDED)
    if plan.pk != first.pk:
        _demo_communication(plan, today)
    if plan.pk != first.pk and not FollowUp.objects.filter(commitment__section__plan=plan):
        start, _end = period_bounds(plan.follow_up_period, today)
        days = [today]
        earlier = start - dt.timedelta(days=1)
        if earlier >= plan.period_start:
            days.insert(0, earlier)
        for day in days:
            for number, status, progress, comment in CURRENT_FOLLOW_UPS:
                if day != today:
                    status, progress = "pagar", (progress or 0) // 2
                commitment = plan.sections.get(number=number).commitments.first()
                follow_up = follow_up_create(
                    author=coordinator,
                    commitment=commitment,
                    status=status,
                    progress=progress,
                    comment=comment,
                    period_date=day,
                )
                reported = dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)
                FollowUp.objects.filter(pk=follow_up.pk).update(
                    reported_at=min(reported, timezone.now())
                )
    return plan
