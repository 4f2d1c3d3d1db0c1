# Over 500 lines: the whole prevention story of the demo, its texts included, in one place.
"""The demo's knowledge-based prevention work in Luleå: two complete SARA cycles, one problem
stuck without an analysis, and this year's medborgarlöften with their follow-ups.

- Situational: vandalism at Bergnäsets centrum. Evidence (a stored query of reports), a cause
  analysis with the problem triangle (a weak place manager), causes on the three bones, the
  event chain and two hypotheses, reviewed by the samordnare and decided by the styrgrupp;
  graffiti removal within 24 hours and better lighting, decided and finished; an evaluation
  against Porsön with Sörbyarna as buffer. The reports it is measured on are written here
  (`REPORT_PREFIX`, in both demo modes): three months before and two months after, ending
  three months back or more (`periods`), with a real drop in Bergnäset and none in Porsön.
- Social: young people aged 13–17 in Björkskatan. Risk and protective factors on several
  levels, reviewed; parent support running, with the plan's survey indicators linked.
- Stuck: insecurity at the Smedjegatan/Storgatan stop, no analysis yet.

Idempotent: each problem is keyed by its title in the agreement, each promise by year and
text, each report by its external id; a second load adds nothing. Every write of the cycle
goes through prevention.services (the privacy guard and the rule included); the reports are
one bulk insert.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from samverkan.core.models import Classification, User
from samverkan.demo.incidents import PREFIX
from samverkan.incidents.models import Category, Incident
from samverkan.indicators.models import Indicator
from samverkan.organisations.models import Organisation
from samverkan.places.models import District, Place
from samverkan.plans.models import Agreement
from samverkan.prevention import services
from samverkan.prevention.evaluation import evaluation_compute
from samverkan.prevention.models import (
    CauseAnalysis,
    Intervention,
    Method,
    Problem,
    Promise,
)

AGREEMENT = "lulea-polisen-2020-2023"
REPORT_PREFIX = "demo-prevention-"  # under "demo-": the packages that start without the demo's reports drop them too
REPORT_SEED = 24

SITUATIONAL_TITLE = "Skadegörelse vid Bergnäsets centrum"
SOCIAL_TITLE = "Unga i Björkskatan som riskerar att dras in i kriminalitet"
STUCK_TITLE = "Otrygghet vid Smedjegatan/Storgatan busshållplats kvällstid"

TREATMENT, COMPARISON, BUFFER = "bergnaset", "porson", "sorbyarna"
# Reports of skadegörelse (with klotter) per district: (before, after). The after period is
# two months to the before period's three: Porsön stays level per month, Bergnäset drops.
# Both fall a little over the year in `samverkan demo`'s year of reports (neither is one of
# its RISING_DISTRICTS), so the drop still shows when the year is loaded too.
REPORT_COUNTS = {TREATMENT: (90, 15), COMPARISON: (70, 46), BUFFER: (30, 20)}
REPORT_PLACES = {TREATMENT: "Bergnäsets centrum", COMPARISON: "Porsö centrum"}
REPORT_TEXTS = [
    ("skadegorelse", "Krossad ruta vid centrumets entré."),
    ("skadegorelse", "Sönderslagen belysningsarmatur vid gångtunneln."),
    ("skadegorelse", "Sparkad cykelställning vid butikerna."),
    ("klotter", "Nytt klotter på fasaden mot parkeringen."),
    ("klotter", "Klotter på elskåpet vid hållplatsen."),
]

USED_METHODS = (
    "klotterborttagning-24h",
    "forbattrad-gatubelysning",
    "abc-foraldrastod",
    "mentorskap",
)
SOCIAL_INDICATORS = ("shlv-aldrig-druckit", "shlv-ledsen", "can-testat-narkotika")


def _month_start(day: dt.date, months_back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def periods(today: dt.date | None = None) -> dict[str, dt.date]:
    """The situational cycle's dates, whole months relative to today: three months before, a
    month of work, two months after. The after period ends three months back or more (clear
    of the demo's quick reports and of the weeks the EST week compares with) and the before
    period begins within the last eleven months (so the EST week's history, which looks for
    the same weeks a year back, is not lengthened by these reports)."""
    today = today or timezone.localdate()
    end = _month_start(today, 3)  # the day after the after period
    return {
        "before_from": _month_start(end, 6),
        "before_to": _month_start(end, 3) - dt.timedelta(days=1),
        "start": _month_start(end, 3),
        "end": _month_start(end, 2) - dt.timedelta(days=1),
        "after_from": _month_start(end, 2),
        "after_to": end - dt.timedelta(days=1),
    }


def load_prevention() -> dict[str, int]:
    """Create what is missing; returns how many problems, promises and reports were made."""
    agreement = Agreement.objects.filter(slug=AGREEMENT).first()
    users = {u.username: u for u in User.objects.filter(username__in=["samordnare", "styrgrupp"])}
    districts = {
        d.slug: d for d in District.objects.filter(municipality__code="2580", approximate=True)
    }
    if agreement is None or len(users) < 2 or not {TREATMENT, COMPARISON, BUFFER} <= set(districts):
        return {"problems": 0, "promises": 0, "reports": 0}
    if Method.objects.filter(slug__in=USED_METHODS).count() < len(USED_METHODS):
        services.load_methods()
    span = periods()
    reports = _load_reports(districts, span)
    existing = set(Problem.objects.filter(agreement=agreement).values_list("title", flat=True))
    made = 0
    coordinator, steering = users["samordnare"], users["styrgrupp"]
    if SITUATIONAL_TITLE not in existing:
        _situational(agreement, coordinator, steering, districts, span)
        made += 1
    if SOCIAL_TITLE not in existing:
        _social(agreement, coordinator, districts)
        made += 1
    if STUCK_TITLE not in existing:
        _stuck(agreement, coordinator, districts)
        made += 1
    promises = _promises(agreement, coordinator)
    return {"problems": made, "promises": promises, "reports": reports}


# --- The reports the evaluation measures ----------------------------------------------------


def _load_reports(districts: dict, span: dict) -> int:
    existing = set(
        Incident.objects.filter(external_id__startswith=REPORT_PREFIX).values_list(
            "external_id", flat=True
        )
    )
    total = sum(before + after for before, after in REPORT_COUNTS.values())
    if len(existing) >= total:
        return 0
    categories = {c.slug: c for c in Category.objects.filter(slug__in=["skadegorelse", "klotter"])}
    places = {
        p.name: p
        for p in Place.objects.filter(
            municipality__code="2580", name__in=list(REPORT_PLACES.values())
        )
    }
    organisation = Organisation.objects.filter(slug="lulebo").first()
    if len(categories) < 2 or organisation is None:
        return 0
    rng = random.Random(REPORT_SEED)
    tz = timezone.get_current_timezone()
    new, n = [], 0
    for slug, counts in REPORT_COUNTS.items():
        district = districts[slug]
        place = places.get(REPORT_PLACES.get(slug, ""))
        if place is not None:
            lat, lon = place.lat, place.lon
        else:
            point = district.geometry().representative_point()
            lat, lon = round(point.y, 6), round(point.x, 6)
        for (first, last), count in zip(
            ((span["before_from"], span["before_to"]), (span["after_from"], span["after_to"])),
            counts,
            strict=True,
        ):
            days = (last - first).days + 1
            for _i in range(count):
                n += 1
                external_id = f"{REPORT_PREFIX}{n}"
                category, text = rng.choice(REPORT_TEXTS)
                day = first + dt.timedelta(days=rng.randrange(days))
                when = dt.datetime.combine(day, dt.time(rng.randint(18, 23), rng.choice([0, 30])))
                when = when.replace(tzinfo=tz)
                if external_id in existing:
                    continue
                new.append(
                    Incident(
                        category=categories[category],
                        occurred_from=when,
                        occurred_to=when,
                        municipality=district.municipality,
                        district=district,
                        place=place,
                        lat=lat,
                        lon=lon,
                        position_is_centre=place is None,
                        description=PREFIX + text,
                        severity=1 if category == "klotter" else 2,
                        organisation=organisation,
                        source=Incident.Source.FORM,
                        external_id=external_id,
                        classification=Classification.INTERNAL,
                        status=Incident.Status.REVIEWED,
                    )
                )
    Incident.objects.bulk_create(new)
    return len(new)


# --- The cycles -----------------------------------------------------------------------------


def _methods(*slugs: str) -> dict[str, Method]:
    return {m.slug: m for m in Method.objects.filter(slug__in=slugs)}


def _situational(agreement, coordinator, steering, districts, span) -> None:
    treatment = districts[TREATMENT]
    problem = services.problem_create(
        by=coordinator,
        agreement=agreement,
        title=SITUATIONAL_TITLE,
        description=(
            "Återkommande krossade rutor, sönderslagen belysning och klotter i och runt "
            "centrumet, mest på kvällar. Butikerna och Lulebo lägger allt mer på reparationer, "
            "och boende undviker gångtunneln efter mörkrets inbrott."
        ),
        districts=[treatment],
        places=list(Place.objects.filter(name="Bergnäsets centrum", municipality__code="2580")),
        when="Kvällar 18–24, oftast fredag och lördag, mest under den mörka delen av året.",
        affected_groups="Butiker i centrumet, Lulebos fastigheter, boende och resenärer.",
        since=span["before_from"],
    )
    services.evidence_add(
        by=coordinator,
        problem=problem,
        kind="incident_query",
        source="Händelserapporter i Samverkan: skadegörelse och klotter i Bergnäset.",
        categories=list(Category.objects.filter(slug="skadegorelse")),
        districts=[treatment],
        date_from=span["before_from"],
        date_to=span["before_to"],
    )
    analysis = services.cause_analysis_create(
        by=coordinator,
        problem=problem,
        offender="Grupper av unga som samlas vid centrumet på kvällen när fritidsgården stängt.",
        target_victim="Fönster, armaturer och fasader i centrumet och gångtunneln.",
        place_time="Bergnäsets centrum och gångtunneln mot parkeringen, kvällar 18–24.",
        handler="Föräldrar och fritidsledare, som sällan är på plats så sent.",
        guardian="Butikspersonal fram till stängning, därefter ingen.",
        guardian_weak=True,
        place_manager="Fastighetsägaren och Lulebo, som lagar sent och låter klotter stå kvar.",
        place_manager_weak=True,
        data_used="Händelserapporter från Lulebo och kommunen, EST-veckornas områdesbedömning.",
        data_left_out="Polisanmälningar per adress och butikernas egna skadeanteckningar.",
        causes=[
            {"bone": "objekt_plats", "text": "Trasig och svag belysning i gångtunneln"},
            {"bone": "objekt_plats", "text": "Klotter står kvar i veckor och bjuder in till mer"},
            {"bone": "gärningsperson", "text": "Inget att göra när fritidsgården stängt"},
            {
                "bone": "gärningsperson",
                "text": "Låg risk att bli sedd efter butikernas stängning",
                "direct": False,
            },
            {"bone": "brottsutsatt", "text": "Butikerna saknar rutin för att anmäla skador"},
        ],
        steps=[
            {"text": "Butikerna stänger klockan 20 och centrumet töms."},
            {"text": "Grupper samlas i gångtunneln där belysningen är trasig."},
            {"text": "Gammalt klotter visar att ingen bryr sig om platsen."},
            {"text": "Rutor och armaturer slås sönder, nytt klotter tillkommer."},
            {"text": "Skadorna lagas sent, och platsen upplevs som övergiven."},
        ],
        hypotheses=[
            {
                "text": "Skadegörelsen minskar om klotter tas bort inom ett dygn.",
                "evidence_for": "Klotter som står kvar följs av mer skadegörelse (Keizer m.fl.).",
                "evidence_against": "Klotter är bara en del av skadorna.",
            },
            {
                "text": "Bättre belysning i gångtunneln minskar skadorna på kvällen.",
                "evidence_for": "Nästan alla skador sker efter mörkrets inbrott.",
                "evidence_against": "Skadorna kan flytta till parkeringen intill.",
            },
        ],
    )
    services.cause_analysis_set_status(
        analysis=analysis, by=coordinator, status=CauseAnalysis.Status.REVIEWED
    )
    services.cause_analysis_set_status(
        analysis=analysis, by=steering, status=CauseAnalysis.Status.DECIDED
    )
    causes = {c.text: c for c in analysis.causes.all()}
    methods = _methods("klotterborttagning-24h", "forbattrad-gatubelysning")
    lulebo = Organisation.objects.get(slug="lulebo")
    stadsbyggnad = Organisation.objects.get(slug="stadsbyggnad")
    first, _warnings = services.intervention_create(
        by=coordinator,
        problem=problem,
        title="Klotter och skador i Bergnäsets centrum åtgärdas inom 24 timmar",
        method=methods.get("klotterborttagning-24h"),
        causes=[causes["Klotter står kvar i veckor och bjuder in till mer"]],
        districts=[treatment],
        target_group="Platsen: centrumet och gångtunneln.",
        owner_organisation=lulebo,
        owner_role="Förvaltare, Lulebo",
        partners="Fastighetsägaren, kommunens gatuenhet",
        start=span["start"],
        end=span["after_to"],
        resources="Jourentreprenör för sanering, anmälan via Samverkan.",
        cost=85000,
        expected_effect="Färre nya klotter och skador i centrumet än i jämförbara områden.",
        follow_up_method="Händelserapporter före och efter, jämfört med Porsön.",
        status=Intervention.Status.DONE,
        outcome="Klotter sanerades i regel samma dag; skadegörelsen minskade.",
    )
    second, _warnings = services.intervention_create(
        by=coordinator,
        problem=problem,
        title="Ny belysning i gångtunneln vid Bergnäsets centrum",
        method=methods.get("forbattrad-gatubelysning"),
        causes=[causes["Trasig och svag belysning i gångtunneln"]],
        districts=[treatment],
        target_group="Platsen: gångtunneln mot parkeringen.",
        owner_organisation=stadsbyggnad,
        owner_role="Gatuenheten",
        start=span["start"],
        end=span["end"],
        cost=240000,
        expected_effect="Färre skador efter mörkrets inbrott och större upplevd trygghet.",
        follow_up_method="Händelserapporter före och efter; trygghetsvandring efter en månad.",
        status=Intervention.Status.DONE,
        outcome="Armaturerna byttes till LED med högre ljusnivå.",
    )
    evaluation = services.evaluation_create(
        by=coordinator,
        intervention=first,
        treatment_districts=[treatment],
        comparison_districts=[districts[COMPARISON]],
        buffer_districts=[districts[BUFFER]],
        categories=list(Category.objects.filter(slug="skadegorelse")),
        before_from=span["before_from"],
        before_to=span["before_to"],
        after_from=span["after_from"],
        after_to=span["after_to"],
    )
    # The page shows the stored result, as it would after the coordinator's "Beräkna".
    evaluation_compute(evaluation, coordinator)


def _social(agreement, coordinator, districts) -> None:
    district = districts.get("bjorkskatan")
    indicators = list(Indicator.objects.filter(code__in=SOCIAL_INDICATORS).order_by("code"))
    problem = services.problem_create(
        by=coordinator,
        agreement=agreement,
        title=SOCIAL_TITLE,
        description=(
            "Skolan och fältgruppen ser fler unga som är ute sent utan vuxna, skolk och tidig "
            "alkohol. Några har setts i sammanhang där narkotika säljs."
        ),
        districts=[district] if district else [],
        when="Eftermiddagar och kvällar efter skoltid, helger.",
        affected_groups="Unga 13–17 år i Björkskatan och deras familjer.",
        classification=Classification.INTERNAL,
    )
    for indicator in indicators:
        services.evidence_add(
            by=coordinator,
            problem=problem,
            kind="indicator",
            indicator=indicator,
            source=f"Indikatorn {indicator.name} (verksamhetsplanens siffror).",
        )
    analysis = services.cause_analysis_create(
        by=coordinator,
        problem=problem,
        offender="Unga 13–17 år som söker sammanhang utanför skola och fritidsgård.",
        handler="Föräldrar som har svårt att sätta gränser, fritidsledare.",
        handler_weak=True,
        data_used="Skolbarns hälsa, drogvaneundersökningen, fältgruppens iakttagelser.",
        data_left_out="Uppgifter per skola och socialtjänstens ärenden (sekretess).",
        factors=[
            {"kind": "risk", "level": "individ", "text": "Tidig alkoholdebut"},
            {"kind": "risk", "level": "familj", "text": "Svag föräldratillsyn på kvällarna"},
            {"kind": "risk", "level": "skola", "text": "Skolk och låg skolanknytning"},
            {"kind": "risk", "level": "kamrater", "text": "Äldre kamrater med kriminell livsstil"},
            {"kind": "risk", "level": "samhälle", "text": "Lätt att få tag i narkotika"},
            {"kind": "skydd", "level": "familj", "text": "Föräldrar som vet var barnen är"},
            {"kind": "skydd", "level": "skola", "text": "God relation till någon vuxen i skolan"},
            {"kind": "skydd", "level": "samhälle", "text": "Öppen fritidsgård med ledare"},
        ],
        hypotheses=[
            {
                "text": "Stärkt föräldraskap minskar tidig alkoholdebut och sena kvällar ute.",
                "evidence_for": "Föräldrastödsprogram har visat effekt på barns beteende.",
                "evidence_against": "Familjerna som behöver det mest deltar minst.",
            }
        ],
    )
    services.cause_analysis_set_status(
        analysis=analysis, by=coordinator, status=CauseAnalysis.Status.REVIEWED
    )
    methods = _methods("abc-foraldrastod", "mentorskap")
    social = Organisation.objects.get(slug="socialforvaltningen")
    school = Organisation.objects.get(slug="barn-och-utbildning")
    today = timezone.localdate()
    services.intervention_create(
        by=coordinator,
        problem=problem,
        title="Föräldrastöd (ABC) för föräldrar till barn i Björkskatan",
        method=methods.get("abc-foraldrastod"),
        districts=[district] if district else [],
        target_group="Föräldrar till barn 10–15 år i Björkskatan.",
        owner_organisation=social,
        owner_role="Enheten för förebyggande arbete",
        partners="Skolan, fritidsgården",
        horizon=Intervention.Horizon.LONG,
        start=dt.date(today.year, 1, 15),
        expected_effect="Fler föräldrar som vet var barnen är; senare alkoholdebut.",
        follow_up_method="Skolbarns hälsa och drogvaneundersökningen, jämfört över tid.",
        indicators=indicators,
        status=Intervention.Status.IN_PROGRESS,
    )
    services.intervention_create(
        by=coordinator,
        problem=problem,
        title="Mentorskap för unga i riskzon i Björkskatan",
        method=methods.get("mentorskap"),
        districts=[district] if district else [],
        target_group="Unga 13–17 år som fältgruppen eller skolan ser i riskzon.",
        owner_organisation=school,
        owner_role="Elevhälsan",
        horizon=Intervention.Horizon.LONG,
        expected_effect="Starkare skolanknytning och färre sena kvällar ute.",
        follow_up_method="Närvaro i skolan och Skolbarns hälsa.",
        indicators=indicators[:1],
        status=Intervention.Status.PLANNED,
    )


def _stuck(agreement, coordinator, districts) -> None:
    centrum = districts.get("centrum")
    services.problem_create(
        by=coordinator,
        agreement=agreement,
        title=STUCK_TITLE,
        description="Resenärer och förbipasserande upplever hållplatsen som otrygg på kvällen.",
        districts=[centrum] if centrum else [],
        places=list(
            Place.objects.filter(
                name="Smedjegatan/Storgatan busshållplats", municipality__code="2580"
            )
        ),
        when="Kvällar, särskilt fredag och lördag.",
        affected_groups="Resenärer och förbipasserande.",
    )


# --- Medborgarlöften ------------------------------------------------------------------------

# (owners, text, target, target value, unit, [(period, value, comment)])
PROMISES = [
    (
        Promise.Owners.POLICE,
        "Polisen gör trafikkontroller vid skolorna i Luleå under skoltid.",
        "Minst en trafikkontroll per dygn vid någon av kommunens skolor.",
        1,
        "kontroller per dygn",
        [
            ("T1 (jan–apr)", "1.2", "Kontroller vid skolor i Hertsön och Porsön."),
            (
                "T2 (maj–aug)",
                "0.8",
                "Färre kontroller under sommarlovet.",
            ),
            ("T3 (sep–dec)", "1.1", ""),
        ],
    ),
    (
        Promise.Owners.BOTH,
        "Kommunen och polisen gör trygghetsvandringar i bostadsområdena tillsammans med boende.",
        "Minst två trygghetsvandringar per tertial.",
        2,
        "trygghetsvandringar",
        [
            ("T1 (jan–apr)", "2", "Hertsön och Björkskatan."),
            (
                "T2 (maj–aug)",
                "3",
                "Även Örnäset.",
            ),
            ("T3 (sep–dec)", "1", "En vandring flyttad till nästa år."),
        ],
    ),
    (
        Promise.Owners.MUNICIPALITY,
        "Kommunen tar bort klotter på kommunens fastigheter inom 24 timmar.",
        "Minst 90 % av anmält klotter borttaget inom 24 timmar.",
        90,
        "%",
        [
            ("T1 (jan–apr)", "86", "Vinterväder försenade saneringen."),
            (
                "T2 (maj–aug)",
                "94",
                "",
            ),
            ("T3 (sep–dec)", "92", ""),
        ],
    ),
]


def _tertials_started(today: dt.date) -> int:
    return (today.month - 1) // 4 + 1


def _promises(agreement, coordinator) -> int:
    """This year's promises, with a follow-up for every tertial that has started."""
    today = timezone.localdate()
    have = {p.text: p for p in Promise.objects.filter(agreement=agreement, year=today.year)}
    made = 0
    for owners, text, target, value, unit, follow_ups in PROMISES:
        if text in have:
            continue
        promise = services.promise_create(
            by=coordinator,
            agreement=agreement,
            year=today.year,
            text=text,
            owners=owners,
            target=target,
            target_value=value,
            target_unit=unit,
            dialogue_link="Medborgardialog i Hertsön, Porsön och Björkskatan förra hösten.",
        )
        made += 1
        for label, amount, comment in follow_ups[: _tertials_started(today)]:
            services.promise_follow_up_add(
                by=coordinator,
                promise=promise,
                period_label=label,
                value=Decimal(amount),
                comment=comment,
            )
    return made
