"""The sources the importers know, with their licence and citation text.

`ensure_source(slug)` returns the Source, creating it with these defaults the first time;
an administrator may edit it afterwards (the defaults are not applied again).
"""

from django.utils.translation import gettext_lazy as _

from samverkan.indicators.models import Source

KOLADA = "kolada"
SCB = "scb"
BRA = "bra"
SURVEY = "trygghetsmatning"
GENERIC = "fil"

SOURCE_DEFAULTS: dict[str, dict] = {
    KOLADA: {
        "name": "Kolada",
        "publisher": "RKA (Rådet för främjande av kommunala analyser)",
        "url": "https://www.kolada.se",
        "licence": _("Fri att använda utan avtal"),
        "citation": _("Källa: Kolada"),
        "kind": Source.Kind.API,
    },
    SCB: {
        "name": "SCB Statistikdatabasen",
        "publisher": "Statistiska centralbyrån",
        "url": "https://www.statistikdatabasen.scb.se",
        "licence": "CC0",
        "citation": _("Källa: SCB"),
        "kind": Source.Kind.API,
    },
    BRA: {
        "name": "Brå, anmälda brott i kommunerna",
        "publisher": "Brottsförebyggande rådet",
        "url": "https://bra.se/statistik",
        "licence": _("Fri att återanvända utan villkor"),
        "citation": _("Källa: Brå, kriminalstatistik"),
        "kind": Source.Kind.FILE,
    },
    SURVEY: {
        "name": "Trygghetsmätning",
        "publisher": "Luleå kommun och Polisen",
        "url": "https://www.lulea.se/kommun--politik/fakta-och-statistik/enkater-och-undersokningar/trygghetsmatningar.html",
        "licence": "",
        "citation": _("Källa: Polisens och kommunens trygghetsmätning"),
        "kind": Source.Kind.FILE,
    },
    GENERIC: {
        "name": "Fil (egen tabell)",
        "publisher": "",
        "url": "",
        "licence": "",
        "citation": "",
        "kind": Source.Kind.FILE,
    },
}


def ensure_source(slug: str) -> Source:
    defaults = {k: str(v) if k != "kind" else v for k, v in SOURCE_DEFAULTS.get(slug, {}).items()}
    defaults.setdefault("name", slug)
    source, _created = Source.objects.get_or_create(slug=slug, defaults=defaults)
    return source
