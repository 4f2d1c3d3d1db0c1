"""The demo's collaboration inventory in Luleå: the four collaborations the operational plan
names (sociala insatsgrupper, SMADIT, samverkan mot våldsbejakande extremism, samverkan
inom LUL) and two more, all marked as examples to complete, and the inventory's review of
December 2020 (the plan's deadline), so that the next review shows as overdue.

With the agreement's own interventions (demo.prevention) the overlap view shows a possible
double work (sociala insatsgrupper and LUL both aimed at children and young people at the
indicated level in Ungdomar) and possible gaps (ANDT(S) at the selective level, among others).

Idempotent: each collaboration is keyed by its name in the agreement, the review by its date.
Every write goes through collaboration.services (the privacy guard included).
"""

import datetime as dt

from samverkan.collaboration import services
from samverkan.collaboration.models import Collaboration, InventoryReview
from samverkan.core.models import User
from samverkan.organisations.models import Organisation
from samverkan.plans.models import Agreement

SMADIT = "SMADIT – Samverkan mot alkohol och droger i trafiken"

AGREEMENT = "lulea-polisen-2020-2023"
REVIEWED_ON = dt.date(2020, 12, 15)

COLLABORATIONS = [
    {
        "name": "Sociala insatsgrupper (SIG)",
        "purpose": "Samordnade, individuella insatser för unga som riskerar att dras in i "
        "eller vill lämna kriminalitet: socialtjänst, skola och polis kring samma unga.",
        "legal_basis": "Samtycke från den unge och vårdnadshavare; sekretessbrytande "
        "bestämmelser i offentlighets- och sekretesslagen.",
        "parties": [
            ("socialforvaltningen", "Samordnar gruppen, utreder och beviljar insatser"),
            ("lpo-lulea-boden", "Underrättelser om unga i riskzon, deltar i planeringen"),
            ("barn-och-utbildning", "Elevhälsan, skolans insatser"),
        ],
        "target_group": "barn_unga",
        "level": "indikerad",
        "focus_areas": ["ungdom", "trygghet"],
        "leadership": "Socialförvaltningens enhet för barn och unga leder; styrgrupp på "
        "chefsnivå med polisen.",
        "meeting_frequency": "Varannan vecka per ärende, styrgrupp två gånger per termin",
        "contact_roles": "Samordnare SIG, socialförvaltningen\nKommunpolis\nElevhälsans chef",
        "start": dt.date(2018, 9, 1),
        "follow_up_method": "Antal unga med samordnad plan och hur många som fullföljt den; "
        "i förvaltningens verksamhetsuppföljning.",
        "follow_up_by": "Socialförvaltningen",
    },
    {
        "name": SMADIT,
        "purpose": "Den som grips för rattfylleri eller drograttfylleri erbjuds direkt "
        "kontakt med beroendevården eller socialtjänsten.",
        "legal_basis": "Frivilligt: den gripne samtycker till att kontakten förmedlas.",
        "parties": [
            ("lpo-lulea-boden", "Erbjuder kontakt vid gripandet"),
            ("socialforvaltningen", "Tar emot kontakten inom ett dygn"),
            ("region-norrbotten", "Beroendevården"),
        ],
        "target_group": "missbruk",
        "level": "indikerad",
        "focus_areas": ["andt"],
        "leadership": "Länsgemensam samordning; lokalt polisens trafikgrupp och "
        "socialtjänstens mottagning.",
        "meeting_frequency": "Två gånger per år",
        "contact_roles": "Trafikpolis, lokalpolisområdet\nMottagningssekreterare, "
        "socialförvaltningen",
        "start": dt.date(2015, 1, 1),
        "follow_up_method": "Andel gripna som tackar ja och som får kontakt inom ett dygn.",
        "follow_up_by": "Länsstyrelsens SMADIT-samordning",
    },
    {
        "name": "Samverkan mot våldsbejakande extremism",
        "purpose": "Kunskap och samordning kring våldsbejakande extremism: lägesbild, "
        "utbildning för skola och fritid, och en väg för oro kring unga.",
        "legal_basis": "",
        "parties": [
            ("kommunstaben", "Kommunens samordnare mot våldsbejakande extremism"),
            ("lpo-lulea-boden", "Kommunpolis och underrättelse"),
            ("barn-och-utbildning", "Skolans kontaktpersoner"),
            ("kultur-och-fritid", "Fritidsgårdarna"),
        ],
        "target_group": "barn_unga",
        "level": "selektiv",
        "focus_areas": ["trygghet", "ungdom"],
        "leadership": "Kommunstaben leder en samverkansgrupp med polisen.",
        "meeting_frequency": "En gång per kvartal",
        "contact_roles": "Samordnare mot våldsbejakande extremism, kommunstaben\nKommunpolis",
        "start": dt.date(2017, 3, 1),
        "follow_up_method": "Lägesbild en gång per år till styrgruppen.",
        "follow_up_by": "Kommunstaben",
    },
    {
        "name": "Samverkan inom ramen för LUL",
        "purpose": "Snabba och samordnade åtgärder när unga under 18 år misstänks för brott: "
        "socialtjänsten vid förhör, ungdomstjänst och medling.",
        "legal_basis": "Lagen (1964:167) med särskilda bestämmelser om unga lagöverträdare.",
        "parties": [
            ("lpo-lulea-boden", "Utredning och förhör"),
            ("socialforvaltningen", "Närvarar vid förhör, yttranden, ungdomstjänst"),
        ],
        "target_group": "barn_unga",
        "level": "indikerad",
        "focus_areas": ["ungdom"],
        "leadership": "Rutin mellan polisens utredningsenhet och socialtjänstens ungdomsgrupp.",
        "meeting_frequency": "Löpande per ärende, uppföljning en gång per termin",
        "contact_roles": "Gruppchef utredning, lokalpolisområdet\nSocialsekreterare, "
        "ungdomsgruppen",
        "start": dt.date(2010, 1, 1),
        "follow_up_method": "Handläggningstider och andel ärenden med socialtjänst vid förhör.",
        "follow_up_by": "Socialförvaltningen och lokalpolisområdet",
    },
    {
        "name": "Nattvandring i centrum",
        "purpose": "Vuxna som rör sig i centrum fredag och lördag kväll: trygghet för alla "
        "som är ute, kontakt med unga.",
        "parties": [
            ("nattvandrarna", "Nattvandrar"),
            ("lpo-lulea-boden", "Kontakt med nattvandrarna under kvällen"),
        ],
        "target_group": "alla",
        "level": "universell",
        "focus_areas": ["trygghet"],
        "leadership": "Föreningen leder; kommunstaben stödjer.",
        "meeting_frequency": "Avstämning en gång per månad",
        "contact_roles": "Ordförande, Nattvandrarna\nKommunpolis",
        "start": dt.date(2019, 5, 1),
        "follow_up_method": "Antal kvällar och vad nattvandrarna rapporterar till EST.",
        "follow_up_by": "EST-gruppen",
    },
    {
        "name": "Ansvarsfull alkoholservering (krogsamverkan)",
        "purpose": "Utbildning och tillsyn så att krogarna inte serverar berusade eller "
        "minderåriga.",
        "legal_basis": "Alkohollagen (2010:1622), kommunens tillsyn.",
        "parties": [
            ("miljoforvaltningen", "Tillstånd och tillsyn"),
            ("lpo-lulea-boden", "Gemensam tillsyn"),
            ("centrumforeningen", "Krögarna"),
        ],
        "target_group": "naringsidkare",
        "level": "universell",
        "focus_areas": ["andt"],
        "leadership": "Alkoholhandläggarna leder.",
        "meeting_frequency": "Två gånger per år",
        "contact_roles": "Alkoholhandläggare\nKommunpolis",
        "start": dt.date(2016, 1, 1),
        "follow_up_method": "Antal gemensamma tillsynsbesök och utbildade serveringsansvariga.",
        "follow_up_by": "Miljöförvaltningen",
    },
]


def load_collaborations() -> None:
    agreement = Agreement.objects.filter(slug=AGREEMENT).first()
    coordinator = User.objects.filter(username="samordnare").first()
    if agreement is None or coordinator is None:
        return
    organisations = {o.slug: o for o in Organisation.objects.all()}
    existing = set(Collaboration.objects.filter(agreement=agreement).values_list("name", flat=True))
    for spec in COLLABORATIONS:
        if spec["name"] in existing:
            continue
        fields = dict(spec)
        fields["parties"] = [
            (organisations[slug], role) for slug, role in spec["parties"] if slug in organisations
        ]
        services.collaboration_create(
            by=coordinator, agreement=agreement, is_example=True, **fields
        )
    if not InventoryReview.objects.filter(agreement=agreement, reviewed_on=REVIEWED_ON).exists():
        services.review_inventory(
            by=coordinator,
            agreement=agreement,
            reviewed_on=REVIEWED_ON,
            note="Första inventeringen: de fyra exemplen i verksamhetsplanen, att komplettera.",
        )
