"""One reading of the lägesbild parameters, for the page, the API and the command line.

``agreement`` (id or slug), ``from``/``to`` (YYYY-MM-DD, inclusive), ``district`` (ids, slugs
or names of the agreement's districts; repeatable), ``category`` (slugs; repeatable). The
Swedish page names ``overenskommelse``, ``fran``, ``till``, ``omrade``, ``kategori`` are
aliases. A value that cannot be read is a ValidationError with a Swedish message per field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from samverkan.core.limits import is_db_int
from samverkan.incidents.models import Category
from samverkan.lagesbild.selectors import agreement_districts
from samverkan.places.models import District
from samverkan.plans.models import Agreement

MAX_YEARS = 30
ALIASES = {
    "overenskommelse": "agreement",
    "fran": "from",
    "till": "to",
    "omrade": "district",
    "kategori": "category",
}


@dataclass
class Request:
    agreement: Agreement
    date_from: dt.date
    date_to: dt.date
    districts: list[District] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    def kwargs(self) -> dict[str, Any]:
        return {
            "agreement": self.agreement,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "districts": self.districts,
            "categories": self.categories,
        }

    def query(self) -> dict[str, Any]:
        return {
            "overenskommelse": self.agreement.pk,
            "fran": self.date_from.isoformat(),
            "till": self.date_to.isoformat(),
            "omrade": [d.pk for d in self.districts],
            "kategori": self.categories,
        }


def _values(data, key: str) -> list[str]:
    out: list[str] = []
    names = [key] + [alias for alias, target in ALIASES.items() if target == key]
    for name in names:
        if hasattr(data, "getlist"):
            raw = data.getlist(name)
        else:
            raw = data.get(name)
            raw = [] if raw is None else (raw if isinstance(raw, list | tuple) else [raw])
        for value in raw:
            out += [part.strip() for part in str(value).split(",") if part.strip()]
    return out


def _date(value: list[str], key: str, label: str, errors: dict) -> dt.date | None:
    if not value:
        errors[key] = [_("Ange %(label)s (ÅÅÅÅ-MM-DD).") % {"label": label}]
        return None
    try:
        return dt.date.fromisoformat(value[0])
    except ValueError:
        errors[key] = [
            _("%(label)s: %(value)s är inget datum; skriv ÅÅÅÅ-MM-DD.")
            % {"label": label.capitalize(), "value": value[0]}
        ]
        return None


def find_agreement(value: str, agreements: QuerySet[Agreement]) -> Agreement | None:
    if is_db_int(value):
        return agreements.filter(pk=int(value)).first()
    return agreements.filter(slug=value).first()


def parse(data, agreements: QuerySet[Agreement]) -> Request:
    """Read the parameters; ``agreement`` is one of ``agreements``, those the user sees
    (`agreement_list_for_user`; every agreement on the command line without --user)."""
    errors: dict[str, list[str]] = {}
    agreement = None
    wanted = _values(data, "agreement")
    if not wanted:
        errors["agreement"] = [_("Välj en överenskommelse.")]
    else:
        agreement = find_agreement(wanted[0], agreements)
        if agreement is None:
            errors["agreement"] = [
                _("Överenskommelsen %(value)s finns inte eller är inte synlig för dig.")
                % {"value": wanted[0]}
            ]
    date_from = _date(_values(data, "from"), "from", _("startdatum"), errors)
    date_to = _date(_values(data, "to"), "to", _("slutdatum"), errors)
    if date_from and date_to:
        if date_to < date_from:
            errors["to"] = [
                _("Slutdatum %(to)s ligger före startdatum %(from)s.")
                % {"to": date_to.isoformat(), "from": date_from.isoformat()}
            ]
        elif (date_to - date_from).days > MAX_YEARS * 366:
            errors["to"] = [_("Perioden får vara högst %(n)d år.") % {"n": MAX_YEARS}]
    districts: list[District] = []
    if agreement is not None:
        available = list(agreement_districts(agreement))
        for value in _values(data, "district"):
            match = [
                d
                for d in available
                if str(d.pk) == value or d.slug == value or d.name.lower() == value.lower()
            ]
            if not match:
                errors.setdefault("district", []).append(
                    _("Området %(value)s finns inte i överenskommelsens kommuner.")
                    % {"value": value}
                )
            elif match[0] not in districts:
                districts.append(match[0])
    categories: list[str] = []
    slugs = set(Category.objects.values_list("slug", flat=True))
    ids = dict(Category.objects.values_list("pk", "slug"))
    for value in _values(data, "category"):
        slug = ids.get(int(value)) if is_db_int(value) else value
        if slug not in slugs:
            errors.setdefault("category", []).append(
                _("Kategorin %(value)s finns inte.") % {"value": value}
            )
        elif slug not in categories:
            categories.append(slug)
    if errors:
        raise ValidationError(errors)
    return Request(agreement, date_from, date_to, districts, categories)


def quick_periods(today: dt.date) -> list[dict[str, Any]]:
    """The page's quick choices: this year so far, the last 12 months, this tertial so far
    (each is compared with the same dates a year earlier)."""
    tertial_start = dt.date(today.year, 1 + 4 * ((today.month - 1) // 4), 1)
    return [
        {"key": "ar", "label": _("I år"), "from": dt.date(today.year, 1, 1), "to": today},
        {
            "key": "12m",
            "label": _("Senaste 12 månaderna"),
            "from": today - dt.timedelta(days=364),
            "to": today,
        },
        {
            "key": "tertial",
            "label": _("Denna tertial mot samma tertial i fjol"),
            "from": tertial_start,
            "to": today,
        },
        {
            "key": "fjol",
            "label": _("Förra året"),
            "from": dt.date(today.year - 1, 1, 1),
            "to": dt.date(today.year - 1, 12, 31),
        },
    ]
