"""Open311 GeoReport v2's formats: the service and request records, the optional attributes
of a service definition, the spec's error list, and their JSON and XML renderings (the
format is the URL's suffix). See docs/open311.md."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from samverkan.incidents.models import Category, Incident

CLOSED = {Incident.Status.DONE, Incident.Status.ARCHIVED}

# The optional attributes of every service (GeoReport v2 service definition): our own
# assessment fields. Keys are what attribute[code] carries.
ATTRIBUTES = [
    {
        "code": "severity",
        "description": gettext_noop("Allvarlighet"),
        "values": [
            ("1", gettext_noop("1 – låg")),
            ("2", gettext_noop("2 – medel")),
            ("3", gettext_noop("3 – hög")),
        ],
    },
    {
        "code": "creates_insecurity",
        "description": gettext_noop("Skapar det otrygghet?"),
        "values": [("ja", gettext_noop("Ja")), ("nej", gettext_noop("Nej"))],
    },
    {
        "code": "place_type",
        "description": gettext_noop("Typ av plats"),
        "values": [
            ("offentlig", gettext_noop("Offentlig plats")),
            ("halvoffentlig", gettext_noop("Halvoffentlig plats")),
        ],
    },
]


class Open311Error(Exception):
    def __init__(self, code: int, descriptions: list[str], *, retry_after: int | None = None):
        super().__init__(descriptions)
        self.code = code
        self.descriptions = descriptions
        self.retry_after = retry_after


# --- Rendering -------------------------------------------------------------------------------

# A list under one of these keys is written in XML as <key><item>…</item>…</key>.
XML_ITEMS = {"attributes": "attribute", "values": "value"}


# Characters XML 1.0 cannot carry at all (control characters from an old import, say).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _xml_fill(parent: ET.Element, data: dict) -> None:
    for key, value in data.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, list):
            for item in value:
                _xml_fill(ET.SubElement(child, XML_ITEMS.get(key, "item")), item)
        elif isinstance(value, dict):
            _xml_fill(child, value)
        else:
            child.text = _text(value)


def _xml(root: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def render_list(fmt: str, root: str, item: str, rows: list[dict], status: int = 200):
    if fmt == "json":
        return HttpResponse(
            json.dumps(rows, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
            status=status,
        )
    element = ET.Element(root)
    for row in rows:
        _xml_fill(ET.SubElement(element, item), row)
    return HttpResponse(_xml(element), content_type="text/xml; charset=utf-8", status=status)


def render_object(fmt: str, root: str, data: dict) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(
            json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
    element = ET.Element(root)
    _xml_fill(element, data)
    return HttpResponse(_xml(element), content_type="text/xml; charset=utf-8")


def render_errors(fmt: str, error: Open311Error) -> HttpResponse:
    rows = [{"code": error.code, "description": text} for text in error.descriptions]
    response = render_list(fmt, "errors", "error", rows, status=error.code)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


# --- Records ---------------------------------------------------------------------------------


def service_out(category: Category) -> dict:
    keywords = [category.slug] + ([category.parent.slug] if category.parent_id else [])
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": (
            _("EST-kategori %(name)s (under %(parent)s).")
            % {"name": category.name, "parent": category.parent.name}
            if category.parent_id
            else _("EST-kategori %(name)s.") % {"name": category.name}
        ),
        "metadata": False,  # the attributes are all optional
        "type": "realtime",
        "keywords": ",".join(keywords),
        "group": category.parent.name if category.parent_id else "",
    }


def _w3c(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.get_current_timezone()).isoformat(timespec="seconds")


def request_out(incident: Incident, *, notice: str = "") -> dict:
    return {
        "service_request_id": str(incident.pk),
        "status": "closed" if incident.status in CLOSED else "open",
        "status_notes": str(Incident.Status(incident.status).label),
        "service_name": incident.category.name,
        "service_code": incident.category.slug,
        "description": incident.description,
        "agency_responsible": incident.organisation.name,
        "service_notice": notice,
        "requested_datetime": _w3c(incident.occurred_from),
        "updated_datetime": _w3c(incident.updated_at),
        "expected_datetime": None,
        "address": incident.place.name if incident.place_id else "",
        "address_id": str(incident.place_id) if incident.place_id else None,
        "zipcode": None,
        "lat": incident.lat,
        "long": incident.lon,
        "media_url": None,
    }
