"""The demo's ANDT(S) work in Luleå: the national strategies, and this year's action plan built
on the ANDTS strategy 2022–2025, decided by the styrgrupp and followed up per tertial.

The plan prioritises three of the strategy's goals, each with its rationale from the figures
the operational plan 2020–2021 quotes in its section 6.3 (drogvaneundersökningen 2017,
Skolbarns hälsa och levnadsvanor 2018/2019, 230–260 alkohol- and narkotika-related crimes a
year 2016–2019), linked to the indicators that hold those figures; those figures are the
plan's baseline. Its activities have owners and timetables: tillsyn of serving and sales, a
campaign for parents, the parent support of the prevention demo as an intervention, and
SMADIT as a collaboration.

Idempotent: the plan is keyed by agreement and year; a second load adds nothing. Every write
goes through andts.services (the rules and the privacy guard included).
"""

import datetime as dt

from django.utils import timezone

from samverkan.andts import services
from samverkan.andts.models import ActionPlan, Strategy
from samverkan.collaboration.models import Collaboration
from samverkan.core.models import User
from samverkan.demo.collaboration import SMADIT
from samverkan.demo.meetings import decide_at_meeting
from samverkan.incidents.models import Category
from samverkan.indicators.models import Indicator
from samverkan.organisations.models import Organisation
from samverkan.plans.models import Agreement
from samverkan.plans.periods import period_bounds, period_label
from samverkan.prevention.models import Intervention

AGREEMENT = "lulea-polisen-2020-2023"
STRATEGY = "andts-2022-2025"
SOCIAL_PROBLEM = "Unga i Björkskatan som riskerar att dras in i kriminalitet"

PROBLEM = (
    "Polisens lägesbild beskriver en i ökande utsträckning drogliberal attityd, i samhället i "
    "stort och bland ungdomar i synnerhet. Kommunens lägesbild visar att det lokalt finns en "
    "drogliberal attityd bland skolungdomar i vissa områden."
)
BASELINE = (
    "Utgångsläget är siffrorna i styrgruppens verksamhetsplan 2020–2021, avsnitt 6.3. "
    "Drogvaneundersökningen 2017: 62 % i årskurs 9 och 27 % i gymnasiet år 2 har aldrig "
    "druckit alkohol; 17 % respektive 33 % har haft möjlighet att prova narkotika; 8 % "
    "respektive 11 % har någon gång testat narkotika. Skolbarns hälsa och levnadsvanor "
    "2018/2019: ca 99 % i årskurs 7 och strax under 80 % i gymnasiet år 1 har varken rökt "
    "eller snusat; 97,8 % respektive 63,9 % har aldrig testat att dricka alkohol; 96,7 % "
    "respektive 90 % säger bestämt nej om de blir erbjudna narkotika. Polisen rapporterar "
    "varje år 2016–2019 mellan 230 och 260 brott i Luleå kommun som är relaterade till "
    "alkohol eller narkotika (rattfylleri)."
)

# number, rationale, indicator codes, incident categories, figure, its source and period,
# local goals
GOALS = [
    (
        1,
        "Tillgången till narkotika märks bland unga: i drogvaneundersökningen 2017 uppgav 17 % "
        "i årskurs 9 och 33 % i gymnasiet år 2 att de haft möjlighet att prova narkotika, och "
        "polisens lägesbild beskriver en ökande drogliberal attityd. Tillsyn av servering och "
        "försäljning och polisens arbete mot narkotikahantering minskar tillgången.",
        ["can-mojlighet-narkotika"],
        ["narkotika"],
        "17 % (åk 9) och 33 % (gy 2) har haft möjlighet att prova narkotika.",
        "Drogvaneundersökningen (CAN), enligt verksamhetsplanen 2020–2021",
        "2017",
        ["Minst två kontrollköp per försäljningsställe för folköl och tobak varje år."],
    ),
    (
        3,
        "Debuten sker mellan högstadiet och gymnasiet: 97,8 % i årskurs 7 har aldrig testat att "
        "dricka alkohol men bara 63,9 % i gymnasiets år 1 (Skolbarns hälsa och levnadsvanor "
        "2018/2019); i drogvaneundersökningen 2017 hade 73 % i gymnasiet år 2 druckit alkohol "
        "och 11 % testat narkotika. Andelen som aldrig rökt eller snusat sjunker från ca 99 % "
        "till strax under 80 %. Insatser för föräldrar och skola före och under övergången "
        "till gymnasiet ger mest.",
        [
            "shlv-aldrig-druckit",
            "shlv-ej-rokt-snusat",
            "shlv-nej-narkotika",
            "can-aldrig-druckit",
            "can-testat-narkotika",
        ],
        [],
        "",
        "",
        "",
        [
            "Andelen i gymnasiets år 1 som aldrig testat alkohol ska öka från 63,9 %.",
            "Andelen i årskurs 9 som någon gång testat narkotika ska minska från 8 %.",
        ],
    ),
    (
        6,
        "Polisen rapporterar varje år 2016–2019 mellan 230 och 260 brott i Luleå kommun som är "
        "relaterade till alkohol eller narkotika, främst rattfylleri. Den som rapporteras för "
        "ratt-, drogratt- eller sjöfylleri ska snabbt erbjudas kontakt med socialtjänst eller "
        "beroendevård (SMADIT), så att fler skador och dödsfall i trafiken förebyggs.",
        ["brott-alkohol-narkotika"],
        [],
        "230–260 brott per år relaterade till alkohol eller narkotika (rattfylleri).",
        "Polisen, lokalpolisområde Luleå-Boden, enligt verksamhetsplanen 2020–2021",
        "2016–2019",
        [
            "Alla som rapporteras för rattfylleri erbjuds kontakt med socialtjänst eller beroendevård."
        ],
    ),
]


def _activities(year: int, orgs: dict, collaboration, intervention) -> list[dict]:
    activities = [
        {
            "goal": 1,
            "local_goal": 0,
            "title": "Tillsyn av serveringsställen och kontrollköp av folköl och tobak",
            "kind": "tillsyn",
            "owner_organisation": orgs["miljoforvaltningen"],
            "owner_role": "Alkoholhandläggare",
            "start": dt.date(year, 2, 1),
            "end": dt.date(year, 11, 30),
            "schedule_text": "Samordnad tillsyn med polisen varje tertial",
            "indicator": "can-mojlighet-narkotika",
        },
        {
            "goal": 1,
            "title": "Riktade kontroller mot narkotikahantering vid skolor och fritidsgårdar",
            "kind": "annat",
            "owner_organisation": orgs["lpo-lulea-boden"],
            "owner_role": "Kommunpolis",
            "schedule_text": "Löpande",
            "indicator": "can-mojlighet-narkotika",
        },
        {
            "goal": 3,
            "local_goal": 0,
            "title": "Föräldrakampanj inför valborg och skolavslutningen",
            "description": "Brev och möten om att inte bjuda unga på alkohol, i årskurs 7–9 "
            "och gymnasiets år 1.",
            "kind": "kampanj",
            "owner_organisation": orgs["barn-och-utbildning"],
            "owner_role": "Elevhälsan",
            "start": dt.date(year, 4, 1),
            "end": dt.date(year, 6, 15),
            "indicator": "shlv-aldrig-druckit",
        },
        {
            "goal": 6,
            "local_goal": 0,
            "title": "SMADIT: samverkan mot alkohol och droger i trafiken",
            "description": "Den som rapporteras för ratt-, drogratt- eller sjöfylleri erbjuds "
            "direkt kontakt med socialtjänst eller beroendevård.",
            "kind": "samverkan",
            "collaboration": collaboration,
            "owner_organisation": orgs["lpo-lulea-boden"],
            "owner_role": "Trafikpolis, med socialtjänstens beroendeenhet",
            "schedule_text": "Löpande, uppföljning varje tertial",
            "indicator": "brott-alkohol-narkotika",
        },
    ]
    if intervention is not None:
        activities.insert(
            3,
            {
                "goal": 3,
                "local_goal": 1,
                "title": "Föräldrastöd för föräldrar till unga i Björkskatan",
                "kind": "insats",
                "intervention": intervention,
                "owner_organisation": orgs["socialforvaltningen"],
                "owner_role": "Familjebehandlare",
                "start": dt.date(year, 1, 15),
                "end": dt.date(year, 12, 15),
                "indicator": "can-testat-narkotika",
            },
        )
    return activities


# Per tertial that has ended: (activity index, status, comment).
FOLLOW_UPS = {
    1: [
        (0, "pagar", "Tillsyn vid tolv serveringsställen, två med anmärkning."),
        (2, "pagar", "Brevet till föräldrarna är skrivet och föräldramötena bokade."),
        (-1, "pagar", "Samtliga rapporterade erbjöds kontakt samma dag."),
    ],
    2: [
        (0, "pagar", "Kontrollköp i åtta butiker; en sålde folköl utan att fråga efter ålder."),
        (2, "klar", "Brev till alla föräldrar i årskurs 7–9; tre föräldramöten."),
        (-1, "pagar", "Samtliga rapporterade erbjöds kontakt; fyra tackade ja."),
    ],
    3: [
        (0, "klar", "Årets tillsyn och kontrollköp är genomförda."),
        (-1, "pagar", "Samtliga rapporterade erbjöds kontakt samma dag."),
    ],
}


def load_andts(today: dt.date | None = None) -> int:
    """Load the strategies and create this year's action plan where missing. Returns 1 when
    the plan was created, 0 when it was already there (or the demo's Luleå is missing)."""
    services.load_strategies()
    today = today or timezone.localdate()
    agreement = Agreement.objects.filter(slug=AGREEMENT).first()
    users = {u.username: u for u in User.objects.filter(username__in=["samordnare", "styrgrupp"])}
    if agreement is None or len(users) < 2:
        return 0
    year = today.year
    if ActionPlan.objects.filter(agreement=agreement, year=year).exists():
        return 0
    coordinator, steering = users["samordnare"], users["styrgrupp"]
    strategy = Strategy.objects.get(slug=STRATEGY)
    plan = services.plan_create(
        by=coordinator,
        agreement=agreement,
        strategy=strategy,
        year=year,
        problem_description=PROBLEM,
        baseline=BASELINE,
    )
    indicators = {i.code: i for i in Indicator.objects.all()}
    categories = {c.slug: c for c in Category.objects.all()}
    local_goals = {}
    for number, rationale, codes, slugs, figure, source, period, locals_ in GOALS:
        prioritised = services.prioritised_goal_add(
            by=coordinator,
            plan=plan,
            goal=strategy.goals.get(number=number),
            rationale=rationale,
            indicators=[indicators[c] for c in codes if c in indicators],
            incident_categories=[categories[s] for s in slugs if s in categories],
            figure=figure,
            figure_source=source,
            figure_period=period,
        )
        local_goals[number] = [
            services.local_goal_add(by=coordinator, prioritised=prioritised, text=text)
            for text in locals_
        ]
    collaboration, _ = Collaboration.objects.get_or_create(agreement=agreement, name=SMADIT)
    intervention = Intervention.objects.filter(
        problem__agreement=agreement, problem__title=SOCIAL_PROBLEM
    ).first()
    orgs = {o.slug: o for o in Organisation.objects.all()}
    activities = []
    for spec in _activities(year, orgs, collaboration, intervention):
        number = spec.pop("goal")
        index = spec.pop("local_goal", None)
        goals_here = local_goals.get(number, [])
        spec["local_goal"] = (
            goals_here[index] if index is not None and index < len(goals_here) else None
        )
        spec["indicator"] = indicators.get(spec.get("indicator"))
        spec["goal"] = strategy.goals.get(number=number)
        activities.append(services.activity_add(by=coordinator, plan=plan, **spec))
    decide_at_meeting(
        by=steering,
        agreement=plan.agreement,
        held_on=min(dt.date(year, 2, 10), today),
        target=plan,
        text="Styrgruppen beslutar ANDT(S)-handlingsplanen med mål 1, 3 och 6 i "
        "ANDTS-strategin 2022–2025 som prioriterade mål för året.",
    )
    kind = plan.follow_up_period
    start, end = period_bounds(kind, dt.date(year, 1, 1))
    number = 1
    while end < today and end <= plan.period_end:
        for index, status, comment in FOLLOW_UPS.get(number, FOLLOW_UPS[3]):
            services.follow_up_add(
                by=coordinator,
                activity=activities[index],
                period=period_label(kind, start).replace(" ", "-"),
                status=status,
                comment=comment,
            )
        start, end = period_bounds(kind, end + dt.timedelta(days=1))
        number += 1
    return 1
