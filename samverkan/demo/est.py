"""The demo's EST routine, so that the EST pages show something on the first visit: last
week's meeting with each party's notes, its decisions and actions, closed (its snapshot
stored); an action that is overdue; a planned event next week; this period's area ratings
with three priority areas. Everything goes through the services in `est.services`, with the
same checks as the pages. Loaded once (a closed demo week means it is there).
"""

import datetime as dt

from django.utils import timezone

from samverkan.core.models import User
from samverkan.est import selectors, services
from samverkan.est.models import Action, WeekMeeting
from samverkan.places.models import District, Place
from samverkan.plans.models import Agreement

AGREEMENT = "lulea-polisen-2020-2023"
PRIORITISED = {"Centrum": "röd", "Hertsön": "gul", "Björkskatan": "gul"}


def load_est_week(today: dt.date | None = None) -> bool:
    """Create the demo's EST week once; returns whether it was created now."""
    agreement = Agreement.objects.filter(slug=AGREEMENT).first()
    users = {u.username: u for u in User.objects.filter(username__in=["samordnare", "kommunpolis"])}
    if agreement is None or len(users) < 2:
        return False
    if WeekMeeting.objects.filter(agreement=agreement, status=WeekMeeting.Status.CLOSED).exists():
        return False
    today = today or timezone.localdate()
    year, week, _ = (today - dt.timedelta(days=7)).isocalendar()
    coordinator, police = users["samordnare"], users["kommunpolis"]
    districts = {d.name: d for d in District.objects.filter(municipality__code="2580")}
    place = Place.objects.filter(name="Stadsparken").first()

    common = {"agreement": agreement, "iso_year": year, "iso_week": week}
    services.week_note_save(
        by=coordinator,
        text="[Syntetisk] Klotter längs gång- och cykelvägen i Hertsön anmält av Lulebo; "
        "saneringen är beställd. Skolavslutningen i Stadsparken planeras.",
        **common,
    )
    services.week_note_save(
        by=police,
        text="[Syntetisk] Fler ordningsstörningar kring Smedjegatan fredag och lördag natt, "
        "23–03. Kommunpolisen planerar närvaro nästa helg.",
        **common,
    )
    services.meeting_update(
        by=coordinator,
        notes="[Syntetisk] Genomgång av veckans lägesbild. Ökningen av skadegörelse i Hertsön "
        "diskuterades; Centrum är fortsatt i fokus helgnätter.",
        decisions="[Syntetisk] Polisen och Nattvandrarna finns i Centrum fredag och lördag "
        "natt. Lulebo sanerar klotter inom 24 timmar. Belysningen i gångtunneln ses över.",
        **common,
    )
    owner = {"samordnare": coordinator.organisation, "kommunpolis": police.organisation}
    services.action_create(
        by=coordinator,
        what="[Syntetisk] Närvaro i Centrum fredag och lördag natt 23–03",
        owner_organisation=owner["kommunpolis"],
        owner=police,
        district=districts.get("Centrum"),
        place=place,
        due_date=today + dt.timedelta(days=4),
        status=Action.Status.IN_PROGRESS,
        **common,
    )
    services.action_create(
        by=coordinator,
        what="[Syntetisk] Se över belysningen i gångtunneln vid Hertsö centrum",
        owner_organisation=owner["samordnare"],
        owner=coordinator,
        district=districts.get("Hertsön"),
        due_date=today - dt.timedelta(days=2),  # passed and not done: shown as overdue
        status=Action.Status.PLANNED,
        **common,
    )
    services.action_create(
        by=coordinator,
        what="[Syntetisk] Sanera klotter längs gång- och cykelvägen i Hertsön",
        owner_organisation=owner["samordnare"],
        district=districts.get("Hertsön"),
        due_date=today - dt.timedelta(days=5),
        status=Action.Status.DONE,
        outcome="[Syntetisk] Sanerat inom ett dygn.",
        **common,
    )
    starts = timezone.make_aware(
        dt.datetime.combine(today + dt.timedelta(days=7 - today.weekday() + 4), dt.time(18))
    )
    services.planned_event_create(
        by=coordinator,
        agreement=agreement,
        title="[Syntetisk] Konsert i Stadsparken",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=5),
        district=districts.get("Centrum"),
        place=place,
    )
    services.meeting_close(by=coordinator, **common)

    period = selectors.Period.containing(today)
    figures = selectors.period_figures(agreement, period)
    scale = selectors.priority_scale()
    for name, level in PRIORITISED.items():
        if name in districts and level in scale:
            services.area_rating_save(
                by=coordinator,
                agreement=agreement,
                period=period,
                district=districts[name],
                level=level,
                rationale="[Syntetisk] Flest rapporter och ökning mot förra perioden; "
                "parterna kan påverka genom närvaro och sanering.",
                prioritised=True,
                figures=figures,
            )
    return True
