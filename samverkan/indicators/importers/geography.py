"""Geography codes of observations: the country, the 21 counties and 290 municipalities
(SCB's register codes, shipped in `indicators/data/regions.csv`), police areas, and the
districts (områden) held in `places`.

`resolve_geo` turns what a file or API says into (level, code, district) or raises
ValueError with a Swedish message, e.g. for an unknown municipality code.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from django.utils.translation import gettext as _

from samverkan.indicators.models import Observation
from samverkan.places.models import District, Municipality

Level = Observation.GeoLevel

# Kolada's code for the whole country, and other spellings of it.
COUNTRY_ALIASES = {"SE", "0000", "00", "riket", "Riket", "RIKET", "Sverige", "Hela riket"}


@cache
def regions() -> dict[str, tuple[str, str]]:
    """code → (name, level) for the country, counties and municipalities."""
    text = resources.files("samverkan.indicators.data").joinpath("regions.csv").read_text("utf-8")
    return {
        row["kod"]: (row["namn"], row["niva"])
        for row in csv.DictReader(text.splitlines(), delimiter=";")
    }


def region_name(code: str) -> str:
    return regions().get(code, (code, ""))[0]


def municipality_codes() -> set[str]:
    known = {code for code, (_name, level) in regions().items() if level == Level.MUNICIPALITY}
    return known | set(Municipality.objects.values_list("code", flat=True))


@dataclass(frozen=True)
class Geo:
    level: str
    code: str
    district: District | None = None


class GeoResolver:
    """Resolves geography per import, with the municipality and district look-ups cached."""

    def __init__(self) -> None:
        self._municipalities = municipality_codes()
        self._names = {
            name.lower(): code
            for code, (name, level) in regions().items()
            if level == Level.MUNICIPALITY
        }
        self._districts: dict[str, dict[str, District]] = {}

    def municipality_code(self, raw) -> str:
        text = str(raw or "").strip()
        if re.fullmatch(r"\d{3}", text):  # Excel dropped the leading zero: 114 → 0114
            text = "0" + text
        if text in self._municipalities:
            return text
        by_name = self._names.get(text.lower().removesuffix(" kommun").strip())
        if by_name:
            return by_name
        raise ValueError(_("Okänd kommunkod ”%(code)s”.") % {"code": raw})

    def _district_index(self, municipality_code: str) -> dict[str, District]:
        if municipality_code not in self._districts:
            index: dict[str, District] = {}
            for d in District.objects.filter(municipality__code=municipality_code):
                for key in (d.slug, d.name, d.code):
                    if key:
                        index[key.strip().lower()] = d
            self._districts[municipality_code] = index
        return self._districts[municipality_code]

    def district(self, municipality_code: str, raw) -> District:
        text = str(raw or "").strip()
        found = self._district_index(municipality_code).get(text.lower())
        if found is None:
            raise ValueError(
                _("Okänt område ”%(area)s” i kommun %(code)s.")
                % {"area": text, "code": municipality_code}
            )
        return found

    def resolve(self, level, code, *, municipality=None) -> Geo:
        """(level, code) as a file or API gives them → Geo.

        level: land/lan/kommun/lpo/omrade (empty: guessed from the code). For a district
        the code is its name, slug or code, with the municipality given separately or as
        "2580:centrum".
        """
        level = str(level or "").strip().lower()
        text = str(code if code is not None else "").strip()
        if not level:
            if text in COUNTRY_ALIASES:
                level = Level.COUNTRY
            elif re.fullmatch(r"\d{2}", text):
                level = Level.COUNTY
            else:
                level = Level.MUNICIPALITY
        if level == Level.COUNTRY:
            if text and text not in COUNTRY_ALIASES:
                raise ValueError(_("Okänd kod för riket ”%(code)s” (använd SE).") % {"code": text})
            return Geo(Level.COUNTRY, "SE")
        if level == Level.COUNTY:
            if regions().get(text, ("", ""))[1] != Level.COUNTY:
                raise ValueError(_("Okänd länskod ”%(code)s”.") % {"code": text})
            return Geo(Level.COUNTY, text)
        if level == Level.MUNICIPALITY:
            return Geo(Level.MUNICIPALITY, self.municipality_code(text))
        if level == Level.POLICE_AREA:
            if not text:
                raise ValueError(_("Lokalpolisområdet saknar namn."))
            return Geo(Level.POLICE_AREA, text)
        if level == Level.DISTRICT:
            mun = municipality
            if ":" in text and mun in (None, ""):
                mun, text = text.split(":", 1)
            if mun in (None, ""):
                raise ValueError(_("Området ”%(area)s” saknar kommunkod.") % {"area": text})
            mun_code = self.municipality_code(mun)
            district = self.district(mun_code, text)
            return Geo(Level.DISTRICT, f"{mun_code}:{district.slug}", district)
        raise ValueError(
            _("Okänd geografisk nivå ”%(level)s” (land, lan, kommun, lpo eller omrade).")
            % {"level": level}
        )
